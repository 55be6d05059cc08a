"""Slips of gradient_descent's exercise: x_30 of gradient descent on g(x) = 2(x + 1)^2 from
x_0 = 2 with lr 0.1 (`check_x30`), and the learning rate below which it converges from any
start (`check_threshold`). Each slip is a run a learner writes, or a number a learner gives."""

from __future__ import annotations

import pytest
import torch
from slip_helpers import chapter_until, said


@pytest.fixture(scope="module")
def page():
    return chapter_until("gradient_descent", "x30 = None  # replace None")


def g(x):
    return 2 * (x + 1) ** 2


def descend(loss=g, lr=0.1, steps=30, x0=2.0, reset=True, sign=-1, dtype=torch.float64):
    """A learner's loop, with the knobs where the slips are."""
    x = torch.tensor(x0, dtype=dtype, requires_grad=True)
    for _ in range(steps):
        loss(x).backward()
        with torch.no_grad():
            x += sign * lr * x.grad
        if reset:
            x.grad.zero_()
    return x.item()


def path_of_g():
    """Every iterate, as a learner who returns the whole path has them."""
    x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    path = [x.item()]
    for _ in range(30):
        g(x).backward()
        with torch.no_grad():
            x -= 0.1 * x.grad
        x.grad.zero_()
        path.append(x.item())
    return path


def test_x30_reference_passes(page):
    assert said(page["check_x30"], descend()).startswith("Correct")
    assert said(page["check_x30"], descend(dtype=torch.float32)).startswith("Correct")
    assert said(page["check_x30"], torch.tensor(descend())).startswith("Correct")


X30_SLIPS = {
    "placeholder": (lambda: None, "Not answered yet"),
    "29 steps": (lambda: descend(steps=29), "one step short"),
    "31 steps": (lambda: descend(steps=31), "one step too many"),
    "no reset": (lambda: descend(reset=False), "without a reset"),
    "no reset, float32": (lambda: descend(reset=False, dtype=torch.float32), "without a reset"),
    "(x + 1)^2": (lambda: descend(loss=lambda x: (x + 1) ** 2), "twice as steep"),
    "f of the lesson": (
        lambda: descend(loss=lambda x: (x - 3) ** 2 + 5, x0=0.0),
        "on the lesson's f",
    ),
    "start at 0": (lambda: descend(x0=0.0), "started at x = 0"),
    "ascent": (lambda: descend(sign=1), "x -= lr * x.grad"),
    "the minimum": (lambda: -1.0, "the minimum itself"),
    "the whole path": (path_of_g, "not the whole path"),
    "a string": (lambda: "about -1", "Not a number"),
}


@pytest.mark.parametrize("slip", X30_SLIPS)
def test_x30_slips_are_named(page, slip):
    answer, words = X30_SLIPS[slip]
    assert words in said(page["check_x30"], answer())


def test_threshold_reference_passes(page):
    assert said(page["check_threshold"], 0.5).startswith("Correct")
    assert said(page["check_threshold"], "0.5").startswith("Correct")


THRESHOLD_SLIPS = {
    "placeholder": (None, "Not answered yet"),
    "f's threshold": (1.0, "threshold for f"),
    "the best rate": (0.25, "best learning rate"),
    "just below": (0.49, "not the limit"),
    "just above": (0.51, "diverges already"),
    "a condition": ("lr < 0.5", "Not a number"),
    "a range": ((0.0, 0.5), "where convergence stops"),
    "something else": (0.1, "What is g'(x)"),
}


@pytest.mark.parametrize("slip", THRESHOLD_SLIPS)
def test_threshold_slips_are_named(page, slip):
    answer, words = THRESHOLD_SLIPS[slip]
    assert words in said(page["check_threshold"], answer)
