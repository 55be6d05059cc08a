"""What a build executes: chapters in parallel when cold, then only a chapter whose code changed.

Each test builds a two-chapter copy of the real book (autograd_mechanics and why_autodiff, with a
stand-in page, without code, for each lesson they link to) with an empty execution cache, and
reads the build log:
"executing N chapters in parallel" is course_ext/parallel_execution.py, "Executing
notebook" is myst-nb executing a chapter itself, "Using cached notebook" is myst-nb
reading a chapter from the cache. A rebuild with nothing changed cuts neither the
stylesheets (PurgeCSS, finish/purge.py) nor KaTeX's fonts (finish/katex_fonts.py) again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.build import build_book, small_book

pytestmark = pytest.mark.slow

CHAPTERS = ["autograd_mechanics", "why_autodiff"]


def probe_book(destination: Path) -> Path:
    """The two chapters; why_autodiff also takes a cell from a file (`:load:`)."""
    book = small_book(destination, CHAPTERS, with_cache=False)
    (book / "book" / "checks").mkdir(exist_ok=True)
    (book / "book" / "checks" / "probe.py").write_text('probe = "loaded"\n', encoding="utf-8")
    edit(
        book / "book" / "why_autodiff.md",
        "```{code-cell} ipython3\n",
        "```{code-cell} ipython3\n:load: checks/probe.py\n```\n\n```{code-cell} ipython3\n",
    )
    return book


def build(book: Path) -> str:
    result = build_book(book)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    return log


def executed_by_myst_nb(log: str) -> list[str]:
    return re.findall(r"book/(\w+)\.md: Executing notebook", log)


def sitemap_pages(book: Path) -> list[str]:
    sitemap = (book / "_build" / "html" / "sitemap.xml").read_text(encoding="utf-8")
    return sorted(re.findall(r"/book/(\w+)\.html</loc>", sitemap))


def css_files(book: Path) -> dict[str, bytes]:
    static = book / "_build" / "html" / "_static"
    return {p.relative_to(static).as_posix(): p.read_bytes() for p in static.rglob("*.css")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_chapters_run_in_parallel_then_only_when_their_code_changes(tmp_path):
    book = probe_book(tmp_path)

    cold = build(book)
    assert "executing 2 chapters in parallel" in cold, cold[-3000:]
    assert cold.count("Using cached notebook") == 2, "myst-nb did not read both from the cache"
    assert executed_by_myst_nb(cold) == [], "myst-nb executed a chapter the parallel step ran"

    stylesheets = css_files(book)
    assert "stylesheets cut from" in cold and "KaTeX fonts cut" in cold, cold[-3000:]

    unchanged = build(book)
    assert "in parallel" not in unchanged
    assert executed_by_myst_nb(unchanged) == []
    assert "Using cached notebook" not in unchanged, "a page was read again with nothing changed"
    # Nor are the stylesheets or the math fonts cut again: the same files, from the last cut.
    assert "stylesheets cut as in the last build" in unchanged, unchanged[-3000:]
    assert "KaTeX fonts cut" not in unchanged
    assert css_files(book) == stylesheets

    # Text only: the page is read again, from the cache; nothing executes.
    edit(book / "book" / "why_autodiff.md", "# ", "# Edited: ")
    text_edit = build(book)
    assert executed_by_myst_nb(text_edit) == [] and "in parallel" not in text_edit
    assert text_edit.count("Using cached notebook") == 1
    assert "stylesheets cut from" in text_edit, "a page changed, yet PurgeCSS did not run"
    assert css_files(book) == stylesheets
    assert "Edited: " in (book / "_build" / "html" / "book" / "why_autodiff.html").read_text()

    # One code cell: exactly that chapter executes again.
    chapter = book / "book" / "autograd_mechanics.md"
    edit(chapter, "import torch\n", "# edited\nimport torch\n")  # its first code of its own
    code_edit = build(book)
    assert executed_by_myst_nb(code_edit) == ["autograd_mechanics"], code_edit[-3000:]
    assert "in parallel" not in code_edit

    # A file a cell loads is part of the chapter: editing it runs that chapter again.
    edit(book / "book" / "checks" / "probe.py", '"loaded"', '"edited"')
    loaded_edit = build(book)
    assert executed_by_myst_nb(loaded_edit) == ["why_autodiff"], loaded_edit[-3000:]
    assert "edited" in (book / "_build" / "html" / "book" / "why_autodiff.html").read_text()

    # Incremental builds wrote one page each, yet the sitemap still lists every page.
    listed = re.findall(r"file: book/(\w+)", (book / "_toc.yml").read_text(encoding="utf-8"))
    assert sitemap_pages(book) == sorted(["index", *listed])


def test_a_chapter_failing_in_the_parallel_step_stops_the_build_with_its_cell(tmp_path):
    book = probe_book(tmp_path)
    edit(
        book / "book" / "autograd_mechanics.md",
        "import torch\n",
        "ratio = 1 / 0  # a contributor's mistake\nimport torch\n",
    )
    result = build_book(book)
    log = result.stdout + result.stderr
    assert result.returncode != 0, "a chapter with a failing cell built successfully"
    assert "executing 2 chapters in parallel" in log
    # myst-nb runs the failed chapter again and reports it as it always does.
    assert "book/autograd_mechanics" in log and "ZeroDivisionError" in log
    assert "ratio = 1 / 0" in log, "the failing cell is not shown in the build output"
