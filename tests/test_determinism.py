"""Two builds of the same commit give the same pages: a second, cold build is compared.

That cold build is also the proof that chapters execute in parallel before Sphinx reads
them, and that the pages are then made from the cache the parallel step filled.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from conftest import build_book, copy_book

pytestmark = pytest.mark.slow


def text_outputs(page) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [o.get_text() for o in soup.select(".cell_output")]


def quiz_markup(page) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [str(quiz) for quiz in soup.select(".agq-quiz, .agq-progress")]


def test_a_cold_rebuild_gives_the_same_text_outputs_and_notebooks(site, tmp_path):
    book = copy_book(tmp_path, with_cache=False)  # every chapter executes again
    result = build_book(book)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    # The chapters ran in parallel (course_ext/parallel_execution.py), and myst-nb then
    # read every one of them from the cache that step filled, executing none itself.
    chapters = len(list((site / "_sources" / "book").glob("*.ipynb")))
    assert f"executing {chapters} chapters in parallel" in log, log[-3000:]
    assert log.count("Using cached notebook") == chapters, log[-3000:]
    assert "Executing notebook" not in log, log[-3000:]
    again = book / "_build" / "html"
    differences = []
    for page in sorted((site / "book").glob("*.html")):
        if text_outputs(page) != text_outputs(again / "book" / page.name):
            differences.append(page.name)
    assert not differences, f"text outputs differ between two builds: {differences}"
    # Quizzes are shuffled by a seed from their own text: the same markup, byte for byte.
    for page in sorted((site / "book").glob("*.html")):
        ours, theirs = quiz_markup(page), quiz_markup(again / "book" / page.name)
        assert ours == theirs, f"{page.name}: the quiz markup differs between two builds"
    for notebook in sorted((site / "_sources" / "book").glob("*.ipynb")):
        assert (
            notebook.read_bytes() == (again / "_sources" / "book" / notebook.name).read_bytes()
        ), f"exported notebook {notebook.name} differs between two builds"
