"""The Content-Security-Policy the build writes into every page (course_ext/finish/csp.py)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from course_ext.components import origins_on
from course_ext.finish.csp import InlineHandlerError, policy, with_policy

PAGE = """<!DOCTYPE html><html><head>
<meta charset="utf-8" />
<script>var mode = "auto";</script>
<script src="_static/x.js"></script>
<script type="text/x-thebe-config">{"not": "run"}</script>
<noscript><style>.js-only { display: none; }</style></noscript>
</head><body><button onclick="window.print()">Print</button></body></html>"""


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directives(page: str) -> dict[str, list[str]]:
    content = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)[1]
    content = content.replace("&#x27;", "'")
    return {d.split()[0]: d.split()[1:] for d in content.split("; ")}


def test_inline_scripts_and_styles_are_allowed_by_hash_and_nothing_else():
    secured = with_policy(PAGE)
    found = directives(secured)
    assert found["script-src"] == ["'self'", sha256('var mode = "auto";')]
    assert found["style-src"] == ["'self'", sha256(".js-only { display: none; }")]
    assert found["style-src-attr"] == ["'unsafe-inline'"]
    for name, value in [("object-src", "'none'"), ("base-uri", "'self'"), ("frame-src", "'none'")]:
        assert found[name] == [value]
    assert found["form-action"] == ["'self'"] and found["default-src"] == ["'self'"]
    assert "unsafe-eval" not in secured and "unsafe-hashes" not in secured
    # First in <head>, right after the charset; the theme's handler became a data attribute.
    assert secured.index("Content-Security-Policy") < secured.index("<script")
    assert secured.index("<meta charset") < secured.index("Content-Security-Policy")
    assert 'data-agc-click="print"' in secured and "onclick" not in secured
    assert with_policy(secured) == secured, "a second pass changed the page"


def test_only_a_page_with_the_video_may_load_youtube():
    """The hosts come from the components' records (the video's), on the pages showing them."""
    video = PAGE.replace("<body>", '<body><div class="agv-video" data-agv-id="x"></div>')
    found = directives(with_policy(video, origins_on(video)))
    assert "https://www.youtube.com" in found["script-src"]
    assert found["frame-src"] == ["https://www.youtube-nocookie.com"]
    assert "youtube" not in str(directives(with_policy(PAGE, origins_on(PAGE))))


def test_an_inline_handler_it_does_not_know_is_an_error():
    with pytest.raises(InlineHandlerError, match="onmouseover"):
        policy(PAGE.replace('onclick="window.print()"', 'onmouseover="steal()"'))


def test_every_built_page_carries_the_policy(site, html_pages):
    for page in [*html_pages, "search.html"]:
        text = (site / page).read_text(encoding="utf-8")
        assert text.count('http-equiv="Content-Security-Policy"') == 1, page
        found = directives(text)
        assert "'unsafe-inline'" not in found["script-src"], page
        video = page == "book/lecture.html"
        assert ("https://www.youtube.com" in found["script-src"]) == video, page
        assert not re.search(r"\son[a-z]+=", text), f"{page}: an inline event handler"
