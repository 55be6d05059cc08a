"""Lint the code cells of MyST chapters (pre-commit hook; tests/test_lessons.py too).

Usage: python -m tools.lint_chapters [--format] book/*.md

jupytext turns each chapter into a percent-format script in memory; ruff reads it
on stdin under the chapter's name, so its messages name the chapter (cell line
numbers count in that script). `--format` also checks that ruff's formatter would
leave the code cells unchanged.

Then the code a learner reads (every cell the page shows, folded or not; not the hidden
checks, nor a file a cell loads) must read slowly, on a phone too: lines of at most
READABLE_WIDTH characters, no lambda bound to a name, no walrus operator, no `noqa` that
silences a linter for brevity. `unreadable(path)` says where, with the chapter's line.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import jupytext
import yaml

from course_ext.chapter_source import read_chapter
from course_ext.myst_blocks import Block, blocks

RUFF = Path(sys.executable).parent / "ruff"
READABLE_WIDTH = 80  # characters; a phone shows about 40 of them, a laptop about 95


def shown_cells(text: str):
    """(line of its first line of code, its code) of each code cell the page shows."""
    for block in blocks(text):
        if not isinstance(block, Block) or block.name != "code-cell" or "load" in block.options:
            continue
        body, start, tags = block.body, block.body_line, block.options.get("tags", "")
        if body and body[0].strip() == "---":  # options as YAML: tags may be there
            end = body.index("---", 1) if "---" in body[1:] else 0
            tags += str((yaml.safe_load("\n".join(body[1:end])) or {}).get("tags", ""))
            body, start = body[end + 1 :], start + end + 1
        if "remove-cell" not in tags:
            yield start, "\n".join(body)


def unreadable(path: Path) -> list[str]:
    """Where the code a learner reads in a chapter breaks the rules above."""
    problems = []
    for start, code in shown_cells(path.read_text(encoding="utf-8")):
        for number, line in enumerate(code.splitlines()):
            where = f"{path}:{start + number}"
            if len(line) > READABLE_WIDTH:
                problems.append(f"{where}: {len(line)} characters (at most {READABLE_WIDTH})")
            if "noqa" in line:
                problems.append(f"{where}: `noqa`: write the code so that it needs none")
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue  # IPython syntax (%pip): ruff and the build report real errors
        for node in ast.walk(tree):
            where = f"{path}:{start + getattr(node, 'lineno', 1) - 1}"
            if isinstance(node, ast.NamedExpr):
                problems.append(f"{where}: a walrus `:=`: give the value its own line")
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
                problems.append(f"{where}: a lambda bound to a name: write a `def`")
    return problems


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
        problems = unreadable(Path(name))
        if problems:
            failed = True
            print(f"{name}: code a learner reads is hard to read", *problems, sep="\n  ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
