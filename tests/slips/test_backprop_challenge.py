"""The checks of backprop_challenge, fed the mistakes a learner typically makes.

check_cos (the cosine layer), check_fit_w_b (least squares for w and b at one p) and
check_start (a start for gradient descent): each slip gets words that name it, none makes
the check raise, and the reference solution passes.
"""

from __future__ import annotations

import numpy as np
import pytest
from slip_helpers import chapter_until, said

CHAPTER = "backprop_challenge"


@pytest.fixture(scope="module")
def page():
    """The chapter run up to the last exercise: its checks, make_net and the wide data."""
    return chapter_until(CHAPTER, "fit_unwritten = check_fit_w_b")


# ---- check_cos ----------------------------------------------------------------------------
def cos_layer(forward, backward, with_param=False):
    """A Cos class written as a learner would, from its forward and backward."""

    class Cos:
        def __init__(self):
            if with_param:
                self.param, self.grad = 0.0, 0.0

        def step(self, lr):
            pass

    Cos.forward, Cos.backward = forward, backward
    return Cos


def keeps_x(self, x):
    self.x = x
    return np.cos(x)


def keeps_out(self, x):
    self.out = np.cos(x)
    return self.out


def keeps_nothing(self, x):
    return np.cos(x)


def right_backward(self, grad_out):
    return -grad_out * np.sin(self.x)


def unwritten(self, *args):
    raise NotImplementedError("keep what backward needs, return cos(x)")


COS_SLIPS = {
    "sin of the output": (
        keeps_out,
        lambda self, g: -g * np.sin(self.out),
        "sine of the output",
    ),
    "sign": (keeps_x, lambda self, g: g * np.sin(self.x), "the sign is wrong"),
    "-sin alone": (keeps_x, lambda self, g: -np.sin(self.x), "multiply it by grad_out"),
    "grad_out unchanged": (keeps_x, lambda self, g: g, "grad_out unchanged"),
    "sqrt(1 - cos^2)": (
        keeps_out,
        lambda self, g: -g * np.sqrt(1 - self.out**2),
        "sqrt(1 - cos^2 x), which is never negative",
    ),
    "forward uses sin": (
        lambda self, x: np.sin(x),
        right_backward,
        "forward uses sin",
    ),
    "x not kept": (keeps_nothing, right_backward, "forward must keep what backward uses"),
    "no return": (keeps_x, lambda self, g: None, "a return statement is missing"),
    "stub": (unwritten, right_backward, "not written yet"),
}


def test_cos_reference_passes(page):
    assert said(page["check_cos"], cos_layer(keeps_x, right_backward)) == "Cos: correct\n"


@pytest.mark.parametrize("slip", COS_SLIPS)
def test_cos_slip_is_named(page, slip):
    forward, backward, words = COS_SLIPS[slip]
    assert words in said(page["check_cos"], cos_layer(forward, backward))


def test_cos_with_a_parameter_is_named(page):
    layer = cos_layer(keeps_x, right_backward, with_param=True)
    assert "Cos has no parameter" in said(page["check_cos"], layer)


# ---- check_fit_w_b ------------------------------------------------------------------------
def design(p, x):
    return np.column_stack([np.cos(p * x), np.ones_like(x)])


def fit_reference(p, x, y):
    solution = np.linalg.lstsq(design(p, x), np.log(y), rcond=None)[0]
    return solution[0], solution[1]


def fit_polyfit(p, x, y):  # the other tool: an array [w, b] unpacks as well
    return np.polyfit(np.cos(p * x), np.log(y), 1)


def fit_without_ones(p, x, y):  # raises inside the learner's own code
    w, b = np.linalg.lstsq(np.cos(p * x)[:, None], np.log(y), rcond=None)[0]
    return w, b


def fit_unwritten(p, x, y):
    raise NotImplementedError("fit the line log y = w cos(p x) + b")


