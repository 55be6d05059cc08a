"""The slips of "Mixed precision and torch.compile": scaled_step written wrong the way a
learner writes it, and what check_scaled_step says of each.

Each slip is the learner's cell, run in the chapter's namespace (its `nn` and `torch`)."""

from __future__ import annotations

import textwrap
from functools import cache

import pytest
from slip_helpers import assert_named, chapter_until, said

MARKER = "amp_step's step, with clip_grad_norm_"


@cache
def _namespace() -> dict:
    return chapter_until("precision_and_compile", MARKER)


def learner(body: str):
    """scaled_step(model, optimizer, scaler, loss, max_norm) with this body."""
    namespace = _namespace()
    lines = textwrap.indent(textwrap.dedent(body).strip(), "    ")
    exec(f"def scaled_step(model, optimizer, scaler, loss, max_norm):\n{lines}\n", namespace)
    return namespace["scaled_step"]


REFERENCE = """
optimizer.zero_grad()
scaler.scale(loss).backward()
scaler.unscale_(optimizer)
nn.utils.clip_grad_norm_(model.parameters(), max_norm)
scaler.step(optimizer)
scaler.update()
"""

# The reference with one line replaced: (line of REFERENCE, what the learner wrote).
CHANGES = {
    "clipping before unscaling": [
        ("scaler.unscale_(optimizer)", "nn.utils.clip_grad_norm_(model.parameters(), max_norm)"),
        ("nn.utils.clip_grad_norm_(model.parameters(), max_norm)", "scaler.unscale_(optimizer)"),
    ],
    "no unscale at all": [("scaler.unscale_(optimizer)", "")],
    "optimizer.step instead of scaler.step": [
        ("scaler.step(optimizer)", "optimizer.step()"),
    ],
    "no scaler.update": [("scaler.update()", "")],
    "backward of the unscaled loss": [("scaler.scale(loss).backward()", "loss.backward()")],
    "unscaling twice": [
        ("scaler.unscale_(optimizer)", "scaler.unscale_(optimizer)\nscaler.unscale_(optimizer)")
    ],
    "clipping after the step": [
        ("nn.utils.clip_grad_norm_(model.parameters(), max_norm)", ""),
        (
            "scaler.step(optimizer)",
            "scaler.step(optimizer)\nnn.utils.clip_grad_norm_(model.parameters(), max_norm)",
        ),
    ],
    "no clipping": [("nn.utils.clip_grad_norm_(model.parameters(), max_norm)", "")],
    "gradients never zeroed": [("optimizer.zero_grad()", "")],
}

WORDS = {
    "clipping before unscaling": ["before scaler.unscale_", "65,536 times too hard"],
    "no unscale at all": ["unscale_(optimizer) is missing", "65,536 times too hard"],
    "optimizer.step instead of scaler.step": ["optimizer.step()", "not skipped", "nan"],
    "no scaler.update": ["scaler.update() is missing", "never changes"],
    "backward of the unscaled loss": ["not on scaler.scale(loss)", "underflow"],
    "unscaling twice": ["ran twice", "refused"],
    "clipping after the step": ["after scaler.step", "unclipped"],
    "no clipping": ["never ran", "unclipped"],
    "gradients never zeroed": ["never zeroed", "skipped"],
}


def _with(changes) -> str:
    """The reference with each of its lines in `changes` replaced, all at once (a swap of
    two lines is two changes)."""
    lines = REFERENCE.strip().splitlines()
    replaced = dict(changes)
    assert set(replaced) <= set(lines), set(replaced) - set(lines)
    return "\n".join(replaced.get(line, line) for line in lines)


def test_reference_passes():
    message = said(_namespace()["check_scaled_step"], learner(REFERENCE))
    assert message.strip().startswith("scaled step: correct"), message


def test_the_pages_solution_passes():
    """The solution cell of the page, run as the learner would run it."""
    from slip_helpers import _cells

    (solution,) = [
        source
        for source, _, _ in _cells("precision_and_compile")
        if "def scaled_step" in source and "NotImplementedError" not in source
    ]
    namespace = _namespace()
    out = said(exec, solution, namespace)
    assert "scaled step: correct" in out, out


def test_not_written_yet():
    body = f"raise NotImplementedError({MARKER!r})"
    message = said(_namespace()["check_scaled_step"], learner(body))
    assert "not written yet" in message, message


def test_an_error_of_the_learner_is_reported():
    message = said(_namespace()["check_scaled_step"], learner("return loss.nonsense()"))
    assert_named(message, ["fails with AttributeError"], success="correct")


@pytest.mark.parametrize("slip", CHANGES, ids=str)
def test_slip_is_named(slip):
    message = said(_namespace()["check_scaled_step"], learner(_with(CHANGES[slip])))
    assert_named(message, WORDS[slip], success="correct")
