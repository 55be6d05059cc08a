"""`make pdf`: the whole course as one PDF, read back as a reader's PDF viewer reads it.

`make pdf` runs once (in this tree: it writes only `_build/pdf/`), and the tests read what
it made: its pages and bookmarks, the table of contents' page numbers, the text of a
formula, a quiz's answer and a stepper's gradients, its links to the site and to Colab,
its fonts and its tags. The document it printed is opened in Chromium, at the paper's
width and for print, to find any code line cut at the margin. And `_build/html` is the
same file for file before and after.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from datetime import UTC, datetime

import pytest
from support.build import MAKE_IN_COPY
from support.course import IDENTITY, LESSONS, ROOT
from support.site import SITE, built_page

from course_ext.downloads import PDF_NAME

pytestmark = pytest.mark.slow
PDF = ROOT / "_build" / "pdf" / PDF_NAME
PRINTED = ROOT / "_build" / "pdf" / "html" / "print.html"
CHAPTERS = LESSONS  # in toc order, the lecture first


def site_files() -> dict[str, int]:
    return {
        p.relative_to(SITE).as_posix(): p.stat().st_mtime_ns for p in SITE.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="session")
def made(built_once):
    def make(_folder) -> dict:
        before = site_files()
        result = subprocess.run(
            [*MAKE_IN_COPY, "pdf"], cwd=ROOT, capture_output=True, text=True, timeout=1200
        )
        return {
            "returncode": result.returncode,
            "log": (result.stdout + result.stderr)[-3000:],
            "site_unchanged": site_files() == before,
        }

    _, record = built_once("pdf", make)
    assert record["returncode"] == 0, record["log"]
    return record


@pytest.fixture(scope="session")
def reader(made):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(PDF.read_bytes()))


def bookmarks(reader) -> list[tuple[int, str, int]]:
    """(depth, title, page from 1) of every bookmark, in order."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def title_of(chapter: str) -> str:
    heading = built_page(SITE, f"book/{chapter}.html").h1
    return heading.get_text(" ", strip=True).removesuffix("#").strip()


def text_of(reader, first: int, last: int) -> str:
    """The pages' text, ligatures ("ﬀ") spelled out."""
    pages = (reader.pages[n - 1].extract_text() for n in range(first, last + 1))
    return unicodedata.normalize("NFKC", "\n".join(pages))


def chapter_pages(reader, chapter: str) -> tuple[int, int]:
    """The first and last page of a chapter, from the bookmarks."""
    starts = {title: page for depth, title, page in bookmarks(reader) if depth == 1}
    titles = [title_of(c) for c in CHAPTERS]
    first = starts[title_of(chapter)]
    index = titles.index(title_of(chapter))
    last = starts[titles[index + 1]] - 1 if index + 1 < len(titles) else len(reader.pages)
    return first, last


def test_make_pdf_leaves_the_site_alone(made):
    assert made["site_unchanged"], "make pdf changed files in _build/html"


def test_every_chapter_is_bookmarked_in_toc_order_with_its_page_in_the_contents(reader):
    assert 100 <= len(reader.pages) <= 600, len(reader.pages)
    chapters = [(title, page) for depth, title, page in bookmarks(reader) if depth == 1]
    titles = [title for title, _ in chapters]
    expected = [title_of(chapter) for chapter in CHAPTERS]
    assert [t for t in titles if t in expected] == expected, titles
    pages = [page for title, page in chapters if title in expected]
    assert pages == sorted(pages) and len(set(pages)) == len(pages), pages
    # Sections are bookmarked under their chapter, with their own words.
    assert any(depth == 2 for depth, _, _ in bookmarks(reader))
    contents = re.sub(r"\s+", " ", text_of(reader, 2, 2))
    for title, page in chapters:
        if title in expected:
            assert re.search(rf"{re.escape(title)} ?{page}\b", contents), (title, page)


def test_the_pdf_holds_formulas_answers_and_gradients(reader):
    first, last = chapter_pages(reader, "chain_rule")
    chain_rule = text_of(reader, first, last)
    # Typeset math, as text; pypdf guesses the spaces between glyphs from their places,
    # and guesses differently as the subset fonts change: compare without them.
    assert "dL/dL=1" in re.sub(r"\s", "", chain_rule)
    assert "grad 300" in chain_rule  # the stepper's complete graph, gradients shown
    # Its steps in words, their formulas typeset (pypdf lifts inline math out of the line).
    assert "Itstoresinx.grad." in re.sub(r"\s", "", chain_rule)
    assert "75×4=300" in re.sub(r"\s", "", chain_rule)
    first, last = chapter_pages(reader, "debugging_gradients")  # folded outputs: opened
    assert "code cell" not in text_of(reader, first, last)  # no "Hide code cell output"
    first, last = chapter_pages(reader, "why_autodiff")
    why = re.sub(r"\s+", " ", text_of(reader, first, last))
    assert "The answer is at the end of the chapter." in why
    answers = why.split("Answers", 1)[1]
    assert "Quiz 1, question 1" in answers and "A negative derivative means" in answers


def test_each_chapter_links_its_page_and_its_colab_notebook(reader):
    links = {
        annotation.get_object()["/A"].get("/URI")
        for page in reader.pages
        for annotation in page.get("/Annots", []) or []
        if "/A" in annotation.get_object()
    }
    for chapter in CHAPTERS:
        assert IDENTITY.page_url(f"book/{chapter}") in links, chapter
        assert IDENTITY.colab_url(f"book/{chapter}") in links, chapter


def test_fonts_are_embedded_and_the_pdf_is_tagged(reader):
    fonts = {}
    for page in reader.pages:
        for name, font in (page["/Resources"].get("/Font") or {}).items():
            font = font.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = described.get("/FontDescriptor")
            fonts[str(font.get("/BaseFont", name))] = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), [name for name, ok in fonts.items() if not ok]
    assert any("KaTeX" in name for name in fonts), sorted(fonts)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "en"
    assert reader.metadata.title == "Autograd, executed"


def test_the_pdf_is_dated_by_its_commit_not_by_the_print(reader):
    seconds = subprocess.run(
        ["git", "show", "-s", "--format=%ct", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    committed = datetime.fromtimestamp(int(seconds), tz=UTC).strftime("%Y%m%d%H%M%S")
    assert (
        reader.metadata["/CreationDate"] == reader.metadata["/ModDate"] == f"D:{committed}+00'00'"
    )


def test_no_code_line_is_cut_at_the_margin(made, browser):
    """At the paper's width (A4 less the margins: 178 mm), printed: every code block wraps."""
    context = browser.new_context(viewport={"width": 673, "height": 900})
    page = context.new_page()
    page.goto(PRINTED.as_uri())
    page.emulate_media(media="print")
    cut = page.evaluate(
        "Array.from(document.querySelectorAll('pre'))"
        ".filter(p => p.scrollWidth > p.clientWidth + 1)"
        ".map(p => p.textContent.slice(0, 60))"
    )
    context.close()
    assert not cut, cut
