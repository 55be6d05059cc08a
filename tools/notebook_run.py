"""Run an exported notebook as a learner would, and read what it printed.

One home for what the suite (tests/test_notebooks.py), `make cpu-matrix` and
`make colab-check` all do with a notebook: execute it in a fresh kernel in a folder of
its own, with a given environment; find what each hidden check printed (book/checks/
page_numbers.py: "✓" when the numbers match the page, "✗" and what differs, "?" when it
could not run); and compare what the notebook printed with what the built page shows.
The kernel may be another Python's (`kernel_name`): `make colab-check` runs the notebooks
in a kernel of Colab's versions, from this repository's venv.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbclient
import nbformat

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
CHECK_CELL = "\nwith page.check():\n"  # how the export wraps a hidden check
RICHER = {"text/html", "text/markdown"}  # shown instead of a result's text/plain


@dataclass
class Run:
    """What one execution of a notebook gave."""

    notebook: nbformat.NotebookNode
    seconds: float
    error: str = ""  # the first cell that raised: "cell 12: ValueError: ..."
    checks: list[str] = field(default_factory=list)  # each check cell's report

    @property
    def differences(self) -> list[str]:
        """The check reports that are not "✓": numbers that differ, checks that could not run."""
        return [report for report in self.checks if not report.startswith("✓")]


def execute(
    notebook: nbformat.NotebookNode,
    folder: Path,
    env: dict[str, str],
    timeout: int = 300,
    kernel_name: str = "python3",
) -> Run:
    """Execute `notebook` (in place) in a fresh kernel working in `folder`, with `env` as
    the kernel's whole environment. Every cell runs, even after one raised."""
    client = nbclient.NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=kernel_name,
        allow_errors=True,
        resources={"metadata": {"path": str(folder)}},
    )
    start = time.perf_counter()
    client.execute(env=env)
    run = Run(notebook, time.perf_counter() - start)
    for number, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and not run.error:
                run.error = f"cell {number}: {output['ename']}: {output['evalue']}"
        if cell.cell_type == "code" and CHECK_CELL in cell.source:
            report = _stream(cell).strip()
            if report:
                run.checks.append(report)
    return run


def _stream(cell, name: str = "stdout") -> str:
    """All that a cell wrote to one stream, in one piece (as the build merges it)."""
    parts = [o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == name]
    return ANSI_ESCAPE.sub("", "".join(parts))


def printed(notebook: nbformat.NotebookNode) -> list[str]:
    """What each cell printed, as a reader sees it: each stream in one piece, and a result
    shown as text (not one shown as a picture). Hidden checks are left out."""
    shown = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or CHECK_CELL in cell.source:
            continue
        shown += [_stream(cell, "stdout").strip(), _stream(cell, "stderr").strip()]
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            richer = any(kind.startswith("image/") or kind in RICHER for kind in data)
            if "text/plain" in data and not richer:
                shown.append(ANSI_ESCAPE.sub("", data["text/plain"]).strip())
    return [text for text in shown if text]


def missing_from(page: list[str], run: list[str]) -> list[str]:
    """The page's printed outputs that `run` does not print, in the page's order (the run
    may print more: its checks' reports, a setup cell's lines)."""
    printed_text, position, missing = "\n".join(run), 0, []
    for shown in page:
        found = printed_text.find(shown, position)
        if found < 0:
            missing.append(shown)
        else:
            position = found + len(shown)
    return missing


def page_outputs(site: Path, chapter: str) -> list[str]:
    """What the built page of `chapter` shows its cells printing, in order."""
    from bs4 import BeautifulSoup  # only where a built page is read

    html = (site / "book" / f"{chapter}.html").read_text(encoding="utf-8")
    outputs = BeautifulSoup(html, "html.parser").select(
        ".cell_output .output.stream, .cell_output .output.text_plain"
    )
    return [output.get_text().strip() for output in outputs]
