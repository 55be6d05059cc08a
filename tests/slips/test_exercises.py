"""Slips of the exercises page: partial derivatives (`check_partial_derivatives`), gradients
that accumulate (`check_accumulation`), the gradients of L = sum((W x)^2) by formula
(`check_matrix_gradients`) and a linear regression written with autograd
(`check_linear_regression`)."""

from __future__ import annotations

import pytest
import torch
from slip_helpers import chapter_until, said


@pytest.fixture(scope="module")
def page():
    return chapter_until("exercises", "f_value = ...")


# Exercise 1: f = 2x^2 + xy + 3y^2 at (1, 2): f = 16, df/dx = 6, df/dy = 13.


def partials(x0=1.0, y0=2.0):
    x = torch.tensor(x0, requires_grad=True)
    y = torch.tensor(y0, requires_grad=True)
    f = 2 * x**2 + x * y + 3 * y**2
    f.backward()
    return f.item(), x.grad.item(), y.grad.item()


def read_before_backward():
    x = torch.tensor(1.0, requires_grad=True)
    y = torch.tensor(2.0, requires_grad=True)
    f = 2 * x**2 + x * y + 3 * y**2
    return f.item(), x.grad, y.grad  # no f.backward() yet: both are None


def test_partials_reference_passes(page):
    assert said(page["check_partial_derivatives"], *partials()).startswith("Correct")
    x = torch.tensor(1.0, requires_grad=True)
    y = torch.tensor(2.0, requires_grad=True)
    f = 2 * x**2 + x * y + 3 * y**2
    f.backward()
    assert said(page["check_partial_derivatives"], f, x.grad, y.grad).startswith("Correct")


PARTIAL_SLIPS = {
    "placeholders": (lambda: (..., ..., ...), "Not answered yet"),
    "swapped": (lambda: (16.0, 13.0, 6.0), "swapped"),
    "xy forgotten in df/dx": (lambda: (16.0, 4.0, 13.0), "the term xy contributes y"),
    "xy forgotten in df/dy": (lambda: (16.0, 6.0, 12.0), "the term xy contributes x"),
    "3y for 6y": (lambda: (16.0, 6.0, 7.0), "contributes 6y"),
    "grads read before backward": (read_before_backward, "until f.backward() has run"),
    "the point swapped": (lambda: partials(2.0, 1.0), "at x = 2, y = 1"),
    "a whole vector": (lambda: (16.0, torch.tensor([6.0, 13.0]), 13.0), "single number"),
}


@pytest.mark.parametrize("slip", PARTIAL_SLIPS)
def test_partials_slips_are_named(page, slip):
    answer, words = PARTIAL_SLIPS[slip]
    assert words in said(page["check_partial_derivatives"], *answer())


# Exercise 2: x = 3; x.grad after x^2 (6), then x^3 without a reset (33), then after one (27).


def accumulate(reset="zero", store=float, reset_after=False):
    """A learner's three backward calls: `reset` is how the gradient is reset ("zero",
    "none", "forgotten" or "between", a reset also between the first two calls), `store`
    how each value is kept."""
    x = torch.tensor(3.0, requires_grad=True)
    (x**2).backward()
    first = store(x.grad)
    if reset == "between":
        x.grad = None
    (x**3).backward()
    second = store(x.grad)
    if reset == "zero" and not reset_after:
        x.grad.zero_()
    elif reset in ("none", "between") and not reset_after:
        x.grad = None
    (x**3).backward()
    if reset_after:
        x.grad.zero_()
    return first, second, store(x.grad)


def first_as_tensor(reset):
    """The first value kept as the tensor x.grad, the others with .item()."""
    x = torch.tensor(3.0, requires_grad=True)
    (x**2).backward()
    first = x.grad
    (x**3).backward()
    second = x.grad.item()
    if reset == "zero":
        x.grad.zero_()
    else:
        x.grad = None
    (x**3).backward()
    return first, second, x.grad.item()


@pytest.mark.parametrize("reset", ["zero", "none"])
def test_accumulation_reference_passes(page, reset):
    assert said(page["check_accumulation"], *accumulate(reset)).startswith("Correct")


ACCUMULATION_SLIPS = {
    "placeholders": (lambda: (..., ..., ...), "Not answered yet"),
    "reset forgotten": (lambda: accumulate("forgotten"), "the reset did not happen"),
    "overwrite predicted": (lambda: (6.0, 27.0, 27.0), "as if backward() overwrote"),
    "reset too early": (lambda: accumulate("between"), "reset it too early"),
    "tensors stored": (lambda: accumulate(store=lambda grad: grad), "instead of x.grad.item()"),
    "first tensor, zero_": (lambda: first_as_tensor("zero"), "instead of x.grad.item()"),
    "first tensor, None": (lambda: first_as_tensor("none"), "instead of x.grad.item()"),
    "reset after the last call": (lambda: accumulate(reset_after=True), "reset after the last"),
    "x^2 for its derivative": (lambda: (9.0, 36.0, 27.0), "x^2 itself"),
    "half": (lambda: (3.0, 16.5, 13.5), "the derivative of x^2 at x = 3 is 2x"),
}


