"""Snapshots of the HTML each directive of the course writes (quiz, video, colab, stepper),
as sphinx-design snapshots its components: a change to it shows as a diff to review.

The snapshots are tests/snapshots/<name>.html; regenerate them with
`UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_snapshots.py`, then read the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from support.build import SMALL_PROJECT_CONF, build_pages
from support.quiz_examples import GOOD, ORDER

from course_ext.components import COMPONENTS

SNAPSHOT = Path(__file__).parent / "snapshots"


def fragment(html: str, selector: str) -> str:
    """The rendered element, one tag per line, so a change reads as a small diff. Each
    formula is kept as the TeX KaTeX was given: what KaTeX writes of it is KaTeX's (about
    40 lines a formula; tests/test_katex_math.py checks the typesetting)."""
    element = BeautifulSoup(html, "html.parser").select_one(selector)
    for formula in element.select("span.katex"):
        formula.replace_with(f"${formula.select_one('annotation').get_text()}$")
    return element.prettify()


# Each directive on a page of its own, and the element of it to compare.
SNAPSHOT_PAGES = {
    "quiz": ("```{quiz}\n" + GOOD + ORDER + "```\n", ".agq-quiz"),
    "video": (
        "```{video} Z6H3zakmn6E\n:title: A <b>lecture</b>\n0 Recap\n75 An *example*\n```\n",
        ".agv-video",
    ),
    "colab": ("Open it: {colab}`index`\n", "p:has(a)"),
    "stepper": ("```{backprop-stepper}\nx = 2.0\nh = x**2 * (3 * x)\n```\n", "figure"),
}

# The stepper's graph is placed by the system's Graphviz (`dot`, from apt, not pinned), and
# svg() and _numbers() of course_ext/components/stepper/draw.py draw it from those
# positions: the SVG's size and viewBox, each edge's path, each box's corner, each text's
# and table cell's position. Another Graphviz version moves them without any change of
# ours, so they are replaced by a placeholder on both sides; every class, id, text and the
# structure are still compared, and so are the boxes' sizes and the arrowhead, ours.
GRAPHVIZ_PLACED = {
    "svg": ("width", "height", "viewbox"),
    "path": ("d",),  # an edge's; the arrowhead's, in <defs>, is ours
    "rect": ("x", "y"),
    "text": ("x", "y"),
    "tspan": ("x",),
}
STEPPER_SVG = re.compile(r'<svg\b[^>]*\bclass="agb-graph".*?</svg>', re.S)
TAG = re.compile(r"<(svg|path|rect|text|tspan)\b[^>]*>")


def without_graphviz_layout(html: str) -> str:
    """The stepper's fragment with every number Graphviz decides replaced by "graphviz"."""

    def tag(match: re.Match) -> str:
        name, text = match[1], match[0]
        if name == "path" and 'class="agb-edge"' not in text:
            return text
        for attribute in GRAPHVIZ_PLACED[name]:
            text = re.sub(rf'(\s{attribute}=")[^"]*"', r'\1graphviz"', text)
        return text

    return STEPPER_SVG.sub(lambda svg: TAG.sub(tag, svg[0]), html)


def compared(name: str, html: str) -> str:
    return without_graphviz_layout(html) if name == "stepper" else html


@pytest.mark.parametrize("name", SNAPSHOT_PAGES)
def test_snapshot_of_each_directives_html(built_once, name):
    """The HTML each directive writes, as sphinx-design snapshots its components: a change to
    it shows here as a diff to review (and to commit with UPDATE_SNAPSHOTS=1). The four
    pages are one build, each test reading its own."""
    # The identity the build derives from _config.yml, given directly to a bare project.
    conf = SMALL_PROJECT_CONF + 'course_repository_url = "https://github.com/org/course"\n'
    pages = [f"# A page\n\n{page}" for page, _ in SNAPSHOT_PAGES.values()]
    folder, result = built_once("snapshot-pages", lambda path: build_pages(path, pages, conf))
    assert result["returncode"] == 0, result["stderr"]
    page = folder / "_build" / f"case{list(SNAPSHOT_PAGES).index(name)}.html"
    html = compared(name, fragment(page.read_text(encoding="utf-8"), SNAPSHOT_PAGES[name][1]))
    expected = SNAPSHOT / f"{name}.html"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        expected.write_text(html, encoding="utf-8")
    assert html == compared(name, expected.read_text(encoding="utf-8"))


# A component with no snapshot page here, and where its HTML is checked instead.
NO_SNAPSHOT = {"quiz-progress": "its list needs a book of lessons: the built site's landing page"}


def test_every_component_has_a_snapshot_page():
    """A new component (course_ext/components/) fails here until it has a snapshot page."""
    shown = "\n".join(page for page, _ in SNAPSHOT_PAGES.values())
    for component in COMPONENTS:
        if component.name in NO_SNAPSHOT:
            continue
        used = [f"{{{name}}}" for name in (*component.directives, *component.roles)]
        assert any(name in shown for name in used), f"{component.name}: add it to SNAPSHOT_PAGES"
