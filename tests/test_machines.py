"""Other machines, emulated on this one: each CPU set-up reaches the libraries' own switches,
the build runs under its own, and `make cpu-matrix` reports on every chapter."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support.course import ROOT

from course_ext import machines
from course_ext.parallel_execution import prepare_kernels

# What a kernel's libraries say they run, under a set-up. MKL_VERBOSE makes oneMKL print
# the code path of its "conditional numerical reproducibility" mode (CNR:...) on each call.
PROBE = """
import json, sys, torch, numpy
from numpy._core import _multiarray_umath as umath
a = torch.ones(8, 8)
a @ a
print(json.dumps({
    "aten": torch.backends.cpu.get_cpu_capability(),
    "numpy": [f for f in umath.__cpu_dispatch__ if umath.__cpu_features__[f]],
    "threads": torch.get_num_threads(),
}))
"""


def probe(env: dict[str, str]) -> tuple[dict, str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**env, "MKL_VERBOSE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    report = [line for line in result.stdout.splitlines() if line.startswith("{")]
    return json.loads(report[-1]), result.stdout


@pytest.mark.skipif(not machines.X86, reason="the set-ups of x86-64 (elsewhere: threads only)")
@pytest.mark.parametrize(
    ("setup", "aten", "cnr"),
    [("build", "AVX2", "CNR:COMPATIBLE"), ("baseline", "DEFAULT", "CNR:COMPATIBLE")],
)
def test_a_set_up_reaches_the_kernels_of_each_library(setup, aten, cnr):
    report, log = probe(machines.environment(setup))
    assert report["aten"] == aten
    assert cnr in log, "oneMKL ran another code path"
    assert report["threads"] == 1
    # NumPy runs none of the groups the set-up switches off.
    off = set(machines.setups()[setup]["NPY_DISABLE_CPU_FEATURES"].split(","))
    assert off and not off & set(report["numpy"])


def test_the_set_ups_name_known_switches_and_the_build_sets_each():
    for name, switches in machines.setups().items():
        assert set(switches) <= set(machines.SWITCHES), name
    build = machines.setups()["build"]
    assert set(build) == (set(machines.SWITCHES) if machines.X86 else set(build))
    assert machines.TEST_SETUP in machines.setups() and machines.TEST_SETUP != "build"
    # NumPy's groups are read from NumPy itself: each one switched off exists.
    if machines.X86:
        for group in build["NPY_DISABLE_CPU_FEATURES"].split(","):
            assert group in machines.numpy_dispatch()


def test_a_set_up_replaces_what_the_environment_had():
    env = machines.environment(
        "build", {"MKL_CBWR": "AVX512", "PATH": "/bin", "OMP_NUM_THREADS": "8"}
    )
    assert env["PATH"] == "/bin" and env["OMP_NUM_THREADS"] == "1"
    assert env.get("MKL_CBWR") == machines.setups()["build"].get("MKL_CBWR")
    assert "MKL_CBWR" not in machines.environment("native", {"MKL_CBWR": "AVX512"})


def test_the_build_gives_its_kernels_its_set_up_and_strict_checks(tmp_path):
    code = (
        "import json, os, sys\n"
        "from pathlib import Path\n"
        "from course_ext.parallel_execution import prepare_kernels\n"
        "prepare_kernels(Path(sys.argv[1]))\n"
        "print(json.dumps(dict(os.environ)))\n"
    )
    env = {**os.environ, "ATEN_CPU_CAPABILITY": "avx512", "COURSE_CHECKS": ""}
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    after = json.loads(result.stdout)
    assert after["COURSE_CHECKS"] == "strict"
    for name, value in machines.setups()["build"].items():
        assert after[name] == value, name
    assert prepare_kernels  # the function the build and tools/run_chapter.py share


@pytest.mark.slow
def test_the_cpu_matrix_reports_a_chapter_under_two_set_ups(site):
    """`make cpu-matrix` on one chapter: each set-up ran it, and it reads the same."""
    chapter = "why_autodiff"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.cpu_matrix",
            "--setups",
            f"build,{machines.TEST_SETUP}",
            "--chapters",
            chapter,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    header, row = result.stdout.splitlines()[:2]
    assert header.split()[1:] == ["build", machines.TEST_SETUP]
    assert row.split() == [chapter, "same", "same"]
