"""Lighter pages with the same function: the scripts of the stock theme, deferred.

While pages are written, this adds `defer` to every script file Sphinx and its extensions
put in the <head> (templates/layout.html, which this adds to the templates, does the same
for the search scripts the theme adds), so they no longer hold back the first paint.
(Math needs no script at all: katex_math.py typesets it at build time.)

The rest of the lighter pages is done to the built site, by the steps of finish/: the
icon fonts cut to the icons the pages use and fontawesome.js emptied (finish/icons.py),
the stylesheets cut by PurgeCSS (finish/purge.py), and the files no browser fetches
deleted (finish/unused.py). Set `course_light_pages: false` (sphinx config) to keep the
stock files, as bench/ does to compare the two.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

# `defer_scripts` rebuilds Sphinx's private `_JavaScript` (sphinx.builders.html._assets)
# through `type(script)(filename, priority=..., **attributes)`, checked against this
# version; tests/test_light_pages.py has its canary.
SPHINX_CHECKED = "7.4.7"
# Inline scripts read it as the page is parsed (`DOCUMENTATION_OPTIONS.pagename = ...`).
MUST_RUN_AT_ONCE = {"_static/documentation_options.js"}


def defer_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Load every script file after the page is parsed, in the same order, not before.

    Sphinx and its extensions put their scripts in the <head> without `defer`, so the
    page cannot paint until each has been fetched and run. Each of them (copy button,
    toggles, tabs, the theme's) waits for the document to be ready anyway.
    """
    if not app.config.course_light_pages or "script_files" not in context:
        return
    if pagename == "search":  # its search scripts, which need doctools.js, run at once
        return
    scripts = []
    for script in context["script_files"]:
        attributes = dict(script.attributes)
        if (
            script.filename
            and script.filename not in MUST_RUN_AT_ONCE
            and not {"async", "defer"} & set(attributes)
        ):
            attributes["defer"] = "defer"
            # Sphinx's private _JavaScript, made again with one more attribute (it is
            # immutable): checked against Sphinx SPHINX_CHECKED.
            script = type(script)(script.filename, priority=script.priority, **attributes)
        scripts.append(script)
    context["script_files"] = scripts


def _templates(app: Sphinx, config) -> None:
    if config.course_light_pages:
        config.templates_path.append(str(Path(__file__).parent / "templates"))


def setup_light_pages(app: Sphinx) -> None:
    app.connect("config-inited", _templates)
    app.connect("html-page-context", defer_scripts, priority=950)
