"""Every page of the built site in headless Chromium: clean console, no broken or foreign requests."""

from __future__ import annotations

import pytest

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
        assert figure.evaluate("img => img.complete && img.naturalWidth > 0"), f"figure {i} is broken"


def test_a_solution_is_folded_until_asked_for(open_page):
    page, _ = open_page("book/why_autodiff.html")
    solution = page.locator("details.hide", has_text="Show the solution").first
    summary = solution.locator("summary").first
    assert solution.get_attribute("open") is None
    summary.click()
    assert solution.get_attribute("open") is not None
    assert "Correct: f'(1.5) = 4.75." in solution.inner_text()
