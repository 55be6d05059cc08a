"""Widgets in a hostile browser: one that breaks leaves the others working, and none of
ours throws when storage is refused, YouTube's frame is blocked, or the text is zoomed.

"Ours" is told apart by the script an uncaught error comes from (every script of
course_ext/static/: agq-quiz.js, agb-stepper.js, agv-video.js, agc-buttons.js). Where storage
is refused, the theme's scripts are under test too: its controls must work, and no script may
throw.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.course import ROOT

pytestmark = pytest.mark.slow

# Every script of ours: the components' and the site's, all in course_ext/static/.
OURS = tuple(sorted(path.name for path in (ROOT / "course_ext" / "static").glob("*.js")))
REFUSE_STORAGE = """
for (const name of ['localStorage', 'sessionStorage']) {
  Object.defineProperty(window, name, {
    get() { throw new DOMException('The user denied storage', 'SecurityError'); },
  });
}
"""


def open_with(browser, url: str, base: str, *, init: str = "", route_html=None, **options):
    """A page whose uncaught errors are recorded with the script they come from."""
    context = browser.new_context(**options)
    if init:
        context.add_init_script(init)

    def route(r):
        if not r.request.url.startswith(base):
            return r.abort()  # YouTube's script and frame included: blocked
        if route_html and r.request.url.split("?")[0] == url:
            response = r.fetch()
            return r.fulfill(response=response, body=route_html(response.text()))
        return r.continue_()

    context.route("**/*", route)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{error}\n{error.stack or ''}"))
    page.goto(url, wait_until="networkidle")
    return context, page, errors


def ours(errors: list[str]) -> list[str]:
    return [e for e in errors if any(name in e for name in OURS)]


def answer_first_question(quiz) -> None:
    """The quiz's first one-answer question: choose an option, check it, get feedback."""
    question = quiz.locator(".agq-question:has(input[type=radio])").first
    question.locator("input").first.check()
    question.locator(".agq-check").click()
    expect(question.locator(".agq-feedback")).not_to_be_empty()


def test_a_broken_quiz_leaves_the_other_quiz_and_the_video_working(browser, base_url):
    url = f"{base_url}/book/lecture.html"
    # The first quiz's first question loses its Check button: its set-up throws.
    context, page, errors = open_with(
        browser, url, base_url, route_html=lambda html: html.replace("agq-button agq-check", "", 1)
    )
    first, second = page.locator(".agq-quiz").all()
    expect(first).not_to_have_class("agq-quiz agq-ready")  # left in its no-JS form
    assert first.locator(".agq-answer").first.is_visible(), "its folded answers are hidden"
    answer_first_question(second)
    page.locator(".agv-play").click()  # the player loads (its frame is blocked: no YouTube)
    expect(page.locator(".agv-frame iframe")).to_have_count(1)
    assert not ours(errors), errors
    context.close()


def test_a_broken_stepper_leaves_the_others_and_the_quiz_working(browser, base_url):
    url = f"{base_url}/book/chain_rule.html"
    # The first stepper's step data is cut: its set-up throws.
    context, page, errors = open_with(
        browser,
        url,
        base_url,
        route_html=lambda html: html.replace('data-agb-steps="', 'data-agb-steps="{', 1),
    )
    steppers = page.locator(".agb-stepper").all()
    assert "agb-ready" not in (steppers[0].get_attribute("class") or "")
    for stepper in steppers[1:]:
        expect(stepper).to_have_class("agb-stepper agb-ready")
        stepper.locator("button", has_text="Next step").click()
        expect(stepper.locator(".agb-counter")).not_to_have_text("Step 0 of")
    answer_first_question(page.locator(".agq-quiz").first)
    assert not ours(errors), errors
    context.close()


@pytest.mark.parametrize(
    "setting",
    ["storage refused", "text at 200 %", "zoomed phone"],
)
def test_widgets_work_and_ours_never_throw(browser, base_url, setting):
    init = REFUSE_STORAGE if setting == "storage refused" else ""
    options = {"viewport": {"width": 1280, "height": 900}}
    if setting == "text at 200 %":
        init = "document.addEventListener('DOMContentLoaded', () => {"
        init += " document.documentElement.style.fontSize = '200%'; });"
    if setting == "zoomed phone":  # a 320 px screen at three device pixels per CSS pixel
        options = {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 3}
    for path in ["book/lecture.html", "book/chain_rule.html", "book/intro.html"]:
        context, page, errors = open_with(
            browser, f"{base_url}/{path}", base_url, init=init, **options
        )
        for quiz in page.locator(".agq-quiz").all()[:1]:
            answer_first_question(quiz)
        for stepper in page.locator(".agb-stepper").all()[:1]:
            stepper.locator("button", has_text="Next step").click()
            expect(stepper.locator(".agb-counter")).not_to_have_text("Step 0 of")
        if page.locator(".agv-play").count():
            page.locator(".agv-play").click()
        page.wait_for_timeout(200)
        assert not ours(errors), f"{path} ({setting}): {errors}"
        context.close()


THEME_PAGES = ["book/intro.html", "book/chain_rule.html", "book/lecture.html", "search.html"]


@pytest.mark.parametrize("path", THEME_PAGES)
def test_where_storage_is_refused_the_themes_controls_work_and_nothing_throws(
    browser, base_url, path
):
    """No uncaught error from any script, the theme's own included; its colour switch,
    search dialog and drawers work; and nothing is remembered from one load to the next."""
    url = f"{base_url}/{path}"
    context, page, errors = open_with(
        browser, url, base_url, init=REFUSE_STORAGE, viewport={"width": 375, "height": 800}
    )
    html = page.locator("html")
    mode = html.get_attribute("data-mode")
    page.locator(".theme-switch-button").first.click()
    expect(html).not_to_have_attribute("data-mode", mode or "")
    page.keyboard.press("Control+k")  # the search page's own field, else the dialog's
    expect(page.locator("input[name=q]:focus")).to_have_count(1)
    if path != "search.html":
        expect(page.locator("#pst-search-dialog")).to_have_attribute("open", "")
        page.keyboard.press("Escape")
        expect(page.locator("#pst-search-dialog")).not_to_have_attribute("open", "")
    page.locator("button.primary-toggle:visible").first.click()
    expect(page.locator("#pst-primary-sidebar-modal")).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    if page.locator("button.secondary-toggle:visible").count():
        page.locator("button.secondary-toggle:visible").first.click()
        expect(page.locator("#pst-secondary-sidebar-modal")).to_have_attribute("open", "")
        page.keyboard.press("Escape")
    page.reload(wait_until="networkidle")
    expect(html).to_have_attribute("data-mode", mode or "")  # the switch was not kept
    page.wait_for_timeout(200)
    assert not errors, f"{path}: {errors}"
    context.close()
