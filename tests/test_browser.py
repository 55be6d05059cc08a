"""Every page of the built site in headless Chromium: clean console, no foreign requests."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def test_every_page_loads_cleanly(open_page, html_pages):
    problems = []
    for path in html_pages:
        _, record = open_page(path)
        for kind, entries in record.items():
            problems += [f"{path}: {kind}: {entry}" for entry in entries]
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


def axe_problems(page) -> tuple[list[str], list[str]]:
    from axe_playwright_python.sync_playwright import Axe

    # Contrast is measured on what is painted: wait for the theme script to pick light or
    # dark, and stop colour transitions, which a slow machine can catch half-way.
    page.wait_for_function("['light', 'dark'].includes(document.documentElement.dataset.theme)")
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    results = Axe().run(page)
    serious, moderate = [], []
    for violation in results.response["violations"]:
        where = "; ".join(" ".join(n["html"].split())[:90] for n in violation["nodes"][:3])
        count = len(violation["nodes"])
        line = f"{violation['id']} ({violation['impact']}, {count}x): {violation['help']}: {where}"
        (serious if violation["impact"] in ("serious", "critical") else moderate).append(line)
    return serious, moderate


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility_of_every_page(open_page, html_pages, scheme):
    failures, notes = [], []
    for path in html_pages:
        page, _ = open_page(path, color_scheme=scheme)
        serious, moderate = axe_problems(page)
        failures += [f"{path}: {p}" for p in serious]
        notes += [f"{path}: {p}" for p in moderate]
        page.context.close()
    if notes:  # for the record, not a failure
        print(f"\nModerate or minor axe findings ({scheme}):\n" + "\n".join(notes))
    assert not failures, "\n".join(failures)


def test_images_load_and_math_is_typeset_on_every_page(open_page, html_pages):
    problems = []
    for path in html_pages:
        page, _ = open_page(path)
        page.evaluate("Array.from(document.images).forEach(i => { i.loading = 'eager'; })")
        page.wait_for_load_state("networkidle")
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
            ".map(i => i.getAttribute('src'))"
        )
        problems += [f"{path}: image does not load: {src}" for src in broken]
        if page.locator("span.math, div.math").count():
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
            )
            page.evaluate("() => MathJax.startup.promise")
            untypeset = page.evaluate(
                "Array.from(document.querySelectorAll('span.math, div.math'))"
                ".filter(m => !m.querySelector('mjx-container')).length"
            )
            if untypeset:
                problems.append(f"{path}: {untypeset} formulas not typeset")
        raw = page.evaluate(
            r"""() => {
              const main = document.querySelector('main') || document.body;
              const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
              const found = [];
              while (walker.nextNode()) {
                const node = walker.currentNode;
                const skip = 'pre, code, .highlight, mjx-container, script';
                if (node.parentElement.closest(skip)) continue;
                const text = node.textContent;
                if (/\$[^$\s][^$]*\$|\\\(|\\\[/.test(text)) found.push(text.trim().slice(0, 60));
              }
              return found;
            }"""
        )
        problems += [f"{path}: raw math left: {text!r}" for text in raw]
        page.context.close()
    assert not problems, "\n".join(problems)


# What runs past the right edge of the article without a box that scrolls it: cut off.
CUT_OFF = """() => {
  const main = document.querySelector('main');
  const edge = main.getBoundingClientRect().right + 1;
  const cut = [];
  for (const element of main.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= edge) continue;
    // Off-screen by design: MathJax's text for screen readers, the closed contents drawer.
    if (element.closest('mjx-assistive-mml, .bd-sidebar-secondary')) continue;
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


def test_no_horizontal_scroll_and_nothing_cut_off_on_a_phone(open_page, html_pages):
    """At 375 px the page body never scrolls sideways, and what is wider than the screen
    (code, tables, equations) scrolls in a box of its own instead of being cut off (the
    previous/next links were, before agc-site.css let them shrink)."""
    wide = []
    for path in html_pages:
        page, _ = open_page(path, viewport={"width": 375, "height": 800})
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            wide.append(f"{path}: {width} px wide")
        cut = page.evaluate(CUT_OFF)
        if cut:
            wide.append(f"{path}: cut off at the right edge: {', '.join(cut)}")
        page.context.close()
    assert not wide, "\n".join(wide)


def test_search_finds_a_lesson_by_a_word_of_its_text(open_page):
    page, record = open_page("search.html?q=backpropagation")
    results = page.locator("#search-results li a")
    expect(results.first).to_be_visible(timeout=15000)
    titles = results.all_inner_texts()
    assert any("chain rule" in t.lower() for t in titles), titles
    assert not any(record.values()), record
