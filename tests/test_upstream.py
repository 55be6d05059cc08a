"""Canaries of the third-party internals course_ext/ relies on, and their checked versions.

Where course_ext/ patches or reads something a package does not promise to keep, the module
records the version it was checked against in a `<PACKAGE>_CHECKED` constant (a template of
ours, in a `Checked against:` comment). The canaries here exercise those internals cheaply
and fail when their shape changes; the version test fails as soon as an installed version
differs from a recorded one, naming the record to re-check, so an upgrade is read before
it is trusted. Canaries elsewhere: tests/test_course_ext.py (stock_fixes.py's patches),
tests/test_incremental_build.py (sitemap.py, and the whole of parallel execution).
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import json
import pickle
import re
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from jupyter_cache import get_cache
from jupyter_cache.executors.basic import (
    ExecutionWorkerLocalMProc,
    ExecutionWorkerTempMProc,
    ProcessData,
)
from myst_nb.core.config import NbParserConfig
from myst_nb.core.read import create_nb_reader
from myst_parser.config.main import MdParserConfig
from support.build import build_small_project
from support.course import ROOT

from course_ext.parallel_execution import (
    JUPYTER_CACHE_CHECKED,
    MYST_NB_CHECKED,
    MYST_PARSER_CHECKED,
    _timed,
)

COURSE_EXT = ROOT / "course_ext"
LAYOUT = COURSE_EXT / "templates" / "layout.html"

# Every `*_CHECKED` constant of course_ext/, by name, and the distribution it records: a
# constant missing here fails test_every_checked_version_is_the_installed_one, so a new one
# cannot be left out. Its value is the version ("1.4.0").
CHECKED_DISTRIBUTIONS = {
    "JUPYTER_CACHE_CHECKED": "jupyter-cache",  # parallel_execution.py
    "MYST_NB_CHECKED": "myst-nb",  # stock_fixes.py, parallel_execution.py
    "MYST_PARSER_CHECKED": "myst-parser",  # parallel_execution.py
    "OPENGRAPH_CHECKED": "sphinxext-opengraph",  # stock_fixes.py
    "SITEMAP_CHECKED": "sphinx-sitemap",  # sitemap.py
    "SPHINX_BOOK_THEME_CHECKED": "sphinx-book-theme",  # components/colab.py, finish/icons.py
    "PYDATA_SPHINX_THEME_CHECKED": "pydata-sphinx-theme",  # finish/icons.py
    "SPHINX_CHECKED": "sphinx",  # light_pages.py, katex_math.py
}
VERSION = re.compile(r"\d+(\.\d+)*([.+-]?[a-z0-9]+)*")
NAMED_VERSION = re.compile(r"([A-Za-z][A-Za-z0-9._-]*) (\d+(?:\.\d+)+[A-Za-z0-9.+-]*)")
TEMPLATE_RECORD = re.compile(r"\{#-?\s*Checked against: (.*?)\s*-?#\}")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclasses.dataclass(frozen=True)
class Record:
    where: str  # file:line
    name: str  # the constant, or the template's line
    distribution: str
    version: str


def checked_constants(package: Path) -> tuple[list[Record], list[str]]:
    """The records of every `*_CHECKED` constant in the modules under `package`, and what
    is wrong with any. Parsed, not imported: an upgrade that breaks an import must still
    get its message from here, not a traceback from the import."""
    records, problems = [], []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent).as_posix()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets = [node.target]
            else:
                continue
            for target in targets:
                if not (isinstance(target, ast.Name) and target.id.endswith("_CHECKED")):
                    continue
                name, where = target.id, f"{relative}:{node.lineno}"
                value = node.value.value if isinstance(node.value, ast.Constant) else None
                distribution = CHECKED_DISTRIBUTIONS.get(name)
                if not isinstance(value, str):
                    problems.append(f"{where}: {name} is not a string literal")
                elif distribution is None:
                    problems.append(
                        f"{where}: {name} has no distribution in CHECKED_DISTRIBUTIONS "
                        "(tests/test_upstream.py): add it"
                    )
                elif VERSION.fullmatch(value):
                    records.append(Record(where, name, distribution, value))
                else:
                    pairs = NAMED_VERSION.findall(value)
                    if canonical(distribution) not in {canonical(d) for d, _ in pairs}:
                        problems.append(f"{where}: {name} = {value!r} names no {distribution}")
                    records += [Record(where, name, d, v) for d, v in pairs]
    return records, problems


def checked_templates(folder: Path) -> tuple[list[Record], list[str]]:
    """The `{#- Checked against: dist version, dist version #}` line of each template."""
    records, problems = [], []
    for path in sorted(folder.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(folder.parent.parent).as_posix()
        found = TEMPLATE_RECORD.search(text)
        if found is None:
            problems.append(f"{where}: no {{#- Checked against: <package> <version> #}} line")
            continue
        line = text.count("\n", 0, found.start()) + 1
        for item in found[1].split(","):
            pair = NAMED_VERSION.fullmatch(item.strip())
            if pair is None:
                problems.append(f"{where}:{line}: {item.strip()!r} is not '<package> <version>'")
            else:
                records.append(Record(f"{where}:{line}", "its Checked against:", *pair.groups()))
    return records, problems


def pinned_versions() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        name, _, pinned = line.split("#", 1)[0].strip().partition("==")
        if pinned:
            pins[canonical(name)] = pinned.strip()
    return pins


def version_problems(records: list[Record], installed, pinned: dict[str, str]) -> list[str]:
    """What differs between each record and the installed version (`installed(dist)`, None
    when it is not installed), or the pin in constraints.txt."""
    problems = []
    for record in records:
        now, pin = installed(record.distribution), pinned.get(canonical(record.distribution))
        if now != record.version or pin != record.version:
            problems.append(
                f"{record.where}: {record.name} records {record.distribution} {record.version}, "
                f"but {now or 'none'} is installed and constraints.txt pins {pin or 'none'}: "
                "re-check the internals it guards (its file says which; their canaries are in "
                "tests/), then record the new version"
            )
    return problems


def installed_version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def test_every_checked_version_is_the_installed_one():
    constants, problems = checked_constants(COURSE_EXT)
    templates, template_problems = checked_templates(COURSE_EXT / "templates")
    found = {record.name for record in constants}
    stale = sorted(set(CHECKED_DISTRIBUTIONS) - found)
    assert not stale, f"CHECKED_DISTRIBUTIONS maps constants no module has: {stale}"
    problems += template_problems
    problems += version_problems(constants + templates, installed_version, pinned_versions())
    assert not problems, "\n".join(problems)


def test_the_version_check_sees_an_upgrade_and_an_unmapped_constant(tmp_path):
    """The check itself, on a package of its own: a version that moved is named with its
    constant, and a constant missing from the mapping is reported."""
    package = tmp_path / "course_ext"
    package.mkdir()
    (package / "patch.py").write_text(
        'MYST_NB_CHECKED = "1.4.0"\nNEW_THING_CHECKED = "2.0"\n'
        'PYDATA_SPHINX_THEME_CHECKED = "0.17.1"\n',
        encoding="utf-8",
    )
    records, problems = checked_constants(package)
    assert problems == [
        "course_ext/patch.py:2: NEW_THING_CHECKED has no distribution in "
        "CHECKED_DISTRIBUTIONS (tests/test_upstream.py): add it"
    ]
    assert [(r.distribution, r.version) for r in records] == [
        ("myst-nb", "1.4.0"),
        ("pydata-sphinx-theme", "0.17.1"),
    ]
    pins = {"myst-nb": "1.4.0", "pydata-sphinx-theme": "0.17.1"}
    upgraded = {**pins, "myst-nb": "1.5.0"}
    assert version_problems(records, pins.get, pins) == []
    [problem] = version_problems(records, upgraded.get, pins)
    assert problem.startswith("course_ext/patch.py:1: MYST_NB_CHECKED records myst-nb 1.4.0, ")
    assert "but 1.5.0 is installed" in problem


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


# The themes' markup that templates/layout.html rewrites.


def theme_file(package: str, name: str) -> str:
    folder = Path(importlib.import_module(package).__file__).parent / "theme" / package
    return (folder / name).read_text(encoding="utf-8")


def test_canary_the_themes_extrahead_still_holds_the_markup_layout_html_replaces():
    """templates/layout.html drops the search scripts from the theme's `extrahead` block by
    replacing their exact `<script src="...">` tags, and defers what is left by replacing
    `<script src="`. An upgrade that changes that markup would leave them in place without
    a word: this reads the installed themes' templates. (That the scripts are gone from
    the built pages is tests/test_light_pages.py.)"""
    ours = LAYOUT.read_text(encoding="utf-8")
    records, _ = checked_templates(COURSE_EXT / "templates")
    checked = "checked against " + ", ".join(f"{r.distribution} {r.version}" for r in records)
    listed = re.search(r"\{%-?\s*for script in (\[.*?\])\s*-?%\}", ours)
    assert listed, "templates/layout.html no longer lists the scripts it drops"
    dropped = ast.literal_eval(listed[1])
    assert "'<script src=\"' ~ pathto(script, 1) ~ '\"></script>'" in ours
    assert "replace('<script src=\"', '<script defer src=\"')" in ours

    pydata = theme_file("pydata_sphinx_theme", "layout.html")
    block = re.search(
        r"\{%-?\s*block extrahead\s*-?%\}(.*?)\{%-?\s*endblock(?: extrahead)?\s*-?%\}",
        pydata,
        re.S,
    )
    assert block, f"pydata-sphinx-theme's layout.html has no extrahead block ({checked})"
    expected = [
        f"<script src=\"{{{{ pathto('{script}', 1) | e }}}}\"></script>" for script in dropped
    ]
    tags = re.findall(r"<script\b[^>]*>(?:</script>)?", block[1])
    assert tags == expected, f"the theme's extrahead scripts changed ({checked}): {tags}"
    # The block layout.html extends is pydata-sphinx-theme's: sphinx-book-theme keeps it.
    book = theme_file("sphinx_book_theme", "layout.html")
    assert 'extends "pydata_sphinx_theme/layout.html"' in book, checked
    assert not re.search(r"block extrahead\b", book), f"sphinx-book-theme overrides it ({checked})"
    # layout.html keeps the scripts when `theme_search_as_you_type` is on: the option
    # must exist, and stay off unless _config.yml turns it on.
    options = theme_file("pydata_sphinx_theme", "theme.conf")
    assert re.search(r"^search_as_you_type = False$", options, re.M), checked
