"""Bad input stops the build with an error that names the file.

Each test builds a temporary copy of the real book, or of the one chapter it breaks
(`small_book`), with the real execution cache, so only what the test changed is executed
again, and checks the exit code and the message a contributor would read.
"""

from __future__ import annotations

import re

import pytest
from support.build import build_book, copy_book, small_book

pytestmark = pytest.mark.slow


def test_a_cell_that_raises_stops_the_build_and_names_the_chapter(tmp_path):
    book = small_book(tmp_path, ["why_autodiff"])
    chapter = book / "book" / "why_autodiff.md"
    text = chapter.read_text(encoding="utf-8")
    # Insert a failing cell right after the first code cell, so the failure is quick.
    first_cell_end = text.index("```", text.index("```{code-cell}") + 3) + 3
    broken = (
        text[:first_cell_end]
        + ("\n\n```{code-cell} ipython3\nratio = 1 / 0  # a contributor's mistake\n```\n")
        + text[first_cell_end:]
    )
    chapter.write_text(broken, encoding="utf-8")

    result = build_book(book)
    output = result.stdout + result.stderr
    assert result.returncode != 0, "a chapter with a failing cell built successfully"
    assert "book/why_autodiff" in output, "the error does not name the chapter"
    assert "ZeroDivisionError" in output, "the exception is not in the build output"
    assert "ratio = 1 / 0" in output, "the failing cell is not shown in the build output"


def test_a_chapter_missing_from_the_toc_is_an_error(tmp_path):
    book = copy_book(tmp_path, with_cache=False)
    (book / "book" / "orphan.md").write_text("# Forgotten\n\nNot in the toc.\n", encoding="utf-8")

    result = build_book(book)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "book/orphan.md: chapter is not in _toc.yml" in output


def test_a_toc_entry_without_a_file_is_an_error(tmp_path):
    book = copy_book(tmp_path, with_cache=False)
    toc = book / "_toc.yml"
    lines = toc.read_text(encoding="utf-8").splitlines()
    lines.append("      - file: book/no_such_chapter")
    toc.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = build_book(book)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    line = len(lines)
    assert re.search(rf"_toc\.yml:{line}: entry 'book/no_such_chapter' has no file", output), (
        output[-2000:]
    )


def build_with_change(tmp_path, chapter: str, old: str, new: str):
    """A small book of that chapter, `old` replaced by `new` in it, built; return (result,
    line of new, output)."""
    book = small_book(tmp_path, [chapter.removesuffix(".md")])
    path = book / "book" / chapter
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {chapter}"
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    line = text[: text.index(new)].count("\n") + 1
    result = build_book(book)
    return result, line, result.stdout + result.stderr


def test_a_cell_that_runs_past_the_timeout_stops_the_build(tmp_path):
    book = small_book(tmp_path, ["gradient_descent"])
    chapter = book / "book" / "gradient_descent.md"
    text = chapter.read_text(encoding="utf-8")
    # A per-chapter timeout of 2 s (front matter) keeps the test quick; the book's is 60 s.
    text = text.replace("kernelspec:", "mystnb:\n  execution_timeout: 2\nkernelspec:", 1)
    # Before the first cell: the slow cell must be the one that times out, not an import.
    first_cell = text.index("```{code-cell}")
    text = (
        text[:first_cell]
        + "```{code-cell} ipython3\nimport time\ntime.sleep(30)\n```\n\n"
        + text[first_cell:]
    )
    chapter.write_text(text, encoding="utf-8")
    result = build_book(book)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "book/gradient_descent" in output
    assert "A cell timed out while it was being executed, after 2 seconds" in output
    assert (
        "preview of the cell contents:\n-------------------\nimport time\ntime.sleep(30)" in output
    )


# One edit to one chapter, and the message it must produce at `{line}`, the line of the
# edit. Sphinx names the line where the paragraph holding a reference starts (`{line_before}`);
# front matter is reported at line 1.
ONE_EDIT_ERRORS = {
    "malformed quiz": (
        "why_autodiff.md",
        "  correct: [1, 2, 3]",
        "  correct: [1, 2, 7]",
        r"book/why_autodiff\.md:{line}:.*malformed quiz: question 4: correct option 7 is out "
        "of range",
    ),
    "bad video timestamp": (
        "lecture.md",
        "224 PyTorch tensor",
        "24 PyTorch tensor",
        r"book/lecture\.md:{line}:.*video: chapter at 24 s comes before the previous one",
    ),
    "broken cross-reference": (
        "why_autodiff.md",
        "{doc}`chain_rule`",
        "{doc}`chain_rules`",
        r"book/why_autodiff\.md:({line_before}|{line}):.*unknown document: 'chain_rules'",
    ),
    "a :load: file that does not exist": (
        "why_autodiff.md",
        "```{code-cell} ipython3\n",
        "```{code-cell} ipython3\n:load: checks/no_such_file.py\n```\n\n```{code-cell} ipython3\n",
        r"book/why_autodiff\.md:{line}: :load: names \S*book/checks/no_such_file\.py, which does "
        "not exist",
    ),
    "invalid front matter": (
        "vectors_matrices.md",
        "kernelspec:",
        "kernelspec: [unclosed\n",
        r"book/vectors_matrices\.md:1:.*Malformed YAML",
    ),
}


@pytest.mark.parametrize(
    ("chapter", "old", "new", "message"), ONE_EDIT_ERRORS.values(), ids=list(ONE_EDIT_ERRORS)
)
def test_a_bad_edit_stops_the_build_naming_the_file_and_line(tmp_path, chapter, old, new, message):
    result, line, output = build_with_change(tmp_path, chapter, old, new)
    assert result.returncode != 0
    pattern = message.replace("{line_before}", str(line - 1)).replace("{line}", str(line))
    assert re.search(pattern, output), output[-3000:]
