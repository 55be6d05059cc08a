"""The slips of autograd_mechanics' exercise, freeze(module): each is named by check_freeze."""

from __future__ import annotations

import copy

import pytest
import torch
from slip_helpers import chapter_until, said


@pytest.fixture(scope="module")
def page():
    return chapter_until("autograd_mechanics", "pass  # your code")


def reference(module):
    for parameter in module.parameters():
        parameter.requires_grad_(False)


def no_op(module):
    pass


def module_attribute(module):
    module.requires_grad = False  # a new attribute, which PyTorch never reads


def weight_only(module):
    module.weight.requires_grad_(False)


def eval_mode(module):
    module.eval()


def generator_at_once(module):
    module.parameters().requires_grad_(False)


def detach_each(module):
    for parameter in module.parameters():
        parameter.detach()


def frozen_copy(module):
    frozen = copy.deepcopy(module)
    for parameter in frozen.parameters():
        parameter.requires_grad_(False)
    return frozen


def autograd_off(module):
    torch.set_grad_enabled(False)


def module_method(module):
    module.requires_grad_(False)  # nn.Module's own method: right too


@pytest.mark.parametrize("freeze", [reference, module_method])
def test_the_reference_passes(page, freeze):
    assert said(page["check_freeze"], freeze).startswith("Correct")


SLIPS = [
    (None, "No answer yet"),
    (no_op, "changed nothing"),
    (module_attribute, "only adds an attribute to the module"),
    (weight_only, "0.bias still gets a gradient"),
    (eval_mode, "eval() changes what some layers compute"),
    (generator_at_once, "loop over it"),
    (detach_each, "p.detach()"),
    (frozen_copy, "returned another module"),
    (autograd_off, "switched autograd off for everything"),
]


@pytest.mark.parametrize(
    ("freeze", "words"), SLIPS, ids=[getattr(s[0], "__name__", str(s[0])) for s in SLIPS]
)
def test_each_slip_is_named(page, freeze, words):
    try:
        assert words in said(page["check_freeze"], freeze)
    finally:
        torch.set_grad_enabled(True)
    assert torch.is_grad_enabled()  # the check switched autograd back on
