"""Math typeset when the site is built, so no page runs a math engine when it opens.

Sphinx writes each formula as TeX for MathJax to typeset in the reader's browser: on a
lesson that was about 1 s of blocking script on a phone (Lighthouse, main 0df041e). This
module is Sphinx's math renderer "katex": each formula goes through KaTeX in one Node
process per build (katex_render.js; the package comes from package-lock.json, which
`make book` installs) and lands in the page as HTML for the eye and MathML for screen
readers. The page loads only a stylesheet and the fonts it uses, and those fonts hold only
the characters the site's math shows: finish/katex_fonts.py copies the stylesheet and cuts
KaTeX's fonts once the pages are written.

Why KaTeX and not MathJax in Node (measured on this book's 1444 formulas, 2026-12-01):
KaTeX 0.19.1 typeset them in 0.19 s, MathJax 3.2.2 (mathjax-full, CHTML) in 1.25 s; KaTeX
is one package with no dependencies and one static stylesheet, where MathJax writes a
stylesheet that depends on the characters of each page; both read every formula here.
A formula KaTeX cannot read is a warning with the file and line, which -W makes an error.

`course_light_pages: false` keeps stock Sphinx (MathJax in the browser) for bench/.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

from course_ext.npm import node_executable, npm_package

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).with_name("katex_render.js")
STATIC = "katex"  # _static/katex/: katex.min.css and its woff2 fonts
# `add_stylesheet` reads the math domain's private `data["has_equations"]`, checked against
# this version; tests/test_katex_math.py has its canary.
SPHINX_CHECKED = "7.4.7"
# The fonts nearly every formula uses, fetched with the stylesheet instead of after it.
PRELOAD = ["KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2"]


def katex_package(app: Sphinx) -> Path:
    return npm_package(app, "katex", "course_ext.katex_math")


class Typesetter:
    """One Node process for the whole build, started at the first formula; each distinct
    formula is typeset once."""

    def __init__(self, package: Path):
        self.package, self.process, self.done = package, None, {}

    def __call__(self, tex: str, display: bool) -> tuple[str | None, str | None]:
        """(html, None), or (None, KaTeX's error message)."""
        key = (tex, display)
        if key not in self.done:
            if self.process is None:
                self.process = subprocess.Popen(
                    [node_executable("course_ext.katex_math"), str(SCRIPT), str(self.package)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                    encoding="utf-8",
                )
            self.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
            if not answer:
                raise ExtensionError("course_ext.katex_math: the KaTeX process stopped")
            answer = json.loads(answer)
            self.done[key] = (answer.get("html"), answer.get("error"))
        return self.done[key]

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=30)
            self.process = None


def _typeset(translator, node: nodes.Element, tex: str, display: bool) -> str:
    html, error = translator.builder.app.course_katex(tex, display)
    if error is None:
        return html
    error = error.replace("\u0332", "")  # KaTeX underlines the bad part with combining marks
    logger.warning(
        f"cannot typeset this formula: {error}", location=node, type="math", subtype="katex"
    )
    return translator.encode(tex)


def visit_math(self, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(_typeset(self, node, node.astext(), display=False) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    """As sphinx.ext.mathjax does: blank-line separated parts are aligned equations."""
    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node["number"]:
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, "Link to this equation")
        self.body.append("</span>")
    tex = node.astext()
    if not node["nowrap"]:
        parts = [part for part in tex.split("\n\n") if part.strip()]
        if len(parts) > 1 or r"\\" in tex:
            tex = r"\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}"
    self.body.append(_typeset(self, node, tex, display=True) + "</div>\n")
    raise nodes.SkipNode


def choose_katex(app: Sphinx, config) -> None:
    """The renderer the user chose, if any; else KaTeX, or MathJax for the stock pages."""
    # Sphinx's default is None, and then it would pick the one renderer that is not MathJax:
    # so both ways explicitly.
    if config.html_math_renderer is None:
        config.html_math_renderer = "katex" if config.course_light_pages else "mathjax"


def start(app: Sphinx) -> None:
    if app.builder.format == "html" and app.config.html_math_renderer == "katex":
        app.course_katex = Typesetter(katex_package(app))  # on app: the env is pickled


def stop_typesetter(app: Sphinx) -> None:
    """Once the pages are written (finish/ calls it first thing, whatever happened)."""
    typesetter = getattr(app, "course_katex", None)
    if typesetter is not None:
        typesetter.close()


def add_stylesheet(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """The stylesheet and the two main fonts, on the pages that show math only."""
    if app.config.html_math_renderer != "katex":
        return
    # The math domain's private data (its has_equations() would count the pages in this
    # page's toctree too): checked against Sphinx SPHINX_CHECKED.
    if app.env.get_domain("math").data["has_equations"].get(pagename, False):
        app.add_css_file(f"{STATIC}/katex.min.css")
        for font in PRELOAD:
            href = f"{context['pathto']('_static', 1)}/{STATIC}/fonts/{font}"
            context["metatags"] += (
                f'\n<link rel="preload" href="{href}" as="font" type="font/woff2" crossorigin>'
            )


def setup_katex_math(app: Sphinx) -> None:
    app.add_html_math_renderer("katex", (visit_math, None), (visit_displaymath, None))
    app.connect("config-inited", choose_katex)
    app.connect("builder-inited", start)
    app.connect("html-page-context", add_stylesheet)
