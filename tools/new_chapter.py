"""Create a chapter from the template and add it to the table of contents.

Usage: python -m tools.new_chapter "Second-order derivatives"

Writes book/second_order_derivatives.md (front matter, learning goals, a cell with its
hidden check, takeaways, an exercise with a folded solution, a starter quiz) and adds
`- file: book/second_order_derivatives` at the end of the last part of _toc.yml.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "templates" / "chapter.md"


def slug(title: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    if not name:
        raise SystemExit("new_chapter: give the chapter a title with letters or digits")
    return name


def create(title: str, root: Path = ROOT) -> Path:
    name = slug(title)
    path = root / "book" / f"{name}.md"
    if path.exists():
        raise SystemExit(f"new_chapter: {path.relative_to(root)} already exists")
    path.write_text(TEMPLATE.read_text(encoding="utf-8").format(title=title), encoding="utf-8")

    toc = root / "_toc.yml"
    lines = toc.read_text(encoding="utf-8").rstrip("\n").splitlines()
    entries = [i for i, line in enumerate(lines) if re.match(r"^\s*- file:", line)]
    indent = re.match(r"^(\s*)", lines[entries[-1]]).group(1) if entries else "      "
    lines.append(f"{indent}- file: book/{name}")
    toc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit('usage: python -m tools.new_chapter "Chapter title"')
    created = create(sys.argv[1])
    print(f"created {created.relative_to(ROOT)} and added it to _toc.yml")
