"""Serve the built site on localhost the way GitHub Pages does, for the tests and bench/.

Under its Pages path (`/<repo>/`, from the repository URL in `_config.yml`), so that
absolute links such as the 404 page's resolve; with text gzip-compressed, as Pages
sends it, so Lighthouse and the page-weight figures see the bytes a learner downloads;
and with Pages' caching headers (`Cache-Control: max-age=600` and `Last-Modified`), so a
tab that goes from page to page fetches the shared stylesheets, scripts and fonts once,
as a reader's browser does, instead of once a page (first visits, which bench/ weighs
and Lighthouse scores, start from an empty cache either way). http.server has the rest;
only the compression and the caching headers are ours.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import re
import shutil
import socketserver
import sys
import tempfile
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from course_ext.config import book_identity

ROOT = Path(__file__).resolve().parent.parent
# GitHub Pages compresses these; images and fonts are sent as they are.
COMPRESSIBLE = re.compile(r"text/|javascript|json|svg|xml|font/ttf|opentype")


def site_path_prefix(root: Path = ROOT) -> str:
    """The path GitHub Pages serves the site under, e.g. `/autograd-course/`."""
    return book_identity(root).base_path


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        kind = self.guess_type(str(path))
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and accepts_gzip and COMPRESSIBLE.search(kind)):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
        self.end_headers()
        self.wfile.write(body)

    def send_response(self, code, message=None):
        super().send_response(code, message)
        if code == 200:
            self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends

    def log_message(self, *args):
        pass


class PagesServer(socketserver.ThreadingTCPServer):
    def handle_error(self, request, client_address):
        # A browser that leaves a page before a file of it is sent closes the socket: the
        # test moved on, and the traceback socketserver prints would only bury its output.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(site: Path, root: Path = ROOT) -> Iterator[str]:
    """Serve `site`, built from the book at `root`, until the block ends; yields its URL,
    without a trailing slash."""
    prefix = site_path_prefix(root).strip("/")
    root = Path(tempfile.mkdtemp())
    if prefix:
        (root / prefix).symlink_to(site.resolve(), target_is_directory=True)
    handler = partial(PagesHandler, directory=str(root if prefix else site.resolve()))
    with PagesServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            port = server.server_address[1]
            yield f"http://127.0.0.1:{port}" + (f"/{prefix}" if prefix else "")
        finally:
            server.shutdown()
            shutil.rmtree(root)
