"""Nothing in the site that a reader's browser never fetches: no source maps (1.7 MB of
them, and the comments pointing at them), no TrueType copies of the woff2 icon fonts, and
no translation catalogues (the theme's .mo files, applied when the pages are written).
`course_light_pages: false` keeps them (the stock files, for bench/)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sphinx.application import Sphinx

from .icons import WEBFONTS
from .site import BuiltSite

SOURCE_MAP_COMMENT = re.compile(r"\n?(?://|/\*)# sourceMappingURL=\S+(?: \*/)?\s*$")
TRUETYPE_SOURCE = re.compile(r',url\([^)]*\.ttf\) format\("truetype"\)')
LOCALES = Path("_static", "locales")  # sphinx-book-theme's translations, read at build time


def drop_unused_files(app: Sphinx, site: BuiltSite) -> None:
    if not app.config.course_light_pages:
        return
    static = site.outdir / "_static"
    for path in sorted(static.rglob("*")):
        if path.suffix == ".map" or (path.suffix == ".ttf" and WEBFONTS.name in path.parts):
            path.unlink()
        elif path.suffix in {".js", ".css"} and "katex" not in path.parts:
            text = path.read_text(encoding="utf-8")
            lighter = TRUETYPE_SOURCE.sub("", SOURCE_MAP_COMMENT.sub("", text))
            if lighter != text:
                path.write_text(lighter, encoding="utf-8")
    shutil.rmtree(site.outdir / LOCALES, ignore_errors=True)
