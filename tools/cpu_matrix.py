"""Run every chapter under every CPU set-up, and say what would differ from the page.

Usage: python -m tools.cpu_matrix [--setups build,baseline] [--chapters chain_rule ...]
(`make cpu-matrix`, after `make book`).

Each chapter is exported as for Colab and run in a fresh kernel, in a folder outside the
repository, under each set-up of course_ext/machines.py (other SIMD levels, other MKL,
oneDNN and OpenBLAS kernels, one thread and several). For each set-up and chapter it
prints which hidden checks would fail (and, under the build's own set-up, which pass
only narrowly: COURSE_CHECKS=audit), and which printed outputs differ: under the build's
set-up, from the built page (`_build/html`, after `make book`);
under the others, from the build set-up's run. A table first, the details after; all of
it also in `_build/cpu-matrix.json`. Exits non-zero if anything differs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from course_ext.components import notebook_forms
from course_ext.config import book_identity
from course_ext.machines import environment, runs_here, setups
from course_ext.notebook_export import Site, export_chapter
from course_ext.toc_check import lessons
from tools.notebook_run import execute, missing_from, page_outputs, printed

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"


def run_one(setup: str, chapter: str) -> dict:
    """Run `chapter` under `setup`: its check reports, what it printed, its first error."""
    identity = book_identity(ROOT)
    site = Site(base_url=identity.base_url, title_of=lambda d: d, docname=f"book/{chapter}")
    path, style = ROOT / "book" / f"{chapter}.md", ROOT / "book/matplotlibrc"
    notebook = export_chapter(path, site, notebook_forms(), style)
    env = environment(setup)
    env["COURSE_CHECKS"] = "audit" if setup == "build" else ""
    with tempfile.TemporaryDirectory() as folder:
        run = execute(notebook, Path(folder), env)
    return {
        "setup": setup,
        "chapter": chapter,
        "seconds": round(run.seconds, 1),
        "error": run.error,
        "checks": run.differences,
        "printed": printed(run.notebook),
    }


def _job(args: tuple[str, str]) -> dict:
    return run_one(*args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", default=",".join(setups()), help="comma-separated names")
    parser.add_argument("--chapters", nargs="*", help="file names in book/ (default: the toc)")
    args = parser.parse_args()
    chapters = args.chapters or [d.removeprefix("book/") for d in lessons(ROOT)]
    chosen = [name for name in args.setups.split(",") if name]
    unknown = set(chosen) - set(setups())
    if unknown:
        parser.error(f"unknown set-up {sorted(unknown)}; known: {', '.join(setups())}")
    skipped = [name for name in chosen if not runs_here(name)]
    names = [name for name in chosen if name not in skipped]
    if "build" not in names:
        names.insert(0, "build")  # the reference of the others
    jobs = [(setup, chapter) for chapter in chapters for setup in names]
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        results = list(pool.map(_job, jobs))
    by = {(r["setup"], r["chapter"]): r for r in results}
    for r in results:
        if r["setup"] != "build":
            reference = by["build", r["chapter"]]["printed"]
        elif (BUILD / "html/book" / f"{r['chapter']}.html").exists():
            reference = page_outputs(BUILD / "html", r["chapter"])
        else:
            reference = []  # no page built yet: nothing to compare with
        r["outputs"] = missing_from(reference, r["printed"])

    width = max(len(c) for c in chapters)
    print(f"{'chapter':{width}}  " + "  ".join(f"{name:>14}" for name in names))
    for chapter in chapters:
        cells = []
        for name in names:
            r = by[name, chapter]
            verdict = f"{len(r['checks'])}c {len(r['outputs'])}o"
            if r["error"]:
                verdict = "error"
            elif not (r["checks"] or r["outputs"]):
                verdict = "same"
            cells.append(f"{verdict:>14}")
        print(f"{chapter:{width}}  " + "  ".join(cells))
    print(
        "same: every check passes and every printed output is the page's; "
        "Nc: N check cells report a difference; No: N outputs differ from the page"
    )
    for name in skipped:
        print(f"set-up {name} skipped: this CPU lacks its instructions")
    bad = [r for r in results if r["error"] or r["checks"] or r["outputs"]]
    for r in bad:
        print(f"\n== {r['chapter']} under {r['setup']}")
        if r["error"]:
            print(f"  raised: {r['error']}")
        for report in r["checks"]:
            print("  check: " + report.replace("\n", "\n    "))
        for output in r["outputs"]:
            print("  the page prints, this run does not: " + output[:300].replace("\n", "\n    "))
    BUILD.mkdir(exist_ok=True)
    (BUILD / "cpu-matrix.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
