"""Read a chapter's cells the way the build does, `:load:` files included.

A code cell may take its code from a file beside the chapter (myst-nb's `:load:` option):
check functions and plotting helpers live in `book/checks/`, out of the lesson's prose, and
the page shows them folded (`hide-input`). myst-nb's reader inlines them when the build
executes a chapter; jupytext, which the Colab export and the tools read chapters with,
leaves the cell empty. `read_chapter` inlines them too, so the notebook runs alone in Colab,
and a missing file stops with the chapter's file and line.

Sphinx knows only that a page depends on its own source: `note_loaded_files` adds each
loaded file, so editing a check re-reads (and re-executes) the chapter that loads it.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from .errors import LocatedError
from .myst_blocks import Block, blocks


class LoadError(LocatedError):
    """A `:load:` option names a file that cannot be read."""


def loaded_files(text: str, folder: Path) -> list[tuple[int, Path]]:
    """(line, path) of each code cell's `:load:` file, in order."""
    return [
        (block.line, (folder / block.options["load"]).resolve())
        for block in blocks(text)
        if isinstance(block, Block) and block.name == "code-cell" and "load" in block.options
    ]


def read_chapter(path: Path) -> nbformat.NotebookNode:
    """The chapter as a notebook, each `:load:` cell holding its file's code."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    notebook = jupytext.reads(text, fmt="md:myst")
    files = iter(loaded_files(text, path.parent))
    for cell in notebook.cells:
        if cell.cell_type != "code" or "load" not in cell.metadata:
            continue
        line, file = next(files)
        if cell.source.strip():
            raise LoadError(f"a cell with :load: must be empty (it takes {file.name})", line)
        try:
            cell.source = file.read_text(encoding="utf-8").rstrip("\n")
        except (OSError, UnicodeDecodeError) as error:
            raise LoadError(f":load: cannot read {file}: {error}", line) from None
        del cell.metadata["load"]
        cell.metadata["loaded_from"] = file.name  # the export folds each file under a title
    return notebook


def note_loaded_files(app: Sphinx, docname: str, source: list[str]) -> None:
    """Before myst-nb reads the page: a missing file is our error with file and line, not
    myst-nb's exception, and an existing one becomes a dependency of the page."""
    path = Path(app.env.doc2path(docname))
    for line, file in loaded_files(source[0], path.parent):
        if not file.is_file():
            raise ExtensionError(f"{path}:{line}: :load: names {file}, which does not exist")
        app.env.note_dependency(str(file))


def setup_chapter_source(app: Sphinx) -> None:
    app.connect("source-read", note_loaded_files)
