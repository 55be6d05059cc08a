"""Shared plumbing for the extensions that emit their own HTML (quiz, video)."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx


def escape_raw_html(node: nodes.Node) -> None:
    """Text written by contributors (quiz questions, video titles) is markdown, never markup:
    raw HTML that the markdown parser produced is shown as plain text."""
    for raw in list(node.findall(nodes.raw)):
        raw.replace_self(nodes.Text(raw.astext()))


def _skip(self, node):
    raise nodes.SkipNode


def add_html_nodes(app: Sphinx, visitors: dict) -> None:
    """Register nodes rendered in HTML only; other builders (LaTeX, text) leave them out."""
    for node_class, html in visitors.items():
        skip = (_skip, None)
        app.add_node(node_class, html=html, latex=skip, text=skip, man=skip, texinfo=skip)


def load_assets_where_used(app: Sphinx, node_class, css: str, js: str) -> None:
    """Add a stylesheet and a deferred script only to the pages that contain `node_class`."""

    def add(app: Sphinx, pagename, templatename, context, doctree) -> None:
        if doctree is not None and any(doctree.findall(node_class)):
            app.add_css_file(css)
            app.add_js_file(js, defer="defer")

    app.connect("html-page-context", add)
