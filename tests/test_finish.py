"""The steps that rewrite the built site (course_ext/finish/): run in their declared order,
on pages each read once, on a small project built in this process."""

from __future__ import annotations

import builtins
import io
import subprocess
from io import StringIO
from pathlib import Path

from sphinx.application import Sphinx
from support.build import SMALL_PROJECT_CONF

from course_ext import finish
from course_ext.finish.csp import MARK
from course_ext.finish.purge import PURGE_SCRIPT
from course_ext.finish.site import BuiltSite

# The order finish/__init__.py gives, and says why: a change to it is a change to this too.
ORDER = [
    "katex_assets",
    "lighten_icons",
    "drop_unused_files",
    "copy_mathjax",
    "write_policies",
    "purge_stylesheets",
    "wait_for_fonts",
]
CONF = SMALL_PROJECT_CONF.replace('"basic"', '"sphinx_book_theme"')  # the steps cut its files
PAGES = {
    "index.md": "# Home\n\nThe square $x^2$.\n\n```{toctree}\nplain\n```\n",
    "plain.md": '# Plain\n\nNo math, one icon: <i class="fa-solid fa-bars"></i>\n',
}


def test_the_steps_run_in_order_on_pages_read_once(tmp_path, monkeypatch):
    assert [step.__name__ for step in finish.STEPS] == ORDER
    (tmp_path / "conf.py").write_text(CONF, encoding="utf-8")
    for name, text in PAGES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "_build"
    ran, reads, on_disk_for_purgecss = [], [], {}
    stepping = False

    def counting(opener):
        def open_(file, mode="r", *args, **kwargs):
            if stepping and "r" in mode and str(file).endswith(".html"):
                reads.append(Path(file).relative_to(out).as_posix())
            return opener(file, mode, *args, **kwargs)

        return open_

    def recorded(step):
        def run(app, site):
            nonlocal stepping
            ran.append(step.__name__)
            stepping = True
            try:
                step(app, site)
            finally:
                stepping = False

        run.__name__ = step.__name__
        return run

    def spying_run(command, *args, **kwargs):
        nonlocal stepping
        if str(PURGE_SCRIPT) in map(str, command):  # what PurgeCSS, in Node, reads
            stepping = False  # the test's own reads
            for page in out.rglob("*.html"):
                if "_static" not in page.parts:
                    on_disk_for_purgecss[page.name] = MARK in page.read_text(encoding="utf-8")
            stepping = True
        return real_run(command, *args, **kwargs)

    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", spying_run)
    monkeypatch.setattr(builtins, "open", counting(builtins.open))
    monkeypatch.setattr(io, "open", counting(io.open))
    monkeypatch.setattr(finish, "STEPS", [recorded(step) for step in finish.STEPS])
    warnings = StringIO()
    app = Sphinx(tmp_path, tmp_path, out, out / ".doctrees", "html", StringIO(), warnings)
    app.build()
    assert app.statuscode == 0, warnings.getvalue()

    assert ran == ORDER
    pages = sorted(BuiltSite(out).pages)
    assert {"index.html", "plain.html", "genindex.html", "search.html"} <= set(pages)
    # Every page once (the four steps that read them share one BuiltSite), none twice.
    assert sorted(reads) == pages, f"pages read by the steps: {sorted(reads)}"
    # PurgeCSS read the pages with their policies: written before it ran.
    assert on_disk_for_purgecss and all(on_disk_for_purgecss.values()), on_disk_for_purgecss
    assert "fa-bars:before" in (out / "_static/styles/pydata-sphinx-theme.css").read_text()
