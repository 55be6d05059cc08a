"""The contributor's path: the chapter scaffold builds, the hooks run clean, the PR template."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, build_book, copy_book


def load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_a_new_chapter_builds_and_passes_as_created(tmp_path):
    book = copy_book(tmp_path)
    shutil.copytree(ROOT / "tools", tmp_path / "tools")
    created = load_tool("new_chapter").create("Second-order derivatives", root=book)
    assert created == book / "book" / "second_order_derivatives.md"
    assert (
        (book / "_toc.yml")
        .read_text(encoding="utf-8")
        .rstrip()
        .endswith("- file: book/second_order_derivatives")
    )
    result = build_book(book)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    page = book / "_build" / "html" / "book" / "second_order_derivatives.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.h1.get_text().startswith("Second-order derivatives")
    outputs = " ".join(o.get_text() for o in soup.select(".cell_output"))
    assert "x.grad = 6.0" in outputs and "Correct: 3 x^2 = 12 at x = 2." in outputs
    assert 4 <= len(soup.select(".agq-quiz fieldset")) <= 8
    assert "assert x.grad.item() == 6.0" not in page.read_text(encoding="utf-8")


def test_new_chapter_refuses_to_overwrite(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "why_autodiff.md").write_text("# Taken\n", encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("root: book/intro\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="already exists"):
        load_tool("new_chapter").create("Why autodiff", root=tmp_path)


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
