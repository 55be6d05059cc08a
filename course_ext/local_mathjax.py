"""Math without a CDN for the stock pages (`course_light_pages: false`, bench/): MathJax
served from the site itself. The course's own pages typeset math at build time
(katex_math.py) and load no MathJax at all.

Sphinx loads MathJax from a CDN by default; this copies it into the site from
sphinx-mathjax-offline's files (a data package here, not an extension) and points
`mathjax_path` at the copy. With `course_light_pages` (the default), only what
tex-chtml.js can load is copied (7 MB, not 24); with `course_light_pages: false`, all of it,
as sphinx-mathjax-offline itself would.
"""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

from sphinx.application import Sphinx

# What tex-chtml.js can load: itself, its fonts, TeX extensions (autoloaded by macros),
# and the accessibility menu's explorer with its speech rules. Not the other 16 MB of
# combined components (SVG output, MathML input...) that sphinx-mathjax-offline ships.
MATHJAX_FILES = ["tex-chtml.js", "output/chtml", "input/tex/extensions", "a11y", "sre", "ui"]


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    """Serve MathJax from the site itself: the parts a page can load, or all of it."""
    if exception or app.builder.format != "html" or app.config.html_math_renderer != "mathjax":
        return  # the default renderer is katex_math.py; MathJax is for the stock pages
    source = Path(importlib.import_module("sphinx-mathjax-offline").__file__).parent
    source = source / "static" / "mathjax"
    target = Path(app.outdir) / "_static" / "mathjax"
    names = MATHJAX_FILES if app.config.course_light_pages else [p.name for p in source.iterdir()]
    for name in sorted(names):
        entry = source / name
        for file in [entry] if entry.is_file() else sorted(entry.rglob("*")):
            copy = target / file.relative_to(source)
            if file.is_dir() or (copy.exists() and copy.stat().st_size == file.stat().st_size):
                continue
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, copy)


def setup_local_mathjax(app: Sphinx) -> None:
    app.config.mathjax_path = "mathjax/tex-chtml.js"
    app.connect("build-finished", copy_mathjax)
