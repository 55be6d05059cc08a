"""`{quiz-progress}`: on the landing page, each lesson with how many of its questions this
browser has answered right, and a button that forgets them all.

The build lists every page's question keys (model.Question.key, collected by
directive.check_page) in the toc's order; agq-quiz.js counts the answers it saved under
those keys. Without JavaScript the list shows how many questions each lesson has.
"""

from __future__ import annotations

import json

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..base import escaped
from .words import PAGE_WORDS, WORDS, say


class quiz_progress(nodes.General, nodes.Element):
    """Filled in when the page is resolved: `lessons` is [(docname, title, keys)]."""


class QuizProgressDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.course_progress_pages.add(self.env.docname)
        node = quiz_progress(lessons=[])
        self.set_source_info(node)
        return [node]


def toc_order(app: Sphinx) -> list[str]:
    """Every document, in the order of the table of contents."""
    env, order = app.env, []

    def walk(docname: str) -> None:
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            walk(child)

    walk(app.config.root_doc)
    return order


def fill(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    keys = app.env.course_quiz_keys
    for node in doctree.findall(quiz_progress):
        node["lessons"] = [
            (name, app.env.titles[name].astext(), keys[name])
            for name in toc_order(app)
            if keys.get(name)
        ]
        node["from"] = docname


def visit_progress(self, node):
    words = escaped(self, WORDS)
    data = {"data-agq-words": json.dumps(PAGE_WORDS)}
    self.body.append(self.starttag(node, "div", CLASS="agq-progress", **data) + "<ul>")
    for docname, title, keys in node["lessons"]:
        href = self.builder.get_relative_uri(node["from"], docname)
        count = say("progress_questions", total=len(keys))
        self.body.append(
            f'<li data-agq-keys="{self.attval(json.dumps(keys))}">'
            f'<a href="{self.attval(href)}">{self.encode(title)}</a> '
            f'<span class="agq-progress-count">{self.encode(count)}</span></li>'
        )
    self.body.append(
        '</ul><div class="agq-summary agq-js-only">'
        '<p class="agq-progress-status" aria-live="polite"></p>'
        f'<button type="button" class="agq-button agq-progress-reset">{words["progress_reset"]}'
        "</button></div></div>\n"
    )
    raise nodes.SkipNode


def as_plain_nodes(node: quiz_progress) -> nodes.Element:
    listing = nodes.bullet_list()
    for _docname, title, keys in node["lessons"]:
        text = f"{title}: {say('progress_questions', total=len(keys))}"
        listing += nodes.list_item("", nodes.paragraph("", text))
    return listing


def _init(app: Sphinx) -> None:
    if not hasattr(app.env, "course_progress_pages"):
        app.env.course_progress_pages = set()


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Any page read again may have changed its questions: the progress pages follow."""
    return sorted(env.course_progress_pages) if (added or changed or removed) else []


def connect_progress_hooks(app: Sphinx) -> None:
    app.connect("builder-inited", _init)
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-resolved", fill)
