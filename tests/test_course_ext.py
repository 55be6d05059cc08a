"""Unit tests of the course's Sphinx extensions (no build needed)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ConfigError
from support.build import SMALL_PROJECT_CONF, build_small_project
from support.course import ROOT

from course_ext.config import pages_url
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


CANARY_CONF = """
extensions = ["myst_nb", "course_ext"]
nb_execution_mode = "off"
nb_merge_streams = True
html_theme = "basic"
exclude_patterns = ["_build"]
"""


def test_canary_the_myst_nb_stream_patch_still_applies(tmp_path):
    """stock_fixes replaces a function myst-nb looks up at render time (checked against
    the version in MYST_NB_CHECKED): a real render of chunks split by the kernel must join
    them exactly. If myst-nb stops calling it, this fails before two builds can differ."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from course_ext.stock_fixes import MYST_NB_CHECKED

    chunks = ["a = 1", "\nb = 2\n"]
    cell = new_code_cell("print('a = 1'); print('b = 2')")
    cell.outputs = [new_output("stream", name="stdout", text=chunk) for chunk in chunks]
    notebook = new_notebook(
        cells=[cell],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.write(notebook, tmp_path / "index.ipynb")
    result = build_small_project(tmp_path, conf=CANARY_CONF)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "_build" / "index.html").read_text(encoding="utf-8")
    [output] = BeautifulSoup(html, "html.parser").select(".cell_output pre")
    assert output.get_text() == "a = 1\nb = 2\n", (
        f"myst-nb no longer renders streams through the patched coalesce_streams "
        f"(checked against myst-nb {MYST_NB_CHECKED}): see course_ext/stock_fixes.py"
    )


@pytest.mark.parametrize(
    ("versions", "named"),
    [
        ({"jupyter-book": "2.0.1", "sphinx": "8.2.3"}, "jupyter-book 2.0.1, sphinx 8.2.3"),
        ({"jupyter-book": None, "sphinx": "7.4.7"}, "jupyter-book is not installed"),
    ],
)
def test_a_stack_the_extensions_were_not_written_for_stops_at_once(versions, named):
    from sphinx.errors import ExtensionError

    from course_ext import check_stack

    check_stack({"jupyter-book": "1.0.4.post1", "sphinx": "7.4.7"})  # what is pinned: fine
    with pytest.raises(ExtensionError, match=f"needs jupyter-book 1.x, sphinx 7.x; found {named}"):
        check_stack(versions)


def test_canary_opengraph_loads_without_matplotlib_and_still_writes_its_tags(tmp_path):
    """stock_fixes loads sphinxext-opengraph with its social-card module unavailable
    (checked against OPENGRAPH_CHECKED), so that no build imports matplotlib for cards it
    does not draw. If the extension imports matplotlib some other way, or stops writing
    its tags on that path, this fails."""
    from course_ext.stock_fixes import OPENGRAPH_CHECKED

    page = "# A page\n\nWords that describe the page.\n"
    conf = SMALL_PROJECT_CONF + 'ogp_site_url = "https://example.org/course/"\n'
    (tmp_path / "conf.py").write_text(conf, encoding="utf-8")
    (tmp_path / "index.md").write_text(page, encoding="utf-8")
    out = tmp_path / "_build"
    script = (
        "import sys\nfrom sphinx.cmd.build import build_main\n"
        f"code = build_main(['-W', '-q', '-b', 'html', {str(tmp_path)!r}, {str(out)!r}])\n"
        "print('matplotlib imported:', 'matplotlib' in sys.modules, 'exit code:', code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    checked = f"the patch was checked against sphinxext-opengraph {OPENGRAPH_CHECKED}"
    assert "matplotlib imported: False exit code: 0" in result.stdout, (
        f"{checked}\n{result.stdout}{result.stderr}"
    )
    assert "matplotlib is not installed" not in result.stdout
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    tags = {m["property"]: m["content"] for m in soup.select("meta[property^='og:']")}
    assert tags["og:url"] == "https://example.org/course/index.html", tags
    assert tags["og:description"] == "Words that describe the page.", tags
