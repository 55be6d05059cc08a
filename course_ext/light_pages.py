"""Lighter pages with the same function: icons, stylesheet and scripts of the stock theme.

pydata-sphinx-theme draws its icons twice over. Every page loads Font Awesome's whole
SVG-with-JS bundle (`_static/scripts/fontawesome.js`, 1.5 MB, 543 kB gzipped) *and*,
through its stylesheet, the solid and brands webfonts (274 kB): together more than
everything else a lesson loads, to draw about twenty icons. The stylesheet alone is
enough to draw them (each `<i class="fa-solid fa-bars">` gets its glyph from a
`:before` rule; admonitions take theirs from `--pst-icon-*` variables). So, after the
build, this module
- subsets the theme's three webfonts, in place, to the glyphs the site can show: the
  icons named in the pages' class attributes and in the theme's scripts, plus every
  Font Awesome character the stylesheets use outside their table of icon classes;
- drops the rules of that table for icons no page uses (a third of the stylesheet that
  blocks the first paint);
- empties `fontawesome.js`, keeping the file so the theme's script tag still loads;
- cuts the third-party stylesheets (the theme's, Bootstrap's inside it, sphinx-design's,
  myst-nb's, KaTeX's, Sphinx's own) to the rules whose selectors the built pages and
  scripts can match, with PurgeCSS (npm `purgecss`, purge_stylesheets.js): 72 kB of
  gzipped, render-blocking CSS on every page becomes 31 kB. It runs last, on the final
  pages; when they and the scripts are those of the last cut, its result is reused;
- deletes what no browser fetches: source maps, TrueType copies of the fonts, and the
  theme's translation catalogues.
While pages are written, it adds `defer` to
every script file Sphinx and its extensions put in the <head> (templates/layout.html
does the same for the search scripts the theme adds), so they no longer hold back
the first paint. (Math needs no script at all: katex_math.py typesets it at build time.)

fontTools (the library matplotlib already uses for fonts) does the subsetting; only
the choice of glyphs is ours. PurgeCSS reads the pages and every script for the class
names they hold; classes a script builds from parts are kept by PURGE_SAFELIST. The
course's own stylesheets (agc-, agq-, agb-, agv-) are small and left as written. An icon
a page names but the theme's stylesheet does not define stops the build. Set
`course_light_pages: false` (sphinx config) to keep the stock files, as bench/ does to
compare the two.
"""

from __future__ import annotations

import hashlib
import json
import logging as stdlib_logging
import re
import shutil
import subprocess
from pathlib import Path

from fontTools import subset
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from course_ext.npm import node_executable, npm_package

logger = logging.getLogger(__name__)
# fontTools reports each table it cuts at INFO; in a thread (katex_math's cut) those lines
# reached the build's output, hundreds of them.
stdlib_logging.getLogger("fontTools").setLevel(stdlib_logging.WARNING)

WEBFONTS = Path("_static", "vendor", "fontawesome", "webfonts")
STYLESHEET = Path("_static", "styles", "pydata-sphinx-theme.css")
FONTAWESOME_JS = Path("_static", "scripts", "fontawesome.js")
# The files above are those of pydata-sphinx-theme, which sphinx-book-theme builds on.
THEMES = {"sphinx_book_theme", "pydata_sphinx_theme"}
THEME_CHECKED = "pydata-sphinx-theme 0.17.1 (under sphinx-book-theme 1.3.0)"
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
EMPTY_SCRIPT = "/* Icons come from the subset webfonts: see course_ext/light_pages.py. */\n"


def _names(selectors: str) -> set[str]:
    return set(re.findall(r"\.(fa-[a-z0-9-]+)", selectors))


def icon_codepoints(stylesheet: str) -> dict[str, int]:
    """{icon class: codepoint} from the theme's copy of Font Awesome's stylesheet."""
    icons = {}
    for selectors, escape in ICON_RULE.findall(stylesheet):
        for name in _names(selectors):
            icons[name] = int(escape[1:], 16)
    return icons


def icons_named(outdir: Path) -> set[str]:
    """The `fa-*` classes on every page, and in the theme's scripts (added after load)."""
    named = set()
    for page in outdir.rglob("*.html"):
        for classes in CLASS_ATTRIBUTE.findall(page.read_text(encoding="utf-8")):
            named.update(t for t in classes.split() if t.startswith("fa-"))
    for script in (outdir / "_static" / "scripts").glob("*.js"):
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


