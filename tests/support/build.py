"""Copies and builds for the tests that build: a copy of the book or of the whole
repository, a book of a few chapters, a one-page Sphinx project with the course's
extensions, and a build shared by all the tests that ask for it (`built_once`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from support.course import ROOT

BOOK_FILES = ["_config.yml", "_toc.yml", "book", "course_ext"]
# What else a copy needs to run the README's commands and the test suite on itself.
REPOSITORY_FILES = [
    *BOOK_FILES,
    "tests",
    "tools",
    ".github",
    ".ci",
    "Makefile",
    "pyproject.toml",
    "requirements.txt",
    "requirements-dev.txt",
    "constraints.txt",
    "README.md",
    "CONTRIBUTING.md",
    "package.json",
    "package-lock.json",
    "tsconfig.json",  # and the hooks, for test_scripts_typecheck.py
    ".pre-commit-config.yaml",
]


def copy_book(destination: Path, with_cache: bool = True, files=BOOK_FILES) -> Path:
    """Copy the sources of the book (and its execution cache) to build a variant of it."""
    for name in files:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, destination / name)
    if (ROOT / "node_modules").exists():  # katex, which the build typesets the math with
        (destination / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    cache = ROOT / "_build" / ".jupyter_cache"
    if with_cache and cache.is_dir():
        shutil.copytree(cache, destination / "_build" / ".jupyter_cache")
    return destination


def small_book(
    destination: Path,
    chapters: list[str],
    with_cache: bool = True,
    files: dict[str, str | bytes] | None = None,
) -> Path:
    """A copy of the book with only `chapters` (by name) and, for each lesson they link to
    with {doc}, a stand-in page without code: a few seconds to build instead of the whole
    book, for the tests that need one chapter's build and log. `files` adds chapters of the
    test's own (path under book/ -> content), listed after them."""
    book = copy_book(destination, with_cache=with_cache)
    for chapter in (book / "book").glob("*.md"):
        if chapter.stem not in chapters:
            chapter.unlink()
    linked = set()
    for name in chapters:
        text = (book / "book" / f"{name}.md").read_text(encoding="utf-8")
        linked |= set(re.findall(r"\{doc\}`(?:[^`<]*<)?([\w/]+)>?`", text))
    stand_ins = sorted(linked - set(chapters))
    for name in stand_ins:
        (book / "book" / f"{name}.md").write_text(f"# {name}\n\nA stand-in.\n")
    own = []
    for name, content in (files or {}).items():
        path = book / "book" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        own.append(name.removesuffix(".md"))
    (book / "book" / "index.md").write_text("# A small book\n\nFor the tests.\n")
    entries = "".join(f"  - file: book/{name}\n" for name in [*chapters, *stand_ins, *own])
    (book / "_toc.yml").write_text(f"format: jb-book\nroot: book/index\nchapters:\n{entries}")
    return book


def copy_repository(destination: Path, with_cache: bool = True) -> Path:
    """A copy that can run `make` and pytest on itself, sharing this tree's venv and npm
    packages (installed already), with the execution cache (so only what changed runs)
    unless `with_cache` is false."""
    copy_book(destination, with_cache=with_cache, files=REPOSITORY_FILES)
    if (ROOT / ".venv").exists():  # node_modules is shared by copy_book
        (destination / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return destination


def run_tests_in(
    copy: Path, *arguments: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run this suite's tests on a copy of the repository, against the copy's own build
    (with `env` added to the environment)."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *arguments]
    return subprocess.run(
        command, cwd=copy, capture_output=True, text=True, check=False, env=os.environ | (env or {})
    )


# Make targets run in a copy without reinstalling: its venv and npm packages are this
# tree's, already set up.
MAKE_IN_COPY = [
    "make",
    "--no-print-directory",
    *("-o", ".venv/.book-deps", "-o", ".venv/.dev-deps", "-o", "node_modules/.installed"),
]


SMALL_PROJECT_CONF = """
extensions = ["myst_parser", "course_ext"]
myst_enable_extensions = ["dollarmath"]
html_theme = "basic"
exclude_patterns = ["_build"]
"""


def build_small_project(
    path: Path,
    page: str | None = None,
    builder: str = "html",
    conf: str = SMALL_PROJECT_CONF,
    keep_going: bool = False,
) -> subprocess.CompletedProcess:
    """Build a one-page Sphinx project with the course's extensions (warnings are errors):
    `page` as its index.md, or the files already in `path`. Output in `path/_build`."""
    (path / "conf.py").write_text(conf, encoding="utf-8")
    if page is not None:
        (path / "index.md").write_text(page, encoding="utf-8")
    command = [sys.executable, "-m", "sphinx", "-W", "-q", "-b", builder, path, path / "_build"]
    command += ["--keep-going"] if keep_going else []
    # From the repository root, where `course_ext` is importable (python -m adds the cwd).
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def build_pages(path: Path, pages: list[str], conf: str = SMALL_PROJECT_CONF) -> dict:
    """Build a small project of `pages` (`case0.md`, `case1.md`, ...), with every error
    listed (--keep-going, as `make book` builds), and return its exit code and log: one
    build for all the cases of a parametrized test (a directive's bad inputs, each test
    looking for its own page's file and line; or its snapshots, each reading its own
    `_build/caseN.html`), instead of a build per case."""
    for number, page in enumerate(pages):
        (path / f"case{number}.md").write_text(page, encoding="utf-8")
    names = "".join(f"case{number}\n" for number in range(len(pages)))
    index = f"# Cases\n\n```{{toctree}}\n:hidden:\n{names}```\n"
    result = build_small_project(path, index, conf=conf, keep_going=True)
    return {"returncode": result.returncode, "stderr": result.stderr}


def build_book(
    path: Path, timeout: int = 900, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Build a book the way `make book` does (with `env` added to the environment) and
    return the finished process."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    return subprocess.run(
        [str(jupyter_book), "build", str(path), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=path,
        env=os.environ | (env or {}),
    )


@pytest.fixture(scope="session")
def built_once(tmp_path_factory, worker_id):
    """`folder, record = built_once(name, make)`: `make(folder)`, which returns a record
    (anything JSON can hold), run once per test run for all the tests that ask for `name`.

    Under xdist the first worker to ask makes it and the others wait for it
    (pytest-xdist's documented pattern, with a file lock). The `xdist_group` mark would be
    simpler but groups nothing on pytest 9.2 (pytest-xdist issue 1386)."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent

    def _built(name: str, make) -> tuple[Path, dict]:
        folder, record = shared / name, shared / f"{name}.json"
        with FileLock(shared / f"{name}.lock"):
            if not record.exists():
                shutil.rmtree(folder, ignore_errors=True)  # left half-made by a worker that died
                folder.mkdir()
                record.write_text(json.dumps(make(folder)), encoding="utf-8")
        return folder, json.loads(record.read_text(encoding="utf-8"))

    return _built
