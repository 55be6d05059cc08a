"""Math without a CDN for the stock pages (`course_light_pages: false`, bench/): MathJax
served from the site itself. The course's own pages typeset math at build time
(katex_math.py) and load no MathJax at all.

Sphinx loads MathJax from a CDN by default; this copies it into the site from
sphinx-mathjax-offline's files (a data package here, not an extension), all of it, as
sphinx-mathjax-offline itself would, and points `mathjax_path` at the copy unless the
user set it.
"""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.ext.mathjax import MATHJAX_URL

from .site import BuiltSite


def point_at_copy(app: Sphinx, config) -> None:
    """`mathjax_path` left empty or at Sphinx's default (the CDN) points at the copy."""
    if not config.mathjax_path or config.mathjax_path == MATHJAX_URL:
        config.mathjax_path = "mathjax/tex-chtml.js"


def copy_mathjax(app: Sphinx, site: BuiltSite) -> None:
    """Serve MathJax from the site itself."""
    if app.config.html_math_renderer != "mathjax":
        return  # the default renderer is katex_math.py; MathJax is for the stock pages
    source = importlib.import_module("sphinx-mathjax-offline").__file__
    source = Path(source).parent / "static" / "mathjax"
    target = site.outdir / "_static" / "mathjax"
    for file in sorted(source.rglob("*")):
        copy = target / file.relative_to(source)
        if file.is_dir() or (copy.exists() and copy.stat().st_size == file.stat().st_size):
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, copy)
