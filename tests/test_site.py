"""The real built site: pages hold what their cells computed, and the site basics exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from support.course import ROOT
from support.site import built_page

from course_ext.chapter_source import read_chapter
from course_ext.components.colab import colab_tested


def cell_outputs(soup: BeautifulSoup) -> str:
    return "\n".join(o.get_text() for o in soup.select(".cell_output"))


def test_lesson_shows_the_numbers_its_cells_computed(site):
    outputs = cell_outputs(built_page(site, "book/why_autodiff.html"))
    # Printed by executed cells, not written in the prose.
    for expected in [
        "autograd: dL/dw = -14.0, dL/db = -7.0",
        "y = 12.0, dy/dx = 8.0",
        "x = -3:  f(x) = 9,  f'(x) = -6",
        "x = 3:  f(x) = 9,  f'(x) = 6",
        "after one step: x = 2.4",
        "central, h = 0.1  : 12.010000",
    ]:
        assert expected in outputs, f"missing output {expected!r}"


def test_lesson_shows_its_figures(site):
    soup = built_page(site, "book/why_autodiff.html")
    figures = soup.select(".cell_output img")
    assert len(figures) >= 2, "the lesson's two matplotlib figures are missing"
    for img in figures:
        assert (site / "book" / img["src"]).resolve().is_file(), img["src"]
        assert img.get("alt", "").strip(), f"figure {img['src']} has no alt text"


def test_hidden_checks_ran_but_are_not_shown(site):
    """No line of a `remove-cell` check reaches the page (read from the source, so the test
    follows the checks as they change)."""
    from support.course import LESSONS, ROOT

    for chapter in LESSONS:
        notebook = read_chapter(ROOT / "book" / f"{chapter}.md")
        hidden = [
            line.strip()
            for cell in notebook.cells
            if "remove-cell" in cell.metadata.get("tags", [])
            for line in cell.source.splitlines()
            if line.strip().startswith("page.")
        ]
        assert hidden, f"{chapter}: no hidden check to test"
        shown = built_page(site, f"book/{chapter}.html").get_text()
        leaked = [line for line in hidden if line in shown]
        assert not leaked, f"{chapter}: hidden checks shown on the page: {leaked[:3]}"


def test_math_is_typeset_at_build_time_and_served_locally(site, html_pages):
    """No page loads a math engine; a page with math has KaTeX's HTML and MathML, and its
    stylesheet and fonts from the site itself. The landing page, without math, loads none
    (its toctree lists every lesson, which once made Sphinx load MathJax there)."""
    for page in html_pages:
        soup = built_page(site, page)
        scripts = [s.get("src", "") + s.get_text() for s in soup.find_all("script")]
        assert not [s for s in scripts if "mathjax" in s.lower() or "katex" in s.lower()], page
        stylesheets = [a["href"] for a in soup.find_all("link", rel="stylesheet")]
        katex_css = [href for href in stylesheets if "katex" in href]
        if soup.select(".math"):
            assert soup.select(".math .katex-html") and soup.select(".math .katex-mathml math")
            assert len(katex_css) == 1, page
            css = (site / page).parent / katex_css[0].split("?")[0]
            fonts = re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf-8"))
            assert fonts and all((css.parent / font).is_file() for font in fonts), page
        else:
            assert not katex_css, f"{page} shows no math but loads KaTeX's stylesheet"
    assert not built_page(site, "book/intro.html").select(".math")


@pytest.mark.parametrize("page", ["book/intro.html", "book/why_autodiff.html"])
def test_no_script_or_style_from_another_host(site, page):
    soup = built_page(site, page)
    for tag, attribute in [("script", "src"), ("link", "href"), ("img", "src")]:
        for element in soup.find_all(tag):
            url = element.get(attribute, "")
            if (
                tag == "link"
                and "stylesheet" not in element.get("rel", [])
                and "preload" not in element.get("rel", [])
            ):
                continue  # plain links (canonical, etc.) are not requests
            assert not re.match(r"^(https?:)?//", url), f"{page} loads {url}"


def test_site_basics(site):
    assert (site / "404.html").is_file(), "no 404 page"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "book/why_autodiff.html" in sitemap
    # The lessons, the same whether the build was fresh or incremental (it was not, before).
    assert not re.search(r"/(404|genindex|search)\.html<", sitemap), sitemap
    soup = built_page(site, "book/why_autodiff.html")
    assert soup.find("meta", property="og:title"), "no OpenGraph title"
    # A shared link names the course (the book's title), not Sphinx's "Project name not set".
    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    assert soup.find("meta", property="og:site_name")["content"] == title
    assert soup.find("link", rel="icon"), "no favicon"
    assert soup.select_one(".navbar-brand img, .logo__image"), "no logo"
    footer = soup.select_one(".extra_footer").get_text(" ", strip=True)
    assert "MIT licence" in footer and "dataflowr" in footer


def test_404_page_links_work_from_any_depth(site):
    soup = built_page(site, "404.html")
    for element in soup.find_all(["script", "link"]):
        url = element.get("src") or element.get("href") or ""
        if "_static" in url:
            assert url.startswith("/"), f"relative asset link on the 404 page: {url}"


def _ids(site: Path, page: str, cache: dict) -> set[str]:
    if page not in cache:
        soup = built_page(site, page)
        cache[page] = {e["id"] for e in soup.find_all(id=True)} | {
            a["name"] for a in soup.find_all("a", attrs={"name": True})
        }
    return cache[page]


def test_no_broken_internal_link_or_anchor(site, html_pages):
    """Every href to a page of the site exists, and every #fragment names an element there."""
    from posixpath import dirname, join, normpath
    from urllib.parse import unquote, urlparse

    ids: dict = {}
    broken = []
    for page in html_pages:
        soup = built_page(site, page)
        for element in soup.find_all(["a", "link"], href=True):
            href = element["href"]
            parsed = urlparse(href)
            if parsed.scheme or href.startswith(("//", "mailto:", "javascript:")):
                continue
            if element.name == "link" and "canonical" in element.get("rel", []):
                continue
            target = normpath(join(dirname(page), unquote(parsed.path))) if parsed.path else page
            if page == "404.html" and href.startswith("/"):
                target = parsed.path.lstrip("/").split("/", 1)[-1]  # absolute, under the Pages path
            path = site / target
            if path.is_dir():
                path, target = path / "index.html", f"{target}/index.html"
            if not path.is_file():
                broken.append(f"{page}: {href} (no {target})")
            elif (
                parsed.fragment
                and target.endswith(".html")
                and unquote(parsed.fragment) not in _ids(site, target, ids)
            ):
                broken.append(f"{page}: {href} (no #{parsed.fragment} in {target})")
    assert not broken, "\n".join(broken)


