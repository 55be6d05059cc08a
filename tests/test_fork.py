"""A fork changes one line, `repository.url` in `_config.yml`, and everything follows.

On a copy pointed at another organisation and repository: the Colab links, the Pages path
the site is served under, the sitemap, the OpenGraph cards and the 404 page all name the
fork, and the suite's own tests (which read the identity from the configuration) pass.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from conftest import IDENTITY, LESSONS, build_book, copy_repository, run_tests_in

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


def test_a_fork_that_changes_the_repository_url_stays_green(tmp_path):
    copy = copy_repository(tmp_path)
    config = copy / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert IDENTITY.repository_url in text
    config.write_text(text.replace(IDENTITY.repository_url, FORK), encoding="utf-8")

    result = build_book(copy)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    site = copy / "_build" / "html"
    org, repo = FORK.removeprefix("https://github.com/").split("/")
    base = f"https://{org}.github.io/{repo}/"

    for chapter in LESSONS:
        soup = BeautifulSoup((site / "book" / f"{chapter}.html").read_text("utf-8"), "html.parser")
        button = {a["href"] for a in soup.select(".bd-header-article a[href*='colab.research']")}
        assert button == {
            f"https://colab.research.google.com/github/{org}/{repo}/blob/"
            f"notebooks/book/{chapter}.ipynb"
        }, chapter
        colab = [a["href"] for a in soup.find_all("a", href=True) if "colab.research" in a["href"]]
        assert all(f"/github/{org}/{repo}/blob/notebooks/book/" in h for h in colab), chapter
        assert soup.find("meta", property="og:url")["content"] == f"{base}book/{chapter}.html"
        github = [a["href"] for a in soup.find_all("a", href=True) if "github.com/" in a["href"]]
        # The fork's own links follow it; links to other projects (dataflowr's notebooks) stay.
        assert any(f"github.com/{org}/{repo}" in h for h in github), chapter
        assert not any(f"github.com/{IDENTITY.slug}" in h for h in github), chapter
        notebook = (site / "_sources" / "book" / f"{chapter}.ipynb").read_text("utf-8")
        assert f"{base}book/{chapter}.html" in notebook and IDENTITY.base_url not in notebook

    locations = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text("utf-8"))
    assert locations and all(loc.startswith(base) for loc in locations), locations[:3]
    missing = BeautifulSoup((site / "404.html").read_text("utf-8"), "html.parser")
    assets = [e.get("src") or e.get("href") for e in missing.find_all(["script", "link"])]
    assert any(a and a.startswith(f"/{repo}/_static/") for a in assets), assets
    for page in site.rglob("*.html"):
        assert IDENTITY.slug not in page.read_text("utf-8"), f"{page} names the upstream"

    # The suite reads the same identity: served under /<repo>/, every page loads.
    result = run_tests_in(
        copy,
        "tests/test_notebooks.py",
        "tests/test_site.py",
        "tests/test_lessons.py",
        "tests/test_browser.py::test_every_page_loads_cleanly",
        "-k",
        "not runs_top_to_bottom",  # the notebooks are what the main tree runs already
    )
    assert result.returncode == 0, result.stdout[-3000:]
