"""The slips of "Build autograd yourself: arrays": unbroadcast written wrong the way a
learner writes it, and what check_unbroadcast says of each."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from slip_helpers import assert_named, chapter_until, said


@cache
def _check():
    namespace = chapter_until("build_autograd_arrays", "sum the added axes, then the stretched")
    return namespace["check_unbroadcast"]


def reference(g, shape):
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


def wrong_axis(g, shape):
    while g.ndim > len(shape):
        g = g.sum(axis=-1)  # the last axis, not the one added in front
    for axis, size in enumerate(shape):
        if size == 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


def keeps_the_added_axis(g, shape):
    if g.ndim > len(shape):
        g = g.sum(axis=0, keepdims=True)
    for axis, size in enumerate(shape):
        if size == 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


def keeps_it_in_a_loop(g, shape):  # never ends: keepdims keeps g.ndim
    while g.ndim > len(shape):
        g = g.sum(axis=0, keepdims=True)
    return g


def drops_a_size_one_axis(g, shape):
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            g = g.sum(axis=axis)  # keepdims forgotten
    return g


def averages(g, shape):
    while g.ndim > len(shape):
        g = g.mean(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            g = g.mean(axis=axis, keepdims=True)
    return g


def unchanged(g, shape):
    return g


def sums_everything(g, shape):
    return g.sum()


def only_axis_0(g, shape):  # right for a bias of shape (16,) only
    return g.sum(axis=0)


def only_the_added_axes(g, shape):
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    return g


def counts_from_the_left(g, shape):
    for axis, size in enumerate(shape):
        if size == 1:
            g = g.sum(axis=axis, keepdims=True)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    return g


def reshapes(g, shape):
    return g.reshape(shape)


def broadcasts(g, shape):
    return np.broadcast_to(g, shape)


def returns_nothing(g, shape):
    reference(g, shape)


SLIPS = {
    "wrong axis": (wrong_axis, ["sums axis 1, not axis 0"]),
    "keeping the added axis": (keeps_the_added_axis, ["keeps shape (1, 16)", "no keepdims"]),
    "keepdims in a while loop": (keeps_it_in_a_loop, ["still runs", "keepdims=True"]),
    "dropping a size-1 axis": (drops_a_size_one_axis, ["drops an axis", "keepdims=True"]),
    "averaging": (averages, ["averages", "so sum"]),
    "input unchanged": (unchanged, ["returns g unchanged"]),
    "sum of everything": (sums_everything, ["sums every entry to one number"]),
    "axis 0, always": (only_axis_0, ["drops an axis", "(1, 16)"]),
    "added axes only": (only_the_added_axes, ["returns g unchanged", "(1, 16)"]),
    "axes counted from the left": (counts_from_the_left, ["from the left", "last axes"]),
    "reshape": (reshapes, ["reshape cannot drop entries"]),
    "broadcast_to": (broadcasts, ["broadcast_to", "sums"]),
    "None": (returns_nothing, ["returns None"]),
}


def test_reference_passes():
    assert said(_check(), reference).strip() == "unbroadcast: correct"


@pytest.mark.parametrize("slip", SLIPS, ids=str)
def test_slip_is_named(slip):
    wrong, words = SLIPS[slip]
    assert_named(said(_check(), wrong), words, success="correct")
