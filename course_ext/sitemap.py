"""Keep the sitemap complete when a build writes only the pages that changed.

sphinx-sitemap (checked against SITEMAP_CHECKED) collects the pages as they are written,
into the queue `app.sitemap_links`, so after an incremental build it would publish a sitemap
of the one page that changed. tests/test_incremental_build.py is the canary of this patch.
"""

from __future__ import annotations

import contextlib
import queue

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx_sitemap import add_html_link

SITEMAP_CHECKED = "2.9.0"


def _drain(links) -> list[tuple[str, str | None]]:
    entries = []
    with contextlib.suppress(queue.Empty):
        while True:
            entries.append(links.get_nowait())
    return entries


def _complete_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """Before sphinx-sitemap writes the file, add the pages left as they were through its
    own `add_html_link`, and sort the entries so that every build writes the same file."""
    if exception or app.builder.format != "html" or "sphinx_sitemap" not in app.extensions:
        return
    links = getattr(app, "sitemap_links", None)
    if links is None:
        raise ExtensionError(
            f"course_ext.sitemap: sphinx-sitemap {SITEMAP_CHECKED} kept its pages in "
            "`app.sitemap_links`; this version does not: update course_ext/sitemap.py"
        )
    entries = _drain(links)
    written = {link for link, _ in entries}
    suffix = app.config.html_file_suffix or ".html"
    for docname in sorted(app.env.found_docs):
        if docname + suffix not in written:
            add_html_link(app, docname, None, None, None)
    for entry in sorted(entries + _drain(links), key=lambda entry: entry[0]):
        links.put(entry)


def setup_sitemap(app: Sphinx) -> None:
    # Before sphinx-sitemap writes the file (default priority 500): its own hook, not a step
    # of finish/, whose hook runs after sphinx-sitemap's.
    app.connect("build-finished", _complete_sitemap, priority=400)
