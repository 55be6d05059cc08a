"""The slips of "Functional autograd, memory and cost": per_sample_grads written wrong the
way a learner writes it, and what check_per_sample says of each.

Each slip is the learner's cell, run in the chapter's namespace: its `logistic_loss` is the
notebook's, which the check counts the calls of."""

from __future__ import annotations

import textwrap
from functools import cache

import pytest
from slip_helpers import _cells, assert_named, chapter_until, said

MARKER = "vmap the gradient of logistic_loss over X and Y"


@cache
def _namespace() -> dict:
    """The chapter up to the exercise, then the exercise cell's logistic_loss."""
    namespace = chapter_until("functional_autograd", MARKER)
    cell = next(source for source, _, _ in _cells("functional_autograd") if MARKER in source)
    exec(cell.split("def per_sample_grads")[0], namespace)
    return namespace


def learner(body: str):
    """per_sample_grads(w, X, Y) with this body, defined in the notebook's namespace."""
    namespace = _namespace()
    lines = textwrap.indent(textwrap.dedent(body).strip(), "    ")
    exec(f"def per_sample_grads(w, X, Y):\n{lines}\n", namespace)
    return namespace["per_sample_grads"]


REFERENCE = "return func.vmap(func.grad(logistic_loss), in_dims=(None, 0, 0))(w, X, Y)"

SLIPS = {
    "a Python loop": (
        "return torch.stack([func.grad(logistic_loss)(w, x, y) for x, y in zip(X, Y)])",
        ["ran 6 times", "Python loop"],
    ),
    "a loop of autograd.grad": (
        """
        grads = []
        for x, y in zip(X, Y):
            leaf = w.clone().requires_grad_()
            grads.append(torch.autograd.grad(logistic_loss(leaf, x, y), leaf)[0])
        return torch.stack(grads)
        """,
        ["ran 6 times", "Python loop"],
    ),
    "no in_dims": (
        "return func.vmap(func.grad(logistic_loss))(w, X, Y)",
        ["sliced w", "in_dims=(None, 0, 0)"],
    ),
    "in_dims=(0, 0, 0)": (
        "return func.vmap(func.grad(logistic_loss), in_dims=(0, 0, 0))(w, X, Y)",
        ["sliced w", "in_dims=(None, 0, 0)"],
    ),
    "X by columns": (
        "return func.vmap(func.grad(logistic_loss), in_dims=(None, 1, 0))(w, X, Y)",
        ["axis of size 3", "columns of X"],
    ),
    "X not sliced": (
        "return func.vmap(func.grad(logistic_loss), in_dims=(None, None, 0))(w, X, Y)",
        ["X was not sliced"],
    ),
    "Y not sliced": (
        "return func.vmap(func.grad(logistic_loss), in_dims=(None, 0, None))(w, X, Y)",
        ["Y was not sliced"],
    ),
    "two in_dims for three arguments": (
        "return func.vmap(func.grad(logistic_loss), in_dims=(None, 0))(w, X, Y)",
        ["one entry per argument"],
    ),
    "gradient with respect to x": (
        "grad_x = func.grad(logistic_loss, argnums=1)\n"
        "return func.vmap(grad_x, in_dims=(None, 0, 0))(w, X, Y)",
        ["with respect to x", "argnums"],
    ),
    "a mean instead of per-sample gradients": (
        f"{REFERENCE}.mean(0)",
        ["the mean of the per-sample gradients", "one row per sample"],
    ),
    "the gradient of the batch loss": (
        "return func.grad(logistic_loss)(w, X, Y)",
        ["the mean of the per-sample gradients"],
    ),
    "the gradient of the summed losses": (
        """
        def total(w):
            return func.vmap(logistic_loss, in_dims=(None, 0, 0))(w, X, Y).sum()
        return func.grad(total)(w)
        """,
        ["the sum of the per-sample gradients"],
    ),
    "the losses, not their gradients": (
        "return func.vmap(logistic_loss, in_dims=(None, 0, 0))(w, X, Y)",
        ["the 6 losses"],
    ),
    "out_dims=1": (
        "grad_w = func.grad(logistic_loss)\n"
        "return func.vmap(grad_w, in_dims=(None, 0, 0), out_dims=1)(w, X, Y)",
        ["the transpose", "(6, 3)"],
    ),
    "no return": (REFERENCE.removeprefix("return "), ["returned None"]),
}


def test_reference_passes():
    message = said(_namespace()["check_per_sample"], learner(REFERENCE))
    assert message.strip().startswith("per-sample gradients: correct"), message


@pytest.mark.parametrize("slip", SLIPS, ids=str)
def test_slip_is_named(slip):
    body, words = SLIPS[slip]
    message = said(_namespace()["check_per_sample"], learner(body))
    assert_named(message, words, success="correct")
