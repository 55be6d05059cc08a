"""Canaries of the third-party internals course_ext/ relies on.

Where course_ext/ patches or reads something a package does not promise to keep, the module
records the version it was checked against in a `<PACKAGE>_CHECKED` constant. The canaries
here exercise those internals cheaply and fail when their shape changes. Canaries
elsewhere: tests/test_course_ext.py (stock_fixes.py's patches), tests/test_incremental_build.py
(sitemap.py, and the whole of parallel execution).
"""

from __future__ import annotations

import json
import pickle
from functools import partial

import pytest
from conftest import build_small_project
from jupyter_cache import get_cache
from jupyter_cache.executors.basic import (
    ExecutionWorkerLocalMProc,
    ExecutionWorkerTempMProc,
    ProcessData,
)
from myst_nb.core.config import NbParserConfig
from myst_nb.core.read import create_nb_reader
from myst_parser.config.main import MdParserConfig

from course_ext.parallel_execution import (
    JUPYTER_CACHE_CHECKED,
    MYST_NB_CHECKED,
    MYST_PARSER_CHECKED,
    _timed,
)

# jupyter-cache and myst-nb, as course_ext/parallel_execution.py uses them.

CHAPTER = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A chapter

```{{code-cell}} ipython3
{code}
```
"""


def test_canary_jupyter_cache_process_data_and_workers_keep_their_shape():
    """What parallel_execution.py builds and sends to its pool (JUPYTER_CACHE_CHECKED): the
    fields of ProcessData, in order, and workers made with no arguments that pickle. What
    they return is the next test's, on a real run."""
    checked = f"checked against jupyter-cache {JUPYTER_CACHE_CHECKED}"
    assert ProcessData._fields == ("pk", "uri", "cache", "timeout", "allow_errors"), checked
    for worker_class in (ExecutionWorkerLocalMProc, ExecutionWorkerTempMProc):
        worker = worker_class()  # no arguments, as parallel_execution builds it
        assert callable(worker), checked
        # The pool sends the worker to its processes, wrapped by parallel_execution._timed.
        assert pickle.loads(pickle.dumps(partial(_timed, worker))).args[0].__class__ is worker_class


def test_canary_a_chapter_run_by_the_worker_is_found_by_myst_nbs_reading(tmp_path):
    """A real run of a one-cell chapter, as parallel_execution.py does it: read with
    myst-nb's reader, unknown to the cache (KeyError), added with the reader's format,
    run by jupyter-cache's worker (status 0 and its uri; 1 when a cell raises), then found
    by the same reading, with the seconds it took. If any step changed shape, the build
    would run every chapter twice, or not at all: this fails first."""
    checked = (
        f"checked against jupyter-cache {JUPYTER_CACHE_CHECKED}, myst-nb {MYST_NB_CHECKED}, "
        f"myst-parser {MYST_PARSER_CHECKED}: see course_ext/parallel_execution.py"
    )
    cache = get_cache(str(tmp_path / "cache"))
    runs = {}
    for name, code, worker in [
        ("works", "print(6 * 7)", ExecutionWorkerLocalMProc()),
        ("raises", "raise ValueError('on purpose')", ExecutionWorkerTempMProc()),
    ]:
        path = tmp_path / f"{name}.md"
        content = CHAPTER.format(code=code)
        path.write_text(content, encoding="utf-8")
        reader = create_nb_reader(str(path), MdParserConfig(), NbParserConfig(), content)
        assert reader is not None, checked
        notebook = reader.read(content)
        with pytest.raises(KeyError):
            cache.match_cache_notebook(notebook)
        record = cache.add_nb_to_project(str(path), read_data=reader.read_fmt)
        # As the pool passes them: pickled. No timeout (None): a test has no wall clock.
        job = pickle.loads(pickle.dumps(ProcessData(record.pk, record.uri, cache, None, False)))
        status, uri, _ = _timed(pickle.loads(pickle.dumps(worker)), job)
        runs[name] = (status, uri, notebook)
        assert uri == str(path), checked
    assert runs["works"][0] == 0, checked
    assert runs["raises"][0] == 1, checked
    found = cache.match_cache_notebook(runs["works"][2])
    assert found.uri == str(tmp_path / "works.md"), checked
    [seconds] = [r.data["execution_seconds"] for r in cache.list_cache_records()]
    assert isinstance(seconds, float) and seconds > 0, checked
    with pytest.raises(KeyError):
        cache.match_cache_notebook(runs["raises"][2])


ENV_PROBE_CONF = """
import json
from pathlib import Path

from jupyter_cache import get_cache

from course_ext.parallel_execution import _chapters_to_execute

extensions = ["myst_nb"]
nb_execution_mode = "off"
html_theme = "basic"
exclude_patterns = ["_build", "probe-cache"]


def probe(app, env, docnames):
    config = env.mystnb_config
    fields = [
        "execution_mode", "execution_cache_path", "execution_excludepatterns",
        "execution_in_temp", "execution_timeout", "execution_allow_errors", "metadata_key",
    ]
    stale = _chapters_to_execute(env, docnames, get_cache(str(Path(app.srcdir, "probe-cache"))))
    Path(app.srcdir, "probe.json").write_text(json.dumps({
        "config": {name: [type(getattr(config, name)).__name__, getattr(config, name)]
                   for name in fields},
        "myst_config": type(env.myst_config).__name__,
        "stale": [[docname, path.name, fmt] for docname, path, fmt in stale],
    }))


def setup(app):
    app.connect("env-before-read-docs", probe)
"""


def test_canary_myst_nbs_config_is_on_the_environment_before_the_pages_are_read(tmp_path):
    """parallel_execution.py runs at env-before-read-docs and reads `env.mystnb_config`
    (MYST_NB_CHECKED) and `env.myst_config` (MYST_PARSER_CHECKED), which myst-nb and
    myst-parser set at builder-inited. A real Sphinx build, its hook calling
    parallel_execution's own search for chapters to run."""
    checked = (
        f"checked against myst-nb {MYST_NB_CHECKED}, myst-parser {MYST_PARSER_CHECKED}: "
        "see course_ext/parallel_execution.py"
    )
    index = "# Index\n\n```{toctree}\nlesson\nprose\n```\n"
    (tmp_path / "index.md").write_text(index, encoding="utf-8")
    (tmp_path / "lesson.md").write_text(CHAPTER.format(code="print(1)"), encoding="utf-8")
    prose = CHAPTER.split("```")[0]  # a notebook without code: nothing to run
    (tmp_path / "prose.md").write_text(prose, encoding="utf-8")
    result = build_small_project(tmp_path, conf=ENV_PROBE_CONF)
    assert result.returncode == 0, f"{checked}\n{result.stderr}"
    probe = json.loads((tmp_path / "probe.json").read_text(encoding="utf-8"))
    config = probe["config"]
    assert config["execution_mode"] == ["str", "off"], checked
    assert config["execution_cache_path"][0] == "str", checked
    assert config["execution_excludepatterns"][0] in {"list", "tuple"}, checked
    assert config["execution_in_temp"] == ["bool", False], checked
    assert config["execution_timeout"][0] == "int", checked
    assert config["execution_allow_errors"] == ["bool", False], checked
    assert config["metadata_key"] == ["str", "mystnb"], checked
    assert probe["myst_config"] == "MdParserConfig", checked
    reader_format = {"type": "plugin", "name": "myst_nb_md"}  # jupyter-cache's reader plugin
    assert probe["stale"] == [["lesson", "lesson.md", reader_format]], checked
