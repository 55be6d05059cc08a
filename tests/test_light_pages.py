"""The pages stay light without losing an icon (course_ext/light_pages.py, and the steps
of course_ext/finish/ that cut the icons, the stylesheets and the unused files).

The built site's icon fonts hold only the glyphs the pages use, no Font Awesome
script is shipped, and nothing in the <head> blocks the first paint but the
stylesheets and one tiny script. The browser test checks that the icons still draw.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from fontTools.ttLib import TTFont
from sphinx.errors import ExtensionError
from support.browser import load_every_image, redirect_stub
from support.site import built_page

from course_ext.finish.icons import (
    FONTAWESOME_JS,
    ICON_RULE,
    STYLESHEET,
    WEBFONTS,
    characters_in_stylesheets,
    icon_codepoints,
    icons_named,
    lighten_icons,
)
from course_ext.finish.purge import PURGED
from course_ext.finish.site import BuiltSite


def stock_icon_table() -> dict[str, int]:
    import pydata_sphinx_theme

    css = Path(pydata_sphinx_theme.__file__).parent.joinpath(
        "theme", "pydata_sphinx_theme", "static", "styles", "pydata-sphinx-theme.css"
    )
    return icon_codepoints(css.read_text(encoding="utf-8"))


def glyphs(font: Path) -> set[int]:
    return set(TTFont(font).getBestCmap())


def test_every_icon_a_page_names_is_in_the_subset_fonts(site):
    table = stock_icon_table()
    assert len(table) > 1000, "the stock icon table was not found in the theme's stylesheet"
    in_fonts = set().union(*(glyphs(font) for font in (site / WEBFONTS).glob("*.woff2")))
    named = icons_named(BuiltSite(site))
    assert {"fa-magnifying-glass", "fa-bars", "fa-github", "fa-xmark"} <= named
    missing = sorted(name for name in named if table[name] not in in_fonts)
    assert not missing, f"icons without a glyph in the subset fonts: {missing}"
    # Admonition titles and other theme decorations take glyphs from the stylesheets.
    assert characters_in_stylesheets(site) <= in_fonts


def test_icon_fonts_are_cut_and_no_font_awesome_script_is_shipped(site):
    for font in (site / WEBFONTS).glob("*.woff2"):
        assert font.stat().st_size < 10_000, f"{font.name} was not subset"
        assert len(glyphs(font)) < 60, f"{font.name} holds more glyphs than the site uses"
    script = site / "_static" / "scripts" / "fontawesome.js"
    assert script.stat().st_size < 200, "the 1.5 MB Font Awesome bundle is still shipped"
    stylesheet = (site / "_static" / "styles" / "pydata-sphinx-theme.css").read_text()
    assert ".fa-magnifying-glass:before" in stylesheet
    assert ".fa-yelp:before" not in stylesheet, "rules for icons no page uses are still shipped"


@pytest.mark.parametrize("page", ["book/intro.html", "book/autograd_basics.html"])
def test_only_stylesheets_and_one_tiny_script_block_the_first_paint(site, page):
    head = built_page(site, page).head
    blocking = [
        script["src"].split("?")[0]
        for script in head.find_all("script", src=True)
        if not script.has_attr("defer") and not script.has_attr("async")
    ]
    assert blocking == ["../_static/documentation_options.js"], blocking


def test_icon_table_and_stylesheet_characters_are_read_from_css(tmp_path):
    css = (
        '.fa-search:before,.fa-magnifying-glass:before{content:"\\f002"}'
        '.fa-bars:before{content:"\\f0c9"}'
        'html{--pst-icon-info-circle:"\uf05a"}.toggle:after{content:"\\f107"}'
    )
    assert icon_codepoints(css) == {
        "fa-search": 0xF002,
        "fa-magnifying-glass": 0xF002,
        "fa-bars": 0xF0C9,
    }
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "theme.css").write_text(css, encoding="utf-8")
    # Characters of the icon table are not counted; the others are, escaped or not.
    assert characters_in_stylesheets(tmp_path) == {0xF05A, 0xF107}
    assert re.sub(ICON_RULE, "", css).startswith("html{")


def stock_output(outdir: Path, page: str) -> SimpleNamespace:
    """The theme files finish/icons.py edits, in an output folder, and an app that built them."""
    styles = outdir / "_static" / "styles"
    styles.mkdir(parents=True)
    (styles / "pydata-sphinx-theme.css").write_text('.fa-bars:before{content:"\\f0c9"}')
    (outdir / "_static" / "scripts").mkdir()
    (outdir / "_static" / "scripts" / "fontawesome.js").write_text("/* 1.5 MB */")
    (outdir / WEBFONTS).mkdir(parents=True)
    (outdir / "page.html").write_text(page)
    return SimpleNamespace(
        config=SimpleNamespace(course_light_pages=True, html_theme="sphinx_book_theme"),
    )


def test_an_icon_the_stylesheet_does_not_define_stops_the_build(tmp_path):
    page = '<i class="fa-solid fa-bars"></i> <i class="fa-solid fa-barz"></i>'  # a typo
    app = stock_output(tmp_path, page)
    with pytest.raises(ExtensionError, match="not defined by the theme's stylesheet: fa-barz"):
        lighten_icons(app, BuiltSite(tmp_path))


@pytest.mark.parametrize("gone", [STYLESHEET, FONTAWESOME_JS, WEBFONTS])
def test_theme_files_that_are_gone_stop_the_build_instead_of_being_skipped(tmp_path, gone):
    """A theme update that moves what finish/icons.py edits must not ship stock pages silently."""
    app = stock_output(tmp_path, '<i class="fa-solid fa-bars"></i>')
    lighten_icons(app, BuiltSite(tmp_path))  # the stock layout: no error
    assert (tmp_path / FONTAWESOME_JS).read_text().startswith("/* Icons come from")
    shutil.rmtree(tmp_path / gone) if (tmp_path / gone).is_dir() else (tmp_path / gone).unlink()
    with pytest.raises(ExtensionError, match=f"no longer ships {re.escape(str(gone))}"):
        lighten_icons(app, BuiltSite(tmp_path))


@pytest.mark.slow
def test_icons_draw_in_the_browser(open_page):
    page, record = open_page("book/autograd_basics.html")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    icons = page.evaluate(
        """() => Array.from(document.querySelectorAll('.bd-header-article i[class*="fa-"]'))
          .filter(i => i.offsetParent !== null)
          .map(i => ({cls: i.className, width: i.getBoundingClientRect().width,
                      glyph: getComputedStyle(i, '::before').content}))"""
    )
    assert len(icons) >= 4, icons
    for icon in icons:
        assert icon["width"] > 0 and icon["glyph"] not in ("none", "normal", '""'), icon
    loaded = page.evaluate(
        "Array.from(document.fonts).filter(f => f.family.includes('Font Awesome'))"
        ".map(f => f.family + ' ' + f.weight + ' ' + f.status)"
    )
    assert any("Free 900 loaded" in font for font in loaded), loaded
    assert not record["console"] and not record["failed"], record


def test_the_search_index_loads_only_on_the_search_page(site, html_pages):
    """The search box sends its query to search.html (no search-as-you-type): only that
    page needs Sphinx's search scripts and the index (test_browser.py searches there)."""

    def loads_the_index(page: str) -> bool:
        text = (site / page).read_text(encoding="utf-8")
        return bool(re.search(r"<script[^>]+(searchindex|searchtools)\.js", text))

    assert loads_the_index("search.html")
    assert not [page for page in html_pages if loads_the_index(page)]


