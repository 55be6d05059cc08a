"""What the course does to the built site once Sphinx has written it: one ordered list of
steps, run by one `build-finished` hook.

Each step is a function `step(app, site)` of its own module here; `site` is a BuiltSite
(site.py), which reads each page of `_build/html` once for all the steps and writes the
pages they rewrote once. Each step decides for itself whether it applies (the stock
variant, `course_light_pages: false`, runs only the MathJax copy and the policies).

The hook runs at priority 900, after every other hook that writes into the site:
myst-nb's stylesheet, sphinx-external-toc's index.html, pydata-sphinx-theme's
pygments.css and logo (all at Sphinx's default, 500), and downloads.py's sizes on the
landing page (800). sitemap.py keeps its own hook, at 400: it completes sphinx-sitemap's
list of pages before sphinx-sitemap writes sitemap.xml (at 500), and it writes nothing of
the site itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection

from sphinx.application import Sphinx
from sphinx.util import logging

from course_ext.katex_math import stop_typesetter

from .csp import add_buttons_script, write_policies
from .icons import lighten_icons
from .katex_fonts import katex_assets, wait_for_fonts
from .local_mathjax import copy_mathjax, point_at_copy
from .purge import purge_stylesheets
from .site import BuiltSite
from .unused import drop_unused_files

logger = logging.getLogger(__name__)

STEPS = [
    # katex.min.css into the site: before the icons read every stylesheet for the Font
    # Awesome characters, and before PurgeCSS cuts it. Starts the cut of KaTeX's fonts.
    katex_assets,
    # Reads the theme's whole stylesheet (its table of icon rules): before PurgeCSS cuts it.
    lighten_icons,
    # Source-map comments out of scripts and stylesheets: before PurgeCSS reads the
    # scripts and cuts the stylesheets, so that its reuse key is of the final files.
    drop_unused_files,
    # The stock variant's MathJax, into _static/mathjax (no other step reads it).
    copy_mathjax,
    # Hashes each page's inline scripts: after every change to a page (the hook's priority),
    # and before PurgeCSS, whose reuse key is of the final pages.
    write_policies,
    # Reads the pages from disk (Node): it writes the rewritten pages first.
    purge_stylesheets,
    # Last: the font cut ran in a thread beside PurgeCSS.
    wait_for_fonts,
]


def finish_site(app: Sphinx, exception: Exception | None, site: BuiltSite) -> None:
    stop_typesetter(app)  # the pages are written, or the build failed: KaTeX is done
    if exception or app.builder.format != "html":
        return
    for step in STEPS:
        start = time.perf_counter()
        step(app, site)
        logger.verbose(f"{__name__}: {step.__name__} took {time.perf_counter() - start:.2f} s")
    site.write()


def setup_finish(
    app: Sphinx, our_stylesheets: Collection[str], origins_on: Callable[[str], list]
) -> None:
    """`our_stylesheets` and `origins_on(page)` come from the components' records
    (course_ext/__init__.py passes them: the finishing steps know no component)."""
    app.connect("config-inited", point_at_copy)
    app.connect("html-page-context", add_buttons_script)

    def finish(app: Sphinx, exception: Exception | None) -> None:
        finish_site(app, exception, BuiltSite(app.outdir, our_stylesheets, origins_on))

    app.connect("build-finished", finish, priority=900)
