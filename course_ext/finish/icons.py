"""The theme's icons drawn by its stylesheet alone, from fonts that hold only the icons the
site shows.

pydata-sphinx-theme draws its icons twice over. Every page loads Font Awesome's whole
SVG-with-JS bundle (`_static/scripts/fontawesome.js`, 1.5 MB, 543 kB gzipped) *and*,
through its stylesheet, the solid and brands webfonts (274 kB): together more than
everything else a lesson loads, to draw about twenty icons. The stylesheet alone is
enough to draw them (each `<i class="fa-solid fa-bars">` gets its glyph from a
`:before` rule; admonitions take theirs from `--pst-icon-*` variables). So this step
- subsets the theme's three webfonts, in place, to the glyphs the site can show: the
  icons named in the pages' class attributes and in the theme's scripts, plus every
  Font Awesome character the stylesheets use outside their table of icon classes;
- drops the rules of that table for icons no page uses (a third of the stylesheet that
  blocks the first paint);
- empties `fontawesome.js`, keeping the file so the theme's script tag still loads.

An icon a page names but the theme's stylesheet does not define stops the build.
`course_light_pages: false` keeps the stock files (bench/ compares the two).
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from .fonts import subset_font
from .site import BuiltSite

logger = logging.getLogger(__name__)

WEBFONTS = Path("_static", "vendor", "fontawesome", "webfonts")
STYLESHEET = Path("_static", "styles", "pydata-sphinx-theme.css")
FONTAWESOME_JS = Path("_static", "scripts", "fontawesome.js")
# The files above are those of pydata-sphinx-theme, which sphinx-book-theme builds on.
THEMES = {"sphinx_book_theme", "pydata_sphinx_theme"}
PYDATA_SPHINX_THEME_CHECKED = "0.17.1"
SPHINX_BOOK_THEME_CHECKED = "1.3.0"
# Classes that are not icons: styles, and Font Awesome's sizes, widths, animations, stacks.
NOT_ICONS = {
    "fa-solid",
    "fa-regular",
    "fa-brands",
    *(f"fa-{n}" for n in ("1x 2x 3x 4x 5x 6x 7x 8x 9x 10x 2xs xs sm lg xl 2xl".split())),
    *(f"fa-{n}" for n in "fw ul li border pull-left pull-right inverse stack stack-1x".split()),
    *(f"fa-{n}" for n in "stack-2x spin spin-pulse pulse spin-reverse beat fade shake".split()),
    *(f"fa-{n}" for n in "bounce flip rotate-90 rotate-180 rotate-270 rotate-by".split()),
    *(f"fa-{n}" for n in "flip-horizontal flip-vertical flip-both width-auto".split()),
}
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*\bfa-[^"]*)"')
ICON_IN_SCRIPT = re.compile(r"\bfa-([a-z0-9-]+)")
# `.fa-bars:before{content:"\f0c9"}` and `.fa-search:before,.fa-magnifying-glass:before{...}`
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:{1,2}before,?)+)\{content:"(\\[0-9a-f]+)"\}')
PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]|\\([ef][0-9a-f]{3})\b")
EMPTY_SCRIPT = "/* Icons come from the subset webfonts: see course_ext/finish/icons.py. */\n"


def _names(selectors: str) -> set[str]:
    return set(re.findall(r"\.(fa-[a-z0-9-]+)", selectors))


def icon_codepoints(stylesheet: str) -> dict[str, int]:
    """{icon class: codepoint} from the theme's copy of Font Awesome's stylesheet."""
    icons = {}
    for selectors, escape in ICON_RULE.findall(stylesheet):
        for name in _names(selectors):
            icons[name] = int(escape[1:], 16)
    return icons


def icons_named(site: BuiltSite) -> set[str]:
    """The `fa-*` classes on every page, and in the theme's scripts (added after load)."""
    named = set()
    for page in site.pages.values():
        for classes in CLASS_ATTRIBUTE.findall(page):
            named.update(t for t in classes.split() if t.startswith("fa-"))
    for script in (site.outdir / "_static" / "scripts").glob("*.js"):
        if script.name != "fontawesome.js":
            named.update(f"fa-{name}" for name in ICON_IN_SCRIPT.findall(script.read_text("utf-8")))
    return named - NOT_ICONS


def characters_in_stylesheets(outdir: Path) -> set[int]:
    """Font Awesome characters the stylesheets use outside the table of icon classes."""
    found = set()
    for css in (outdir / "_static").rglob("*.css"):
        if "mathjax" in css.parts:
            continue
        text = ICON_RULE.sub("", css.read_text(encoding="utf-8"))
        for match in PRIVATE_USE.finditer(text):
            found.add(int(match.group(1), 16) if match.group(1) else ord(match.group(0)))
    return found


def lighten_icons(app: Sphinx, site: BuiltSite) -> None:
    if not app.config.course_light_pages:
        return
    outdir = site.outdir
    if app.config.html_theme not in THEMES:
        logger.info(f"{__name__}: nothing to lighten in {app.config.html_theme}")
        return
    missing = [str(p) for p in (STYLESHEET, WEBFONTS, FONTAWESOME_JS) if not (outdir / p).exists()]
    if missing:
        raise ExtensionError(
            f"{__name__}: the theme no longer ships {', '.join(missing)} "
            f"(checked against pydata-sphinx-theme {PYDATA_SPHINX_THEME_CHECKED} under "
            f"sphinx-book-theme {SPHINX_BOOK_THEME_CHECKED}): update course_ext/finish/icons.py, "
            "or set course_light_pages: false"
        )
    stylesheet = outdir / STYLESHEET
    css = stylesheet.read_text(encoding="utf-8")
    table = icon_codepoints(css)
    named = icons_named(site)
    unknown = sorted(name for name in named if name not in table)
    if unknown:
        raise ExtensionError(
            f"{__name__}: icons used but not defined by the theme's stylesheet: "
            + ", ".join(unknown)
        )
    codepoints = {table[name] for name in named if name in table}
    # The table of 2,000 icon rules is a third of the theme's render-blocking stylesheet.
    stylesheet.write_text(
        ICON_RULE.sub(lambda rule: rule[0] if _names(rule[1]) & named else "", css),
        encoding="utf-8",
    )
    codepoints |= characters_in_stylesheets(outdir)
    for font in sorted((outdir / WEBFONTS).glob("*.woff2")):
        subset_font(font, codepoints)
    (outdir / FONTAWESOME_JS).write_text(EMPTY_SCRIPT, encoding="utf-8")
    logger.info(f"{__name__}: icon fonts cut to {len(codepoints)} glyphs")
