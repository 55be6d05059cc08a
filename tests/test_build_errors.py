"""Bad input stops the build with an error that names the file.

Each test builds a temporary copy of the real book (with the real execution cache,
so only what the test changed is executed again) and checks the exit code and the
message a contributor would read.
"""

from __future__ import annotations

import re

import pytest
from conftest import build_book, copy_book

pytestmark = pytest.mark.slow


def test_a_cell_that_raises_stops_the_build_and_names_the_chapter(tmp_path):
    book = copy_book(tmp_path)
    chapter = book / "book" / "why_autodiff.md"
    text = chapter.read_text(encoding="utf-8")
    # Insert a failing cell right after the first code cell, so the failure is quick.
    first_cell_end = text.index("```", text.index("```{code-cell}") + 3) + 3
    broken = text[:first_cell_end] + (
        "\n\n```{code-cell} ipython3\nratio = 1 / 0  # a contributor's mistake\n```\n"
    ) + text[first_cell_end:]
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
    assert re.search(rf"_toc\.yml:{line}: entry 'book/no_such_chapter' has no file", output), output[-2000:]
