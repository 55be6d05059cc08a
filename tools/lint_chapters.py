"""Run ruff on the code cells of MyST chapters (pre-commit hook).

Usage: python -m tools.lint_chapters [--format] book/*.md

jupytext turns each chapter into a percent-format script in memory; ruff reads it
on stdin under the chapter's name, so its messages name the chapter (cell line
numbers count in that script). `--format` also checks that ruff's formatter would
leave the code cells unchanged.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jupytext

from course_ext.chapter_source import read_chapter

RUFF = Path(sys.executable).parent / "ruff"


def main(arguments: list[str]) -> int:
    check_format = "--format" in arguments
    failed = False
    for name in (a for a in arguments if not a.startswith("--")):
        notebook = read_chapter(Path(name))
        notebook.cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
        for cell in notebook.cells:
            cell.metadata = {}  # tags and alt texts are not code
        script = jupytext.writes(notebook, fmt="py:percent")
        stdin_name = str(Path(name).with_suffix(".py"))
        commands = [[str(RUFF), "check", "--quiet", "--stdin-filename", stdin_name, "-"]]
        if check_format:
            commands.append(
                [str(RUFF), "format", "--check", "--quiet", "--stdin-filename", stdin_name, "-"]
            )
        for command in commands:
            result = subprocess.run(command, input=script, text=True, capture_output=True)
            if result.returncode:
                failed = True
                what = "is not ruff-formatted" if "format" in command else "has lint errors"
                print(f"{name}: code {what}\n{result.stdout}{result.stderr}".rstrip())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
