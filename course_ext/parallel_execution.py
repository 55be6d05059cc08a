"""Execute the chapters that need it in parallel, before Sphinx reads them one by one.

Jupyter Book 1 has no `-j`, and myst-nb executes each notebook when Sphinx reads it,
so a cold build runs the chapters one after another. Just before reading, this
module finds the chapters whose code has no entry in myst-nb's jupyter-cache, and
runs them with jupyter-cache's own execution worker (the one its parallel executor
uses: in the chapter's folder, as myst-nb would, caching the result), in a pool of one
process per core, longest chapter first. myst-nb then finds every one of them in the
cache ("Using cached notebook") and executes nothing itself.

The notebooks are read with myst-nb's own reader and looked up with the cache's own
matching, so they hash exactly as they do when myst-nb reads the page. A chapter that
fails here is left to myst-nb, which runs it again and stops the build with its usual
error naming the file and cell; so is a chapter with execution settings of its own
in its front matter. Only the glue and the order are ours: nothing in Jupyter Book
calls jupyter-cache's parallel execution.

That glue leans on internals of three packages, each checked against the version in its
`*_CHECKED` constant below: jupyter-cache's execution workers, `ProcessData` and the
`(status, uri)` they return; myst-nb's reader and its configuration on the Sphinx
environment (`env.mystnb_config`); myst-parser's (`env.myst_config`). A comment names
the constant at each use; tests/test_upstream.py has their canaries, and fails when an
installed version differs from the one recorded here.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from functools import partial
from pathlib import Path

from jupyter_cache import get_cache
from jupyter_cache.executors.basic import (  # its workers: internals (JUPYTER_CACHE_CHECKED)
    ExecutionWorkerLocalMProc,
    ExecutionWorkerTempMProc,
    ProcessData,
)
from myst_nb.core.read import create_nb_reader  # MYST_NB_CHECKED
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging as sphinx_logging

from .machines import build_environment, setups

logger = sphinx_logging.getLogger(__name__)

JUPYTER_CACHE_CHECKED = "1.0.1"
MYST_NB_CHECKED = "1.4.0"
MYST_PARSER_CHECKED = "3.0.1"


def _chapters_to_execute(
    env: BuildEnvironment, docnames: list[str], cache
) -> list[tuple[str, Path, dict]]:
    """(docname, path, reader format) of each notebook with code and no cached execution."""
    nb_config = env.mystnb_config  # MYST_NB_CHECKED: set at builder-inited, with these fields
    stale = []
    for docname in sorted(docnames):
        path = Path(env.doc2path(docname))
        if any(path.match(pattern) for pattern in nb_config.execution_excludepatterns):
            continue
        content = path.read_text(encoding="utf-8")
        # As myst-nb's parser calls it (MYST_NB_CHECKED, env.myst_config: MYST_PARSER_CHECKED),
        # so the notebook hashes as it will when the page is read.
        reader = create_nb_reader(str(path), env.myst_config, nb_config, content)
        if reader is None:
            continue
        try:
            notebook = reader.read(content)
        except Exception:  # noqa: BLE001 (a :load: file missing, bad cell metadata, ...)
            continue  # reported with its file and line when Sphinx reads the page
        if not any(cell.cell_type == "code" for cell in notebook.cells):
            continue
        if nb_config.metadata_key in notebook.metadata:
            continue  # its own execution settings (a timeout, say): myst-nb applies them
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:  # no execution cached (JUPYTER_CACHE_CHECKED), as myst-nb expects
            stale.append((docname, path, reader.read_fmt))
    return stale


def execute_in_parallel(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    nb_config = getattr(env, "mystnb_config", None)  # None: no myst-nb (MYST_NB_CHECKED)
    if nb_config is None or nb_config.execution_mode != "cache":
        return
    if not app.config.course_parallel_execution:
        return
    cache = get_cache(nb_config.execution_cache_path or ".jupyter_cache")
    stale = _chapters_to_execute(env, docnames, cache)
    if len(stale) < 2:  # one chapter: myst-nb runs it just as fast
        return
    # One chapter at a time per process; when the cache remembers how long each chapter
    # took (after a code edit, or in CI), the longest first, so no core idles at the end.
    # "execution_seconds": what jupyter-cache's worker and myst-nb record (JUPYTER_CACHE_CHECKED).
    last_run = {r.uri: r.data.get("execution_seconds", 0) for r in cache.list_cache_records()}
    stale.sort(key=lambda item: -last_run.get(str(item[1]), 0))
    # Read back in the worker with myst-nb's reader, named by `fmt` (JUPYTER_CACHE_CHECKED).
    records = [cache.add_nb_to_project(str(path), read_data=fmt) for _, path, fmt in stale]
    in_temp = nb_config.execution_in_temp
    # The workers jupyter-cache's own parallel executor maps over a pool; built with no
    # arguments, pickled to the processes (JUPYTER_CACHE_CHECKED).
    worker = ExecutionWorkerTempMProc() if in_temp else ExecutionWorkerLocalMProc()
    timeout, allow_errors = nb_config.execution_timeout, nb_config.execution_allow_errors
    # ProcessData's fields, in this order (JUPYTER_CACHE_CHECKED).
    jobs = [ProcessData(r.pk, r.uri, cache, timeout, allow_errors) for r in records]
    logger.info(f"executing {len(jobs)} chapters in parallel with jupyter-cache")
    processes = min(len(jobs), os.cpu_count() or 1)
    timings, failed = [], []
    with multiprocessing.Pool(processes, share_cores, (processes,)) as pool:
        results = pool.imap_unordered(partial(_timed, worker), jobs, chunksize=1)
        for done, (status, uri, seconds) in enumerate(results, 1):
            name = Path(uri).relative_to(app.srcdir).as_posix()
            verdict = "done" if status == 0 else "FAILED (myst-nb reports it below)"
            logger.info(f"  [{done}/{len(jobs)}] {name}: {verdict} in {seconds:.1f} s")
            timings.append((seconds, name))
            if status != 0:
                failed.append(name)
    slowest = ", ".join(f"{name} {seconds:.1f} s" for seconds, name in sorted(timings)[::-1][:3])
    logger.info(f"slowest chapters: {slowest}")
    if failed:
        logger.info(f"failed in parallel, left for myst-nb to report: {', '.join(failed)}")


def _timed(worker, job: ProcessData) -> tuple[int, str, float]:
    start = time.perf_counter()
    # (0 cached, 1 the notebook raised, 2 jupyter-cache failed; the uri): JUPYTER_CACHE_CHECKED.
    status, uri = worker(job)
    return status, uri, time.perf_counter() - start


def share_cores(processes: int) -> None:
    """Give this process, and the kernels it starts, its share of the cores when
    `processes` run side by side: PyTorch's OpenMP threads, one set per process, would
    otherwise outnumber the cores, and each waits on the others. Measured here with the
    other core busy: debugging_gradients took 30 s of CPU with 2 threads, 8 s with 1.
    The build's parallel execution, the benchmark's parallel floor and the test workers
    all share the cores this way. A value the user set is kept."""
    threads = max(1, (os.cpu_count() or 1) // processes)
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))


def prepare_kernels(folder: Path) -> None:
    """What every kernel the build starts from now on gets (its IPython profile in `folder`,
    and this process's environment, which kernels inherit):

    - the build's CPU set-up (machines.py): the published digits do not depend on the CPU
      of the machine that builds the book;
    - strict checks (COURSE_CHECKS=strict, book/checks/page_numbers.py): a number that does
      not match its page, or that another machine could print otherwise, stops the build;
    - log errors only: ipykernel 7 warns, once per kernel, that its local TCP connection
      is not encrypted, which buries the build's own lines;
    - figures as SVG, with no date in them: text stays text (sharp at any zoom, and the
      same bytes in every build). The figure style itself is book/matplotlibrc.

    This is the one place of the kernels' set-up; no chapter repeats it (a Colab notebook
    shows PNG figures, which is what Colab is good at, and checks that speak instead of
    stopping). tools/run_chapter.py uses it too.
    """
    build_environment()
    os.environ["COURSE_CHECKS"] = "strict"
    profile = folder / ".ipython" / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    config = {
        "IPKernelApp": {"log_level": "ERROR"},
        "InlineBackend": {
            "figure_formats": ["svg"],
            "print_figure_kwargs": {"bbox_inches": "tight", "metadata": {"Date": None}},
        },
    }
    (profile / "ipython_kernel_config.json").write_text(json.dumps(config), encoding="utf-8")
    os.environ["IPYTHONDIR"] = str(profile.parent)


def kernel_setup(app: Sphinx) -> None:
    prepare_kernels(Path(app.outdir).parent)
    switches = " ".join(f"{name}={value}" for name, value in setups()["build"].items())
    logger.info(f"chapters run under the build's CPU set-up (machines.py): {switches}")


def setup_parallel_execution(app: Sphinx) -> None:
    app.connect("builder-inited", kernel_setup)
    app.connect("env-before-read-docs", execute_in_parallel)
