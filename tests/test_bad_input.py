"""Malformed chapters: each case either builds correctly or stops with `file:line: what is
wrong`, never with an exception a hook did not mean to raise. (Jupyter Book's command line
then prints its own traceback under the message; that part is not ours to change.)

Each malformed case is a small chapter (its code prints one line, so the kernel is the only
cost), built with the course's extensions, as `make book` builds (--keep-going, every error
listed). The cases are built in two books, by when they stop a build: before any chapter
is read (the source checks) or as their chapter is read. Every error of a book is listed,
so one cannot hide another: each test looks for its own chapter's file, line and message.
The valid cases are chapters of one book, built once.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.build import build_book, small_book

pytestmark = pytest.mark.slow

FRONT = (
    "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
    "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n"
)
LESSON = FRONT + "# A lesson\n\nSome text.\n\n```{code-cell} ipython3\nprint('ran')\n```\n"


def build(book: Path) -> tuple[int, str]:
    result = build_book(book, timeout=300)
    return result.returncode, result.stdout + result.stderr


# name: (chapters, the pattern the error must match)
STOPS = {
    "bytes that are not UTF-8": (
        {"bad.md": LESSON.encode("utf-8").replace(b"Some text", b"Some \xff\xfe text")},
        r"book/bad\.md:13: not UTF-8 \(byte 0xff\): save it as UTF-8",
    ),
    "an empty chapter": ({"empty.md": ""}, r"book/empty\.md:1: the chapter is empty"),
    "front matter that is a list": (
        {"listed.md": "---\n- a\n- b\n---\n# Listed\n\nText.\n"},
        r"book/listed\.md:1: WARNING: YAML is not a dict",  # myst-parser's own check
    ),
    "a kernelspec that is a string": (
        {
            "kernel.md": LESSON.replace(
                "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n",
                "kernelspec: python3\n",
            )
        },
        r"book/kernel\.md:6: kernelspec must be a mapping",
    ),
    "a quiz that is a mapping, not a list": (
        {"quiz.md": LESSON + "\n```{quiz}\nprompt: What?\n```\n"},
        r"book/quiz\.md:\d+: ERROR: malformed quiz",
    ),
    "a name with a space": (
        {"my lesson.md": LESSON},
        r"book/my lesson\.md: a file name with a space: rename it \(book/my_lesson\.md\)",
    ),
    "a video whose chapters are not a list": (
        {"video.md": LESSON + "\n```{video} Z6H3zakmn6E\n:title: A talk\nchapters: 3\n```\n"},
        r"book/video\.md:\d+: ERROR: video:",
    ),
}
BUILDS = {
    "a very long output": {"long.md": LESSON.replace("print('ran')", "print('x\\n' * 200_000)")},
    "a name in unicode": {"rückwärts.md": LESSON},
    "a chapter in a sub-folder": {
        "part/deep.md": LESSON + "\nSee {doc}`../index` and ![logo](../_static/logo.svg).\n"
    },
}


# The cases the source checks stop before anything reads a chapter (toc_check.py lists them
# all in the one error that stops the build); the others stop when Sphinx reads their
# chapter, which the source checks would prevent, each with a WARNING or ERROR of its own
# (the build's -W makes a warning stop it), which its pattern asks for: a case that only
# printed its message, in a book that other cases stop, would not pass.
BEFORE_READING = [
    "bytes that are not UTF-8",
    "an empty chapter",
    "a kernelspec that is a string",
    "a name with a space",
]


@pytest.mark.parametrize("case", STOPS)
def test_a_malformed_chapter_stops_the_build_naming_file_and_line(built_once, case):
    early = case in BEFORE_READING
    group = [name for name in STOPS if (name in BEFORE_READING) == early]

    def make(folder: Path) -> dict:
        files = {name: text for other in group for name, text in STOPS[other][0].items()}
        code, log = build(small_book(folder, [], with_cache=False, files=files))
        return {"code": code, "log": log}

    _, built = built_once("malformed-" + ("early" if early else "read"), make)
    assert built["code"] != 0, "the build went through"
    assert re.search(STOPS[case][1], built["log"]), built["log"][-3000:]
    # Sphinx's words for an exception a hook did not mean to raise (a KeyError, say).
    assert "threw an exception" not in built["log"], built["log"][-3000:]


@pytest.fixture(scope="session")
def unusual_book(built_once) -> Path:
    """One book of all the valid but unusual chapters: each must build, so one build can
    show it for all of them (and costs a third of three)."""

    def make(folder: Path) -> dict:
        chapters = {name: text for case in BUILDS.values() for name, text in case.items()}
        code, log = build(small_book(folder, [], with_cache=False, files=chapters))
        return {"code": code, "log": log}

    book, built = built_once("unusual_book", make)
    assert built["code"] == 0, built["log"][-3000:]
    return book


@pytest.mark.parametrize("chapters", BUILDS.values(), ids=list(BUILDS))
def test_an_unusual_but_valid_chapter_builds_with_its_notebook(unusual_book, chapters):
    site = unusual_book / "_build" / "html"
    for name in chapters:
        stem = name.removesuffix(".md")
        page = site / "book" / f"{stem}.html"
        assert page.is_file(), f"no page for {name}"
        assert (site / "_sources" / "book" / f"{stem}.ipynb").is_file(), f"no notebook for {name}"
        colab = re.findall(r'href="(https://colab\.research\.google\.com[^"]+)"', page.read_text())
        assert colab and all(" " not in link for link in colab), colab
