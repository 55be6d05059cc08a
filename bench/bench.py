"""Measure how fast the book builds and how light its pages are: `make bench`.

Prints one table per section and writes everything to bench/results/bench.json.
It is a measurement, not a test: nothing here fails on a slow number.

Sections (all by default, or pick with --only):
  floor       every chapter executed once in a fresh kernel (nbclient), serially, and the
              same set on all cores: the least time any build can spend executing
  builds      in a scratch copy of the repository, its npm packages installed first (timed
              apart, as the venv is this tree's): a cold `make book` (no cache, no _build),
              a rebuild with nothing changed, after a text-only edit, after a code edit,
              each with the chapters it re-executed (read from the execution cache)
  pages       a first visit to each page in Chromium: HTML size, bytes loaded (as served
              and gzip-compressed the way GitHub Pages serves text), requests, largest assets,
              for this site and for the stock Jupyter Book theme (`course_light_pages: false`)
  lighthouse  npm Lighthouse (mobile, simulated throttling) on every page of the toc (the
              landing page, the lecture, each lesson), against the system Chromium
  suite       make test's pytest run (one worker per core) on the site built above, timed
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import yaml

from course_ext.parallel_execution import share_cores
from course_ext.toc_check import lessons, toc_entries
from tools.browser import BROWSER_FLAGS, chromium_path
from tools.run_chapter import execute
from tools.site_server import COMPRESSIBLE, serve

ROOT = Path(__file__).resolve().parent.parent

RESULTS = ROOT / "bench" / "results"
# What the text-only and code edits change: one chapter, one paragraph or one cell.
EDITED_CHAPTER = "book/chain_rule.md"
# The lesson whose largest assets the page table lists.
SAMPLE_LESSON = "book/autograd_basics.html"


def chapters() -> list[Path]:
    """The lessons (the toc's executable chapters), in toc order."""
    return [ROOT / f"{name}.md" for name in lessons(ROOT)]


# --- floor ------------------------------------------------------------------------------


def _execute_chapter(path: str, timeout: int) -> tuple[str, float]:
    _, seconds = execute(Path(path), timeout=timeout)
    return Path(path).stem, seconds


def _warm_up() -> None:
    """Load the big libraries once so the first chapter is not charged for a cold disk."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import torch, matplotlib.pyplot, jax, numpy")]
    NotebookClient(notebook, kernel_name="python3").execute()


def measure_floor(timeout: int) -> dict:
    paths = [str(p) for p in chapters()]
    _warm_up()
    serial = {}
    for path in paths:
        name, seconds = _execute_chapter(path, timeout)
        serial[name] = round(seconds, 2)
        print(f"  {name:<22} {seconds:6.1f} s", flush=True)
    cores = os.cpu_count() or 1
    start = time.perf_counter()
    # Longest first, one chapter at a time per worker: the best a parallel build can do.
    order = sorted(paths, key=lambda p: -serial[Path(p).stem])
    # Each process with its share of the cores, as the build's parallel execution does.
    with ProcessPoolExecutor(cores, initializer=share_cores, initargs=(cores,)) as pool:
        list(pool.map(partial(_execute_chapter, timeout=timeout), order))
    parallel = time.perf_counter() - start
    return {
        "per_chapter_s": serial,
        "serial_floor_s": round(sum(serial.values()), 1),
        "parallel_floor_s": round(parallel, 1),
        "cores": cores,
    }


# --- builds -----------------------------------------------------------------------------


def _scratch_copy(destination: Path) -> Path:
    """The working tree as a commit of it would hold it (not ignored), with no build output."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def _make_book(work: Path) -> tuple[float, str]:
    """Run `make book` in the copy with this repository's (already installed) venv."""
    venv = ROOT / ".venv"
    command = ["make", "--no-print-directory", "book", f"VENV={venv}", "-o", f"{venv}/.book-deps"]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=work, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"make book failed in {work}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds, result.stdout + result.stderr


def _executed_since(work: Path, start: datetime) -> list[str]:
    """Chapters whose executed notebook entered the cache after `start`."""
    from jupyter_cache import get_cache

    cache = get_cache(work / "_build" / ".jupyter_cache")
    return sorted(
        Path(r.uri).stem
        for r in cache.list_cache_records()
        if r.created.replace(tzinfo=UTC) >= start
    )


def _timed_build(work: Path, label: str) -> dict:
    start = datetime.now(UTC)
    seconds, log = _make_book(work)
    executed = _executed_since(work, start)
    cached = len(re.findall(r"Using cached notebook", log))
    print(f"  {label:<26} {seconds:6.1f} s  executed {len(executed)}: {', '.join(executed)}")
    return {
        "seconds": round(seconds, 1),
        "executed": executed,
        "read_from_cache": cached,
    }


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    edited, count = re.subn(pattern, replacement, text, count=1, flags=re.M)
    if count != 1:
        sys.exit(f"bench: could not edit {path} ({pattern!r} not found)")
    path.write_text(edited, encoding="utf-8")


def measure_builds(scratch: Path, floor: dict | None) -> dict:
    work = _scratch_copy(scratch / "repo")
    # Installing is not building: as the venv is this tree's, already installed, the npm
    # packages are installed (from the lockfile) before the clock starts, and timed apart.
    start = time.perf_counter()
    make = ["make", "--no-print-directory", "node_modules/.installed"]
    subprocess.run(make, cwd=work, check=True, capture_output=True)
    results = {"npm_ci_s": round(time.perf_counter() - start, 1)}
    print(f"  {'npm ci (not in the builds)':<26} {results['npm_ci_s']:6.1f} s")
    results["cold"] = _timed_build(work, "cold (empty cache)")
    results["nothing_changed"] = _timed_build(work, "nothing changed")
    chapter = work / EDITED_CHAPTER
    # A sentence added to the first paragraph after the title.
    _edit(chapter, r"^(# .+\n\n.+)$", r"\1 (Edited for the benchmark.)")
    results["text_edit"] = _timed_build(work, "text edit, one chapter")
    # A comment appended to the first code cell changes its source, so its hash.
    _edit(chapter, r"^(```\{code-cell\}[^\n]*\n(?::.*\n)*)", r"\1# edited for the benchmark\n")
    results["code_edit"] = _timed_build(work, "code edit, one chapter")
    if floor:
        for kind in ("serial", "parallel"):  # #21's target: at most 1.15 x the parallel floor
            ratio = results["cold"]["seconds"] / floor[f"{kind}_floor_s"]
            results[f"cold_over_{kind}_floor"] = round(ratio, 2)
            print(f"  cold build / {kind} floor: {ratio:.2f}")
    return results


# --- pages ------------------------------------------------------------------------------


def _chromium() -> str:
    path = chromium_path(full=True)  # what a reader's browser does, not the headless shell
    if not path:
        sys.exit("bench: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)")
    return path


def _page_weight(browser, url: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    loaded = []

    def finished(request):
        response = request.response()
        if response is None:
            return
        body = response.body()
        kind = response.headers.get("content-type", "")
        wire = len(gzip.compress(body, 6)) if COMPRESSIBLE.search(kind) else len(body)
        loaded.append((request.url.split("/", 3)[-1], len(body), wire))

    page.on("requestfinished", finished)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # web fonts (icons, KaTeX) arrive after their stylesheets
    context.close()
    loaded.sort(key=lambda item: -item[2])
    return {
        "html_bytes": loaded and next(b for u, b, _ in loaded if u.endswith(".html")),
        "bytes": sum(b for _, b, _ in loaded),
        "gzip_bytes": sum(w for _, _, w in loaded),
        "requests": len(loaded),
        "largest_gzip": [[u.split("/")[-1].split("?")[0], w] for u, _, w in loaded[:5]],
    }


def pages_of(site: Path) -> list[str]:
    names = toc_entries(ROOT / "_toc.yml")
    return [f"{name}.html" for name in names if (site / f"{name}.html").is_file()]


def measure_site(site: Path) -> dict:
    from playwright.sync_api import sync_playwright

    results = {}
    with serve(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=BROWSER_FLAGS)
        for name in pages_of(site):
            results[name] = _page_weight(browser, f"{url}/{name}")
        browser.close()
    return results


def build_stock_variant(scratch: Path) -> Path:
    """The same book with the stock theme assets: `course_light_pages: false`."""
    work = _scratch_copy(scratch / "stock")
    config = work / "_config.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("course_light_pages: true", "course_light_pages: false")
    config.write_text(text, encoding="utf-8")
    cache = ROOT / "_build" / ".jupyter_cache"
    if cache.is_dir():  # reuse the executed notebooks: only the pages differ
        shutil.copytree(cache, work / "_build" / ".jupyter_cache")
    _make_book(work)
    return work / "_build" / "html"


def measure_pages(scratch: Path) -> dict:
    site = ROOT / "_build" / "html"
    if not (site / "index.html").is_file():
        sys.exit("bench: build the book first (make book)")
    ours = measure_site(site)
    stock = measure_site(build_stock_variant(scratch))
    print(
        f"  {'page':<30} {'HTML kB':>8} {'kB':>7} {'gzip kB':>8} {'req':>4}"
        f" | stock: {'kB':>7} {'gzip kB':>8} {'req':>4}  gzip ratio"
    )
    for name, row in ours.items():
        base = stock.get(name)
        ratio = row["gzip_bytes"] / base["gzip_bytes"] if base else float("nan")
        row["gzip_ratio_to_stock"] = round(ratio, 3)
        print(
            f"  {name:<30} {row['html_bytes'] / 1e3:8.1f} {row['bytes'] / 1e3:7.0f}"
            f" {row['gzip_bytes'] / 1e3:8.0f} {row['requests']:4d}"
            f" | stock: {base['bytes'] / 1e3:7.0f} {base['gzip_bytes'] / 1e3:8.0f}"
            f" {base['requests']:4d}  {ratio:.2f}"
        )
    lesson = ours[SAMPLE_LESSON]
    print(f"  largest assets of {SAMPLE_LESSON} (gzip bytes):")
    print(f"  ours: {lesson['largest_gzip']}")
    base = stock[SAMPLE_LESSON]
    print(f"  stock: {base['largest_gzip']}")
    # The figures the pages show (an incremental build leaves old ones in _images).
    shown = {
        name
        for page in pages_of(site)
        for name in re.findall(r"_images/([^\"?]+)", (site / page).read_text(encoding="utf-8"))
    }
    images = sorted(((site / "_images" / n).stat().st_size, n) for n in shown)[::-1]
    print(f"  largest figure: {images[0][1]} {images[0][0] / 1e3:.0f} kB" if images else "")
    return {
        "site": ours,
        "stock": stock,
        "largest_figure_bytes": images[0][0] if images else 0,
    }


# --- lighthouse -------------------------------------------------------------------------


def _lighthouse_once(lighthouse: Path, url: str) -> dict:
    with tempfile.TemporaryDirectory() as profile:
        report = subprocess.run(
            [
                str(lighthouse),
                url,
                "--output=json",
                "--quiet",
                "--only-categories=performance,accessibility,best-practices",
                "--chrome-flags=--headless=new " + " ".join(BROWSER_FLAGS),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "CHROME_PATH": _chromium(), "TMPDIR": profile},
        )
    if report.returncode:
        sys.exit(f"lighthouse failed on {url}:\n{report.stderr[-2000:]}")
    data = json.loads(report.stdout)
    scores = {k: round(v["score"] * 100) for k, v in data["categories"].items()}
    audits = data["audits"]
    scores["fcp_ms"] = round(audits["first-contentful-paint"]["numericValue"])
    scores["lcp_ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    scores["tbt_ms"] = round(audits["total-blocking-time"]["numericValue"])
    scores["cls"] = round(audits["cumulative-layout-shift"]["numericValue"], 3)
    scores["failed_audits"] = [
        ref["id"]
        for category in ("accessibility", "best-practices")
        for ref in data["categories"][category]["auditRefs"]
        if ref["weight"] and audits.get(ref["id"], {}).get("score") not in (None, 1)
    ]
    return scores


def measure_lighthouse(runs: int) -> dict:
    """Every page of the toc (landing page, lecture, lessons) `runs` times; the run with
    the median performance score is reported, with the worst of each score over pages."""
    lighthouse = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
    if not lighthouse.exists():
        sys.exit("bench: Lighthouse is not installed (make bench installs it)")
    site = ROOT / "_build" / "html"
    results = {}
    with serve(site) as url:
        for page in pages_of(site):
            reports = sorted(
                (_lighthouse_once(lighthouse, f"{url}/{page}") for _ in range(runs)),
                key=lambda scores: scores["performance"],
            )
            scores = reports[len(reports) // 2]
            scores["performance_runs"] = [r["performance"] for r in reports]
            results[page] = scores
            failed = scores["failed_audits"]
            print(
                f"  {page:<30} perf {scores['performance']:3d}"
                f" {scores['performance_runs']}  a11y {scores['accessibility']:3d}"
                f"  best {scores['best-practices']:3d}  FCP {scores['fcp_ms']} ms"
                f"  LCP {scores['lcp_ms']} ms  TBT {scores['tbt_ms']} ms  CLS {scores['cls']}"
                + (f"  failed: {', '.join(failed)}" if failed else "")
            )
    worst = {
        key: min(r[key] for r in results.values())
        for key in ("performance", "accessibility", "best-practices")
    }
    worst["lcp_ms"] = max(r["lcp_ms"] for r in results.values())
    print(f"  worst over {len(results)} pages: {worst}")
    return {"pages": results, "worst": worst}


# --- the test suite ---------------------------------------------------------------------


def measure_suite() -> dict:
    """`make test`'s pytest run (one worker per core) on the built site, timed."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "auto", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = round(time.perf_counter() - start, 1)
    lines = result.stdout.strip().splitlines() or ["(no output)"]
    summary = lines[-1]
    print(f"  pytest -n auto: {seconds} s ({seconds / 60:.1f} min): {summary}")
    failed = [line for line in lines if line.startswith(("FAILED ", "ERROR "))]
    if result.returncode:  # what failed, and why, or the figure is of a run nobody can read
        print("\n".join(lines[-60:]))
    return {
        "pytest_s": seconds,
        "passed": result.returncode == 0,
        "summary": summary,
        "failed": failed,
    }


# --- main -------------------------------------------------------------------------------

SECTIONS = ["floor", "builds", "pages", "lighthouse", "suite"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--out", type=Path, default=RESULTS / "bench.json")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="median of this many")
    args = parser.parse_args()
    wanted = args.only.split(",")
    unknown = set(wanted) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    timeout = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["execute"][
        "timeout"
    ]
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    results = {
        "commit": commit,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch = Path(scratch)
        if "floor" in wanted:
            print("Floor: each chapter in a fresh kernel (nbclient)")
            results["floor"] = measure_floor(timeout)
            print(
                f"  serial floor {results['floor']['serial_floor_s']} s,"
                f" parallel floor on {results['floor']['cores']} cores"
                f" {results['floor']['parallel_floor_s']} s"
            )
        if "builds" in wanted:
            print("Builds (make book in a scratch copy of the repository)")
            results["builds"] = measure_builds(scratch, results.get("floor"))
        if "pages" in wanted:
            print("Pages: first visit in Chromium")
            results["pages"] = measure_pages(scratch)
        if "lighthouse" in wanted:
            print(f"Lighthouse (mobile, simulated throttling, median of {args.lighthouse_runs})")
            results["lighthouse"] = measure_lighthouse(args.lighthouse_runs)
        if "suite" in wanted:
            print("The test suite (make test's pytest, on the site built above)")
            results["suite"] = measure_suite()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
