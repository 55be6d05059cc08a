"""Slips of vectors_matrices' exercises: a vector-Jacobian product predicted by hand
(`check_vjp`), and the Jacobian of g = (x1 x2, x1 + 3 x2, x2^2) at (2, 5) (`check_jacobian`)."""

from __future__ import annotations

import pytest
import torch
from slip_helpers import chapter_until, said

X = torch.tensor([1.0, -1.0, 2.0])
V = torch.tensor([1.0, 2.0, 3.0])


@pytest.fixture(scope="module")
def checks():
    return chapter_until("vectors_matrices", "vjp_answer = None")


# Exercise 1 -------------------------------------------------------------------------------


def vjp_reference():
    return (V * 3 * X**2).tolist()


VJP_SLIPS = {
    "v forgotten": (lambda: (3 * X**2).tolist(), ["without v", "multiply entry i by v_i"]),
    "sign of (-1)**2": (lambda: [3.0, -6.0, 36.0], ["wrong sign", "(-1)**2 = 1"]),
    "factor 3 forgotten": (lambda: (V * X**2).tolist(), ["a third", "3 x^2, not x^2"]),
    "value, not derivative": (lambda: (V * X**3).tolist(), ["v times the values y_i"]),
    "the page's x**2 rule": (lambda: (V * 2 * X).tolist(), ["derivative of x**2"]),
    "summed to one number": (lambda: (V * 3 * X**2).sum().item(), ["One number", "not their sum"]),
    "the Jacobian itself": (lambda: torch.diag(3 * X**2), ["the Jacobian", "shape of x"]),
    "two numbers": (lambda: [3.0, 6.0], ["Expected 3 numbers", "got 2"]),
    "not numbers": (lambda: ["3", "6", "36"], ["not a list of three numbers"]),
}


def test_vjp_reference_passes(checks):
    assert said(checks["check_vjp"], vjp_reference()).startswith("Correct!")


def test_vjp_autograd_tensor_passes(checks):
    x = X.clone().requires_grad_()
    (x**3).backward(gradient=V)
    assert said(checks["check_vjp"], x.grad).startswith("Correct!")


def test_vjp_placeholder_gives_a_hint(checks):
    assert "Hint" in said(checks["check_vjp"], None)


@pytest.mark.parametrize("slip", VJP_SLIPS, ids=list(VJP_SLIPS))
def test_vjp_slip_is_named(checks, slip):
    make, words = VJP_SLIPS[slip]
    out = said(checks["check_vjp"], make())
    assert "Correct" not in out
    for word in words:
        assert word in out, f"{slip}: {word!r} not in {out!r}"


# Exercise 2 -------------------------------------------------------------------------------

X1, X2 = 2.0, 5.0


def jacobian_reference():
    return [[X2, X1], [1.0, 3.0], [0.0, 2 * X2]]


def transposed():
    return [[X2, 1.0, 0.0], [X1, 3.0, 2 * X2]]  # one row per input


def columns_swapped():
    return [[X1, X2], [3.0, 1.0], [2 * X2, 0.0]]  # x2 first, then x1


def product_rule_swapped():
    return [[X1, X2], [1.0, 3.0], [0.0, 2 * X2]]  # d(x1 x2)/dx1 written as x1


def square_without_2():
    return [[X2, X1], [1.0, 3.0], [0.0, X2]]


def three_forgotten():
    return [[X2, X1], [1.0, 1.0], [0.0, 2 * X2]]


def flat():
    return [X2, X1, 1.0, 3.0, 0.0, 2 * X2]


def ragged():
    return [[X2, X1], [1.0, 3.0], [2 * X2]]  # the zero of row 2 left out


JACOBIAN_SLIPS = {
    "transposed": (transposed, ["transpose", "one row per output"]),
    "columns swapped": (columns_swapped, ["columns are swapped"]),
    "row 0 swapped": (product_rule_swapped, ["row 0 has its entries swapped"]),
    "square without its 2": (square_without_2, ["row 2", "2 x2, not x2"]),
    "factor 3 forgotten": (three_forgotten, ["row 1", "by 3 per unit of x2"]),
    "flat list": (flat, ["flat list", "one inner list per row"]),
    "ragged": (ragged, ["not a nested list of numbers"]),
}


def test_jacobian_reference_passes(checks):
    assert said(checks["check_jacobian"], jacobian_reference()).startswith("Correct!")


def test_jacobian_placeholder_gives_a_hint(checks):
    assert "Hint" in said(checks["check_jacobian"], None)


@pytest.mark.parametrize("slip", JACOBIAN_SLIPS, ids=list(JACOBIAN_SLIPS))
def test_jacobian_slip_is_named(checks, slip):
    make, words = JACOBIAN_SLIPS[slip]
    out = said(checks["check_jacobian"], make())
    assert "Correct" not in out
    for word in words:
        assert word in out, f"{slip}: {word!r} not in {out!r}"
