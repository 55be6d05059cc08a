"""Math typeset when the site is built, so no page runs a math engine when it opens.

Sphinx writes each formula as TeX for MathJax to typeset in the reader's browser: on a
lesson that was about 1 s of blocking script on a phone (Lighthouse, main 0df041e). This
module is Sphinx's math renderer "katex": each formula goes through KaTeX in one Node
process per build (katex_render.js; the package comes from package-lock.json, which
`make book` installs) and lands in the page as HTML for the eye and MathML for screen
readers. The page loads only a stylesheet and the fonts it uses, and those fonts hold only
the characters the site's math shows: KaTeX's 20 woff2 files are cut with fontTools (as
light_pages.py cuts the icon fonts). The AMS font, 28 kB for a blackboard R, becomes 5 kB;
vectors_matrices' first visit went from 241 to 170 kB gzip (make bench). The cut runs
beside PurgeCSS at the end of a build, and again only when the characters change (the key
is kept in the doctree directory, which is not deployed).

Why KaTeX and not MathJax in Node (measured on this book's 1444 formulas, 2026-12-01):
KaTeX 0.19.1 typeset them in 0.19 s, MathJax 3.2.2 (mathjax-full, CHTML) in 1.25 s; KaTeX
is one package with no dependencies and one static stylesheet, where MathJax writes a
stylesheet that depends on the characters of each page; both read every formula here.
A formula KaTeX cannot read is a warning with the file and line, which -W makes an error.

`course_light_pages: false` keeps stock Sphinx (MathJax in the browser) for bench/.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import threading
from importlib.metadata import version
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

from course_ext.light_pages import subset_font
from course_ext.npm import node_executable, npm_package

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).with_name("katex_render.js")
STATIC = "katex"  # _static/katex/: katex.min.css and its woff2 fonts
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
    # Explicitly both ways: left unset, Sphinx would pick the renderer that is not MathJax.
    config.html_math_renderer = "katex" if config.course_light_pages else "mathjax"


def start(app: Sphinx) -> None:
    if app.builder.format == "html" and app.config.html_math_renderer == "katex":
        app.course_katex = Typesetter(katex_package(app))  # on app: the env is pickled


def add_stylesheet(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """The stylesheet and the two main fonts, on the pages that show math only."""
    if app.config.html_math_renderer != "katex":
        return
    if app.env.get_domain("math").data["has_equations"].get(pagename, False):
        app.add_css_file(f"{STATIC}/katex.min.css")
        for font in PRELOAD:
            href = f"{context['pathto']('_static', 1)}/{STATIC}/fonts/{font}"
            context["metatags"] += (
                f'\n<link rel="preload" href="{href}" as="font" type="font/woff2" crossorigin>'
            )


KATEX_HTML = '<span class="katex-html" aria-hidden="true">'
SPAN_TAG = re.compile(r"<(/?)span\b[^>]*>")
TEXT = re.compile(r">([^<]+)<")
# katex.min.css draws an equation number as "(" counter(katexEqnNo) ")".
CSS_CHARACTERS = set("()0123456789")
FONTS_KEY = "course-katex-fonts.json"  # in the doctree directory, which is not deployed


def math_characters(outdir: Path) -> set[str]:
    """Every character the math of the built pages shows: the text of each formula's
    katex-html part. (Its MathML part is read aloud, not drawn with KaTeX's fonts.)"""
    characters = set(CSS_CHARACTERS)
    for page in sorted(outdir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        start = text.find(KATEX_HTML)
        while start != -1:
            depth = 0
            for tag in SPAN_TAG.finditer(text, start):
                depth += -1 if tag[1] else 1
                if depth == 0:
                    break
            for chunk in TEXT.findall(text, start, tag.end()):
                characters.update(html.unescape(chunk))
            start = text.find(KATEX_HTML, tag.end())
    return characters


def copy_assets(app: Sphinx, exception: Exception | None) -> None:
    """katex.min.css, before PurgeCSS reads it, and its woff2 fonts cut to the characters
    of the math (every browser we serve reads woff2: the woff and ttf copies would never be
    fetched). Text stays visible while a font loads (swap)."""
    typesetter = getattr(app, "course_katex", None)
    if typesetter is not None:
        typesetter.close()
    if exception or typesetter is None:
        return
    dist = katex_package(app) / "dist"
    target = Path(app.outdir) / "_static" / STATIC
    (target / "fonts").mkdir(parents=True, exist_ok=True)
    css = (dist / "katex.min.css").read_text(encoding="utf-8")
    css = re.sub(r',url\(fonts/[\w-]+\.woff\) format\("woff"\)', "", css)
    css = re.sub(r',url\(fonts/[\w-]+\.ttf\) format\("truetype"\)', "", css)
    css = css.replace("font-display:block", "font-display:swap")
    (target / "katex.min.css").write_text(css, encoding="utf-8")

    characters = math_characters(Path(app.outdir))
    if characters == CSS_CHARACTERS:  # no page shows math: no font is fetched
        return
    characters = "".join(sorted(characters))
    package = json.loads((dist.parent / "package.json").read_text(encoding="utf-8"))
    key = {"katex": package["version"], "fonttools": version("fonttools"), "chars": characters}
    fonts = sorted((dist / "fonts").glob("*.woff2"))
    key_file = Path(app.doctreedir) / FONTS_KEY
    cut = all((target / "fonts" / font.name).exists() for font in fonts)
    if cut and key_file.exists() and json.loads(key_file.read_text(encoding="utf-8")) == key:
        return
    key_file.unlink(missing_ok=True)

    def cut_fonts() -> str:
        codepoints = {ord(c) for c in characters}
        for font in fonts:
            subset_font(font, codepoints, target / "fonts" / font.name)
        key_file.write_text(json.dumps(key), encoding="utf-8")
        return f"{len(fonts)} KaTeX fonts cut to the {len(characters)} characters of the math"

    # fontTools takes a second or two; PurgeCSS, in Node, takes as long meanwhile.
    app.course_katex_fonts = Worker(cut_fonts)


class Worker(threading.Thread):
    """A function run beside the build's next steps; `wait` raises what it raised."""

    def __init__(self, function):
        super().__init__(daemon=True)
        self.function, self.result, self.error = function, None, None
        self.start()

    def run(self) -> None:
        try:
            self.result = self.function()
        except Exception as error:  # reported by wait(), in the build's own thread
            self.error = error

    def wait(self):
        self.join()
        if self.error is not None:
            raise ExtensionError(
                f"course_ext.katex_math: cannot cut KaTeX's fonts: {self.error!r}"
            ) from self.error
        return self.result


def wait_for_fonts(app: Sphinx, exception: Exception | None) -> None:
    worker = getattr(app, "course_katex_fonts", None)
    if worker is not None:
        app.course_katex_fonts = None
        logger.info(f"course_ext.katex_math: {worker.wait()}")


def setup_katex_math(app: Sphinx) -> None:
    app.add_html_math_renderer("katex", (visit_math, None), (visit_displaymath, None))
    app.connect("config-inited", choose_katex)
    app.connect("builder-inited", start)
    app.connect("html-page-context", add_stylesheet)
    # katex.min.css before light_pages' hooks (500-950) cut it; the fonts are awaited after.
    app.connect("build-finished", copy_assets, priority=450)
    app.connect("build-finished", wait_for_fonts, priority=960)
