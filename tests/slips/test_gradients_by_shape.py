"""The slips of "Gradients by shape": sum_to_shape and softmax_ce_grad written wrong the way
a learner writes them, and what check_sum_to_shape and check_softmax_ce_grad say of each.

Each slip is the learner's cell, run in the chapter's namespace up to the exercise."""

from __future__ import annotations

import textwrap
from functools import cache

import pytest
from slip_helpers import assert_named, chapter_until, said

SUM_MARKER = "sum the added axes, then the size-1 ones"
CE_MARKER = "p - y, divided by the batch size"


@cache
def _namespace(marker: str) -> dict:
    return chapter_until("gradients_by_shape", marker)


def learner(marker: str, signature: str, body: str):
    """The learner's function with this body, defined in the notebook's namespace."""
    namespace = _namespace(marker)
    lines = textwrap.indent(textwrap.dedent(body).strip(), "    ")
    exec(f"def {signature}:\n{lines}\n", namespace)
    return namespace[signature.split("(")[0]]


def sum_to_shape(body: str):
    return learner(SUM_MARKER, "sum_to_shape(grad, shape)", body)


def softmax_ce_grad(body: str):
    return learner(CE_MARKER, "softmax_ce_grad(logits, targets)", body)


SUM_REFERENCE = """
while grad.dim() > len(shape):
    grad = grad.sum(0)
for axis, size in enumerate(shape):
    if size == 1:
        grad = grad.sum(axis, keepdim=True)
return grad
"""

SUM_SLIPS = {
    "the wrong axis": (
        SUM_REFERENCE.replace("grad.sum(0)", "grad.sum(-1)"),
        ["wrong axis", "summed axis 1", "axis 0 should"],
    ),
    "no keepdim": (
        SUM_REFERENCE.replace("grad.sum(axis, keepdim=True)", "grad.sum(axis)"),
        ["keepdim=True", "(4,) instead of (1, 4)"],
    ),
    "only the leading axes": (
        """
        while grad.dim() > len(shape):
            grad = grad.sum(0)
        return grad
        """,
        ["only the leading axes", "keepdim=True"],
    ),
    "a mean": (
        SUM_REFERENCE.replace(".sum(", ".mean("),
        ["factor of 3", "mean", "sum"],
    ),
    "a mean with keepdim only": (
        SUM_REFERENCE.replace("grad.sum(axis, keepdim=True)", "grad.mean(axis, keepdim=True)"),
        ["factor of 3", "mean"],
    ),
    "the gradient unchanged": ("return grad", ["unchanged", "(4,)"]),
    "sum_to_size itself": ("return grad.sum_to_size(shape)", ["calls sum_to_size"]),
    "sum_to_size through the class": (
        "return torch.Tensor.sum_to_size(grad, shape)",
        ["calls sum_to_size"],
    ),
    "a sum of everything": ("return grad.sum()", ["(4,)"]),
    "no return": (SUM_REFERENCE.replace("return grad", "grad"), ["returned None"]),
    "a numpy array": (
        SUM_REFERENCE.replace("return grad", "return grad.numpy()"),
        ["type ndarray"],
    ),
}

CE_REFERENCE = """
B, C = logits.shape
p = torch.softmax(logits, dim=1)
y = F.one_hot(targets, num_classes=C)
return (p - y) / B
"""

CE_SLIPS = {
    "not divided by B": (
        CE_REFERENCE.replace("(p - y) / B", "p - y"),
        ["factor of 4", "divides by B"],
    ),
    "the sum reduction": (
        CE_REFERENCE.replace("return (p - y) / B", "return (p - y) * 1.0  # reduction='sum'"),
        ["factor of 4", "reduction='sum'"],
    ),
    "divided by B * C": (
        CE_REFERENCE.replace("(p - y) / B", "(p - y) / logits.numel()"),
        ["B * C = 12", "Divide by B"],
    ),
    "p alone": (CE_REFERENCE.replace("(p - y) / B", "p / B"), ["p alone", "one-hot"]),
    "logits minus y": (
        CE_REFERENCE.replace("(p - y) / B", "(logits - y) / B"),
        ["logits minus y", "softmax"],
    ),
    "softmax over the batch axis": (
        CE_REFERENCE.replace("dim=1", "dim=0"),
        ["axis 0, the batch", "dim=1"],
    ),
    "a flipped sign": (CE_REFERENCE.replace("(p - y) / B", "(y - p) / B"), ["sign is flipped"]),
    "the class index, not one-hot": (
        CE_REFERENCE.replace("(p - y) / B", "(p - targets.view(-1, 1)) / B"),
        ["class index", "one-hot"],
    ),
    "targets subtracted as they are": (
        CE_REFERENCE.replace("(p - y) / B", "(p - targets) / B"),
        ["shapes do not fit", "one-hot"],
    ),
    "two slips: p alone, not divided": (
        CE_REFERENCE.replace("(p - y) / B", "p"),
        ["p alone", "factor of 4"],
    ),
    "rows averaged": (
        CE_REFERENCE.replace("(p - y) / B", "(p - y).mean(0)"),
        ["rows averaged", "one row per sample"],
    ),
    "autograd inside": (
        """
        leaf = logits.clone().requires_grad_()
        F.cross_entropy(leaf, targets).backward()
        return leaf.grad
        """,
        ["calls autograd", "p - y"],
    ),
    "no return": (CE_REFERENCE.replace("return (p - y) / B", "(p - y) / B"), ["returned None"]),
}


# Each exercise: (its marker, its check, the learner's function, the reference, the slips).
EXERCISES = {
    "sum_to_shape": (SUM_MARKER, "check_sum_to_shape", sum_to_shape, SUM_REFERENCE, SUM_SLIPS),
    "softmax_ce_grad": (
        CE_MARKER,
        "check_softmax_ce_grad",
        softmax_ce_grad,
        CE_REFERENCE,
        CE_SLIPS,
    ),
}


@pytest.mark.parametrize("exercise", EXERCISES)
def test_reference_passes(exercise):
    marker, check, write, reference, _ = EXERCISES[exercise]
    message = said(_namespace(marker)[check], write(reference))
    assert message.strip().startswith(f"{exercise}: correct"), message


@pytest.mark.parametrize(
    ("exercise", "slip"),
    [(exercise, slip) for exercise, entry in EXERCISES.items() for slip in entry[4]],
    ids=str,
)
def test_slip_is_named(exercise, slip):
    marker, check, write, _, slips = EXERCISES[exercise]
    body, words = slips[slip]
    message = said(_namespace(marker)[check], write(body))
    assert_named(message, words, success="correct")


def test_sum_to_size_is_restored():
    """The check watches Tensor.sum_to_size while the learner's code runs, and puts it back."""
    import torch

    namespace = _namespace(SUM_MARKER)
    said(namespace["check_sum_to_shape"], sum_to_shape("return grad.sum_to_size(shape)"))
    assert "sum_to_size" not in torch.Tensor.__dict__
    assert torch.ones(2, 3).sum_to_size(3).tolist() == [2.0, 2.0, 2.0]