def subset_font(path: Path, codepoints: set[int], target: Path | None = None) -> None:
    """The woff2 font at `path` with only the glyphs of `codepoints` it has, written to
    `target` (by default over itself). Layout features and hinting are kept."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    available = set(font.getBestCmap())
    subsetter.populate(unicodes=sorted(codepoints & available) or [0x20])
    subsetter.subset(font)
    subset.save_font(font, str(target or path), options)


def lighten_icons(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html" or not app.config.course_light_pages:
        return
    outdir = Path(app.outdir)
    if app.config.html_theme not in THEMES:
        logger.info(f"course_ext.light_pages: nothing to lighten in {app.config.html_theme}")
        return
    missing = [str(p) for p in (STYLESHEET, WEBFONTS, FONTAWESOME_JS) if not (outdir / p).exists()]
    if missing:
        raise ExtensionError(
            f"course_ext.light_pages: the theme no longer ships {', '.join(missing)} "
            f"(checked against {THEME_CHECKED}): update course_ext/light_pages.py, or set "
            "course_light_pages: false"
        )
    stylesheet = outdir / STYLESHEET
    css = stylesheet.read_text(encoding="utf-8")
    table = icon_codepoints(css)
    named = icons_named(outdir)
    unknown = sorted(name for name in named if name not in table)
    if unknown:
        raise ExtensionError(
            "course_ext.light_pages: icons used but not defined by the theme's stylesheet: "
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
    logger.info(f"course_ext.light_pages: icon fonts cut to {len(codepoints)} glyphs")


PURGE_SCRIPT = Path(__file__).with_name("purge_stylesheets.js")
OUR_STYLESHEETS = ("agc-", "agq-", "agb-", "agv-")
# Class names that Bootstrap 5.3's scripts build from parts, so no page or script spells
# them out: a tooltip's placement (`bs-${name}-auto`, then bs-tooltip-top, ...).
PURGE_SAFELIST = [r"^bs-(tooltip|popover)-"]


# In the doctree directory, which is not deployed: for each stylesheet cut, the whole file
# (its digest and text) and the cut one. A rebuild that changed nothing writes the cut
# again from it; tests/test_light_pages.py draws the pages with the whole ones from it.
PURGED = "course-purged-stylesheets.json"
PURGED_FORMAT = 2  # part of the key: a record of another shape is never read


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def purge_stylesheets(app: Sphinx, exception: Exception | None) -> None:
    """After every other hook has written the pages (csp.py's policies among them), so
    that a rebuild that changed nothing finds the same pages and scripts, and writes the
    stylesheets it cut last time instead of running PurgeCSS again (1-1.5 s)."""
    config = app.config
    if exception or app.builder.format != "html" or not config.course_light_pages:
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    css = [
        p
        for p in sorted(static.rglob("*.css"))
        if not p.name.startswith(OUR_STYLESHEETS) and p.stat().st_size
    ]
    content = [*sorted(outdir.rglob("*.html")), *sorted(static.rglob("*.js"))]
    user = "course_ext.light_pages"
    package = npm_package(app, "purgecss", user)
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    key = hashlib.sha256(json.dumps([version, PURGE_SAFELIST, PURGED_FORMAT]).encode())
    key.update(PURGE_SCRIPT.read_bytes())
    for path in content:
        key.update(path.relative_to(outdir).as_posix().encode() + b"\0" + path.read_bytes())
    record = Path(app.doctreedir) / PURGED
    last = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
    named = {p.relative_to(outdir).as_posix(): p for p in css}
    if last.get("key") == key.hexdigest() and set(last["css"]) == set(named):
        # Sphinx copies some stylesheets again, whole, and leaves the others as cut.
        now = {name: _digest(path.read_bytes()) for name, path in named.items()}
        cut = {name: _digest(entry["cut"].encode()) for name, entry in last["css"].items()}
        if all(now[name] in (entry["sha256"], cut[name]) for name, entry in last["css"].items()):
            for name, entry in last["css"].items():
                if now[name] != cut[name]:
                    named[name].write_text(entry["cut"], encoding="utf-8")
            logger.info(f"{user}: {len(css)} stylesheets cut as in the last build")
            return
    # A stylesheet Sphinx did not copy again is still the last build's cut: its whole
    # text is the one the record kept (else the record would call the cut one whole).
    kept = last.get("css", {})
    whole = {}
    for name, path in named.items():
        data = path.read_bytes()
        if name in kept and _digest(data) == _digest(kept[name]["cut"].encode()):
            data = kept[name]["whole"].encode()
        whole[name] = data
    files = {"content": [str(p) for p in content], "css": [str(p) for p in css]}
    request = json.dumps({**files, "safelist": PURGE_SAFELIST})
    result = subprocess.run(
        [node_executable(user), str(PURGE_SCRIPT), str(package), request],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    if result.returncode:
        raise ExtensionError(f"{user}: PurgeCSS failed: {result.stderr.strip()[-2000:]}")
    sizes = json.loads(result.stdout)
    before = sum(b for b, _ in sizes.values())
    after = sum(a for _, a in sizes.values())
    logger.info(f"{user}: {len(sizes)} stylesheets cut from {before >> 10} to {after >> 10} kB")
    cut = {
        name: {
            "sha256": _digest(whole[name]),
            "whole": whole[name].decode("utf-8"),
            "cut": path.read_text(encoding="utf-8"),
        }
        for name, path in named.items()
    }
    record.write_text(json.dumps({"key": key.hexdigest(), "css": cut}), encoding="utf-8")


SOURCE_MAP_COMMENT = re.compile(r"\n?(?://|/\*)# sourceMappingURL=\S+(?: \*/)?\s*$")
TRUETYPE_SOURCE = re.compile(r',url\([^)]*\.ttf\) format\("truetype"\)')
LOCALES = Path("_static", "locales")  # sphinx-book-theme's translations, read at build time


def drop_unused_files(app: Sphinx, exception: Exception | None) -> None:
    """Nothing a reader's browser never fetches: no source maps (1.7 MB of them, and the
    comments pointing at them), no TrueType copies of the woff2 icon fonts, and no
    translation catalogues (.mo files the theme applies when the pages are written)."""
    if exception or app.builder.format != "html" or not app.config.course_light_pages:
        return
    static = Path(app.outdir) / "_static"
    for path in sorted(static.rglob("*")):
        if path.suffix == ".map" or (path.suffix == ".ttf" and WEBFONTS.name in path.parts):
            path.unlink()
        elif path.suffix in {".js", ".css"} and "katex" not in path.parts:
            text = path.read_text(encoding="utf-8")
            lighter = TRUETYPE_SOURCE.sub("", SOURCE_MAP_COMMENT.sub("", text))
            if lighter != text:
                path.write_text(lighter, encoding="utf-8")
    shutil.rmtree(Path(app.outdir) / LOCALES, ignore_errors=True)


# Inline scripts read it as the page is parsed (`DOCUMENTATION_OPTIONS.pagename = ...`).
MUST_RUN_AT_ONCE = {"_static/documentation_options.js"}


def defer_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Load every script file after the page is parsed, in the same order, not before.

    Sphinx and its extensions put their scripts in the <head> without `defer`, so the
    page cannot paint until each has been fetched and run. Each of them (copy button,
    toggles, tabs, the theme's) waits for the document to be ready anyway.
    """
    if not app.config.course_light_pages or "script_files" not in context:
        return
    if pagename == "search":  # its search scripts, which need doctools.js, run at once
        return
    scripts = []
    for script in context["script_files"]:
        attributes = dict(script.attributes)
        if (
            script.filename
            and script.filename not in MUST_RUN_AT_ONCE
            and not {"async", "defer"} & set(attributes)
        ):
            attributes["defer"] = "defer"
            script = type(script)(script.filename, priority=script.priority, **attributes)
        scripts.append(script)
    context["script_files"] = scripts


def _templates(app: Sphinx, config) -> None:
    if config.course_light_pages:
        config.templates_path.append(str(Path(__file__).parent / "templates"))


def setup_light_pages(app: Sphinx) -> None:
    app.connect("config-inited", _templates)
    app.connect("html-page-context", defer_scripts, priority=950)
    # In this order: the icons are read from the whole stylesheet, before it is cut.
    app.connect("build-finished", lighten_icons)
    app.connect("build-finished", drop_unused_files)
    app.connect("build-finished", purge_stylesheets, priority=950)  # the pages are final
