"""Slips of autograd_basics' exercises: the partials of f = x^2 y + 4y at (3, 2)
(`check_partials`), and who gets a gradient in h = x w + b (`check_who_gets_grad`)."""

from __future__ import annotations

import pytest
import torch
from slip_helpers import chapter_until, said


@pytest.fixture(scope="module")
def checks():
    return chapter_until("autograd_basics", "dfdx = ...")


def leaves(x=3.0, y=2.0):
    return torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)


def f_of(x, y):
    return x**2 * y + 4 * y


# Exercise 1 -------------------------------------------------------------------------------


def partials_reference():
    x, y = leaves()
    f_of(x, y).backward()
    return x.grad.item(), y.grad.item()


def partials_swapped():
    x, y = leaves()
    f_of(x, y).backward()
    return y.grad.item(), x.grad.item()


def partials_missing_factor_2():
    return 3.0 * 2.0, 3.0**2 + 4  # by hand: d(x^2 y)/dx written as x y


def partials_value_instead():
    x, y = leaves()
    f = f_of(x, y)
    f.backward()
    return f, y.grad  # f itself, not x.grad


def partials_forgot_4y():
    return 2 * 3.0 * 2.0, 3.0**2  # by hand: the 4y term dropped from df/dy


def partials_backward_twice():  # the backward cell run twice on the same leaves
    x, y = leaves()
    f_of(x, y).backward()
    f_of(x, y).backward()
    return x.grad, y.grad


def partials_forgot_backward():
    x, y = leaves()
    f_of(x, y)
    return x.grad, y.grad


def partials_point_swapped():
    x, y = leaves(2.0, 3.0)  # (y, x) = (3, 2) read as (x, y)
    f_of(x, y).backward()
    return x.grad, y.grad


PARTIAL_SLIPS = {
    "swapped": (partials_swapped, ["swapped"]),
    "missing factor 2": (partials_missing_factor_2, ["df/dx = 6", "factor 2"]),
    "value instead of derivative": (partials_value_instead, ["df/dx = 26", "value of f"]),
    "4y term dropped": (partials_forgot_4y, ["df/dy = 9", "4y contributes 4"]),
    "backward twice": (partials_backward_twice, ["twice", "adds up"]),
    "forgot backward": (partials_forgot_backward, ["None", "f.backward()"]),
    "point swapped": (partials_point_swapped, ["df/dy = 8", "x = 3, y = 2"]),
}


def test_partials_reference_passes(checks):
    assert said(checks["check_partials"], *partials_reference()).startswith("Correct!")


def test_partials_placeholder(checks):
    assert "Not answered yet" in said(checks["check_partials"], ..., ...)


@pytest.mark.parametrize("slip", PARTIAL_SLIPS, ids=list(PARTIAL_SLIPS))
def test_partials_slip_is_named(checks, slip):
    make, words = PARTIAL_SLIPS[slip]
    out = said(checks["check_partials"], *make())
    assert "Correct" not in out
    for word in words:
        assert word in out, f"{slip}: {word!r} not in {out!r}"


# Exercise 2 -------------------------------------------------------------------------------


def model(x_requires_grad=False):
    x = torch.tensor(2.0, requires_grad=x_requires_grad)
    w = torch.tensor(0.5, requires_grad=True)
    b = torch.tensor(1.0, requires_grad=True)
    (x * w + b).backward()
    return x, w, b


def who_reference():
    x, w, b = model()
    return w.grad.item(), b.grad.item(), x.grad


def who_x_requires_grad():
    x, w, b = model(x_requires_grad=True)
    return w.grad.item(), b.grad.item(), x.grad


def who_x_grad_zero():
    x, w, b = model()
    return w.grad.item(), b.grad.item(), 0.0  # predicted: a zero gradient


def who_w_for_dw():
    return 0.5, 1.0, None  # by hand: dh/dw taken as w


def who_db_zero():
    return 2.0, 0.0, None  # by hand: b treated as a constant


def who_pair_only():
    x, w, b = model()
    return w.grad.item(), b.grad.item()


WHO_SLIPS = {
    "x created with requires_grad": (who_x_requires_grad, ["should be None, not 0.5", "x is data"]),
    "zero instead of None": (who_x_grad_zero, ["should be None, not 0", "not even a zero"]),
    "w instead of x": (who_w_for_dw, ["0.5 is w itself", "x = 2"]),
    "dh/db = 0": (who_db_zero, ["dh/db = 0.0", "added to h as it is"]),
    "a pair, not a triple": (who_pair_only, ["triple"]),
}


def test_who_reference_passes(checks):
    assert said(checks["check_who_gets_grad"], who_reference()).startswith("Correct!")


def test_who_placeholder(checks):
    assert "Not answered yet" in said(checks["check_who_gets_grad"], ...)


@pytest.mark.parametrize("slip", WHO_SLIPS, ids=list(WHO_SLIPS))
def test_who_slip_is_named(checks, slip):
    make, words = WHO_SLIPS[slip]
    out = said(checks["check_who_gets_grad"], make())
    assert "Correct" not in out
    for word in words:
        assert word in out, f"{slip}: {word!r} not in {out!r}"
