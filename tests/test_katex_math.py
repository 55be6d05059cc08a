"""Math typeset at build time (course_ext/katex_math.py), on a one-page project."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from support.build import build_small_project
from support.course import ROOT

PAGE = """# Math

Inline $x^2 + \\frac{1}{2}$ and a numbered display:

```{math}
:label: chain
\\frac{df}{dx} = f'(g(x))\\, g'(x)
```

Two aligned lines:

$$
a &= b + c \\\\
d &= e
$$
"""


def test_formulas_become_html_and_mathml_with_local_fonts(tmp_path):
    result = build_small_project(tmp_path, PAGE)
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / "_build"
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    inline, *displays = soup.select(".math")
    assert inline.name == "span" and inline.select_one(".katex-html")
    assert inline.select_one(".katex-mathml math annotation").get_text() == "x^2 + \\frac{1}{2}"
    assert [d.name for d in displays] == ["div", "div"]
    assert displays[0].select_one(".eqno").get_text().startswith("(1)")
    assert displays[1].select(".katex-display"), "the aligned lines are not display math"
    assert "\\(" not in soup.get_text() and "\\[" not in soup.get_text()
    assert not soup.select("script[src*=mathjax]"), "a page still loads MathJax"

    css = (out / "_static" / "katex" / "katex.min.css").read_text(encoding="utf-8")
    fonts = re.findall(r"url\(([^)]+)\)", css)
    assert fonts and all(font.endswith(".woff2") for font in fonts)
    assert all((out / "_static" / "katex" / font).is_file() for font in fonts)
    assert "font-display:block" not in css, "math text hidden while its font loads"

    # Each font keeps the characters of the page's math it had, and only those.
    whole = TTFont(ROOT / "node_modules" / "katex" / "dist" / "fonts" / "KaTeX_Main-Regular.woff2")
    cut = TTFont(out / "_static" / "katex" / "fonts" / "KaTeX_Main-Regular.woff2")
    assert {"+", "=", "1", "2"} <= {chr(c) for c in cut.getBestCmap()}
    assert "Q" in {chr(c) for c in whole.getBestCmap()} - {chr(c) for c in cut.getBestCmap()}


def test_a_formula_katex_cannot_read_stops_the_build_with_its_line(tmp_path):
    result = build_small_project(tmp_path, "# Math\n\nText.\n\nSee $\\nosuchmacro{x}$ here.\n")
    assert result.returncode != 0
    assert re.search(
        r"index\.md:5:.*cannot typeset this formula: KaTeX parse error: "
        r"Undefined control sequence: \\nosuchmacro at position 1: \\nosuchmacro\{x\}",
        result.stderr,
    ), result.stderr[-2000:]


def test_the_stock_pages_keep_mathjax_in_the_browser(tmp_path):
    """`course_light_pages: false` is stock Sphinx, for bench/ to compare against."""
    from support.build import SMALL_PROJECT_CONF

    conf = SMALL_PROJECT_CONF + "course_light_pages = False\n"
    result = build_small_project(tmp_path, "# Math\n\nInline $x^2$.\n", conf=conf)
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "_build" / "index.html").read_text(encoding="utf-8")
    assert "\\(x^2\\)" in page and "katex" not in page
    # From the site's own copy (finish/local_mathjax.py), not a CDN.
    assert 'src="_static/mathjax/tex-chtml.js' in page
    assert (tmp_path / "_build" / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_the_math_renderer_and_mathjax_path_the_user_chose_are_kept(tmp_path):
    """course_ext picks the renderer and points MathJax at the site's copy only when the
    user has not chosen: here MathJax, from a URL of theirs, with the light pages on."""
    from support.build import SMALL_PROJECT_CONF

    url = "https://cdn.example.org/mathjax/tex-chtml.js"
    conf = SMALL_PROJECT_CONF + f'html_math_renderer = "mathjax"\nmathjax_path = "{url}"\n'
    result = build_small_project(tmp_path, "# Math\n\nInline $x^2$.\n", conf=conf)
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "_build" / "index.html").read_text(encoding="utf-8")
    assert "\\(x^2\\)" in page and "katex" not in page
    assert f'src="{url}"' in page, re.findall(r"<script[^>]*mathjax[^>]*>", page)


def test_canary_the_math_domain_still_says_which_page_shows_math(tmp_path):
    """add_stylesheet reads Sphinx's private `data["has_equations"]` of the math domain
    (checked against Sphinx SPHINX_CHECKED): page by page, not counting the pages in a
    page's toctree as its has_equations() does. A plain Sphinx build of two pages, the
    first without math and with the second, which has some, in its toctree."""
    from io import StringIO

    from sphinx.application import Sphinx

    from course_ext.katex_math import SPHINX_CHECKED

    (tmp_path / "conf.py").write_text("", encoding="utf-8")
    (tmp_path / "index.rst").write_text(
        "Home\n====\n\nNo math here.\n\n.. toctree::\n\n   formulas\n", encoding="utf-8"
    )
    (tmp_path / "formulas.rst").write_text("Formulas\n========\n\n:math:`x^2`\n", "utf-8")
    out = tmp_path / "_build"
    app = Sphinx(tmp_path, tmp_path, out, out / "doctrees", "dummy", StringIO(), StringIO())
    app.build()
    found = app.env.get_domain("math").data["has_equations"]
    assert (found.get("index", False), found.get("formulas", False)) == (False, True), (
        f"the math domain's has_equations data changed (course_ext/katex_math.py reads it, "
        f"checked against Sphinx {SPHINX_CHECKED}): {found!r}"
    )
