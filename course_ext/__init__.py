"""Sphinx extensions of the course, one module per capability.

Jupyter Book loads this package through `sphinx.local_extensions` in `_config.yml`;
`setup` checks the stack it was written for, then calls the `setup_<capability>(app)` of
each module.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import sphinx
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from .chapter_source import setup_chapter_source
from .components import origins_on, our_stylesheets, setup_components
from .config import setup_config
from .downloads import setup_downloads
from .finish import setup_finish
from .katex_math import setup_katex_math
from .light_pages import setup_light_pages
from .parallel_execution import setup_parallel_execution
from .sitemap import setup_sitemap
from .stock_fixes import setup_stock_fixes
from .toc_check import setup_toc_check


def _code_version() -> int:
    """A number that changes with any file of course_ext: when the code that reads, draws or
    exports a page changes, Sphinx re-reads and rewrites every page (nothing is executed
    again: the chapters' outputs come from the cache). No version to bump by hand."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".js", ".css", ".html"}:
            digest.update(path.relative_to(Path(__file__).parent).as_posix().encode())
            digest.update(path.read_bytes())
    return int(digest.hexdigest()[:8], 16)


ENV_VERSION = _code_version()
# The stack the extensions are written and tested for: Jupyter Book 1, Sphinx 7.
SUPPORTED = {"jupyter-book": "1.", "sphinx": "7."}


def check_stack(versions: dict[str, str | None]) -> None:
    """Stop at once, in words, on a stack the extensions were not written for."""
    wrong = [
        f"{name} {found or 'is not installed'}"
        for name, found in versions.items()
        if not (found or "").startswith(SUPPORTED[name])
    ]
    if wrong:
        expected = ", ".join(f"{name} {major}x" for name, major in SUPPORTED.items())
        raise ExtensionError(
            f"course_ext needs {expected}; found {', '.join(wrong)}. "
            "Install the pinned versions: make book (or pip install -r requirements.txt)."
        )


def installed(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _static_path(app: Sphinx) -> None:
    """The components' assets (added only to the pages that use them), and the site's."""
    if app.builder.format == "html":
        app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app: Sphinx) -> dict:
    check_stack({"jupyter-book": installed("jupyter-book"), "sphinx": sphinx.__version__})
    app.connect("builder-inited", _static_path)
    setup_config(app)
    setup_chapter_source(app)
    setup_sitemap(app)
    setup_components(app)  # quiz, progress, colab, video, stepper (components/__init__.py)
    setup_downloads(app)
    setup_stock_fixes(app)
    setup_toc_check(app)
    setup_parallel_execution(app)
    setup_light_pages(app)
    setup_katex_math(app)
    setup_finish(app, our_stylesheets(), origins_on)  # what the records say of the site
    return {
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
