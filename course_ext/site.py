"""Site-wide settings derived from the one repository URL in `_config.yml`.

The Pages address (`https://<org>.github.io/<repo>/`) feeds the sitemap, the
OpenGraph cards and the 404 page's links; deriving it here means a fork changes
one line. It also keeps the sitemap complete when a build writes only the pages
that changed.
"""

from __future__ import annotations

import contextlib
import queue
from urllib.parse import urlparse

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx_sitemap import add_html_link


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


def _derive_urls(app: Sphinx, config: Config) -> None:
    repository_url = config.html_theme_options.get("repository_url", "")
    if not repository_url:  # a bare Sphinx project (the extension's own tests)
        return
    base = pages_url(repository_url)
    config.course_repository_url = repository_url.rstrip("/")
    if not config.html_baseurl:
        config.html_baseurl = base
    if not config.ogp_site_url:
        config.ogp_site_url = base
    # The 404 page is served for any missing path, so its links must be absolute.
    config.notfound_urls_prefix = urlparse(base).path


def _drain(links) -> list[tuple[str, str | None]]:
    entries = []
    with contextlib.suppress(queue.Empty):
        while True:
            entries.append(links.get_nowait())
    return entries


def _complete_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """List every page in the sitemap, not only the pages this build wrote.

    sphinx-sitemap collects the pages as they are written, so after an incremental build
    it would publish a sitemap of the one page that changed. Before it writes the file,
    the pages left as they were are added through its own `add_html_link`, and the
    entries are sorted so that every build writes the same file.
    """
    links = getattr(app, "sitemap_links", None)
    if exception or links is None or app.builder.format != "html":
        return
    entries = _drain(links)
    written = {link for link, _ in entries}
    suffix = app.config.html_file_suffix or ".html"
    for docname in sorted(app.env.found_docs):
        if docname + suffix not in written:
            add_html_link(app, docname, None, None, None)
    for entry in sorted(entries + _drain(links), key=lambda entry: entry[0]):
        links.put(entry)


def setup_site(app: Sphinx) -> None:
    # Before sphinx-sitemap writes the file (default priority 500).
    app.connect("build-finished", _complete_sitemap, priority=400)
    app.add_config_value("course_repository_url", "", "env", types=[str])
    # Before sphinx-notfound-page validates its prefix (default priority 500).
    app.connect("config-inited", _derive_urls, priority=400)
