"""What every slip test needs (each test_<chapter>.py of this folder imports it): a
chapter's code run as a learner's notebook would run it, up to an exercise, and a check
called the way a learner calls it.

Each `test_<chapter>.py` here feeds the check functions of that chapter the mistakes a
learner typically makes (the "slips"), and asserts three things of each: the check says
so in words that name the mistake, it raises nothing (an error in the learner's code is
reported, never thrown from inside the check), and the reference solution passes.
"""

from __future__ import annotations

import contextlib
import io
import os
from functools import cache
from pathlib import Path

import matplotlib

from course_ext.chapter_source import read_chapter

ROOT = Path(__file__).resolve().parents[2]
matplotlib.use("Agg")  # the chapters' figures are drawn, never shown


@cache
def _cells(chapter: str) -> tuple[tuple[str, bool, bool], ...]:
    """(code, meant to raise, loaded from a file) of each code cell of the chapter."""
    notebook = read_chapter(ROOT / "book" / f"{chapter}.md")
    return tuple(
        (
            cell.source,
            "raises-exception" in cell.metadata.get("tags", []),
            "loaded_from" in cell.metadata,
        )
        for cell in notebook.cells
        if cell.cell_type == "code"
    )


def chapter_until(chapter: str, marker: str) -> dict:
    """A fresh namespace holding the chapter's code run (as in its notebook, in book/, its
    hidden checks in a learner's mode) up to the first of its own cells (not a file it
    loads) that contains `marker`: the exercise's cell, say."""
    namespace: dict = {"__name__": "__main__"}
    cells = _cells(chapter)
    stop = next(
        (i for i, (source, _, loaded) in enumerate(cells) if marker in source and not loaded),
        None,
    )
    assert stop is not None, f"{chapter}: no cell contains {marker!r}"
    here = os.getcwd()
    os.environ.pop("COURSE_CHECKS", None)
    os.chdir(ROOT / "book")
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for source, raises, _ in cells[:stop]:
                try:
                    exec(compile(source, f"<{chapter}>", "exec"), namespace)
                except Exception:
                    if not raises:  # a cell the lesson shows raising: the lesson goes on
                        raise
    finally:
        os.chdir(here)
    return namespace


def said(check, *arguments) -> str:
    """What `check(*arguments)` prints. A check that raises fails the test that calls it:
    a learner's mistake must be reported, not thrown."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        check(*arguments)
    return out.getvalue()


def assert_named(message: str, words: list[str], success: str) -> None:
    """A check's message for a slip: without the chapter's word for success, and with each
    of the words that name the slip."""
    assert success not in message, message
    missing = [word for word in words if word not in message]
    assert not missing, f"{missing} not in {message!r}"
