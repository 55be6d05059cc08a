"""The browser scripts (course_ext/static/*.js) pass TypeScript's strict check of their JSDoc.

They are plain scripts with `// @ts-check` and JSDoc types; tsc reads them as they are (no
build step). The command is the `tsc` hook's entry in .pre-commit-config.yaml, and its
options and files are tsconfig.json's: `make lint` and this test run the same check.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess

import yaml
from support.course import ROOT

SCRIPTS = sorted((ROOT / "course_ext" / "static").glob("*.js"))


def tsc_command() -> list[str]:
    """The `tsc` hook's command, as pre-commit runs it from the repository's root."""
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"] if hook["id"] == "tsc"]
    assert len(hooks) == 1, ".pre-commit-config.yaml must have one hook with id `tsc`"
    command = shlex.split(hooks[0]["entry"])
    tsc = ROOT / command[0]
    assert tsc.is_file(), f"{command[0]} is missing: run `make book` (it runs npm ci)"
    return [str(tsc), *command[1:]]


def run(command: list[str], cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def test_the_browser_scripts_type_check():
    result = run(tsc_command())
    assert result.returncode == 0, f"tsc found errors:\n{result.stdout}{result.stderr}"


def test_the_check_reads_every_browser_script():
    assert len(SCRIPTS) >= 4, "no scripts found in course_ext/static"
    result = run([*tsc_command(), "--listFilesOnly"])
    assert result.returncode == 0, result.stdout + result.stderr
    listed = set(result.stdout.split())
    assert {str(script) for script in SCRIPTS} <= listed, result.stdout


def test_the_check_is_strict_and_names_the_line(tmp_path):
    """The check itself: a parameter with no type, an error only under --strict, is reported
    with its file and line."""
    shutil.copy(ROOT / "tsconfig.json", tmp_path)
    static = tmp_path / "course_ext" / "static"
    static.mkdir(parents=True)
    for script in SCRIPTS:
        shutil.copy(script, static)
    quiz = static / "agq-quiz.js"
    lines = quiz.read_text(encoding="utf-8").splitlines()
    quiz.write_text("\n".join([*lines, "function untyped(x) { return x; }", ""]), "utf-8")
    result = run(tsc_command(), cwd=tmp_path)
    assert result.returncode != 0, result.stdout + result.stderr
    assert f"course_ext/static/agq-quiz.js({len(lines) + 1}," in result.stdout, result.stdout
    assert "implicitly has an 'any' type" in result.stdout, result.stdout


def test_typescript_is_pinned_and_installed_before_the_hooks_run():
    """`make lint` on a fresh clone installs typescript (npm ci, from the lockfile) before
    the hooks run, at the exact version package.json pins."""
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned["typescript"]), pinned["typescript"]
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    assert lock["node_modules/typescript"]["version"] == pinned["typescript"]
    # -B: as on a fresh machine, where nothing is installed yet; -n: only print the commands.
    steps = subprocess.run(
        ["make", "-n", "-B", "lint"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "npm ci" in steps and steps.index("npm ci") < steps.index("pre-commit run"), steps
