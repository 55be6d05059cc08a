"""Every lesson in `_toc.yml` is in the built site, shaped like a lesson, standing alone.

The lessons are those of the toc (`support.course.LESSONS`), so a new chapter is tested with
no edit here. For the syllabus's lessons, EXPECTED_OUTPUTS (tests/support/expected_outputs.py,
which test_notebooks.py reads too) adds the key results their cells must print: they are
looked for in the cell *outputs* of the built pages, so they prove the code ran and produced
them; the hidden checks inside each chapter assert the prose agrees.
"""

from __future__ import annotations

import pytest
from support.course import LESSONS, ROOT
from support.expected_outputs import EXPECTED_OUTPUTS
from support.site import built_page

from course_ext.myst_blocks import Block, blocks
from tools.lint_chapters import unreadable


def test_expected_outputs_name_lessons_of_the_toc():
    """A renamed or removed lesson must not leave its expectations silently unchecked."""
    assert set(EXPECTED_OUTPUTS) <= set(LESSONS), set(EXPECTED_OUTPUTS) - set(LESSONS)
    assert len(LESSONS) >= len(EXPECTED_OUTPUTS) >= 11


MAX_LINES = 450  # a lesson reads in one sitting; helpers go to book/checks/


def read_lines(text: str) -> int:
    """The lines of a chapter a reader meets: all but blank lines and its hidden checks
    (`remove-cell`), which the page never shows. Blank lines are the source's breathing
    room, for contributors: they cost a reader nothing."""
    hidden = sum(
        sum(1 for line in block.body if line.strip()) + len(block.options) + 2
        for block in blocks(text)
        if isinstance(block, Block) and "remove-cell" in block.options.get("tags", "")
    )
    return sum(1 for line in text.splitlines() if line.strip()) - hidden


@pytest.mark.parametrize("chapter", LESSONS)
def test_lesson_reads_in_one_sitting(chapter):
    text = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    assert read_lines(text) <= MAX_LINES, f"{chapter}.md: split it or move its helpers"
    # The figure setup has one home, the build's kernel profile (parallel_execution.py).
    assert "InlineBackend" not in text, f"{chapter}.md: figure setup repeated in the chapter"


@pytest.mark.parametrize("chapter", LESSONS)
def test_lesson_code_reads_slowly_on_a_phone(chapter):
    """Lines of at most 80 characters, no lambda bound to a name, no walrus, no noqa, in
    every code cell the page shows (tools/lint_chapters.py; `make lint` says the same)."""
    problems = unreadable(ROOT / "book" / f"{chapter}.md")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("chapter", LESSONS)
def test_lesson_outputs_hold_its_key_results(site, chapter):
    soup = built_page(site, f"book/{chapter}.html")
    outputs = "\n".join(o.get_text() for o in soup.select(".cell_output"))
    assert outputs.strip(), f"{chapter}: the page shows no output at all"
    missing = [s for s in EXPECTED_OUTPUTS.get(chapter, []) if s not in outputs]
    assert not missing, f"{chapter}: outputs missing {missing}"


@pytest.mark.parametrize("chapter", LESSONS)
def test_lesson_has_goals_takeaways_and_hidden_checks(chapter):
    source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    assert "Learning goals" in source
    assert "## Key takeaways" in source
    assert source.count("remove-cell") >= 3, "prose numbers need hidden checks"


@pytest.mark.parametrize("chapter", LESSONS)
def test_lesson_stands_alone(chapter):
    """A lesson becomes a Colab notebook: it may not import this repository's code."""
    source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    for module in ("course_ext", "tools", "tests", "conftest"):
        assert f"import {module}" not in source and f"from {module}" not in source