def test_nothing_a_browser_never_fetches_is_deployed(site):
    static = site / "_static"
    unused = [p for p in static.rglob("*") if p.suffix in {".map", ".ttf", ".mo", ".po"}]
    assert not unused, [str(p.relative_to(site)) for p in unused[:5]]
    pointers = [
        str(p.relative_to(site))
        for p in static.rglob("*")
        if p.suffix in {".js", ".css"} and "sourceMappingURL" in p.read_text("utf-8")
    ]
    assert not pointers, pointers


def test_the_stylesheets_keep_only_rules_the_pages_and_scripts_can_use(site):
    """PurgeCSS cut the third-party stylesheets: Bootstrap's range inputs and sphinx-design's
    grid columns (no page has one) are gone; what a page has, what a script sets (the dark
    theme, an open menu) and what Bootstrap builds from parts (a tooltip's side) stay."""
    theme = (site / STYLESHEET).read_text(encoding="utf-8")
    design = (site / "_static" / "sphinx-design.min.css").read_text(encoding="utf-8")
    assert ".form-range" not in theme and ".sd-col-" not in design
    for kept in [".bd-header", "html[data-theme=dark]", ".dropdown-menu.show", ".bs-tooltip-auto"]:
        assert kept in theme, kept
    assert ".sd-card" in design  # the landing page's cards


