"""`make pdf`: the whole course as one PDF, printed by Chromium from the executed book.

Why our own: Jupyter Book 1's `pdfhtml` prints with pyppeteer, which downloads a Chromium of
its own (impossible here, and a second browser), and prints the site as it is, sidebars and
folded answers included; its `pdflatex` needs a TeX installation and has no form for the
quizzes, steppers and build-time KaTeX. The tests already install a Chromium, and Chromium
prints tagged PDFs with bookmarks (Playwright's `page.pdf(outline=True, tagged=True)`).

The steps, in order:
1. A single-page build (Sphinx's `singlehtml`) into `_build/pdf/html`, from the execution
   cache `make book` fills, so no chapter runs twice. `_build/html` is never touched.
2. That page made into a book to print (`print_document`): a title page, a table of
   contents, each chapter from a new page with links to its page on the site and to its
   Colab notebook, the quizzes' answers gathered at the end of each chapter, the hidden
   helper code left out, every folded output open.
3. Printed twice, with JavaScript off, so every quiz, stepper and video is in its complete
   static form: the first print says on which page each chapter starts (its bookmark), the
   second writes those numbers into the table of contents.

The PDF is `_build/pdf/<PDF_NAME>`, with a note of the sources it was made from
(`sources_digest`): the site's build publishes it only if the chapters are still those.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bs4 import BeautifulSoup, Tag

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_ext.config import book_identity  # noqa: E402
from course_ext.downloads import PDF_NAME, sources_digest  # noqa: E402
from tools.browser import BROWSER_FLAGS, chromium_path  # noqa: E402

OUT = ROOT / "_build" / "pdf"
PRINT_CSS = Path(__file__).with_name("templates") / "print.css"
FOOTER = (
    '<div style="font-size:8pt;width:100%;text-align:center;color:#555">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def build_single_page() -> Path:
    """The book as one HTML page (step 1); returns its path."""
    from jupyter_book.sphinx import build_sphinx

    result = build_sphinx(
        ROOT,
        OUT / "html",
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides={
            "external_toc_path": "_toc.yml",
            "latex_individualpages": False,
            "nb_execution_cache_path": str(ROOT / "_build" / ".jupyter_cache"),
        },
        builder="singlehtml",
        doctreedir=OUT / ".doctrees",
        keep_going=True,
        warningiserror=True,
    )
    if result:
        raise SystemExit(f"make pdf: the single-page build failed (Sphinx returned {result})")
    return OUT / "html" / "book" / "intro.html"


def _chapters(article: Tag) -> list[tuple[str, Tag]]:
    """(docname, section) of each chapter, in toc order; Sphinx marks each with a span."""
    found = []
    for mark in article.select('span[id^="document-"]'):
        section = mark.find_next_sibling("section")
        if section is not None:
            found.append((mark["id"].removeprefix("document-"), section))
    return found


def _gather_answers(soup: BeautifulSoup, docname: str, section: Tag) -> None:
    """Each quiz answer moves to an "Answers" part at the end of its chapter, and its
    question says where it went."""
    answers = soup.new_tag("section", attrs={"class": "pdf-answers"})
    heading = soup.new_tag("h3")
    heading.string = "Answers"
    answers.append(heading)
    for quiz_number, quiz in enumerate(section.select(".agq-quiz"), 1):
        label = "Prediction" if "agq-predict" in quiz.get("class", []) else "Quiz"
        for question_number, folded in enumerate(quiz.select("details.agq-answer"), 1):
            anchor = f"answer-{docname.replace('/', '-')}-{quiz_number}-{question_number}"
            entry = soup.new_tag("div", attrs={"class": "pdf-answer", "id": anchor})
            name = soup.new_tag("p", attrs={"class": "pdf-answer-title"})
            name.string = f"{label} {quiz_number}, question {question_number}"
            entry.append(name)
            body = folded.select_one(".agq-answer-body")
            if body is not None:
                entry.append(body.extract())
            answers.append(entry)
            pointer = soup.new_tag("p", attrs={"class": "pdf-answer-pointer"})
            link = soup.new_tag("a", href=f"#{anchor}")
            link.string = "The answer is at the end of the chapter."
            pointer.append(link)
            folded.replace_with(pointer)
    if len(answers.contents) > 1:
        section.append(answers)


def _links(soup: BeautifulSoup, docname: str, identity) -> Tag:
    line = soup.new_tag("p", attrs={"class": "pdf-chapter-links"})
    site = soup.new_tag("a", href=identity.page_url(docname))
    site.string = "This chapter on the site"
    line.append(site)
    if docname != "book/intro":
        line.append(" · ")
        colab = soup.new_tag("a", href=identity.colab_url(docname))
        colab.string = "Run it in Colab"
        line.append(colab)
    return line


def print_document(page: Path, identity) -> tuple[Path, list[str]]:
    """The single page made into a book to print (step 2): its path and chapter titles."""
    soup = _soup(page)
    article = soup.select_one("article.bd-article")
    chapters = _chapters(article)
    for docname, section in chapters:
        section.select_one("h1, h2").insert_after(_links(soup, docname, identity))
        _gather_answers(soup, docname, section)
    # Hidden helper code stays hidden (its outputs are printed); folded outputs are opened.
    for folded in article.select("details.hide.above-input"):
        folded.decompose()
    for folded in article.select("details"):
        folded["open"] = ""
    for folded in article.select("details.hide"):  # no "Hide code cell output" on paper
        for toggle in folded.find_all("summary", recursive=False):
            toggle.decompose()
        folded.unwrap()
    for clutter in article.select("a.headerlink, .agq-js-only, .agb-js-only, button"):
        clutter.decompose()

    titles = [section.select_one("h1, h2").get_text(" ", strip=True) for _, section in chapters]
    body = soup.new_tag("body")
    body.append(_title_page(soup, identity))
    body.append(_contents(soup, chapters, titles))
    main = soup.new_tag("main", attrs={"class": "pdf-book"})
    for _docname, section in chapters:
        wrapper = soup.new_tag("div", attrs={"class": "pdf-chapter"})
        wrapper.append(section.extract())
        main.append(wrapper)
    body.append(main)
    soup.body.replace_with(body)
    # The light theme's colours, which the theme's script would set (no script runs here).
    soup.html["data-theme"] = soup.html["data-mode"] = "light"
    # Printed as a reader without JavaScript sees it: no script, and no policy for them.
    for element in soup.select('script, meta[http-equiv="Content-Security-Policy"]'):
        element.decompose()
    # Sphinx's single page links its files from the site's root, and lists KaTeX's
    # stylesheet only for pages with math of their own: the root, not the chapters.
    katex = soup.new_tag("link", rel="stylesheet", href="_static/katex/katex.min.css")
    style = soup.new_tag("style")
    style.string = PRINT_CSS.read_text(encoding="utf-8")
    soup.head.extend([katex, style])
    printed = OUT / "html" / "print.html"
    printed.write_text(str(soup), encoding="utf-8")
    return printed, titles


def _title_page(soup: BeautifulSoup, identity) -> Tag:
    page = soup.new_tag("section", attrs={"class": "pdf-title-page"})
    title = soup.new_tag("h1")
    title.string = soup.title.get_text(strip=True).split(" — ")[-1] if soup.title else "Course"
    page.append(title)
    for text, href in [
        (
            "Automatic differentiation and backpropagation with PyTorch, executed: every output "
            "in this book was computed when it was built.",
            None,
        ),
        (identity.base_url, identity.base_url),
        (
            "Each chapter links to its page on the site and to its notebook in Colab. The "
            "quizzes' answers are at the end of each chapter.",
            None,
        ),
    ]:
        line = soup.new_tag("p")
        if href:
            link = soup.new_tag("a", href=href)
            link.string = text
            line.append(link)
        else:
            line.string = text
        page.append(line)
    return page


def _contents(soup: BeautifulSoup, chapters, titles: list[str]) -> Tag:
    contents = soup.new_tag("nav", attrs={"class": "pdf-contents"})
    heading = soup.new_tag("h2")
    heading.string = "Contents"
    contents.append(heading)
    listing = soup.new_tag("ol")
    for (_docname, section), title in zip(chapters, titles, strict=True):
        item = soup.new_tag("li")
        link = soup.new_tag("a", href=f"#{section['id']}")
        link.string = title
        number = soup.new_tag("span", attrs={"class": "pdf-page-number"})
        number.string = "0"
        item.append(link)
        item.append(number)
        listing.append(item)
    contents.append(listing)
    return contents


def _squeezed(text: str) -> str:
    """Chromium's bookmarks join a heading's lines with no space: compare without any."""
    return re.sub(r"\s+", "", text)


def _chapter_pages(pdf: bytes, titles: list[str]) -> list[int]:
    """The page (from 1) where each chapter starts, from the PDF's bookmarks."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = {}

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            elif depth == 1:  # under the title page's: the chapters (their sections nest)
                page = reader.get_destination_page_number(item) + 1
                pages.setdefault(_squeezed(item.title), page)

    walk(reader.outline, 0)
    missing = [title for title in titles if _squeezed(title) not in pages]
    if missing:
        raise SystemExit(f"make pdf: no bookmark for the chapters {missing}")
    return [pages[_squeezed(title)] for title in titles]


