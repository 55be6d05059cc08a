"""The slips of "Build autograd yourself": topo_order and the rule of tanh, each written
wrong the way a learner writes it, and what the checks say of each."""

from __future__ import annotations

import math
from functools import cache

import pytest
from slip_helpers import chapter_until, said


@cache
def _topo_namespace() -> dict:
    return chapter_until("build_autograd", "visit the parents of a node, then append it")


@cache
def _tanh_namespace() -> dict:
    return chapter_until("build_autograd", "return a tuple: one gradient, from g and t")


# topo_order, right and wrong


def postorder(root):  # the reference solution
    order, visited = [], set()

    def visit(node):
        if node not in visited:
            visited.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


def preorder(root):
    order, visited = [], set()

    def visit(node):
        if node not in visited:
            visited.add(node)
            order.append(node)  # before the parents
            for parent in node.parents:
                visit(parent)

    visit(root)
    return order


def no_visited_set(root):
    order = []

    def visit(node):
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order


def breadth_first_reversed(root):
    order, queue, seen = [], [root], {root}
    while queue:
        node = queue.pop(0)
        order.append(node)
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return order[::-1]


def root_first(root):  # the order backward walks, returned as is
    return postorder(root)[::-1]


def root_only(root):
    return [root]


def no_return(root):
    postorder(root)  # the list is built, and dropped


def preorder_reversed(root):
    return preorder(root)[::-1]


def micrograd_names(root):
    order, visited = [], set()

    def visit(node):
        if node not in visited:
            visited.add(node)
            for parent in node._prev:  # micrograd's name, not this engine's
                visit(parent)
            order.append(node)

    visit(root)
    return order


def as_a_set(root):
    return set(postorder(root))


TOPO_SLIPS = {
    "preorder": (preorder, ["puts the root first", "after visiting its parents"]),
    "no visited set": (no_visited_set, ["more than once", "already visited"]),
    "breadth-first, reversed": (breadth_first_reversed, ["breadth-first", "depth-first"]),
    "root first": (root_first, ["reversed", "the root goes last"]),
    "root only": (root_only, ["misses", "visit the parents of every node"]),
    "None": (no_return, ["returns None"]),
    "preorder, reversed": (preorder_reversed, ["preorder, reversed", "after visiting"]),
    "micrograd's _prev": (micrograd_names, ["AttributeError", "node.parents"]),
    "a set": (as_a_set, ["returns a set", "no order"]),
}


def test_topo_order_reference_passes():
    check = _topo_namespace()["check_topo_order"]
    assert said(check, postorder).strip() == "topological order: correct"


@pytest.mark.parametrize("slip", TOPO_SLIPS, ids=str)
def test_topo_order_slip_is_named(slip):
    check = _topo_namespace()["check_topo_order"]
    wrong, words = TOPO_SLIPS[slip]
    message = said(check, wrong)
    assert "correct" not in message
    for word in words:
        assert word in message, message


# the rule of tanh, right and wrong: each slip is the body of backward_fn


def tanh_with(rule):
    """tanh(self) as the exercise writes it, with backward_fn(g) = rule(self, g, t)."""
    value = _tanh_namespace()["Value"]

    def tanh(self):
        t = math.tanh(self.data)

        def backward_fn(g):
            return rule(self, g, t)

        return value(t, (self,), "tanh", backward_fn)

    return tanh


def micrograd_style(self, g, t):
    self.grad += g * (1 - t**2)  # micrograd's way: the engine here adds for it


TANH_SLIPS = {
    "no g": (lambda self, g, t: (1 - t**2,), ["g is missing"]),
    "1 - t": (lambda self, g, t: (g * (1 - t),), ["1 - t instead of 1 - t**2"]),
    "a for t": (lambda self, g, t: (g * (1 - self.data**2),), ["a where t"]),
    "not a tuple": (lambda self, g, t: g * (1 - t**2), ["not a tuple", "comma"]),
    "wrong sign": (lambda self, g, t: (-g * (1 - t**2),), ["sign"]),
    "micrograd-style mutation": (micrograd_style, ["changes self.grad", "return"]),
    "precedence": (lambda self, g, t: (g * 1 - t**2,), ["brackets"]),
    "(1 - t) squared": (lambda self, g, t: (g * (1 - t) ** 2,), ["squares 1 - t"]),
    "tanh twice": (lambda self, g, t: (g * (1 - math.tanh(t) ** 2),), ["tanh applied twice"]),
    "two gradients": (lambda self, g, t: (g * (1 - t**2),) * 2, ["one parent"]),
}


def test_tanh_reference_passes():
    check = _tanh_namespace()["check_tanh"]
    right = tanh_with(lambda self, g, t: (g * (1 - t**2),))
    assert said(check, right).strip() == "tanh backward: correct"


@pytest.mark.parametrize("slip", TANH_SLIPS, ids=str)
def test_tanh_slip_is_named(slip):
    check = _tanh_namespace()["check_tanh"]
    rule, words = TANH_SLIPS[slip]
    message = said(check, tanh_with(rule))
    assert "correct" not in message
    for word in words:
        assert word in message, message
