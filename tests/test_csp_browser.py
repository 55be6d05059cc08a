"""The Content-Security-Policy in Chromium: no page breaks it, whatever the reader does, and
it refuses a script that escaped into a page.

Each page is opened with a listener for `securitypolicyviolation` installed before any of
its scripts run; then every widget on it is used (each quiz question answered and
checked, each stepper stepped, the video's play button pressed, the colour theme switched)
and the violations are read back. Requests to other hosts are blocked, as in the other
browser tests: the policy is what is tested, not YouTube.
"""

from __future__ import annotations

import pytest
from support.browser import redirect_stub
from support.build import build_small_project

from tools.site_server import serve

pytestmark = pytest.mark.slow

LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(
  `${event.violatedDirective} refused ${event.blockedURI || 'inline'} ${event.sample || ''}`));
"""


def open_listening(browser, url: str, base: str):
    context = browser.new_context()
    context.add_init_script(LISTEN)
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
    )
    page = context.new_page()
    page.goto(url, wait_until="load")
    return context, page


def use_every_widget(page) -> dict[str, int]:
    """Use each widget of the page; how many of each kind were used."""
    used = {"questions": 0, "steppers": 0, "videos": 0}
    for question in page.locator(".agq-question").all():
        choice = question.locator("input[type=radio], input[type=checkbox]")
        if choice.count():
            choice.first.check()
        elif question.locator("input[type=text], input[inputmode]").count():
            question.locator("input[type=text], input[inputmode]").first.fill("1")
        moves = question.locator(".agq-move")
        if moves.count():
            moves.last.click()
        check = question.locator("button", has_text="Check")
        if check.count():
            check.first.click()
            used["questions"] += 1
    for stepper in page.locator(".agb-stepper").all():
        for label in ["Next step", "Next step", "Previous step", "Play", "Reset"]:
            button = stepper.locator("button", has_text=label)
            if button.count() and button.first.is_enabled():
                button.first.click()
        used["steppers"] += 1
    for play in page.locator(".agv-play").all():
        play.click()
        used["videos"] += 1
    switch = page.locator(".theme-switch-button")
    if switch.count() and switch.first.is_visible():
        switch.first.click()
    page.wait_for_timeout(200)
    return used


def test_no_page_breaks_the_policy_with_every_widget_used(browser, base_url, site, html_pages):
    broken, used = [], {"questions": 0, "steppers": 0, "videos": 0}
    # One tab goes from page to page; the listener is installed again in each document.
    # The redirect stub (index.html) has no script to break it; its target is in the list.
    pages = [path for path in html_pages if not redirect_stub(site / path)]
    context, page = open_listening(browser, f"{base_url}/{pages[0]}", base_url)
    for path in [*pages, "search.html?q=gradient"]:
        page.goto(f"{base_url}/{path}", wait_until="load")
        assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1, path
        for kind, count in use_every_widget(page).items():
            used[kind] += count
        violations = page.evaluate("window.__violations")
        if violations:
            broken.append(f"{path}: {violations[:3]}")
    context.close()
    assert not broken, "\n".join(broken)
    # Every kind was really used (a renamed button would otherwise make this pass idle).
    assert used["questions"] >= 50 and used["steppers"] >= 4 and used["videos"] == 1, used


ATTACK = '<script>window.__pwned = 1</script><img src="x.png" onerror="window.__pwned = 2">'


def test_a_script_in_a_quiz_is_escaped_and_would_be_refused(tmp_path, browser):
    page_text = (
        "# Quiz\n\n```{quiz}\n- type: single\n"
        f"  prompt: 'Which is right? {ATTACK}'\n"
        "  options:\n    - {text: This one, explanation: Yes.}\n"
        "    - {text: That one, explanation: No.}\n  correct: 1\n```\n"
    )
    result = build_small_project(tmp_path, page_text)
    assert result.returncode == 0, result.stderr[-3000:]
    with serve(tmp_path / "_build") as url:
        context, page = open_listening(browser, f"{url}/index.html", url)
        # Once: the contributor's markup is shown as text, not made into elements.
        prompt = page.locator(".agq-prompt").first
        assert "<script>" in prompt.inner_text()
        assert page.locator(".agq-prompt img, .agq-prompt script").count() == 0
        # Twice: had it reached the page as markup, the policy refuses to run it.
        page.evaluate("(attack) => document.body.insertAdjacentHTML('beforeend', attack)", ATTACK)
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__pwned = 3'; document.body.append(s); }"
        )
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None
        refused = " ".join(page.evaluate("window.__violations"))
        assert "script-src-attr" in refused and "script-src-elem" in refused, refused
        context.close()


def test_the_theme_buttons_work_without_inline_handlers(browser, base_url):
    """Print and full screen were `onclick` attributes; agc-buttons.js runs them now."""
    context, page = open_listening(browser, f"{base_url}/book/chain_rule.html", base_url)
    assert page.locator("[onclick]").count() == 0
    page.evaluate(
        "() => { window.print = () => { window.__printed = true; };"
        " window.toggleFullScreen = () => { window.__full = true; }; }"
    )
    page.locator('[data-agc-click="fullscreen"]').first.click()
    page.locator(".dropdown-download-buttons button").first.click()  # open the menu
    page.locator('[data-agc-click="print"]').first.click()
    assert page.evaluate("[window.__full, window.__printed]") == [True, True]
    assert page.evaluate("window.__violations") == []
    context.close()