def test_every_image_has_alt_text(site, html_pages):
    missing = []
    for page in html_pages:
        for img in built_page(site, page).find_all("img"):
            if not img.get("alt", "").strip():
                missing.append(f"{page}: {img.get('src')}")
    assert not missing, "images without alt text:\n" + "\n".join(missing)


def test_code_cells_show_their_outputs(site):
    """Each page shows every output its executed notebook has (hidden cells excepted)."""
    from jupyter_cache import get_cache

    cache = get_cache(site.parent / ".jupyter_cache")
    records = cache.list_project_records()
    assert records, "no executed chapters in the jupyter-cache"
    for record in records:
        cached = cache.get_cached_project_nb(record.uri)
        assert cached is not None, f"{record.uri}: its current code was never executed"
        notebook = cache.get_cache_bundle(cached.pk).nb
        expected = sum(
            1
            for cell in notebook.cells
            if cell.cell_type == "code"
            and cell.get("outputs")
            and not {"remove-cell", "remove-output"} & set(cell.metadata.get("tags", []))
        )
        name = Path(record.uri).stem
        shown = len(built_page(site, f"book/{name}.html").select(".cell_output"))
        assert expected > 0 and shown == expected, (
            f"{name}: {shown} outputs shown, {expected} computed"
        )


def test_no_page_carries_the_date_it_was_built(site, html_pages):
    """A build date is not when a lesson changed, and would make tomorrow's build differ."""
    import datetime

    today = datetime.date.today()
    stamps = {today.strftime("%b %d, %Y"), today.isoformat(), today.strftime("%d %B %Y")}
    # The landing page quotes the day `make colab-check` last ran (tools/colab/tested.txt):
    # a date the repository records, whichever day the book is built.
    recorded = colab_tested(ROOT)

    def text(page: str) -> str:
        return (site / page).read_text(encoding="utf-8").replace(recorded.replace("'", "’"), "")

    dated = [page for page in html_pages if any(stamp in text(page) for stamp in stamps)]
    assert not dated, f"pages stamped with today's date: {dated}"
