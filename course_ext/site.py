"""Site-wide settings derived from the one repository URL in `_config.yml`.

The Pages address (`https://<org>.github.io/<repo>/`) feeds the sitemap, the
OpenGraph cards and the 404 page's links; deriving it here means a fork changes
one line. It also removes two console errors of the stock Jupyter Book page.
"""

from __future__ import annotations

from urllib.parse import urlparse

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError


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


def _write_every_page(app: Sphinx, env) -> list[str]:
    """Rewrite every page on each build (reading stays incremental and cached).

    sphinx-sitemap lists only the pages written in the current build, so an incremental
    build would publish a partial sitemap; writing a dozen pages costs a second or two.
    """
    return sorted(env.found_docs)


def setup_site(app: Sphinx) -> None:
    app.connect("env-get-updated", _write_every_page)
    app.add_config_value("course_repository_url", "", "env", types=[str])
    # Before sphinx-notfound-page validates its prefix (default priority 500).
    app.connect("config-inited", _derive_urls, priority=400)
