"""The third-party stylesheets cut to the rules the site's pages and scripts can use.

The theme's, Bootstrap's inside it, sphinx-design's, myst-nb's, KaTeX's and Sphinx's own
stylesheets are cut with PurgeCSS (npm `purgecss`, purge_stylesheets.js): 72 kB of
gzipped, render-blocking CSS on every page becomes 31 kB. PurgeCSS reads the pages and
every script for the class names they hold; classes a script builds from parts are kept by
PURGE_SAFELIST. The course's own stylesheets (agc-, agq-, agb-, agv-) are small and left as
written. When the pages and the scripts are those of the last cut, its result is reused.
`course_light_pages: false` keeps the stock files (bench/).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from course_ext.npm import node_executable, npm_package

from .site import BuiltSite

logger = logging.getLogger(__name__)

PURGE_SCRIPT = Path(__file__).with_name("purge_stylesheets.js")
# Class names that Bootstrap 5.3's scripts build from parts, so no page or script spells
# them out: a tooltip's placement (`bs-${name}-auto`, then bs-tooltip-top, ...).
PURGE_SAFELIST = [r"^bs-(tooltip|popover)-"]


# In the doctree directory, which is not deployed: for each stylesheet cut, the whole file
# (its digest and text) and the cut one. A rebuild that changed nothing writes the cut
# again from it; tests/test_light_pages.py draws the pages with the whole ones from it.
PURGED = "course-purged-stylesheets.json"
PURGED_FORMAT = 2  # part of the key: a record of another shape is never read


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def purge_stylesheets(app: Sphinx, site: BuiltSite) -> None:
    """On the final pages (the policies among them), so that a rebuild that changed nothing
    finds the same pages and scripts, and writes the stylesheets it cut last time instead
    of running PurgeCSS again (1-1.5 s)."""
    config = app.config
    if not config.course_light_pages:
        return
    site.write()  # PurgeCSS reads the pages from disk, in Node
    outdir = site.outdir
    static = outdir / "_static"
    css = [
        p
        for p in sorted(static.rglob("*.css"))
        if p.name not in site.our_stylesheets and p.stat().st_size
    ]
    scripts = sorted(static.rglob("*.js"))
    user = __name__
    package = npm_package(app, "purgecss", user)
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    key = hashlib.sha256(json.dumps([version, PURGE_SAFELIST, PURGED_FORMAT]).encode())
    key.update(PURGE_SCRIPT.read_bytes())
    for name, page in site.pages.items():
        key.update(name.encode() + b"\0" + page.encode("utf-8"))
    for path in scripts:
        key.update(path.relative_to(outdir).as_posix().encode() + b"\0" + path.read_bytes())
    record = Path(app.doctreedir) / PURGED
    last = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
    named = {p.relative_to(outdir).as_posix(): p for p in css}
    if last.get("key") == key.hexdigest() and set(last["css"]) == set(named):
        # Sphinx copies some stylesheets again, whole, and leaves the others as cut.
        now = {name: _digest(path.read_bytes()) for name, path in named.items()}
        cut = {name: _digest(entry["cut"].encode()) for name, entry in last["css"].items()}
        if all(now[name] in (entry["sha256"], cut[name]) for name, entry in last["css"].items()):
            for name, entry in last["css"].items():
                if now[name] != cut[name]:
                    named[name].write_text(entry["cut"], encoding="utf-8")
            logger.info(f"{user}: {len(css)} stylesheets cut as in the last build")
            return
    # A stylesheet Sphinx did not copy again is still the last build's cut: its whole
    # text is the one the record kept (else the record would call the cut one whole).
    kept = last.get("css", {})
    whole = {}
    for name, path in named.items():
        data = path.read_bytes()
        if name in kept and _digest(data) == _digest(kept[name]["cut"].encode()):
            data = kept[name]["whole"].encode()
        whole[name] = data
    content = [*(outdir / name for name in site.pages), *scripts]
    files = {"content": [str(p) for p in content], "css": [str(p) for p in css]}
    request = json.dumps({**files, "safelist": PURGE_SAFELIST})
    result = subprocess.run(
        [node_executable(user), str(PURGE_SCRIPT), str(package), request],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    if result.returncode:
        raise ExtensionError(f"{user}: PurgeCSS failed: {result.stderr.strip()[-2000:]}")
    sizes = json.loads(result.stdout)
    before = sum(b for b, _ in sizes.values())
    after = sum(a for _, a in sizes.values())
    logger.info(f"{user}: {len(sizes)} stylesheets cut from {before >> 10} to {after >> 10} kB")
    cut = {
        name: {
            "sha256": _digest(whole[name]),
            "whole": whole[name].decode("utf-8"),
            "cut": path.read_text(encoding="utf-8"),
        }
        for name, path in named.items()
    }
    record.write_text(json.dumps({"key": key.hexdigest(), "css": cut}), encoding="utf-8")
