"""Slips of linear_regression's exercise: make the 300-sample fit converge in 100 steps and
pass its (w, b) to `check_fit_300`, which compares them with least squares."""

from __future__ import annotations

import pytest
from slip_helpers import chapter_until, said


@pytest.fixture(scope="module")
def page():
    return chapter_until("linear_regression", "answer = ...  # replace with (w, b)")


def fit(page, *args, **kwargs):
    return page["fit_autograd"](*args, **kwargs)


def verdict(page, answer):
    return said(page["check_fit_300"], answer, page["X300"], page["y300"])


@pytest.mark.parametrize(
    ("lr", "reduction"), [(0.001, "sum"), (0.3, "mean"), (0.0015, "sum"), (0.5, "mean")]
)
def test_the_reference_passes(page, lr, reduction):
    w, b, _ = fit(page, page["X300"], page["y300"], lr=lr, reduction=reduction)
    assert verdict(page, (w, b)).startswith("Correct")
    assert verdict(page, [w.tolist(), b.item()]).startswith("Correct")


def diverging(page):
    w, b, _ = fit(page, page["X300"], page["y300"], lr=0.01)
    return (w, b)


def mean_but_slow(page):
    w, b, _ = fit(page, page["X300"], page["y300"], lr=0.01, reduction="mean")
    return (w, b)


def far_too_small(page):
    w, b, _ = fit(page, page["X300"], page["y300"], lr=0.00001)
    return (w, b)


def all_three(page):
    return fit(page, page["X300"], page["y300"], lr=0.001)


def swapped(page):
    w, b, _ = fit(page, page["X300"], page["y300"], lr=0.001)
    return (b, w)


def w_alone(page):
    return fit(page, page["X300"], page["y300"], lr=0.001)[0]


def thirty_samples(page):
    w, b, _ = fit(page, page["X"], page["y"], lr=0.3, reduction="mean")
    return (w, b)


def the_losses(page):
    return fit(page, page["X300"], page["y300"], lr=0.001)[2]


def half_answered(page):
    w, _, _ = fit(page, page["X300"], page["y300"], lr=0.001)
    return (w, ...)


SLIPS = [
    (lambda page: ..., "Not answered yet"),
    (half_answered, "Not answered yet"),
    (diverging, "Still diverging"),
    (mean_but_slow, "stable but slow"),
    (far_too_small, "Not converged yet"),
    (all_three, "keep the first two"),
    (swapped, "swapped"),
    (w_alone, "should be the pair (w, b)"),
    (thirty_samples, "the fit of the 30 samples"),
    (the_losses, "should be a pair (w, b)"),
]


@pytest.mark.parametrize(("slip", "words"), SLIPS, ids=[s.__name__ for s, _ in SLIPS])
def test_each_slip_is_named(page, slip, words):
    assert words in verdict(page, slip(page))