def _source_date() -> str | None:
    """The date of the commit the book is made from, as a PDF date: what the PDF's dates
    say, so that two prints of one commit carry the same dates (Chromium writes the time
    of the print). None outside a git checkout."""
    found = subprocess.run(
        ["git", "log", "-1", "--format=%cd", "--date=format-local:%Y%m%d%H%M%S"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC"},
    )
    return f"D:{found.stdout.strip()}+00'00'" if found.returncode == 0 and found.stdout else None


def _whole_bookmarks(pdf: bytes, headings: list[str]) -> bytes:
    """The bookmarks with the headings' own words (a heading printed on two lines is
    bookmarked by Chromium with its lines joined without a space), and the dates of the
    commit instead of the print's."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    spelled = {_squeezed(heading): heading for heading in headings}
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    stack = [writer.root_object["/Outlines"].get("/First")]
    while stack:
        item = stack.pop()
        if item is None:
            continue
        item = item.get_object()
        title = str(item.get("/Title", ""))
        if _squeezed(title) in spelled:
            item[NameObject("/Title")] = TextStringObject(spelled[_squeezed(title)])
        stack += [item.get("/First"), item.get("/Next")]
    date = _source_date()
    metadata = {key: value for key, value in (writer.metadata or {}).items() if "Date" not in key}
    writer.metadata = {**metadata, **({"/CreationDate": date, "/ModDate": date} if date else {})}
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def print_pdf(document: Path, titles: list[str]) -> bytes:
    """Chromium prints the document twice (step 3); the second print has page numbers in
    its table of contents."""
    from playwright.sync_api import sync_playwright

    from tools.site_server import serve

    options = {
        "format": "A4",
        "outline": True,
        "tagged": True,
        "print_background": True,
        "display_header_footer": True,
        "header_template": "<span></span>",
        "footer_template": FOOTER,
        "margin": {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
    }
    with serve(OUT / "html") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(full=True) or chromium_path(), args=BROWSER_FLAGS
        )
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.route(re.compile(r"^(?!http://127\.0\.0\.1)"), lambda route: route.abort())
        url = f"{base}/{document.name}"
        page.goto(url, wait_until="load")
        page.emulate_media(media="print")
        first = page.pdf(**options)
        numbers = _chapter_pages(first, titles)
        page.evaluate(
            "numbers => document.querySelectorAll('.pdf-page-number')"
            ".forEach((span, i) => { span.textContent = numbers[i]; })",
            numbers,
        )
        second = page.pdf(**options)
        if _chapter_pages(second, titles) != numbers:
            raise SystemExit("make pdf: the page numbers moved between the two prints")
        browser.close()
    headings = [h.get_text(" ", strip=True) for h in _soup(document).select("h1, h2, h3, h4")]
    return _whole_bookmarks(second, headings)


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    started = time.monotonic()
    page = build_single_page()
    identity = book_identity(ROOT)
    document, titles = print_document(page, identity)
    pdf = print_pdf(document, titles)
    target = OUT / PDF_NAME
    target.write_bytes(pdf)
    target.with_suffix(".sources").write_text(sources_digest(ROOT) + "\n", encoding="utf-8")
    seconds = time.monotonic() - started
    print(
        f"make pdf: {target.relative_to(ROOT)}, {len(pdf) / 1e6:.1f} MB, "
        f"{len(titles)} chapters, in {seconds:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
