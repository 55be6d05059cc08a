"""`make book` needs only requirements.txt: everything the build imports is listed there.

The build imports course_ext/ (Sphinx loads it) and every chapter's code (executed).
`make test` installs requirements-dev.txt on top, so a package missing from
requirements.txt would still be importable here: this test reads the imports instead, and
.ci/run proves the same by running `make book` in a fresh venv before `make test`.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions

import pytest
from support.course import LESSONS, ROOT

from course_ext.chapter_source import read_chapter

OURS = {"course_ext", "__future__"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def book_requirements() -> set[str]:
    names = set()
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(canonical(re.split(r"[=<>!~\[; ]", line, maxsplit=1)[0]))
    return names


def top_level_imports(code: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules - OURS - set(sys.stdlib_module_names)


def chapter_code(name: str) -> str:
    notebook = read_chapter(ROOT / "book" / f"{name}.md")
    cells = [c.source for c in notebook.cells if c.cell_type == "code"]
    # IPython magics (%config, %pip) and shell escapes are not Python.
    return "\n".join(re.sub(r"^\s*[%!].*$", "", cell, flags=re.M) for cell in cells)


def missing_from_requirements(modules: set[str]) -> list[str]:
    listed, owners = book_requirements(), packages_distributions()
    missing = []
    for module in sorted(modules):
        distributions = {canonical(d) for d in owners.get(module, [])}
        if not distributions & listed:
            missing.append(f"{module} (from {', '.join(sorted(distributions)) or 'nowhere'})")
    return missing


def test_course_ext_imports_only_book_requirements():
    modules = set()
    for path in sorted((ROOT / "course_ext").rglob("*.py")):
        modules |= top_level_imports(path.read_text(encoding="utf-8"))
    assert {"sphinx", "docutils", "yaml"} <= modules, "the import scan found nothing"
    missing = missing_from_requirements(modules)
    assert not missing, f"course_ext imports packages requirements.txt does not list: {missing}"


@pytest.mark.parametrize("chapter", LESSONS)
def test_chapter_imports_only_book_requirements(chapter):
    missing = missing_from_requirements(top_level_imports(chapter_code(chapter)))
    assert not missing, f"book/{chapter}.md imports what requirements.txt lacks: {missing}"


def test_the_scan_sees_a_missing_requirement():
    """The check itself: a package installed only for the tests is reported."""
    assert missing_from_requirements({"pytest", "bs4"}) == [
        "bs4 (from beautifulsoup4)",
        "pytest (from pytest)",
    ]


def test_the_build_installs_its_npm_packages_from_the_lockfile():
    """course_ext runs the npm package katex: `make book` installs it with `npm ci`, at the
    version package.json pins and package-lock.json fixes."""
    import json
    import subprocess

    wanted = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    assert "katex" in wanted
    for name, version in wanted.items():
        assert lock[f"node_modules/{name}"]["version"] == version, name
    # -B: as on a fresh machine, where nothing is installed yet; -n: only print the commands.
    steps = subprocess.run(
        ["make", "-n", "-B", "book"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "npm ci" in steps and steps.index("npm ci") < steps.index("jupyter-book build")
