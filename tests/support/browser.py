"""The browser tests' fixtures and helpers: the built site on a local server, a headless
Chromium, and pages opened in it one at a time or one after another.

A missing browser is a failure, never a skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.course import ROOT
from tools.browser import BROWSER_FLAGS, chromium_path
from tools.site_server import serve


@pytest.fixture(scope="session")
def base_url(site: Path):
    """The built site on localhost, under its GitHub Pages path (tools/site_server.py)."""
    with serve(site, ROOT) as url:
        yield url


def find_chromium() -> str:
    path = chromium_path()
    if not path:
        pytest.fail(
            "No Chromium found: install one (apt-get install chromium) or set CHROMIUM_PATH. "
            "`make test` installs it when it can."
        )
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=find_chromium(), args=BROWSER_FLAGS)
        yield chromium
        chromium.close()


def load_every_image(page) -> None:
    """Make the lazy images below the fold load too, and wait until every image has been
    decoded or has failed, and the fonts are in: before a shot or a check of them all."""
    page.evaluate(
        "Promise.all(Array.from(document.images, i => { i.loading = 'eager';"
        " return i.decode().catch(() => null); }))"
        ".then(() => document.fonts.ready).then(() => null)"
    )


def redirect_stub(page: Path) -> bool:
    """A page that only sends the reader on (the root index.html to the first chapter)."""
    return 'http-equiv="Refresh"' in page.read_text(encoding="utf-8")[:2000]


@pytest.fixture
def visit_each(browser, base_url, site):
    """`for path, page in visit_each(pages, **context_options)`: the pages one after another
    in one tab, loaded, with their fonts. A fresh tab per page costs more than the checks
    that only read it; a redirect stub is left out, as the page it lands on is in the list.
    The tab is closed when the loop ends or breaks."""

    def _visit(pages, **context_options):
        context = browser.new_context(bypass_csp=True, **context_options)
        try:
            page = context.new_page()
            for path in pages:
                if redirect_stub(site / path.split("?")[0]):
                    continue
                page.goto(f"{base_url}/{path}", wait_until="load")
                page.evaluate("document.fonts.ready.then(() => null)")
                yield path, page
        finally:
            context.close()

    return _visit


def problems_on_every_page(visit_each, pages, script: str, **context_options) -> list[str]:
    """Visit each page, run `script` (JavaScript returning a list of problems, as text) and
    return them as `page: problem` lines: the shape of every per-page browser check."""
    found = []
    for path, page in visit_each(pages, **context_options):
        found += [f"{path}: {problem}" for problem in page.evaluate(script)]
    return found


@pytest.fixture
def open_page(browser, base_url):
    """Open a page in a tab of its own, every request to another host blocked and recorded.
    It returns once the page has loaded; "networkidle" waits half a second more for late
    requests, which only the check of every request needs."""
    contexts = []

    def _open(path: str, wait_until: str = "load", **context_options):
        # Playwright's own helpers (wait_for_function, add_style_tag) are refused by the
        # pages' Content-Security-Policy; test_csp_browser.py opens them without this.
        context = browser.new_context(bypass_csp=True, **context_options)
        contexts.append(context)
        page = context.new_page()
        record = {"console": [], "failed": [], "foreign": []}

        def route(r):
            if r.request.url.startswith(base_url):
                r.continue_()
            else:
                record["foreign"].append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and record["console"].append(m.text))
        page.on("pageerror", lambda e: record["console"].append(f"uncaught: {e}"))
        page.on(
            "response", lambda r: r.status >= 400 and record["failed"].append(f"{r.status} {r.url}")
        )
        page.on(
            "requestfailed",
            lambda r: (
                r.url.startswith(base_url) and record["failed"].append(f"{r.failure} {r.url}")
            ),
        )
        page.goto(f"{base_url}/{path}", wait_until=wait_until)
        return page, record

    yield _open
    for context in contexts:
        context.close()
