"""Open in Colab that works for MyST chapters.

sphinx-book-theme's Colab button points at the page's source file, which for a MyST
chapter is a .md that Colab cannot open. This module exports every executable chapter
to a notebook (course_ext/notebook_export.py) at `_sources/<page>.ipynb` in the site,
which the theme's download menu offers as ".ipynb", and points the Colab button at the
same notebook on the branch the deploy workflow publishes the notebooks to
(`Identity.colab_url`, course_ext/config.py). Pages without code (no kernelspec) get no
launch button from the theme at all.

The button is found in the theme's `header_buttons` context (checked against
SPHINX_BOOK_THEME_CHECKED); a theme that no longer offers it stops the build, and
tests/test_notebooks.py checks every lesson's one Colab link.

The landing page says which Colab runtime the notebooks were last run on, from what
`make colab-check` recorded (tools/colab/): the substitution {{ colab_tested }}.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxRole

from ..config import identity
from ..errors import LocatedError
from ..notebook_export import Site, export_chapter
from .base import Component

SPHINX_BOOK_THEME_CHECKED = "1.3.0"


def _export(app: Sphinx, pagename, templatename, context, doctree) -> None:
    from . import notebook_forms  # every component's, declared in components/__init__.py

    if doctree is None or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    site_identity = identity(app.config)
    if site_identity is None:
        return
    site = Site(
        base_url=site_identity.base_url,
        # An unknown page is reported by Sphinx itself (-n); the export just keeps its name.
        title_of=lambda docname: (
            app.env.titles[docname].astext() if docname in app.env.titles else docname
        ),
        docname=pagename,
        colab_url=site_identity.colab_url,
    )
    source = Path(app.env.doc2path(pagename))
    rc_file = Path(app.srcdir) / app.config.course_book_dir / "matplotlibrc"
    try:
        forms = notebook_forms()
        notebook = export_chapter(source, site, forms, rc_file if rc_file.is_file() else None)
    except LocatedError as error:  # ExportError, or a :load: file that cannot be read
        name = source.relative_to(app.srcdir)
        raise ExtensionError(f"{name}:{error.line}: cannot export for Colab: {error}") from None
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)

    buttons = [
        button
        for group in context.get("header_buttons", [])
        for button in group.get("buttons", [])
        if button.get("text") == "Colab"
    ]
    if not buttons:
        raise ExtensionError(
            f"{source.relative_to(app.srcdir)}: the theme made no Colab button to point at "
            f"the notebook (checked against sphinx-book-theme {SPHINX_BOOK_THEME_CHECKED}): "
            "update course_ext/components/colab.py"
        )
    for button in buttons:
        button["url"] = site_identity.colab_url(pagename)
        button["tooltip"] = "Open this lesson as a notebook in Colab"


class ColabRole(SphinxRole):
    """{colab}`book/<name>`: an "Open in Colab" link to that lesson's notebook."""

    def run(self):
        docname = self.text.strip().removesuffix(".md")
        site_identity = identity(self.config)
        if docname not in self.env.found_docs or site_identity is None:
            message = self.inliner.reporter.error(
                f"colab: no chapter {docname!r} (a path from the root, e.g. book/chain_rule)"
                if site_identity
                else "colab: the book has no repository.url in _config.yml",
                line=self.lineno,
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        link = nodes.reference("", "Open in Colab", refuri=site_identity.colab_url(docname))
        return [link], []


def colab_link(text: str, site: Site) -> str:
    """In a notebook, the link itself (a Colab notebook opening another one)."""
    return f"[Open in Colab]({site.colab_url(text.strip().removesuffix('.md'))})"


def colab_tested(root: Path) -> str:
    """A sentence: the Colab runtime the notebooks last ran on, and when, as
    tools/colab_versions.py and tools/colab_check.py --record left them in tools/colab/."""
    folder = root / "tools" / "colab"
    try:
        pins = (folder / "constraints.txt").read_text(encoding="utf-8")
        tested = (folder / "tested.txt").read_text(encoding="utf-8").split(":", 1)[0].strip()
    except OSError:
        return "No run of the notebooks under Colab's versions is recorded yet."
    python = re.search(r"Colab runs Python (\d+\.\d+)", pins)
    # The day Colab listed them: its commit's, or else the day they were read.
    listed = re.search(r"at commit \w+ of ([\d-]+)", pins) or re.search(r"Read on ([\d-]+)", pins)
    version = {n: re.search(rf"^{n}==([^\s]+)", pins, re.M) for n in ("torch", "numpy")}
    if not (python and listed and all(version.values())):
        return "No run of the notebooks under Colab's versions is recorded yet."
    return (
        f"The notebooks were last run, top to bottom, with Colab's own versions (Python "
        f"{python[1]}, torch {version['torch'][1]}, NumPy {version['numpy'][1]}, as Colab "
        f"listed them on {listed[1]}) on {tested}, and every hidden check found the page's "
        "numbers."
    )


def _substitution(app: Sphinx, config) -> None:
    config.myst_substitutions = {
        **config.myst_substitutions,
        "colab_tested": colab_tested(Path(app.srcdir)),
    }


def connect_colab_hooks(app: Sphinx) -> None:
    app.connect("config-inited", _substitution)
    # After sphinx-book-theme (priority 501) has built its buttons and copied its notebook.
    app.connect("html-page-context", _export, priority=502)


COLAB = Component(
    name="colab",
    roles={"colab": ColabRole()},
    role_forms={"colab": colab_link},
    setup=connect_colab_hooks,
)
RECORDS = (COLAB,)
