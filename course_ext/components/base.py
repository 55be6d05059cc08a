"""What every component shares: the record it declares itself with, and its directives' base.

A component is what a chapter may contain besides markdown and code: a quiz, a video, a
backprop stepper, a Colab link. Each declares itself in one `Component` record (its
directives and roles, its nodes with their HTML and their plain form, its assets, the hosts
its script may reach, its forms in the Colab notebook, its own hooks); `setup_component`
registers a record with Sphinx. `CourseDirective` owns what every directive of ours does the
same way: the file line of a line of its body, and its mistakes reported at that line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from ..errors import LocatedError


@dataclass(frozen=True)
class NodeForm:
    """A node of a component: its HTML visitors, and the standard docutils nodes that replace
    it for other builders (text, LaTeX...), if it has a form of its own there."""

    node: type[nodes.Element]
    html: tuple[Callable, Callable | None]
    plain: Callable[[nodes.Element], nodes.Node] | None = None


@dataclass(frozen=True)
class Component:
    """Everything the build needs to know of a component, in one place."""

    name: str
    directives: Mapping[str, type] = field(default_factory=dict)
    roles: Mapping[str, Callable] = field(default_factory=dict)
    nodes: tuple[NodeForm, ...] = ()
    # Files added to the pages that contain one of `used_by`, from `static` (a folder of the
    # component's own) or else course_ext/static/; the stylesheets are ours, so PurgeCSS
    # leaves them whole (their classes are built by scripts).
    assets: tuple[str, ...] = ()
    used_by: tuple[type[nodes.Element], ...] = ()
    static: Path | None = None
    # The class of the component's root element in a page, and the hosts its script may load
    # from there, as (CSP directive, origin): nothing outside the site is allowed elsewhere.
    marker: str = ""
    origins: tuple[tuple[str, str], ...] = ()
    # Its forms in the Colab notebook: by directive name, by role name, and helper code a
    # notebook gets once, by name -> (title, code).
    notebook_forms: Mapping[str, Callable] = field(default_factory=dict)
    role_forms: Mapping[str, Callable] = field(default_factory=dict)
    helpers: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    setup: Callable[[Sphinx], None] | None = None  # hooks of its own, if any

    @property
    def stylesheets(self) -> tuple[str, ...]:
        return tuple(name for name in self.assets if name.endswith(".css"))


def setup_component(app: Sphinx, component: Component) -> None:
    for form in component.nodes:
        app.add_node(form.node, html=form.html)
        if form.plain is not None:
            add_plain_form(app, form.node, form.plain)
    for name, directive in component.directives.items():
        app.add_directive(name, directive)
    for name, role in component.roles.items():
        app.add_role(name, role)
    if component.assets:
        load_assets_where_used(app, component.used_by, component.assets)
    if component.static is not None:
        folder = str(component.static)
        app.connect("builder-inited", lambda app: app.config.html_static_path.append(folder))
    if component.setup is not None:
        component.setup(app)


class CourseDirective(SphinxDirective):
    """A directive of ours: its body's line numbers, its parse messages and its mistakes,
    said at the line of the file where they are."""

    prefix = ""  # what begins each of its messages: "video", "malformed quiz"

    def file_line(self, body_line: int) -> int:
        """The file's line of the body's line `body_line` (from 1). MyST counts
        content_offset from the directive's own line, not from the file's top."""
        return self.lineno + self.content_offset + body_line

    def fail(self, error: LocatedError) -> list[nodes.Node]:
        """A mistake in the body, as an error at its line: -W makes the build stop there."""
        source = str(self.env.doc2path(self.env.docname, False))
        line = self.file_line(error.line)
        return [self.reporter.error(f"{self.prefix}: {error.message}", line=line, source=source)]

    def inline(self, text: str, body_line: int) -> list[nodes.Node]:
        """Markdown of one line of the body, parsed at its own file line, raw HTML shown as
        text; the parser's messages (a bad role, say) are kept, not dropped."""
        parsed, messages = self.state.inline_text(text, self.file_line(body_line))
        container = nodes.inline("", "", *parsed)
        escape_raw_html(container)
        return [*container.children, *messages]


def escaped(translator, words: Mapping[str, str]) -> dict[str, str]:
    """A component's words as a visitor writes them into the HTML: escaped, since the words
    table is meant to be edited (an "&" or "<" in a button's label stays text)."""
    return {key: translator.encode(text) for key, text in words.items()}


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


def load_assets_where_used(app: Sphinx, node_classes: tuple, assets: tuple[str, ...]) -> None:
    """Add the stylesheets and the deferred scripts only to the pages that contain one of
    `node_classes`."""

    def add(app: Sphinx, pagename, templatename, context, doctree) -> None:
        if doctree is None or not any(any(doctree.findall(c)) for c in node_classes):
            return
        for name in assets:
            if name.endswith(".css"):
                app.add_css_file(name)
            else:
                app.add_js_file(name, defer="defer")

    app.connect("html-page-context", add)