def whole_stylesheets(site: Path) -> dict[str, str]:
    """The third-party stylesheets as they were before PurgeCSS cut them, by path under
    _static: the build keeps them in its record, beside the cut ones, which must be the
    site's own files (so the record is this build's)."""
    record = json.loads((site.parent / ".doctrees" / PURGED).read_text(encoding="utf-8"))
    for name, entry in record["css"].items():
        assert (site / name).read_text(encoding="utf-8") == entry["cut"], name
    theme = record["css"][STYLESHEET.as_posix()]
    assert len(theme["whole"]) > 2 * len(theme["cut"]), "the theme's stylesheet was not cut"
    return {name.removeprefix("_static/"): entry["whole"] for name, entry in record["css"].items()}


# What a reader can open or set that no page shows until then, at the width it is seen at:
# what to do, and what is then on the page (so the shot is never of a state not reached).
STATES = {
    "navigation drawer": (375, "button.primary-toggle:visible", "#pst-primary-sidebar-modal[open]"),
    "download menu": (1280, ".dropdown-download-buttons button", ".dropdown-menu.show"),
    "tooltip": (1280, "hover .theme-switch-button", ".tooltip.show"),
    "search dialog": (1280, "press Control+k", "#pst-search-dialog[open]"),
    "keyboard focus": (1280, "press Tab 6", ":focus-visible"),
    # Drawn by rules for what a script adds: the copy button, the hidden sidebar's class.
    "copy button": (1280, "hover div.cell div.highlight", "button.copybtn"),
    "sidebar hidden": (1280, "button.primary-toggle:visible", ".pst-sidebar-hidden"),
}


def reach(page, state: str) -> None:
    _, action, shown = STATES[state]
    verb, _, what = action.partition(" ")
    if verb == "press":
        key, _, times = what.partition(" ")
        for _ in range(int(times or 1)):
            page.keyboard.press(key)
    elif verb == "hover":
        page.locator(what).first.hover()
    else:
        page.locator(action).first.click()
    page.locator(shown).first.wait_for(state="attached", timeout=5000)


