"""Open in Colab that works for MyST chapters.

sphinx-book-theme's Colab button points at the page's source file, which for a MyST
chapter is a .md that Colab cannot open. This module exports every executable chapter
to a notebook (course_ext/notebook_export.py) at `_sources/<page>.ipynb` in the site,
which the theme's download menu offers as ".ipynb", and points the Colab button at the
same notebook on the branch the deploy workflow publishes the notebooks to:
`https://colab.research.google.com/github/<org>/<repo>/blob/<branch>/<page>.ipynb`.
Pages without code (no kernelspec) get no launch button from the theme at all.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxRole

from .notebook_export import ExportError, Site, export_chapter
from .site import pages_url


def colab_url(repository_url: str, branch: str, pagename: str) -> str:
    org, repo = repository_url.rstrip("/").split("/")[-2:]
    return f"https://colab.research.google.com/github/{org}/{repo}/blob/{branch}/{pagename}.ipynb"


def _export(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is None or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    repository_url = app.config.course_repository_url
    if not repository_url:
        return
    site = Site(
        base_url=pages_url(repository_url),
        # An unknown page is reported by Sphinx itself (-n); the export just keeps its name.
        title_of=lambda docname: (
            app.env.titles[docname].astext() if docname in app.env.titles else docname
        ),
        docname=pagename,
    )
    source = Path(app.env.doc2path(pagename))
    rc_file = Path(app.srcdir) / app.config.course_book_dir / "matplotlibrc"
    try:
        notebook = export_chapter(source, site, rc_file if rc_file.is_file() else None)
    except ExportError as error:
        name = source.relative_to(app.srcdir)
        raise ExtensionError(f"cannot export {name} for Colab: {error}") from error
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"

    branch = app.config.course_notebooks_branch
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("text") == "Colab":
                button["url"] = colab_url(repository_url, branch, pagename)
                button["tooltip"] = "Open this lesson as a notebook in Colab"


class ColabRole(SphinxRole):
    """{colab}`book/<name>`: an "Open in Colab" link to that lesson's notebook."""

    def run(self):
        docname = self.text.strip().removesuffix(".md")
        if docname not in self.env.found_docs:
            message = self.inliner.reporter.error(
                f"colab: no chapter {docname!r} (a path from the root, e.g. book/chain_rule)",
                line=self.lineno,
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        url = colab_url(
            self.config.course_repository_url, self.config.course_notebooks_branch, docname
        )
        link = nodes.reference("", "Open in Colab", refuri=url, classes=["agq-colab-link"])
        return [link], []


def setup_notebooks(app: Sphinx) -> None:
    app.add_role("colab", ColabRole())
    app.add_config_value("course_notebooks_branch", "notebooks", "html", types=[str])
    # After sphinx-book-theme (priority 501) has built its buttons and copied its notebook.
    app.connect("html-page-context", _export, priority=502)
