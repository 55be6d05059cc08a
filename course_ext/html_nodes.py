"""Shared plumbing for the directives that emit their own HTML (quiz, video)."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


def escape_raw_html(node: nodes.Node) -> None:
    """Text written by contributors (quiz questions, video titles) is markdown, never markup:
    raw HTML that the markdown parser produced is shown as plain text."""
    for raw in list(node.findall(nodes.raw)):
        raw.replace_self(nodes.Text(raw.astext()))


def add_plain_form(app: Sphinx, node_class, as_plain_nodes) -> None:
    """For builders other than HTML (text, LaTeX, man...), replace every `node_class` node
    by `as_plain_nodes(node)`, made of standard docutils nodes, instead of dropping it."""

    class PlainForm(SphinxPostTransform):
        default_priority = 200

        def run(self, **kwargs) -> None:
            if self.app.builder.format != "html":
                for node in list(self.document.findall(node_class)):
                    node.replace_self(as_plain_nodes(node))

    PlainForm.__name__ = f"Plain_{node_class.__name__}"
    app.add_post_transform(PlainForm)


def load_assets_where_used(app: Sphinx, node_class, css: str, js: str) -> None:
    """Add a stylesheet and a deferred script only to the pages that contain `node_class`."""

    def add(app: Sphinx, pagename, templatename, context, doctree) -> None:
        if doctree is not None and any(doctree.findall(node_class)):
            app.add_css_file(css)
            app.add_js_file(js, defer="defer")

    app.connect("html-page-context", add)
