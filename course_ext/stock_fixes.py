"""Remove what a stock Jupyter Book 1 page gets wrong.

- sphinx-thebe (always loaded by Jupyter Book) injects its inline config script
  twice, which throws "Identifier 'THEBE_JS_URL' has already been declared", and
  it names a CDN. The course does not use Thebe, so its assets are dropped.
- a long identifier in a heading widened the page on a phone (agc-site.css).
- myst-nb's `nb_merge_streams` strips every chunk of a stream and appends a newline, so
  the same prints render with or without a blank line depending on where the kernel
  happened to split its output: two builds differed. Chunks are concatenated exactly
  first (a one-line patch of myst-nb's renderer, checked against MYST_NB_CHECKED; remove it
  when myst-nb merges exactly; tests/test_course_ext.py has its canary).
- pydata-sphinx-theme logs "Got invalid theme mode" when the template variable
  `default_mode` is unset; "auto" (follow the reader's system) keeps the console clean.
- sphinxext-opengraph imports its social-card module, and with it matplotlib's pyplot,
  whenever it loads, though the cards are off here (`ogp_social_cards` in _config.yml):
  0.4 s of every build (a rebuild that changes nothing: 3.62 s, 3.25 s without it). So
  course_ext loads it (it is not in _config.yml's extensions) with that one module
  unavailable, and the extension takes its own path for "matplotlib is not installed":
  the same meta tags, no cards. Checked against OPENGRAPH_CHECKED; tests/test_course_ext.py
  has its canary.
"""

from __future__ import annotations

import contextlib
import copy
import io
import sys

import myst_nb.core.render
from sphinx.application import Sphinx

MYST_NB_CHECKED = "1.4.0"
OPENGRAPH_CHECKED = "0.13.0"
SOCIAL_CARDS = "sphinxext.opengraph._social_cards"
_myst_nb_coalesce = myst_nb.core.render.coalesce_streams


def exact_coalesce_streams(outputs: list) -> list:
    """Join the chunks of each stream exactly, then let myst-nb tidy the single chunk."""
    merged, streams = [], {}
    for output in outputs:
        if output["output_type"] == "stream":
            if output["name"] in streams:
                streams[output["name"]]["text"] += output["text"]
                continue
            output = copy.deepcopy(output)
            streams[output["name"]] = output
        merged.append(output)
    return _myst_nb_coalesce(merged)


def _is_thebe(asset) -> bool:
    name = str(asset.filename or "")
    body = asset.attributes.get("body", "") if hasattr(asset, "attributes") else ""
    return "thebe" in name or "THEBE_JS_URL" in body or "thebe" in body


def _fix_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    context.setdefault("default_mode", "auto")
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup_opengraph(app: Sphinx) -> None:
    """sphinxext-opengraph, without the import of its social cards (see above). A module
    this process imported already is left as it is."""
    blocked = SOCIAL_CARDS not in sys.modules
    if blocked:
        sys.modules[SOCIAL_CARDS] = None  # an import of it raises ImportError
    try:
        # What the extension prints on that path ("matplotlib is not installed") is untrue.
        with contextlib.redirect_stdout(io.StringIO()):
            app.setup_extension("sphinxext.opengraph")
    finally:
        if blocked:
            del sys.modules[SOCIAL_CARDS]


def setup_stock_fixes(app: Sphinx) -> None:
    setup_opengraph(app)
    myst_nb.core.render.coalesce_streams = exact_coalesce_streams
    app.add_css_file("agc-site.css")
    app.connect("html-page-context", _fix_page_context, priority=900)
