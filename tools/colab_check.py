"""Run every exported notebook as a learner's Colab would, one line per notebook.

Usage: python -m tools.colab_check [--notebooks FOLDER] [--site FOLDER] [--record]

Run it with the Python of a virtual environment of Colab's versions (`make colab-check`
makes `.venv-colab` from tools/colab/; the weekly workflow colab.yml installs the same
pins): each notebook then runs top to bottom in a fresh kernel of that Python, in an
empty folder outside the repository, with nothing of the build's environment. A line per
notebook says whether a cell raised, whether each hidden check found the page's numbers
("✓"), and, with --site, how many of the page's printed outputs differ (other versions
may print other digits or words; that is reported, not a failure). The details follow.

Exits non-zero if a cell raised or a check did not match. With --record, a run with
neither writes tools/colab/tested.txt, which the landing page quotes.
It imports only nbclient and nbformat (and BeautifulSoup with --site): Colab has them.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from tools.notebook_run import execute, missing_from, page_outputs, printed

ROOT = Path(__file__).resolve().parent.parent
TESTED = ROOT / "tools" / "colab" / "tested.txt"
COLAB_PINS = ROOT / "tools" / "colab" / "constraints.txt"
RECORDED = ("torch", "numpy", "jax")  # the versions tested.txt names


def not_colabs(pins: Path = COLAB_PINS) -> list[str]:
    """The recorded packages whose installed version is not Colab's pin ("torch 2.13.0 here,
    2.11.0 on Colab"): tested.txt must only ever name a run under Colab's versions."""
    pinned = dict(
        line.strip().split("==", 1)
        for line in pins.read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    )
    here = {name: version(name).split("+")[0] for name in RECORDED}
    return [
        f"{name} {here[name]} here, {pinned.get(name)} on Colab"
        for name in RECORDED
        if here[name] != pinned.get(name)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "_build/html/_sources/book")
    parser.add_argument("--site", type=Path, help="a built site, to compare outputs with")
    parser.add_argument("--record", action="store_true", help="write tools/colab/tested.txt")
    args = parser.parse_args()
    import nbformat

    if args.record and (other := not_colabs()):
        sys.exit(
            f"--record needs Colab's versions ({'; '.join(other)}): run it with the Python "
            "of .venv-colab (`make colab-check` does)"
        )
    paths = sorted(args.notebooks.glob("*.ipynb"))
    if not paths:
        sys.exit(f"no notebooks in {args.notebooks}: run `make book` first")
    env = {key: value for key, value in os.environ.items() if key != "COURSE_CHECKS"}
    # ipykernel 6.17 (Colab's) on Python 3.13 warns at each start that its debugger sees
    # frozen modules: noise between the lines of this report.
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    versions = ", ".join(f"{name} {version(name)}" for name in ("torch", "numpy", "jax"))
    print(f"Python {sys.version.split()[0]}, {versions}")
    failed, details = 0, []
    for path in paths:
        with tempfile.TemporaryDirectory() as folder:
            run = execute(nbformat.read(path, as_version=4), Path(folder), env)
        good = len(run.checks) - len(run.differences)
        mark = "✗" if run.error or run.differences else "✓"
        line = f"{mark} {path.stem:22} {run.seconds:5.1f} s"
        line += f"  check cells: {good} of {len(run.checks)} find the page's numbers"
        if args.site:
            differ = missing_from(page_outputs(args.site, path.stem), printed(run.notebook))
            line += f"  outputs: {len(differ) or 'none'} differ from the page"
            details += [f"{path.stem}: the page prints, this run does not: {o}" for o in differ]
        if run.error:
            line += f"  raised in {run.error}"
        print(line, flush=True)
        failed += bool(run.error or run.differences)
        details += [f"{path.stem}: {report}" for report in run.differences]
    for detail in details:
        print("\n" + detail)
    print(f"\n{len(paths) - failed} of {len(paths)} notebooks ran with no error and no check off")
    if args.record and not failed:
        TESTED.write_text(
            f"{datetime.date.today().isoformat()}: {len(paths)} notebooks ran top to bottom "
            f"on Python {sys.version.split()[0]}, {versions}; every check found the page's "
            "numbers\n",
            encoding="utf-8",
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
