"""A contributor's fork: it deploys itself, a new chapter needs no other edit, and a
second build gives the same pages.

One copy of the repository, with this tree's execution cache and `_config.yml`'s
placeholder repository, is given a chapter by `make new-chapter`; then it is built as
GitHub Actions builds it in a fork that edited nothing (`GITHUB_ACTIONS` and
`GITHUB_REPOSITORY` set, as Actions sets them). On that one build:

- the Colab links, the Pages path, the sitemap, the OpenGraph cards, the notebooks'
  headers and the 404 page name the fork, and none names the upstream or the placeholder;
- the new chapter is a page, and the suite's own tests (which read the lessons and the
  identity from the configuration) take it in and pass on the copy;
- only the new chapter was executed, and every quiz and notebook equals the main tree's
  build: two builds give the same pages. (That a second *execution* prints the same is
  test_notebooks.py's: each exported notebook runs again there, and prints what its page
  shows.)

The three share the build because each needs the same thing, a full build of a copy of the
book, which is the slowest step of the suite.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup, SoupStrainer
from support.build import MAKE_IN_COPY, build_book, copy_repository, run_tests_in
from support.course import IDENTITY, LESSONS

from course_ext.config import PLACEHOLDER, repository_url
from tools import new_chapter

pytestmark = pytest.mark.slow

# Another repository than the one this tree names (which may itself be a fork).
FORK = next(
    url
    for url in [
        "https://github.com/another-org/another-course",
        "https://github.com/org-b/course-b",
    ]
    if url != IDENTITY.repository_url
)
ORG, REPO = FORK.removeprefix("https://github.com/").split("/")
BASE = f"https://{ORG}.github.io/{REPO}/"
# What GitHub Actions sets in a workflow that runs in the fork.
IN_ACTIONS = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": f"{ORG}/{REPO}"}


def test_in_actions_the_placeholder_is_the_repository_the_workflow_runs_in():
    assert repository_url(PLACEHOLDER, IN_ACTIONS) == FORK
    assert repository_url(PLACEHOLDER + "/", IN_ACTIONS) == FORK
    # A repository named in _config.yml wins; outside Actions nothing changes.
    named = "https://github.com/org-c/course-c"
    assert repository_url(named, IN_ACTIONS) == named
    assert repository_url(PLACEHOLDER, {"GITHUB_REPOSITORY": f"{ORG}/{REPO}"}) == PLACEHOLDER
    assert repository_url(PLACEHOLDER, {}) == PLACEHOLDER


@pytest.fixture(scope="session")
def fork(built_once):
    """The copy, its new chapter's title and name, and its build's log (built once)."""
    copy, built = built_once("fork", build_the_fork)
    assert built["returncode"] == 0, built["log"][-3000:]
    return copy, built["title"], built["name"], built["log"]


def build_the_fork(copy) -> dict:
    copy_repository(copy)
    config = copy / "_config.yml"
    text = config.read_text(encoding="utf-8")
    named = re.search(r"^  url: (\S+)$", text, re.M)[1]  # this tree may be an edited fork
    config.write_text(text.replace(named, PLACEHOLDER), encoding="utf-8")
    # A title no chapter has yet (this very test may run in a tree that made "Scaffold 0").
    title = next(
        f"Scaffold {n}" for n in range(100) if not (copy / "book" / f"scaffold_{n}.md").exists()
    )
    made = subprocess.run(
        [*MAKE_IN_COPY, "new-chapter", f"NAME={title}"], cwd=copy, capture_output=True, text=True
    )
    name = new_chapter.slug(title)
    if made.returncode:
        return {"returncode": made.returncode, "log": made.stdout + made.stderr}
    result = build_book(copy, env=IN_ACTIONS)
    log = result.stdout + result.stderr
    return {"returncode": result.returncode, "log": log, "title": title, "name": name}


def test_a_fork_built_in_actions_names_itself_everywhere(fork):
    copy, *_ = fork
    site = copy / "_build" / "html"
    for chapter in LESSONS:
        soup = BeautifulSoup((site / "book" / f"{chapter}.html").read_text("utf-8"), "html.parser")
        button = {a["href"] for a in soup.select(".bd-header-article a[href*='colab.research']")}
        assert button == {
            f"https://colab.research.google.com/github/{ORG}/{REPO}/blob/"
            f"notebooks/book/{chapter}.ipynb"
        }, chapter
        colab = [a["href"] for a in soup.find_all("a", href=True) if "colab.research" in a["href"]]
        assert all(f"/github/{ORG}/{REPO}/blob/notebooks/book/" in h for h in colab), chapter
        assert soup.find("meta", property="og:url")["content"] == f"{BASE}book/{chapter}.html"
        github = [a["href"] for a in soup.find_all("a", href=True) if "github.com/" in a["href"]]
        # The fork's own links follow it; links to other projects (dataflowr's notebooks) stay.
        assert any(f"github.com/{ORG}/{REPO}" in h for h in github), chapter
        assert not any(f"github.com/{IDENTITY.slug}" in h for h in github), chapter
        notebook = (site / "_sources" / "book" / f"{chapter}.ipynb").read_text("utf-8")
        assert f"{BASE}book/{chapter}.html" in notebook and IDENTITY.base_url not in notebook

    locations = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text("utf-8"))
    assert locations and all(loc.startswith(BASE) for loc in locations), locations[:3]
    missing = BeautifulSoup((site / "404.html").read_text("utf-8"), "html.parser")
    assets = [e.get("src") or e.get("href") for e in missing.find_all(["script", "link"])]
    assert any(a and a.startswith(f"/{REPO}/_static/") for a in assets), assets
    for page in [*site.rglob("*.html"), *site.rglob("*.ipynb"), site / "sitemap.xml"]:
        text = page.read_text("utf-8")
        assert IDENTITY.slug not in text, f"{page} names the upstream"
        assert PLACEHOLDER.removeprefix("https://") not in text, f"{page} names the placeholder"


def test_after_make_new_chapter_the_suite_passes_with_no_other_edit(fork):
    """CONTRIBUTING's promise: `make new-chapter`, build, and the tests (which read the
    lessons from _toc.yml and the identity from _config.yml) take the new chapter in and
    pass, on the fork, served under its own Pages path."""
    copy, title, name, _ = fork
    toc = (copy / "_toc.yml").read_text(encoding="utf-8")
    assert toc.rstrip().endswith(f"- file: book/{name}")
    page = copy / "_build" / "html" / "book" / f"{name}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.h1.get_text().startswith(title)
    assert "page.exact(x.grad.item(), 6.0)" not in page.read_text(encoding="utf-8")

    result = run_tests_in(
        copy,
        "tests/test_lessons.py",
        "tests/test_notebooks.py",
        "tests/test_page_numbers.py",
        "tests/test_dependencies.py",
        "tests/test_site.py",
        "tests/test_browser.py::test_every_page_loads_cleanly",
        f"tests/test_quiz_browser.py::test_every_lesson_ends_with_a_quiz_of_four_to_eight_questions[{name}]",
        # The tests of the whole site, and those of the new chapter: the main tree's own run
        # tests the other chapters.
        "-k",
        f"{name} or test_site or every_page_loads_cleanly",
        "-rA",  # a PASSED line for each test
        env=IN_ACTIONS,  # the fork's own CI: its tests read the identity as its build did
    )
    assert result.returncode == 0, result.stdout[-3000:]
    # The new lesson is among those tested: its outputs, its notebook alone (on another
    # machine), its checks of numbers, its quiz.
    for test in [
        f"test_lesson_outputs_hold_its_key_results[{name}]",
        f"test_notebook_runs_top_to_bottom_alone_on_another_machine[{name}]",
        f"test_every_hidden_check_uses_the_helper_loaded_before_it[{name}]",
        f"test_every_lesson_ends_with_a_quiz_of_four_to_eight_questions[{name}]",
    ]:
        assert re.search(rf"^PASSED \S+::{re.escape(test)}$", result.stdout, re.M), test


def quiz_markup(page, leave_out: str) -> list[str]:
    """The quizzes and progress boxes of a page; a progress box without the chapter
    `leave_out` (the fork's new one, which the main tree does not have)."""
    only = SoupStrainer(class_=["agq-quiz", "agq-progress"])  # the rest is not built: faster
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser", parse_only=only)
    for entry in soup.select(f".agq-progress li:has(a[href$='{leave_out}.html'])"):
        entry.decompose()
    return [str(quiz) for quiz in soup.select(".agq-quiz, .agq-progress")]


def test_a_second_build_gives_the_same_quizzes_and_notebooks(fork, site):
    copy, _, name, log = fork
    again = copy / "_build" / "html"
    # The fork's build took the others from the cache it was given: only its new chapter ran.
    chapters = len(list((again / "_sources" / "book").glob("*.ipynb")))
    assert chapters == len(list((site / "_sources" / "book").glob("*.ipynb"))) + 1
    assert re.findall(r"book/(\w+)\.md: Executing notebook", log) == [name], log[-3000:]
    assert log.count("Using cached notebook") == chapters - 1, log[-3000:]

    pages = sorted((site / "book").glob("*.html"))
    # Quizzes are shuffled by a seed from their own text: the same markup, byte for byte.
    for page in pages:
        ours, theirs = quiz_markup(page, name), quiz_markup(again / "book" / page.name, name)
        assert ours == theirs, f"{page.name}: the quiz markup differs between two builds"
    # The notebooks differ only where they name the repository and its site.
    for notebook in sorted((site / "_sources" / "book").glob("*.ipynb")):
        theirs = (again / "_sources" / "book" / notebook.name).read_text(encoding="utf-8")
        upstream = theirs.replace(BASE, IDENTITY.base_url).replace(f"{ORG}/{REPO}", IDENTITY.slug)
        assert notebook.read_text(encoding="utf-8") == upstream, (
            f"exported notebook {notebook.name} differs between two builds"
        )