@pytest.mark.parametrize("slip", ACCUMULATION_SLIPS)
def test_accumulation_slips_are_named(page, slip):
    answer, words = ACCUMULATION_SLIPS[slip]
    assert words in said(page["check_accumulation"], *answer())


# Exercise 3: dL/dW = 2 y x^T and dL/dx = 2 W^T y for y = W x, L = sum(y^2).


@pytest.fixture(scope="module")
def matrices():
    names = chapter_until("exercises", "grad_W_formula = ...")
    return names["check_matrix_gradients"], names["W"], names["x"]


def test_matrix_reference_passes(matrices):
    check, W, x = matrices
    y = W @ x
    assert "Correct!" in said(check, W, x, 2 * torch.outer(y, x), 2 * W.T @ y)
    assert "Correct!" in said(check, W, x, 2 * y[:, None] * x, 2 * y @ W)


MATRIX_SLIPS = {
    "placeholders": (lambda W, x, y: (..., ...), "Not answered yet"),
    "transposed": (lambda W, x, y: (2 * torch.outer(x, y), 2 * W.T @ y), "transposed"),
    "half": (lambda W, x, y: (torch.outer(y, x), W.T @ y), "half of autograd's"),
    "swapped": (lambda W, x, y: (2 * W.T @ y, 2 * torch.outer(y, x)), "swapped"),
    "dL/dy for dL/dx": (lambda W, x, y: (2 * torch.outer(y, x), 2 * y), "dL/dy"),
    "W for x": (lambda W, x, y: (2 * torch.outer(y, x), 2 * W.T @ (W @ W.T @ y)), "does not match"),
    "NumPy arrays": (
        lambda W, x, y: ((2 * torch.outer(y, x)).numpy(), (2 * W.T @ y).numpy()),
        "should be tensors",
    ),
}


@pytest.mark.parametrize("slip", MATRIX_SLIPS)
def test_matrix_slips_are_named(matrices, slip):
    check, W, x = matrices
    answer, words = MATRIX_SLIPS[slip]
    verdict = said(check, W, x, *answer(W, x, W @ x))
    assert words in verdict
    assert "Correct" not in verdict


# Exercise 4: 200 steps of gradient descent on the MSE of w x + b, lr 0.01, from w = b = 0.


@pytest.fixture(scope="module")
def regression():
    names = chapter_until("exercises", "w_fit = ...")
    return names["check_linear_regression"], names["x_data"], names["y_data"]


def train(x, y, lr=0.01, steps=200, reset=True, mean=True, sign=-1, fit_b=True, log=True):
    """A learner's loop, with the knobs where the slips are: (w_fit, b_fit, losses)."""
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    losses = []
    for _ in range(steps):
        squares = (w * x + b - y) ** 2
        loss = squares.mean() if mean else squares.sum()
        loss.backward()
        with torch.no_grad():
            w += sign * lr * w.grad
            if fit_b:
                b += sign * lr * b.grad
        if reset:
            w.grad.zero_()
            b.grad.zero_()
        if log:
            losses.append(loss.item())
    if not log:
        losses.append(loss.item())  # appended once, after the loop
    return w.item(), b.item(), losses


def test_regression_reference_passes(regression):
    check, x, y = regression
    assert said(check, *train(x, y), x, y).startswith("Correct")


REGRESSION_SLIPS = {
    "placeholders": ({}, "Not answered yet"),
    "no reset": ({"reset": False}, "without a gradient reset"),
    "a summed loss": ({"mean": False}, "the loss is a sum"),
    "gradient ascent": ({"sign": 1}, "your update adds the gradient"),
    "b never updated": ({"fit_b": False}, "b never moved"),
    "never moved": ({"lr": 0.0}, "never moved"),
    "the loss logged once": ({"log": False}, "once per step"),
    "199 steps": ({"steps": 199}, "200 steps give 200 losses"),
    "another learning rate": ({"lr": 0.1}, "learning rate 0.01"),
}


@pytest.mark.parametrize("slip", REGRESSION_SLIPS)
def test_regression_slips_are_named(regression, slip):
    check, x, y = regression
    knobs, words = REGRESSION_SLIPS[slip]
    answer = train(x, y, **knobs) if knobs else (..., ..., ...)
    assert words in said(check, *answer, x, y)
