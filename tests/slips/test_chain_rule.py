"""Slips of chain_rule's exercise: dl/dw and dl/db of l = (sigmoid(w x + b) - t)^2 at w = 0,
b = 0, x = 2, t = 1, by hand (`check_neuron_grads`)."""

from __future__ import annotations

import pytest
import torch
from slip_helpers import assert_named, chapter_until, said

S, T, X = 0.5, 1.0, 2.0  # the forward pass: s = sigmoid(0) = 0.5


@pytest.fixture(scope="module")
def check():
    return chapter_until("chain_rule", "neuron_answer = None")["check_neuron_grads"]


def by_hand(dl_ds, ds_du, du_dw=X, du_db=1.0):
    """The pair a learner gets from these local derivatives."""
    return (dl_ds * ds_du * du_dw, dl_ds * ds_du * du_db)


def reference():
    return by_hand(2 * (S - T), S * (1 - S))


def missing_factor_2():
    return by_hand(S - T, S * (1 - S))  # d(r^2)/dr written as r


def swapped():
    dl_dw, dl_db = reference()
    return (dl_db, dl_dw)


def missing_x():
    return by_hand(2 * (S - T), S * (1 - S), du_dw=1.0)


def x_in_both():
    return by_hand(2 * (S - T), S * (1 - S), du_db=X)


def missing_sigmoid_slope():
    return by_hand(2 * (S - T), 1.0)  # the sigmoid's link forgotten


def slope_as_s():
    return by_hand(2 * (S - T), S)  # sigma'(u) written as sigma(u)


def sign_flipped():
    return by_hand(2 * (T - S), S * (1 - S))  # r = t - s


def as_tensors_wrong_sign():
    return tuple(torch.tensor(v, requires_grad=True) for v in sign_flipped())


def not_a_pair():
    return -0.5  # dl/dw alone


def a_word():
    return (-0.5, "-0.25")  # fine: a string of a number is accepted


def not_a_number():
    return (-0.5, "a quarter")


SLIPS = {
    "missing factor 2": (missing_factor_2, ["half", "factor 2 of the square"]),
    "swapped": (swapped, ["swapped"]),
    "missing x": (missing_x, ["dl/dw is half", "du/dw = x = 2 is missing"]),
    "x in dl/db too": (x_in_both, ["dl/db is twice", "du/db = 1"]),
    "missing sigmoid slope": (missing_sigmoid_slope, ["4 times", "s (1 - s) = 0.25 is missing"]),
    "sigmoid slope as s": (slope_as_s, ["twice", "not s or 1 - s alone"]),
    "sign flipped": (sign_flipped, ["wrong sign", "s - t, not t - s"]),
    "tensors, sign flipped": (as_tensors_wrong_sign, ["wrong sign"]),
    "one number, not a pair": (not_a_pair, ["give a pair"]),
    "not a number": (not_a_number, ["dl/db", "not a number"]),
}


def test_reference_passes(check):
    assert said(check, reference()).startswith("Correct!")


def test_number_as_text_passes(check):
    assert said(check, a_word()).startswith("Correct!")


def test_placeholder_gives_a_hint(check):
    assert "Hint" in said(check, None)


@pytest.mark.parametrize("slip", SLIPS, ids=list(SLIPS))
def test_slip_is_named(check, slip):
    make, words = SLIPS[slip]
    assert_named(said(check, make()), words, success="Correct")
