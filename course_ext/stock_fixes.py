"""Remove what a stock Jupyter Book 1 page gets wrong.

- sphinx-thebe (always loaded by Jupyter Book) injects its inline config script
  twice, which throws "Identifier 'THEBE_JS_URL' has already been declared", and
  it names a CDN. The course does not use Thebe, so its assets are dropped.
- pydata-sphinx-theme logs "Got invalid theme mode" when the template variable
  `default_mode` is unset; "auto" (follow the reader's system) keeps the console clean.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _is_thebe(asset) -> bool:
    name = str(asset.filename or "")
    body = asset.attributes.get("body", "") if hasattr(asset, "attributes") else ""
    return "thebe" in name or "THEBE_JS_URL" in body or "thebe" in body


def _fix_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    context.setdefault("default_mode", "auto")
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup_stock_fixes(app: Sphinx) -> None:
    app.connect("html-page-context", _fix_page_context, priority=900)
