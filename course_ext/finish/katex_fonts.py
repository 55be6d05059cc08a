"""KaTeX's stylesheet in the site, and its fonts cut to the characters the math shows.

katex_math.py typesets the math as the pages are written; a page with math then loads
`_static/katex/katex.min.css` and the woff2 fonts it names. Every browser we serve reads
woff2, so the woff and ttf copies are left out; text stays visible while a font loads
(swap). The 20 fonts hold only the characters of the site's math (the AMS font, 28 kB for
a blackboard R, becomes 5 kB; vectors_matrices' first visit went from 241 to 170 kB gzip,
make bench). The cut runs in a thread beside PurgeCSS, and again only when the characters
change (the key is kept in the doctree directory, which is not deployed).
"""

from __future__ import annotations

import html
import json
import re
import threading
from importlib.metadata import version
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from course_ext.katex_math import STATIC, katex_package

from .fonts import subset_font
from .site import BuiltSite

logger = logging.getLogger(__name__)

KATEX_HTML = '<span class="katex-html" aria-hidden="true">'
SPAN_TAG = re.compile(r"<(/?)span\b[^>]*>")
TEXT = re.compile(r">([^<]+)<")
# katex.min.css draws an equation number as "(" counter(katexEqnNo) ")".
CSS_CHARACTERS = set("()0123456789")
FONTS_KEY = "course-katex-fonts.json"  # in the doctree directory, which is not deployed


def math_characters(site: BuiltSite) -> set[str]:
    """Every character the math of the built pages shows: the text of each formula's
    katex-html part. (Its MathML part is read aloud, not drawn with KaTeX's fonts.)"""
    characters = set(CSS_CHARACTERS)
    for text in site.pages.values():
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


def katex_assets(app: Sphinx, site: BuiltSite) -> None:
    """katex.min.css, before PurgeCSS cuts it, and its fonts, cut in a thread."""
    if app.config.html_math_renderer != "katex":
        return
    dist = katex_package(app) / "dist"
    target = site.outdir / "_static" / STATIC
    (target / "fonts").mkdir(parents=True, exist_ok=True)
    css = (dist / "katex.min.css").read_text(encoding="utf-8")
    css = re.sub(r',url\(fonts/[\w-]+\.woff\) format\("woff"\)', "", css)
    css = re.sub(r',url\(fonts/[\w-]+\.ttf\) format\("truetype"\)', "", css)
    css = css.replace("font-display:block", "font-display:swap")
    (target / "katex.min.css").write_text(css, encoding="utf-8")

    characters = math_characters(site)
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
            raise ExtensionError(f"{__name__}: cannot cut KaTeX's fonts: {self.error!r}") from (
                self.error
            )
        return self.result


def wait_for_fonts(app: Sphinx, site: BuiltSite) -> None:
    worker = getattr(app, "course_katex_fonts", None)
    if worker is not None:
        app.course_katex_fonts = None
        logger.info(f"{__name__}: {worker.wait()}")
