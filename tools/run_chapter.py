"""Execute MyST chapters in a fresh kernel each, the way the build does, and time them.

Usage: python -m tools.run_chapter book/some_chapter.md [--show]

Prints each chapter's wall time and, with --show, every text output, so a
chapter can be checked without building the whole book. Exits non-zero and
prints the failing cell when a chapter raises.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbclient
from nbclient.exceptions import CellExecutionError

from course_ext.chapter_source import LoadError, read_chapter
from course_ext.parallel_execution import prepare_kernels

ROOT = Path(__file__).resolve().parent.parent


def execute(path: Path, timeout: int = 60):
    """Run one chapter with its own folder as working directory; return (notebook, seconds)."""
    prepare_kernels(ROOT / "_build")  # as the build's: its CPU set-up, strict checks
    notebook = read_chapter(path)
    client = nbclient.NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    return notebook, time.perf_counter() - start


def text_outputs(notebook) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output["text"])
            elif "data" in output and "text/plain" in output["data"]:
                parts.append(output["data"]["text/plain"])
            elif output.get("output_type") == "error":
                parts.append(f"{output['ename']}: {output['evalue']}")
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="+", type=Path)
    parser.add_argument("--show", action="store_true", help="print the text outputs")
    args = parser.parse_args()
    failed = 0
    for path in args.chapters:
        try:
            notebook, seconds = execute(path)
        except CellExecutionError as error:
            print(f"FAILED {path}\n{error}", file=sys.stderr)
            failed += 1
            continue
        except LoadError as error:
            print(f"FAILED {path}:{error.line}: {error.message}", file=sys.stderr)
            failed += 1
            continue
        print(f"{path}: {seconds:.1f} s")
        if args.show:
            print(text_outputs(notebook))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