@pytest.mark.slow
def test_the_cut_stylesheets_draw_every_page_as_the_whole_ones(browser, base_url, site, html_pages):
    """Screenshots of every page (375 px, light; the lecture and a lesson at 1280 px, dark;
    the drawer, a menu, a tooltip, the search dialog and a focus ring) with the site's cut
    stylesheets and with the whole ones served in their place: the same pixels (on a whole
    page, the contents sidebar is masked: the scrollspy marks a heading when it gets to it). A shot
    that differs is taken again, twice, so that only a difference that stays counts."""
    whole = whole_stylesheets(site)
    still = "*, *::before, *::after { transition: none !important; animation: none !important; }"

    tabs = {}  # one tab per width, theme and set of stylesheets, going from page to page
    served_whole = []

    def serve_whole(route):
        # Sphinx links its stylesheets with a query (`basic.css?v=...`): not part of the file.
        name = urlsplit(route.request.url).path.split("/_static/", 1)[1]
        if name not in whole:  # the course's own stylesheets: never cut
            route.continue_()
            return
        served_whole.append(name)
        route.fulfill(body=whole[name], content_type="text/css")

    def shot(path, width, scheme, state, uncut, attempt):
        if (width, scheme, uncut) not in tabs:
            context = browser.new_context(
                bypass_csp=True, viewport={"width": width, "height": 900}, color_scheme=scheme
            )
            if uncut:
                context.route(re.compile(r"/_static/.+\.css(\?|$)"), serve_whole)
            tabs[width, scheme, uncut] = context.new_page()
        page = tabs[width, scheme, uncut]
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base_url}/{path}", wait_until="load")
        page.add_style_tag(content=still)
        load_every_image(page)  # not while the shot is taken
        if state:
            reach(page, state)
        else:
            # The whole page in the window, settled before the shot: a full-page shot grows
            # the window as it is taken, and the theme's scrollspy then marks a heading
            # of the contents sidebar when it gets to it (masked: timing, not style).
            height = page.evaluate("document.documentElement.scrollHeight")
            page.set_viewport_size({"width": width, "height": height})
        page.evaluate(
            "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )
        # An opened state takes a moment to settle (the copy button's shows it every time);
        # a whole page only on a second try.
        page.wait_for_timeout(300 if state or attempt else 0)
        scrollspy = [] if state else [page.locator("#pst-page-toc-nav")]
        # JPEG at full quality: the same pixels give the same bytes, and a page 15,000 px
        # long encodes in half the time PNG takes.
        return page.screenshot(mask=scrollspy, type="jpeg", quality=100)

    pages = [p for p in html_pages if not redirect_stub(site / p)]
    cases = [(p, 375, "light", None) for p in pages]
    cases += [(p, 1280, "dark", None) for p in ["book/lecture.html", "book/chain_rule.html"]]
    cases += [("book/chain_rule.html", w, "light", state) for state, (w, *_) in STATES.items()]
    differ = []
    for case in cases:
        path, width, scheme, state = case
        if not any(
            shot(*case, False, attempt) == shot(*case, True, attempt) for attempt in range(3)
        ):
            differ.append(f"{path} at {width} px, {scheme}: {state or 'as it opens'}")
    for page in tabs.values():
        page.context.close()
    # The whole stylesheets were the ones drawn, every one the pages link to.
    assert {"styles/pydata-sphinx-theme.css", "basic.css", "katex/katex.min.css"} <= set(
        served_whole
    ), sorted(set(served_whole))
    assert len(cases) >= 20 and not differ, "\n".join(differ)


def test_canary_sphinx_script_files_can_be_made_again_deferred(tmp_path):
    """defer_scripts makes each of Sphinx's private `_JavaScript` objects again with one
    more attribute (checked against Sphinx SPHINX_CHECKED). On a plain Sphinx build, the
    page it writes must then load the same scripts in the same order, each deferred but
    documentation_options.js."""
    from io import StringIO

    from sphinx.application import Sphinx

    from course_ext.light_pages import MUST_RUN_AT_ONCE, SPHINX_CHECKED, defer_scripts

    (tmp_path / "conf.py").write_text('html_theme = "basic"\n', encoding="utf-8")
    (tmp_path / "index.rst").write_text("Home\n====\n\nText.\n", encoding="utf-8")
    out = tmp_path / "_build"
    app = Sphinx(tmp_path, tmp_path, out, out / "doctrees", "html", StringIO(), StringIO())
    stock = []

    def defer(app, pagename, templatename, context, doctree):
        if pagename == "index":
            stock.extend(str(script.filename) for script in context["script_files"])
        light = SimpleNamespace(config=SimpleNamespace(course_light_pages=True))
        defer_scripts(light, pagename, templatename, context, doctree)

    app.connect("html-page-context", defer, priority=950)
    app.build()
    page = (out / "index.html").read_text(encoding="utf-8")
    tags = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", page)
    written = [re.search(r'src="([^"?]+)', tag)[1] for tag in tags]
    deferred = ['defer="defer"' in tag for tag in tags]
    checked = f"see course_ext/light_pages.py, checked against Sphinx {SPHINX_CHECKED}"
    assert len(stock) >= 3 and written == stock, f"{checked}: {stock} became {written}"
    assert deferred == [name not in MUST_RUN_AT_ONCE for name in stock], f"{checked}: {tags}"
