"""The contributor's path: make serve, the chapter scaffold, the hooks, the PR template.

`make new-chapter` on a fork, built and tested, is test_fork.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from support.build import MAKE_IN_COPY, copy_repository
from support.course import ROOT

from tools import new_chapter


@pytest.mark.slow
def test_make_serve_serves_the_book_and_rebuilds_after_an_edit(tmp_path):
    copy = copy_repository(tmp_path)
    # The landing page and the two chapters it links to: what is served is make serve's
    # doing, not the number of chapters, and a whole book's first build takes 20 s more.
    kept = ["book/lecture", "book/why_autodiff"]
    for chapter in (copy / "book").glob("*.md"):
        if chapter.stem != "intro" and f"book/{chapter.stem}" not in kept:
            chapter.unlink()
    entries = "".join(f"  - file: {name}\n" for name in kept)
    (copy / "_toc.yml").write_text(f"format: jb-book\nroot: book/intro\nchapters:\n{entries}")
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # To a file, not a pipe: a pipe nobody reads while the test waits fills up, and the
    # server then stops in the middle of its build.
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [*MAKE_IN_COPY, "serve", f"SERVE_PORT={port}"],
        cwd=copy,
        stdout=log.open("w", encoding="utf-8"),
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: make, sphinx-autobuild, kernels
    )
    url = f"http://127.0.0.1:{port}/book/intro.html"
    try:
        first = wait_for_page(url, lambda text: "<h1" in text, server, log)
        assert first and "Autograd" in first, f"{url} was not served within 300 s"
        edit = copy / "book" / "intro.md"
        edited = edit.read_text(encoding="utf-8").replace("\n\n", "\n\nServed fresh.\n\n", 1)
        # Saved again each 30 s: the server may serve before its file watcher is set up (it
        # walks the whole tree, .venv's 12,000 folders among it), most of all on a busy machine.
        for _ in range(10):
            edit.write_text(edited, encoding="utf-8")
            fresh = wait_for_page(url, lambda text: "Served fresh." in text, server, log, limit=30)
            if fresh:
                break
        assert fresh, f"{url} was not rebuilt within 300 s of the edit"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    output = log.read_text(encoding="utf-8")
    assert "Serving on http://127.0.0.1" in output, output[-2000:]


def wait_for_page(url: str, ready, server, log, limit: float = 300) -> str | None:
    """The page's text once `ready(text)` holds, or None after `limit` seconds; fails with
    the end of the server's `log` if it stops first."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = log.read_text(encoding="utf-8")[-2000:]
            pytest.fail(f"make serve stopped (exit code {server.returncode}): {output}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                text = response.read().decode("utf-8")
            if ready(text):
                return text
        except OSError:
            pass
        time.sleep(1)
    return None


def test_new_chapter_refuses_to_overwrite(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "why_autodiff.md").write_text("# Taken\n", encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("root: book/intro\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="already exists"):
        new_chapter.create("Why autodiff", root=tmp_path)


def test_the_hooks_run_clean_on_the_repository():
    pre_commit = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    result = subprocess.run(pre_commit, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_hooks_reject_a_committed_notebook(tmp_path):
    shutil.copy(ROOT / ".pre-commit-config.yaml", tmp_path)
    (tmp_path / "lesson.ipynb").write_text("{}", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "no-built-files", "--all-files"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "lesson.ipynb" in result.stdout and "do not commit them" in result.stdout


def test_pull_requests_ask_for_a_screenshot():
    template = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert "screenshot" in template.lower()
