"""A strict Content-Security-Policy on every page, as a <meta> element the build writes.

GitHub Pages cannot send headers, so each page carries its own policy, first in its
<head>. Scripts run only from the site itself: the inline ones the theme and Sphinx write
(the colour-mode switch, DOCUMENTATION_OPTIONS, the toggle-button words) are allowed one
by one by the SHA-256 of their text. No inline event handler is allowed at all (no
'unsafe-hashes', never 'unsafe-inline'): the theme's two `onclick` attributes (print,
full screen) become `data-agc-click` attributes that static/agc-buttons.js acts on, and
any other stops the build, naming the page. (Hashing them was tried first: Chromium then
reported violations on the search page, whose script parses the other pages, handlers
and all, to show excerpts.) Styles come from the site,
plus the one <style> the theme puts in <noscript>, by hash; style attributes stay allowed
(KaTeX positions its glyphs with them). On a page with the lecture video, and only there,
YouTube's player script and the youtube-nocookie.com frame are allowed: they load only
after the reader presses play.

The hashes are computed from the finished pages, after every other extension has written
them (the order is finish/__init__.py's), so a new inline script anywhere is either hashed
here or visibly refused in the browser (tests/test_csp_browser.py listens for violations on
every page). `add_buttons_script` adds agc-buttons.js to every page as it is written.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Sequence

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from .site import BuiltSite

MARK = '<meta http-equiv="Content-Security-Policy"'
SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script>", re.S)
NOT_RUN = re.compile(r"""\btype=["']?(?!text/javascript|module|application/javascript)""")
STYLE = re.compile(r"<style[^>]*>(?P<body>.*?)</style>", re.S)
HANDLER = re.compile(r"""\son[a-z]+=(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')""")
CHARSET = re.compile(r"<meta charset=[^>]*>")


# The inline handlers the theme writes (sphinx-book-theme 1.3.0), moved to agc-buttons.js.
MOVED_HANDLERS = {
    'onclick="window.print()"': 'data-agc-click="print"',
    'onclick="toggleFullScreen()"': 'data-agc-click="fullscreen"',
}


class InlineHandlerError(ValueError):
    """A page has an inline event handler the policy would refuse."""


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy(page: str, origins: Sequence[tuple[str, str]] = ()) -> str:
    """The policy of one finished page; `origins`, (directive, origin), are the outside
    hosts its components may reach (their records say which, course_ext/components/)."""
    scripts = sorted(
        {
            _hash(match["body"])
            for match in SCRIPT.finditer(page)
            if "src=" not in match["attributes"] and not NOT_RUN.search(match["attributes"])
        }
    )
    handler = HANDLER.search(page)
    if handler:
        raise InlineHandlerError(
            f"an inline event handler, {handler[0].strip()!r}: the policy refuses it; "
            "move it into a script file (course_ext/finish/csp.py, MOVED_HANDLERS)"
        )
    styles = sorted({_hash(match["body"]) for match in STYLE.finditer(page)})
    script_src = ["'self'", *scripts, *(o for d, o in origins if d == "script-src")]
    style_src = ["'self'", *styles]
    frame_src = " ".join(o for d, o in origins if d == "frame-src") or "'none'"
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(script_src),
        "style-src " + " ".join(style_src),
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",  # the theme's stylesheets draw some icons as data: SVG
        "font-src 'self'",
        "connect-src 'self'",
        f"frame-src {frame_src}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",  # the search form
    ]
    return "; ".join(directives)


def with_policy(page: str, origins: Sequence[tuple[str, str]] = ()) -> str:
    """The page with its policy as the first element of its <head> (after the charset,
    which must come first), or unchanged if it has one."""
    if MARK in page:
        return page
    for handler, attribute in MOVED_HANDLERS.items():
        page = page.replace(handler, attribute)
    meta = f'{MARK} content="{html.escape(policy(page, origins), quote=False)}">'
    charset = CHARSET.search(page)
    if charset:
        return page[: charset.end()] + "\n    " + meta + page[charset.end() :]
    if "<head>" in page:
        return page.replace("<head>", f"<head>\n    {meta}", 1)
    return f"{meta}\n{page}"  # a bare redirect page: the parser puts it in an implied <head>


def write_policies(app: Sphinx, site: BuiltSite) -> None:
    for name, page in site.pages.items():
        if "_static" in name.split("/"):  # the theme's template macros, not pages
            continue
        try:
            site.rewrite(name, with_policy(page, site.origins_on(page)))
        except InlineHandlerError as error:
            raise ExtensionError(f"{name}: {error}") from None


def add_buttons_script(app: Sphinx, pagename, templatename, context, doctree) -> None:
    app.add_js_file("agc-buttons.js", defer="defer")
