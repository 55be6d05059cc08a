"""Unit tests of the course's Sphinx extensions (no build needed)."""

from __future__ import annotations

import pytest
from sphinx.errors import ConfigError

from course_ext.site import pages_url
from course_ext.toc_check import check_toc


@pytest.mark.parametrize(
    ("repository", "expected"),
    [
        (
            "https://github.com/your-org/autograd-course",
            "https://your-org.github.io/autograd-course/",
        ),
        ("https://github.com/Org/Repo/", "https://org.github.io/Repo/"),
        ("https://github.com/someone/someone.github.io", "https://someone.github.io/"),
    ],
)
def test_pages_url_is_derived_from_the_repository(repository, expected):
    assert pages_url(repository) == expected


@pytest.mark.parametrize("bad", ["https://gitlab.com/a/b", "https://github.com/only-org", ""])
def test_pages_url_rejects_what_is_not_a_github_repository(bad):
    with pytest.raises(ConfigError, match="repository.url"):
        pages_url(bad)


def make_book(tmp_path, toc: str, chapters: list[str]):
    (tmp_path / "_toc.yml").write_text(toc, encoding="utf-8")
    for name in chapters:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# A chapter\n", encoding="utf-8")
    return tmp_path


TOC = """format: jb-book
root: book/intro
parts:
  - caption: Lessons
    chapters:
      - file: book/one
      - file: book/two.md
"""


def test_a_matching_toc_passes(tmp_path):
    book = make_book(tmp_path, TOC, ["book/intro.md", "book/one.md", "book/two.md"])
    assert check_toc(book, "_toc.yml", "book") == []


def test_included_snippets_and_static_files_are_not_chapters(tmp_path):
    book = make_book(
        tmp_path,
        TOC,
        ["book/intro.md", "book/one.md", "book/two.md", "book/_snippet.md", "book/_static/x.md"],
    )
    assert check_toc(book, "_toc.yml", "book") == []


def test_an_unlisted_chapter_is_named(tmp_path):
    book = make_book(
        tmp_path, TOC, ["book/intro.md", "book/one.md", "book/two.md", "book/three.md"]
    )
    [problem] = check_toc(book, "_toc.yml", "book")
    assert problem.startswith("book/three.md: chapter is not in _toc.yml")


def test_an_entry_without_a_file_is_named_with_its_line(tmp_path):
    book = make_book(tmp_path, TOC, ["book/intro.md", "book/one.md"])
    [problem] = check_toc(book, "_toc.yml", "book")
    assert problem.startswith("_toc.yml:7: entry 'book/two.md' has no file")


def test_stream_chunks_merge_the_same_however_the_kernel_split_them():
    from nbformat.v4 import new_output

    from course_ext.stock_fixes import exact_coalesce_streams

    def stdout(*chunks):
        return [new_output("stream", name="stdout", text=c) for c in chunks]

    one = exact_coalesce_streams(stdout("a = 1\nb = 2\n"))
    two = exact_coalesce_streams(stdout("a = 1", "\nb = 2\n"))
    three = exact_coalesce_streams(stdout("a = 1\n", "b = 2\n"))
    assert one == two == three
    assert [o["text"] for o in one] == ["a = 1\nb = 2\n"]