FIT_SLIPS = {
    "fits y": (lambda p, x, y: np.polyfit(np.cos(p * x), y, 1), "fits y itself"),
    "(b, w)": (lambda p, x, y: fit_reference(p, x, y)[::-1], "returns (b, w)"),
    "cos(x)": (lambda p, x, y: np.polyfit(np.cos(x), np.log(y), 1), "uses cos(x)"),
    "sin(p x)": (lambda p, x, y: np.polyfit(np.sin(p * x), np.log(y), 1), "uses sin(p x)"),
    "log10": (lambda p, x, y: np.polyfit(np.cos(p * x), np.log10(y), 1), "np.log10"),
    "shape (2, 1)": (
        lambda p, x, y: np.linalg.lstsq(design(p, x), np.log(y)[:, None], rcond=None)[0],
        "shape (2, 1)",
    ),
    "w, b of shape (1,)": (
        lambda p, x, y: tuple(np.linalg.lstsq(design(p, x), np.log(y)[:, None], rcond=None)[0]),
        "w is an array of shape (1,), not one number",
    ),
    "no column of ones, b = 0": (
        lambda p, x, y: (
            np.linalg.lstsq(design(p, x)[:, :1], np.log(y), rcond=None)[0][0],
            0.0,
        ),
        "needs a column of ones",
    ),
    "no column of ones, one value": (
        lambda p, x, y: np.linalg.lstsq(design(p, x)[:, :1], np.log(y), rcond=None)[0],
        "add a column of ones",
    ),
    "no column of ones, unpacked": (fit_without_ones, "add a column of ones"),
    "polyfit arguments swapped": (
        lambda p, x, y: np.polyfit(np.log(y), np.cos(p * x), 1),
        "takes the feature first",
    ),
    "whole lstsq result": (
        lambda p, x, y: np.linalg.lstsq(design(p, x), np.log(y), rcond=None),
        "whole result of np.linalg.lstsq",
    ),
    "None": (lambda p, x, y: None, "returns None"),
    "degree 2": (lambda p, x, y: np.polyfit(np.cos(p * x), np.log(y), 2), "returns 3 values"),
    "stub": (fit_unwritten, "not written yet"),
}


@pytest.mark.parametrize("fit", [fit_reference, fit_polyfit])
def test_fit_reference_passes(page, fit):
    assert said(page["check_fit_w_b"], fit) == "fit_w_b: correct\n"


@pytest.mark.parametrize("slip", FIT_SLIPS)
def test_fit_slip_is_named(page, slip):
    fit, words = FIT_SLIPS[slip]
    assert words in said(page["check_fit_w_b"], fit)


def test_fit_on_the_notebook_data_is_named(page):
    """The body copied from a cell above, still on x_wide and y_wide."""

    def fit(p, x, y):
        return fit_reference(p, page["x_wide"], page["y_wide"])

    assert "must use its arguments x and y" in said(page["check_fit_w_b"], fit)


def test_fit_mixing_arguments_and_globals_is_named(page):
    def fit(p, x, y):
        return fit_reference(p, page["x_wide"], y)

    assert "x_wide or y_wide" in said(page["check_fit_w_b"], fit)


# ---- check_start --------------------------------------------------------------------------
START_SLIPS = {
    "the start that stalls": ((1.2, 1.2, 1.0), "w near 0: the cosine is switched off"),
    "a start with p = 0": ((0.0, 1.2, 1.0), "p = 0: the cosine is the constant 1"),
    "a start with large w and b": ((0.4, 5.0, 3.0), "runs away"),
    "a start with large b": ((0.4, 1.2, 5.0), "outside the landscape drawn"),
    "p and w only": ((0.4, 1.2), "three numbers (p, w, b)"),
    "None": (None, "three numbers (p, w, b)"),
    "a basin beside the valley": ((0.9, 1.2, 1.0), "Not the truth"),
}


@pytest.mark.parametrize("start", [(0.4, 1.2, 1.0), (-0.4, 1.2, 1.0), [0.3, 0.5, 2.0]])
def test_start_reference_passes(page, start):
    out = said(page["check_start"], page["make_net"], start, page["x_wide"], page["y_wide"])
    assert "This start works." in out


@pytest.mark.parametrize("slip", START_SLIPS)
def test_start_slip_is_named(page, slip):
    start, words = START_SLIPS[slip]
    out = said(page["check_start"], page["make_net"], start, page["x_wide"], page["y_wide"])
    assert words in out
    assert "works" not in out
