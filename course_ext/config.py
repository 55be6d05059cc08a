"""Every `course_*` setting, and the site's identity, in one place (as sphinx-design's config.py).

The repository URL is the site's one identity: the Pages address, the Colab links, the
notebooks branch they open, the sitemap, the OpenGraph cards and the 404 page all derive
from it here. `_config.yml` holds a placeholder (PLACEHOLDER); in GitHub Actions the build
takes the repository the workflow runs in (`GITHUB_REPOSITORY`, which Actions sets) in its
place, so a fork deploys itself with no edit, and the placeholder is never published. A
`_config.yml` that names another repository explicitly wins. `identity(config)` serves the
extensions during a build; `book_identity(root)` reads the same for the tests, the tools and
the benchmark, so none of them writes an address of its own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

# name: (default, what a change rebuilds, types, what it is for)
SETTINGS = {
    "course_repository_url": ("", "env", [str], "derived from repository.url; do not set"),
    "course_notebooks_branch": ("notebooks", "html", [str], "the branch Colab opens"),
    "course_book_dir": ("book", "env", [str], "the folder of the chapters"),
    "course_light_pages": (True, "html", [bool], "False keeps the stock theme files (bench/)"),
    "course_parallel_execution": (True, "", [bool], "False executes chapters one by one"),
}
NOTEBOOKS_BRANCH = SETTINGS["course_notebooks_branch"][0]
PLACEHOLDER = "https://github.com/your-org/autograd-course"  # _config.yml's repository.url


def repository_url(configured: str, environ: Mapping[str, str] = os.environ) -> str:
    """The repository the site is built for: the placeholder of `_config.yml` is, in GitHub
    Actions, the repository the workflow runs in; any other URL stays as configured."""
    configured = configured.rstrip("/")
    running_in = environ.get("GITHUB_REPOSITORY", "")
    if configured != PLACEHOLDER or environ.get("GITHUB_ACTIONS") != "true" or not running_in:
        return configured
    return f"https://github.com/{running_in}"


def pages_url(repository_url: str) -> str:
    """`https://github.com/org/repo` -> `https://org.github.io/repo/`."""
    parsed = urlparse(repository_url.rstrip("/"))
    parts = [p for p in parsed.path.split("/") if p]
    if parsed.netloc != "github.com" or len(parts) != 2:
        raise ConfigError(
            f"_config.yml: repository.url must look like https://github.com/<org>/<repo>, "
            f"got {repository_url!r}"
        )
    org, repo = parts
    if repo.lower() == f"{org.lower()}.github.io":
        return f"https://{repo.lower()}/"
    return f"https://{org.lower()}.github.io/{repo}/"


@dataclass(frozen=True)
class Identity:
    """Where the site, its source and its notebooks live."""

    repository_url: str  # https://github.com/<org>/<repo>
    base_url: str  # the published site, with a trailing slash (html_baseurl wins)
    notebooks_branch: str

    @property
    def slug(self) -> str:
        """`<org>/<repo>`."""
        return "/".join(urlparse(self.repository_url).path.strip("/").split("/")[:2])

    @property
    def base_path(self) -> str:
        """The path the site is served under, e.g. `/autograd-course/`."""
        return urlparse(self.base_url).path or "/"

    def page_url(self, docname: str) -> str:
        return f"{self.base_url}{docname}.html"

    def colab_url(self, docname: str) -> str:
        return (
            f"https://colab.research.google.com/github/{self.slug}/blob/"
            f"{self.notebooks_branch}/{docname}.ipynb"
        )


def make_identity(repository_url: str, baseurl: str = "", branch: str = "") -> Identity:
    repository_url = repository_url.rstrip("/")
    base = baseurl or pages_url(repository_url)
    return Identity(repository_url, base.rstrip("/") + "/", branch or NOTEBOOKS_BRANCH)


def identity(config: Config) -> Identity | None:
    """The identity of the book being built; None for a bare Sphinx project (unit tests)."""
    if not config.course_repository_url:
        return None
    return make_identity(
        config.course_repository_url, config.html_baseurl, config.course_notebooks_branch
    )


def book_identity(root: Path) -> Identity:
    """The same identity, read from `<root>/_config.yml` without a build."""
    book = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    sphinx = (book.get("sphinx") or {}).get("config") or {}
    return make_identity(
        repository_url(book["repository"]["url"]),
        sphinx.get("html_baseurl") or (book.get("html") or {}).get("baseurl", ""),
        sphinx.get("course_notebooks_branch", ""),
    )


def _derive(app: Sphinx, config: Config) -> None:
    configured = config.html_theme_options.get("repository_url", "")
    if not configured:  # a bare Sphinx project (the extensions' own tests)
        return
    config.course_repository_url = repository_url(configured)
    # The theme's repository and issues buttons follow it too.
    config.html_theme_options["repository_url"] = config.course_repository_url
    site = identity(config)
    config.html_baseurl = site.base_url
    if not config.ogp_site_url:
        config.ogp_site_url = site.base_url
    if not config.ogp_site_name:  # else a shared link names the site "Project name not set"
        config.ogp_site_name = config.html_title
    # The 404 page is served for any missing path, so its links must be absolute.
    config.notfound_urls_prefix = site.base_path


def setup_config(app: Sphinx) -> None:
    for name, (default, rebuild, types, _why) in SETTINGS.items():
        app.add_config_value(name, default, rebuild, types=types)
    # Before sphinx-notfound-page validates its prefix (default priority 500).
    app.connect("config-inited", _derive, priority=400)
