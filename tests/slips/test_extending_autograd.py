"""The slips of "Extending autograd": the backward of Multiply (out = w * x, w one number)
written wrong the way a learner writes it, and what check_multiply says of each."""

from __future__ import annotations

from functools import cache

import pytest
import torch
from slip_helpers import assert_named, chapter_until, said


@cache
def _check():
    namespace = chapter_until("extending_autograd", "return (gradient for x, gradient for w)")
    return namespace["check_multiply"]


class _Multiply(torch.autograd.Function):
    """The exercise's Function, as given: forward and setup_context."""

    @staticmethod
    def forward(x, w):
        return w * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, w = inputs
        ctx.save_for_backward(x, w)


def multiply_with(backward):
    """The exercise's Function with the learner's backward."""
    return type("Multiply", (_Multiply,), {"backward": staticmethod(backward)})


def reference(ctx, grad_out):
    x, w = ctx.saved_tensors
    grad_x = grad_w = None
    if ctx.needs_input_grad[0]:
        grad_x = grad_out * w
    if ctx.needs_input_grad[1]:
        grad_w = (grad_out * x).sum()
    return grad_x, grad_w


def swapped(ctx, grad_out):
    x, w = ctx.saved_tensors
    return (grad_out * x).sum(), grad_out * w


def no_none(ctx, grad_out):  # needs_input_grad never asked
    x, w = ctx.saved_tensors
    return grad_out * w, (grad_out * x).sum()


def only_what_is_needed(ctx, grad_out):  # one value where forward had two inputs
    x, w = ctx.saved_tensors
    if not ctx.needs_input_grad[0]:
        return (grad_out * x).sum()
    if not ctx.needs_input_grad[1]:
        return grad_out * w
    return grad_out * w, (grad_out * x).sum()


def none_left_undefined(ctx, grad_out):
    x, w = ctx.saved_tensors
    if ctx.needs_input_grad[0]:
        grad_x = grad_out * w
    if ctx.needs_input_grad[1]:
        grad_w = (grad_out * x).sum()
    return grad_x, grad_w


def saved_tensors_not_unpacked(ctx, grad_out):
    saved = ctx.saved_tensors
    return grad_out * saved, (grad_out * saved).sum()


def grad_out_in_place(ctx, grad_out):
    x, w = ctx.saved_tensors
    grad_w = (grad_out * x).sum()
    return grad_out.mul_(w), grad_w


def grad_out_times_equals(ctx, grad_out):
    x, w = ctx.saved_tensors
    grad_w = (grad_out * x).sum()
    grad_out *= w
    return grad_out, grad_w


def sum_forgotten(ctx, grad_out):  # w is one number, used by every entry of x
    x, w = ctx.saved_tensors
    return grad_out * w, grad_out * x


def averaged(ctx, grad_out):
    x, w = ctx.saved_tensors
    return grad_out * w, (grad_out * x).mean()


def grad_out_forgotten(ctx, grad_out):
    x, w = ctx.saved_tensors
    return w.expand_as(x), x.sum()


def wrong_sign(ctx, grad_out):
    x, w = ctx.saved_tensors
    return -grad_out * w, -(grad_out * x).sum()


def unpacked_in_the_wrong_order(ctx, grad_out):
    w, x = ctx.saved_tensors
    return grad_out * w, (grad_out * x).sum()


def with_numpy(ctx, grad_out):
    x, w = ctx.saved_tensors
    return grad_out.numpy() * w.numpy(), (grad_out.numpy() * x.numpy()).sum()


def three_values(ctx, grad_out):
    x, w = ctx.saved_tensors
    return grad_out * w, (grad_out * x).sum(), None


SLIPS = {
    "gradients swapped": (swapped, ["swapped"]),
    "a missing None": (no_none, ["needs no gradient", "return None for x"]),
    "one value for one input": (only_what_is_needed, ["returned 1 value", "None"]),
    "None never set": (none_left_undefined, ["grad_x = grad_w = None"]),
    "saved_tensors not unpacked": (saved_tensors_not_unpacked, ["a tuple", "unpack"]),
    "grad_out.mul_": (grad_out_in_place, ["grad_out in place"]),
    "grad_out *=": (grad_out_times_equals, ["grad_out in place"]),
    "sum over w forgotten": (sum_forgotten, ["shape of x", "sum"]),
    "a mean over w": (averaged, ["mean", "so sum"]),
    "grad_out forgotten": (grad_out_forgotten, ["grad_out is missing"]),
    "wrong sign": (wrong_sign, ["sign"]),
    "unpacked as w, x": (unpacked_in_the_wrong_order, ["the other input", "x, w ="]),
    "NumPy arrays": (with_numpy, ["not a tensor"]),
    "three values": (three_values, ["returned 3 value", "one per input"]),
}


def test_reference_passes():
    message = said(_check(), multiply_with(reference))
    assert message.strip().startswith("Multiply: correct"), message


@pytest.mark.parametrize("slip", SLIPS, ids=str)
def test_slip_is_named(slip):
    backward, words = SLIPS[slip]
    assert_named(said(_check(), multiply_with(backward)), words, success="correct")
