"""Slips of why_autodiff's exercise: f'(1.5) for f(x) = x**3 - 2x, checked by
`check_derivative`."""

from __future__ import annotations

import pytest
import torch
from slip_helpers import assert_named, chapter_until, said


@pytest.fixture(scope="module")
def check():
    return chapter_until("why_autodiff", "answer = None  # your code here")["check_derivative"]


def reference():
    x = torch.tensor(1.5, requires_grad=True)
    (x**3 - 2 * x).backward()
    return x.grad


def value_not_derivative():
    x = torch.tensor(1.5, requires_grad=True)
    f = x**3 - 2 * x
    f.backward()
    return f  # the value f(1.5), not x.grad


def forgot_the_linear_term():
    x = torch.tensor(1.5, requires_grad=True)
    (x**3).backward()
    return x.grad


def wrong_sign_of_linear_term():
    return 3 * 1.5**2 + 2  # by hand: d(-2x)/dx taken as +2


def whole_sign_flipped():
    x = torch.tensor(1.5, requires_grad=True)
    (2 * x - x**3).backward()
    return x.grad


def backward_twice():  # the backward cell run twice on the same x
    x = torch.tensor(1.5, requires_grad=True)
    (x**3 - 2 * x).backward()
    (x**3 - 2 * x).backward()
    return x.grad


def x_not_its_grad():
    x = torch.tensor(1.5, requires_grad=True)
    (x**3 - 2 * x).backward()
    return x


def forgot_backward():
    x = torch.tensor(1.5, requires_grad=True)
    x**3 - 2 * x
    return x.grad  # None: no backward pass has run


def several_points():
    x = torch.tensor([1.5, 2.0], requires_grad=True)
    (x**3 - 2 * x).sum().backward()
    return x.grad


SLIPS = {
    "value instead of derivative": (value_not_derivative, ["f(1.5)", "value of f"]),
    "forgot the -2x term": (forgot_the_linear_term, ["-2x contributes -2"]),
    "wrong sign of the -2x term": (wrong_sign_of_linear_term, ["-2x", "-2, not +2"]),
    "whole sign flipped": (whole_sign_flipped, ["sign is wrong"]),
    "backward twice": (backward_twice, ["twice", "adds up"]),
    "x instead of x.grad": (x_not_its_grad, ["x itself", "x.grad"]),
    "forgot backward": (forgot_backward, ["before any backward call", "call backward"]),
    "a tensor of several points": (several_points, ["single number", "(2,)"]),
}


def test_reference_passes(check):
    assert said(check, reference()).startswith("Correct: f'(1.5) = 4.75.")


def test_placeholder_asks_for_an_answer(check):
    assert "Not answered yet" in said(check, None)


@pytest.mark.parametrize("slip", SLIPS, ids=list(SLIPS))
def test_slip_is_named(check, slip):
    make, words = SLIPS[slip]
    assert_named(said(check, make()), words, success="Correct")
