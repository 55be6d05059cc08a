"""Sphinx extensions of the course, one module per capability.

Jupyter Book loads this package through `sphinx.local_extensions` in `_config.yml`;
`setup` calls the `setup_<capability>(app)` of each module.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from .light_pages import setup_light_pages
from .notebooks import setup_notebooks
from .parallel_execution import setup_parallel_execution
from .quiz import setup_quiz
from .site import setup_site
from .stock_fixes import setup_stock_fixes
from .toc_check import setup_toc_check
from .video import setup_video

__version__ = "0.1.0"
# Bump when a node's attributes or the pages' markup change, so Sphinx re-reads and rewrites
# every page built by an older version.
ENV_VERSION = 4


def _static_path(app: Sphinx) -> None:
    """The quiz and video assets (added only to the pages that use them)."""
    if app.builder.format == "html":
        app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _static_path)
    setup_site(app)
    setup_quiz(app)
    setup_notebooks(app)
    setup_video(app)
    setup_stock_fixes(app)
    setup_toc_check(app)
    setup_parallel_execution(app)
    setup_light_pages(app)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
