"""Slips of forward_reverse's exercises: the tangents of the slide-deck example seeded with
w_dot = 1 (`check_tangents`), and the cheaper mode for a quadratic's 1000 x 3 Jacobian
(`check_mode`)."""

from __future__ import annotations

import pytest
import torch
from slip_helpers import chapter_until, said

X, Y, R = 2.0, 1.0, -2.0  # the forward values: x, y = e^z = 1, r = y - y* = -2


@pytest.fixture(scope="module")
def checks():
    return chapter_until("forward_reverse", "tangents_answer = None")


# Exercise 1 -------------------------------------------------------------------------------


def tangents(z_dot, r_sign=1.0, square=2.0):
    """The four tangents a learner carries forward from this z_dot."""
    y_dot = Y * z_dot
    r_dot = r_sign * y_dot
    return (z_dot, y_dot, r_dot, square * R * r_dot)


TANGENT_SLIPS = {
    "backprop's gradients": (lambda: (-4.0, -4.0, -4.0, -8.0), ["backprop's gradients"]),
    "the values": (lambda: (0.0, Y, R, R**2), ["values z, y, r and l"]),
    "seed as z_dot": (lambda: tangents(1.0), ["z_dot = 1 is the seed", "x * w_dot"]),
    "square without its 2": (lambda: tangents(X, square=1.0), ["l_dot = -4 is half", "2r"]),
    "subtraction flips": (lambda: tangents(X, r_sign=-1.0), ["r_dot = -2", "unchanged"]),
    "r taken positive": (lambda: (X, X, X, 2 * 2.0 * X), ["wrong sign", "r = y - y* = -2"]),
    "three numbers": (lambda: (X, X, X), ["exactly four"]),
    "a dict": (lambda: {"z_dot": X}, ["give four numbers"]),
    "a word": (lambda: (X, X, X, "minus eight"), ["l_dot", "not a number"]),
}


def test_tangents_reference_passes(checks):
    assert said(checks["check_tangents"], tangents(X)).startswith("Correct!")


def test_tangents_as_tensors_pass(checks):
    answer = tuple(torch.tensor(t) for t in tangents(X))
    assert said(checks["check_tangents"], answer).startswith("Correct!")


@pytest.mark.parametrize("slip", TANGENT_SLIPS, ids=list(TANGENT_SLIPS))
def test_tangents_slip_is_named(checks, slip):
    make, words = TANGENT_SLIPS[slip]
    out = said(checks["check_tangents"], make())
    assert "Correct" not in out
    for word in words:
        assert word in out, f"{slip}: {word!r} not in {out!r}"


# Exercise 2 -------------------------------------------------------------------------------

MODE_SLIPS = {
    "reverse, a pass per output": (("reverse", 1000), ["not the cheaper mode", "per output"]),
    "reverse, one pass": (("reverse", 1), ["not the cheaper mode"]),
    "jacrev": (("jacrev", 1000), ["not the cheaper mode"]),
    "forward, reverse's count": (("forward", 1000), ["reverse-mode count"]),
    "forward, every entry": (("forward", 3000), ["number of entries of J"]),
    "forward, one pass": (("forward", 1), ["1 is not its count", "one pass per input"]),
    "passes as a word": (("forward", "three"), ["as a number"]),
    "an unknown mode": (("symbolic", 3), ["'forward' or 'reverse'"]),
}


@pytest.mark.parametrize("answer", [("forward", 3), ("Forward mode", 3), ("jacfwd", 3.0)])
def test_mode_reference_passes(checks, answer):
    assert said(checks["check_mode"], *answer).startswith("Correct!")


def test_mode_placeholder_gives_a_hint(checks):
    assert "Hint" in said(checks["check_mode"], None, None)


@pytest.mark.parametrize("slip", MODE_SLIPS, ids=list(MODE_SLIPS))
def test_mode_slip_is_named(checks, slip):
    answer, words = MODE_SLIPS[slip]
    out = said(checks["check_mode"], *answer)
    assert "Correct" not in out
    for word in words:
        assert word in out, f"{slip}: {word!r} not in {out!r}"
