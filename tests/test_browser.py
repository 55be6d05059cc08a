"""Every page of the built site in headless Chromium: clean console, no foreign requests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from support.browser import load_every_image, problems_on_every_page
from support.course import ROOT

pytestmark = pytest.mark.slow


def test_every_page_loads_cleanly(open_page, base_url, html_pages):
    """Each page, in one tab going from page to page (an asset that fails, fails on the
    first page that loads it), waits for the network to go quiet: late requests count."""
    problems = []
    page, record = open_page(html_pages[0], wait_until="networkidle")
    for path in html_pages:
        if path != html_pages[0]:
            page.goto(f"{base_url}/{path}", wait_until="networkidle")
        for kind, entries in record.items():
            problems += [f"{path}: {kind}: {entry}" for entry in entries]
            entries.clear()
    assert not problems, "\n".join(problems)


def test_dark_theme_page_loads_cleanly(open_page):
    page, record = open_page("book/why_autodiff.html", color_scheme="dark")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert not any(record.values()), record


def test_lesson_figures_are_displayed(open_page):
    page, _ = open_page("book/why_autodiff.html")
    figures = page.locator(".cell_output img")
    assert figures.count() >= 2
    for i in range(figures.count()):
        figure = figures.nth(i)
        figure.scroll_into_view_if_needed()
        assert figure.evaluate("img => img.complete && img.naturalWidth > 0"), (
            f"figure {i} is broken"
        )


def test_a_solution_is_folded_until_asked_for(open_page):
    page, _ = open_page("book/why_autodiff.html")
    solution = page.locator("details.hide", has_text="Show the solution").first
    summary = solution.locator("summary").first
    assert solution.get_attribute("open") is None
    summary.click()
    assert solution.get_attribute("open") is not None
    assert "Correct: f'(1.5) = 4.75." in solution.inner_text()


def test_the_sidebar_toggles_a_reader_sees_open_and_close_the_sidebars(open_page):
    """The article header's toggles, the ones shown, work (agc-buttons.js passes their
    clicks to the hidden navbar buttons the themes bind): on a phone each opens its drawer,
    Escape closes it and gives focus back; on a desktop the first hides the sidebar."""
    page, _ = open_page("book/chain_rule.html", viewport={"width": 375, "height": 800})
    for toggle, drawer in [
        ("button.primary-toggle", "#pst-primary-sidebar-modal"),
        ("button.secondary-toggle", "#pst-secondary-sidebar-modal"),
    ]:
        button = page.locator(f"{toggle}:visible")
        assert button.count() == 1, toggle
        button.click()
        expect(page.locator(drawer)).to_have_attribute("open", "")
        page.keyboard.press("Escape")
        expect(page.locator(drawer)).not_to_have_attribute("open", "")
        assert button.evaluate("b => b === document.activeElement"), f"{toggle}: focus lost"
    page, _ = open_page("book/chain_rule.html", viewport={"width": 1280, "height": 800})
    sidebar = page.locator("#pst-primary-sidebar")
    expect(sidebar).to_be_visible()
    page.locator("button.primary-toggle:visible").click()
    expect(sidebar).to_have_class(re.compile(r"\bpst-sidebar-hidden\b"))
    page.locator("button.primary-toggle:visible").click()
    expect(sidebar).not_to_have_class(re.compile(r"\bpst-sidebar-hidden\b"))


# What the dark theme changes is colour: the page's elements, names and roles are the same
# (its one own element, the dark logo, has its alt text checked by test_site.py).
COLOUR_RULES = {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}}


def axe_problems(page, options: dict | None = None) -> tuple[list[str], list[str]]:
    from axe_playwright_python.sync_playwright import Axe

    # Contrast is measured on what is painted: wait for the theme script to pick light or
    # dark, and stop colour transitions, which a slow machine can catch half-way.
    page.wait_for_function("['light', 'dark'].includes(document.documentElement.dataset.theme)")
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    results = Axe().run(page, options={"resultTypes": ["violations"], **(options or {})})
    serious, moderate = [], []
    for violation in results.response["violations"]:
        where = "; ".join(" ".join(n["html"].split())[:90] for n in violation["nodes"][:3])
        count = len(violation["nodes"])
        line = f"{violation['id']} ({violation['impact']}, {count}x): {violation['help']}: {where}"
        (serious if violation["impact"] in ("serious", "critical") else moderate).append(line)
    return serious, moderate


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility_of_every_page(visit_each, html_pages, scheme):
    failures, notes = [], []
    for path, page in visit_each(html_pages, color_scheme=scheme):
        serious, moderate = axe_problems(page, COLOUR_RULES if scheme == "dark" else None)
        failures += [f"{path}: {p}" for p in serious]
        notes += [f"{path}: {p}" for p in moderate]
    if notes:  # for the record, not a failure
        print(f"\nModerate or minor axe findings ({scheme}):\n" + "\n".join(notes))
    assert not failures, "\n".join(failures)


def katex_cmaps(site: Path) -> dict[str, tuple[set[int], set[int]]]:
    """{font: (characters of KaTeX's own file, characters of the site's cut copy)}."""
    from fontTools.ttLib import TTFont

    originals = ROOT / "node_modules" / "katex" / "dist" / "fonts"
    return {
        font.name: (set(TTFont(font).getBestCmap()), set(TTFont(cut).getBestCmap()))
        for font in sorted(originals.glob("*.woff2"))
        if (cut := site / "_static" / "katex" / "fonts" / font.name).is_file()
    }


def test_images_load_and_math_is_typeset_on_every_page(visit_each, html_pages, site):
    problems = []
    cmaps = katex_cmaps(site)
    assert len(cmaps) == 20, f"KaTeX's fonts on the site: {sorted(cmaps)}"
    for path, page in visit_each(html_pages):
        load_every_image(page)
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
            ".map(i => i.getAttribute('src'))"
        )
        problems += [f"{path}: image does not load: {src}" for src in broken]
        if page.locator("span.math, div.math").count():
            # Typeset at build time: HTML to see, MathML to hear, in KaTeX's own font.
            untypeset = page.evaluate(
                "Array.from(document.querySelectorAll('span.math, div.math'))"
                ".filter(m => !m.querySelector('.katex-html') || !m.querySelector('math')).length"
            )
            if untypeset:
                problems.append(f"{path}: {untypeset} formulas not typeset")
            page.evaluate("document.fonts.ready")
            if not page.evaluate("document.fonts.check('16px KaTeX_Main')"):
                problems.append(f"{path}: KaTeX's font did not load")
            # The fonts are cut to the math's characters: none a formula shows went missing.
            shown = page.evaluate(
                "Array.from(document.querySelectorAll('.katex-html'), e => e.textContent).join('')"
            )
            for font, (whole, cut) in cmaps.items():
                missing = sorted({c for c in shown if ord(c) in whole - cut})
                if missing:
                    problems.append(f"{path}: {font} lacks {''.join(missing)!r}")
        raw = page.evaluate(
            r"""() => {
              const main = document.querySelector('main') || document.body;
              const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
              const found = [];
              while (walker.nextNode()) {
                const node = walker.currentNode;
                const skip = 'pre, code, .highlight, .katex, script';
                if (node.parentElement.closest(skip)) continue;
                const text = node.textContent;
                if (/\$[^$\s][^$]*\$|\\\(|\\\[/.test(text)) found.push(text.trim().slice(0, 60));
              }
              return found;
            }"""
        )
        problems += [f"{path}: raw math left: {text!r}" for text in raw]
    assert not problems, "\n".join(problems)


# What runs past the right edge of the article without a box that scrolls it: cut off.
CUT_OFF = """() => {
  const main = document.querySelector('main');
  const edge = main.getBoundingClientRect().right + 1;
  const cut = [];
  for (const element of main.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= edge) continue;
    // Off-screen by design: KaTeX's MathML for screen readers, the closed contents drawer,
    // and the line of a root sign, a 400em-wide SVG that KaTeX clips to the radicand.
    if (element.closest('.katex-mathml, .bd-sidebar-secondary, .katex .hide-tail')) continue;
    let scrolls = false;
    for (let up = element.parentElement; up && up !== main; up = up.parentElement) {
      const inside = up.getBoundingClientRect().right <= edge;
      if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX) && inside) {
        scrolls = true;
        break;
      }
    }
    const what = element.textContent.trim().slice(0, 40);
    if (!scrolls) cut.push(`${element.tagName.toLowerCase()} "${what}"`);
  }
  return cut.slice(0, 3);
}"""


# Boxes that scroll sideways with no visible sign of it (agc-site.css draws edge shadows).
SCROLLS_UNSEEN = """() => [...document.querySelectorAll('main *')]
  .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .filter(e => !getComputedStyle(e).backgroundImage.includes('radial-gradient'))
  .map(e => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 40)}"`)
  .slice(0, 3)"""


PHONE = f"""() => [
  ...(document.documentElement.scrollWidth > innerWidth
    ? [`${{document.documentElement.scrollWidth}} px wide on a ${{innerWidth}} px screen`] : []),
  ...({CUT_OFF})().map(what => `cut off at the right edge: ${{what}}`),
  ...({SCROLLS_UNSEEN})().map(what => `scrolls with no sign of it: ${{what}}`),
]"""


@pytest.mark.parametrize("width", [320, 375])  # 320: WCAG's reflow width
def test_no_horizontal_scroll_and_nothing_cut_off_on_a_phone(visit_each, html_pages, width):
    """On a phone the page body never scrolls sideways, and what is wider than the screen
    (code, tables, equations) scrolls in a box of its own, with a shadow at the edge that
    hides more, instead of being cut off (the previous/next links were, before agc-site.css
    let them shrink)."""
    viewport = {"width": width, "height": 800}
    wide = problems_on_every_page(visit_each, html_pages, PHONE, viewport=viewport)
    assert not wide, "\n".join(wide)


# The smallest text of each figure, in CSS pixels as drawn, against the page's output text.
# A figure whose sizes cannot be read is a problem too: the check never passes by finding
# nothing to measure. The figures are matplotlib's (book/matplotlibrc sets their size and
# text); a graph Graphviz lays out is sized by its labels, not held to it (torchviz's graph
# in autograd_basics draws its labels at about 10 px on a phone).
FIGURE_TEXT = """async () => {
  const output = document.querySelector('.cell_output pre');
  const small = output ? parseFloat(getComputedStyle(output).fontSize) : 14;
  const problems = [];
  for (const img of document.querySelectorAll('.cell_output img[src$=".svg"]')) {
    const name = img.src.split('/').pop().slice(0, 12);
    const svg = await (await fetch(img.src)).text();
    if (!svg.includes('matplotlib.org')) continue;  // its metadata names its maker
    const viewBox = svg.match(/viewBox="[\\d.]+ [\\d.]+ ([\\d.]+) /);
    // Outer <text> only: mathtext's superscripts are smaller tspans inside one.
    const sizes = [...svg.matchAll(/<text style="font-size: ([\\d.]+)px/g)].map(m => +m[1]);
    if (!viewBox || !sizes.length) {
      problems.push(`figure ${name}: no text size or width to measure in its SVG`);
      continue;
    }
    const drawn = Math.min(...sizes) * img.getBoundingClientRect().width / +viewBox[1];
    if (drawn < small - 0.05) {
      problems.push(`figure ${name}: text ${drawn.toFixed(1)} px, output text ${small} px`);
    }
  }
  return problems;
}"""


def test_figure_text_is_readable_on_a_phone(visit_each, html_pages):
    """A figure filling a 375 px screen has no text smaller than the page's output text
    (book/matplotlibrc sets the size and shape every figure starts from)."""
    lessons = [path for path in html_pages if path.startswith("book/")]
    viewport = {"width": 375, "height": 800}
    small = problems_on_every_page(visit_each, lessons, FIGURE_TEXT, viewport=viewport)
    assert not small, "\n".join(small)


# Controls and headings that overlap one another (the video's play button drawn over its
# title was one): pairs of visible boxes that intersect, neither inside the other.
OVERLAPS = """() => {
  const selector = 'a, button, input, label, summary, h1, h2, h3, '
    + '.agv-play-icon, .agv-play-title, .agv-play-note';
  // Not the drawers (closed off-screen on a phone), nor inside math or a drawing.
  const outside = '.bd-sidebar-primary, .bd-sidebar-secondary, .katex, svg';
  const boxes = [...document.querySelectorAll(selector)]
    .filter(e => e.checkVisibility({visibilityProperty: true}) && !e.closest(outside))
    // One box per line: a link that wraps covers two lines, not the rectangle around them.
    .map(e => [e, [...e.getClientRects()].filter(r => r.width > 1 && r.height > 1)])
    .filter(([, rects]) => rects.some(r => r.right > 0 && r.left < innerWidth));
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, rectsA] = boxes[i], [b, rectsB] = boxes[j];
      if (a.contains(b) || b.contains(a)) continue;
      const meet = (ra, rb) =>
        Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left) > 2
        && Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > 2;
      if (rectsA.some(ra => rectsB.some(rb => meet(ra, rb)))) {
        const name = e => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 30)}"`;
        found.push(`${name(a)} and ${name(b)}`);
      }
    }
  }
  return found.slice(0, 3);
}"""


@pytest.mark.parametrize("width", [375, 768])
def test_no_control_or_heading_overlaps_another(visit_each, html_pages, width):
    viewport = {"width": width, "height": 800}
    overlapping = problems_on_every_page(visit_each, html_pages, OVERLAPS, viewport=viewport)
    assert not overlapping, "\n".join(overlapping)


def test_search_finds_a_lesson_by_a_word_of_its_text(open_page):
    page, record = open_page("search.html?q=backpropagation")
    results = page.locator("#search-results li a")
    expect(results.first).to_be_visible(timeout=15000)
    titles = results.all_inner_texts()
    assert any("chain rule" in t.lower() for t in titles), titles
    assert not any(record.values()), record
