"""Cut a woff2 font to the characters the site shows: the icon fonts (icons.py) and
KaTeX's fonts (katex_fonts.py).

fontTools (the library matplotlib already uses for fonts) does the subsetting; only the
choice of characters is the callers'.
"""

from __future__ import annotations

import logging as stdlib_logging
from pathlib import Path

from fontTools import subset

# fontTools reports each table it cuts at INFO; in a thread (katex_fonts' cut) those lines
# reached the build's output, hundreds of them.
stdlib_logging.getLogger("fontTools").setLevel(stdlib_logging.WARNING)


def subset_font(path: Path, codepoints: set[int], target: Path | None = None) -> None:
    """The woff2 font at `path` with only the glyphs of `codepoints` it has, written to
    `target` (by default over itself). Layout features and hinting are kept."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    available = set(font.getBestCmap())
    subsetter.populate(unicodes=sorted(codepoints & available) or [0x20])
    subsetter.subset(font)
    subset.save_font(font, str(target or path), options)
