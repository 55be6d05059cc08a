"""The built site's pages as the finishing steps see them: each read once, each written once.

Before, four steps read every page of `_build/html` from disk for themselves (the math's
characters, the icons' names, the policies, PurgeCSS's key), and the policies wrote them
back. A `BuiltSite` reads each `*.html` file the first time a step asks for the pages,
keeps the text, takes the pages a step rewrites, and writes those once, when `write` is
called: before a step that reads the pages from disk (PurgeCSS, in Node), and at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from types import MappingProxyType

from sphinx.errors import ExtensionError


class BuiltSite:
    """The pages, and what the course's components say of the site (components/): which
    stylesheets are ours (PurgeCSS leaves them whole) and which outside hosts a page's
    components may reach (its policy)."""

    def __init__(
        self,
        outdir: str | Path,
        our_stylesheets: Collection[str] = (),
        origins_on: Callable[[str], list[tuple[str, str]]] = lambda page: [],
    ):
        self.outdir = Path(outdir)
        self.our_stylesheets, self.origins_on = frozenset(our_stylesheets), origins_on
        self._pages: dict[str, str] | None = None
        self._changed: set[str] = set()

    @property
    def pages(self) -> Mapping[str, str]:
        """{path under the site, as "book/intro.html": text}, every HTML file of the site
        (the theme's `_static/*.html` macros too), in the order of their paths."""
        if self._pages is None:
            self._pages = {}
            for path in sorted(self.outdir.rglob("*.html")):
                name = path.relative_to(self.outdir).as_posix()
                try:
                    self._pages[name] = path.read_text(encoding="utf-8")
                except UnicodeDecodeError as error:
                    raise ExtensionError(f"{path}: not UTF-8 ({error})") from None
        return MappingProxyType(self._pages)

    def rewrite(self, name: str, text: str) -> None:
        """Replace a page's text; it is written by the next `write`."""
        if self.pages[name] != text:
            self._pages[name] = text
            self._changed.add(name)

    def write(self) -> int:
        """Write the pages rewritten since the last call; returns how many."""
        for name in sorted(self._changed):
            (self.outdir / name).write_text(self._pages[name], encoding="utf-8")
        written, self._changed = len(self._changed), set()
        return written
