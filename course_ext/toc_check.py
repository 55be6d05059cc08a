"""Stop the build when `_toc.yml` and the chapters in `book/` disagree, or a chapter's
file cannot be read as one.

With `only_build_toc_files: true`, Sphinx silently skips a chapter missing from
the table of contents, and a toc entry without a file only yields a warning
located in the parent page. Both are contributor mistakes, so both become errors
that name the file (and the `_toc.yml` line). So do, before anything reads the chapters,
the files that would otherwise stop a later step with no file named: bytes that are not
UTF-8 (the parallel execution), an empty chapter (the theme), a `kernelspec` that is not a
mapping (nbformat), and a name with a space (which no `_toc.yml` entry can name).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

CHAPTER_SUFFIXES = (".md", ".ipynb")


def toc_entries(toc_path: Path) -> dict[str, int]:
    """Map each `file:`/`root:` entry of the toc to its line number."""
    entries = {}
    pattern = re.compile(r"^\s*(?:-\s*)?(?:file|root)\s*:\s*['\"]?([^'\"#\s]+)")
    for number, line in enumerate(toc_path.read_text(encoding="utf-8").splitlines(), 1):
        match = pattern.match(line)
        if match:
            entries[match.group(1)] = number
    return entries


def lessons(root: Path, toc_name: str = "_toc.yml") -> list[str]:
    """The executable chapters (a `kernelspec` in their front matter), in toc order.

    The one list of lessons: the tests and the benchmark read it, so a chapter added to
    `_toc.yml` (by `make new-chapter`, say) is tested with no other edit.
    """
    found = []
    for entry in toc_entries(root / toc_name):
        stem = entry.rsplit(".", 1)[0] if entry.endswith(CHAPTER_SUFFIXES) else entry
        path = root / f"{stem}.md"
        if path.is_file() and "\nkernelspec:" in front_matter(path):
            found.append(stem)
    return found


def front_matter(path: Path) -> str:
    """The YAML block between the `---` lines at the top of a markdown file ('' if none)."""
    return front_matter_of(path.read_text(encoding="utf-8"))


def front_matter_of(text: str) -> str:
    if not text.startswith("---\n"):
        return ""
    end = text.find("\n---", 4)
    return "\n" + text[4:end] if end > 0 else ""


def chapter_files(srcdir: Path, book_dir: str) -> list[tuple[str, str]]:
    """(docname, suffix) of the chapters: markdown/notebooks in book/, skipping _static and
    _partials."""
    found = []
    for path in sorted((srcdir / book_dir).rglob("*")):
        relative = path.relative_to(srcdir)
        if path.suffix not in CHAPTER_SUFFIXES or any(
            p.startswith(("_", ".")) for p in relative.parts
        ):
            continue
        found.append((relative.with_suffix("").as_posix(), path.suffix))
    return found


def chapter_problems(srcdir: Path, docname: str, suffix: str) -> list[str]:
    """What makes this chapter's file unreadable as a chapter ([] if nothing)."""
    name = f"{docname}{suffix}"
    if re.search(r"\s", docname):
        fixed = re.sub(r"\s+", "_", docname)
        return [
            f"{name}: a file name with a space: rename it ({fixed}{suffix}); page URLs "
            "and Colab links need names without spaces"
        ]
    data = (srcdir / name).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return [f"{name}:{line}: not UTF-8 (byte 0x{data[error.start]:02x}): save it as UTF-8"]
    if suffix != ".md":
        return []
    if not text.strip():
        return [f"{name}:1: the chapter is empty: give it a `# Title` and some text"]
    head = front_matter_of(text)
    if head:
        try:
            meta = yaml.safe_load(head)
        except yaml.YAMLError:
            return []  # myst-parser reports malformed front matter with its line
        kernelspec = meta.get("kernelspec") if isinstance(meta, dict) else None
        if kernelspec is not None and not isinstance(kernelspec, dict):
            line = 1 + text[: text.index("kernelspec:")].count("\n")
            return [
                f"{name}:{line}: kernelspec must be a mapping (display_name, language, "
                "name), as in the other chapters"
            ]
    return []


def check_toc(srcdir: Path, toc_name: str, book_dir: str) -> list[str]:
    toc_path = srcdir / toc_name
    if toc_path.is_relative_to(srcdir):  # Jupyter Book passes an absolute path
        toc_name = toc_path.relative_to(srcdir).as_posix()
    entries = toc_entries(toc_path)
    problems = []
    for entry, line in entries.items():
        stem = entry.rsplit(".", 1)[0] if entry.endswith(CHAPTER_SUFFIXES) else entry
        if not any((srcdir / f"{stem}{suffix}").is_file() for suffix in CHAPTER_SUFFIXES):
            problems.append(
                f"{toc_name}:{line}: entry {entry!r} has no file "
                f"(expected {stem}.md): fix the path or remove the entry"
            )
    listed = {e.rsplit(".", 1)[0] if e.endswith(CHAPTER_SUFFIXES) else e for e in entries}
    for docname, suffix in chapter_files(srcdir, book_dir):
        unreadable = chapter_problems(srcdir, docname, suffix)
        problems += unreadable
        if docname not in listed and not unreadable:
            problems.append(
                f"{docname}.md: chapter is not in {toc_name}: add `- file: {docname}` "
                f"to a part (or rename it to start with `_` if it is only included)"
            )
    return problems


def _check(app: Sphinx, config: Config) -> None:
    if "external_toc_path" not in config:  # a single-page build (`jb build book/x.md`) has no toc
        return
    problems = check_toc(Path(app.srcdir), config.external_toc_path, config.course_book_dir)
    if problems:
        raise ConfigError("table of contents and chapters disagree:\n  " + "\n  ".join(problems))


def setup_toc_check(app: Sphinx) -> None:
    app.connect("config-inited", _check, priority=600)
