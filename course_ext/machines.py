"""The CPU set-ups the chapters run under: the build's own, and the others the tests emulate.

A float result depends on which kernel computed it, and each library picks its kernels
from the CPU it finds: the same sum of five numbers rounds one way with AVX-512 and
another with AVX2. A page built on an Intel runner and one built on an AMD runner could
then print different last digits, and a check written on one could fail on the other.
Each library has its own switch, read once when it loads, so a set-up is a set of
environment variables given to a kernel when it starts:

- PyTorch's own kernels: `ATEN_CPU_CAPABILITY` (default, avx2, avx512);
- its BLAS, oneMKL (matrix products): `MKL_CBWR`, MKL's "conditional numerical
  reproducibility", which runs one fixed code path (COMPATIBLE: the same on Intel and AMD);
- its oneDNN (convolutions, low precision): `ONEDNN_MAX_CPU_ISA`;
- NumPy's own kernels: `NPY_DISABLE_CPU_FEATURES`, with the names of this NumPy's
  dispatch groups (they changed in NumPy 2.4, so they are read from NumPy itself);
- NumPy's BLAS, OpenBLAS: `OPENBLAS_CORETYPE`;
- JAX's compiler, XLA: `--xla_cpu_max_isa` in `XLA_FLAGS`;
- threads: `OMP_NUM_THREADS` (PyTorch and MKL), `MKL_NUM_THREADS`, `OPENBLAS_NUM_THREADS`:
  a reduction split over threads adds in another order.

The build runs every chapter under BUILD (`build_environment`), so the published digits
are those of AVX2, which every x86-64 machine that builds this book has, on one thread,
whichever runner deployed it. The tests run every exported notebook under another set-up
(`tests/test_notebooks.py`), and `make cpu-matrix` runs every chapter under all of them
(`tools/cpu_matrix.py`): a check or a printed output that moves between them depends on
the machine. Chapters are not affected on other architectures (arm64), where only the
threads are set: there the checks must hold as they are.
"""

from __future__ import annotations

import os
import platform
from functools import cache
from pathlib import Path

X86 = platform.machine().lower() in {"x86_64", "amd64"}
# Every variable a set-up may set: a kernel started for a set-up gets none of the others
# from the environment it inherits.
SWITCHES = (
    "ATEN_CPU_CAPABILITY",
    "MKL_CBWR",
    "ONEDNN_MAX_CPU_ISA",
    "NPY_DISABLE_CPU_FEATURES",
    "OPENBLAS_CORETYPE",
    "XLA_FLAGS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
)


@cache
def numpy_dispatch() -> tuple[str, ...]:
    """This NumPy's optional CPU feature groups, lowest first (X86_V3, X86_V4, ... in 2.4)."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # NumPy 1.x
        from numpy.core import _multiarray_umath as umath
    return tuple(umath.__cpu_dispatch__)


def _above(level: str) -> str:
    """NumPy's groups above `level` (avx2 or avx512), comma-separated, to be switched off."""
    groups = numpy_dispatch()
    if level == "avx2":
        return ",".join(g for g in groups if "AVX512" in g or g == "X86_V4")
    if level == "avx512":  # a Skylake-X: AVX-512 but none of the later extensions
        return ",".join(g for g in groups if g in {"AVX512_CNL", "AVX512_ICL", "AVX512_SPR"})
    return ",".join(groups)  # baseline: everything NumPy dispatches at run time


def _threads(count: int) -> dict[str, str]:
    return {name: str(count) for name in SWITCHES if name.endswith("NUM_THREADS")}


def setups() -> dict[str, dict[str, str]]:
    """Each set-up by name: the environment variables a kernel gets for it.

    `build` is what the build runs; `baseline` is what `make test` runs the notebooks
    under (every x86-64 CPU can, and it differs from the build in every library);
    the others are for `make cpu-matrix`. On an architecture other than x86-64 only the
    threads differ."""
    if not X86:
        return {"build": _threads(1), "threads-2": _threads(2), "threads-4": _threads(4)}
    return {
        "build": {  # the floor of every x86-64 runner since 2013, one thread
            "ATEN_CPU_CAPABILITY": "avx2",
            "MKL_CBWR": "COMPATIBLE",
            "ONEDNN_MAX_CPU_ISA": "AVX2",
            "NPY_DISABLE_CPU_FEATURES": _above("avx2"),
            "OPENBLAS_CORETYPE": "Haswell",
            "XLA_FLAGS": "--xla_cpu_max_isa=AVX2",
            **_threads(1),
        },
        "baseline": {  # no vector extension past SSE4.2 anywhere
            "ATEN_CPU_CAPABILITY": "default",
            "MKL_CBWR": "COMPATIBLE",
            "ONEDNN_MAX_CPU_ISA": "SSE41",
            "NPY_DISABLE_CPU_FEATURES": _above("baseline"),
            "OPENBLAS_CORETYPE": "Nehalem",
            "XLA_FLAGS": "--xla_cpu_max_isa=SSE4_2",
            **_threads(1),
        },
        "avx2-4-threads": {  # MKL's own AVX2 path and OpenBLAS's Zen kernels, 4 threads
            "ATEN_CPU_CAPABILITY": "avx2",
            "MKL_CBWR": "AVX2",
            "ONEDNN_MAX_CPU_ISA": "AVX2",
            "NPY_DISABLE_CPU_FEATURES": _above("avx2"),
            "OPENBLAS_CORETYPE": "Zen",
            "XLA_FLAGS": "--xla_cpu_max_isa=AVX2",
            **_threads(4),
        },
        "avx512": {  # as on a Skylake-X server; only on a CPU that has AVX-512
            "ATEN_CPU_CAPABILITY": "avx512",
            "MKL_CBWR": "AVX512",
            "ONEDNN_MAX_CPU_ISA": "AVX512_CORE",
            "NPY_DISABLE_CPU_FEATURES": _above("avx512"),
            "OPENBLAS_CORETYPE": "SkylakeX",
            "XLA_FLAGS": "--xla_cpu_max_isa=AVX512",
            **_threads(2),
        },
        "native": {},  # nothing set: this CPU's own choice of every kernel, a thread per core
    }


# The set-up `make test` runs every exported notebook under: another machine than the build's.
TEST_SETUP = "baseline" if X86 else "threads-2"


def runs_here(name: str) -> bool:
    """False for a set-up that needs instructions this CPU lacks (forcing OpenBLAS onto
    them would crash the kernel)."""
    if name != "avx512":
        return True
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return all(f" {flag}" in flags for flag in ("avx512f", "avx512bw", "avx512dq", "avx512vl"))


def environment(name: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (the current environment by default) with set-up `name`'s switches, and
    none of the switches it does not set."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in SWITCHES}
    env.update(setups()[name])
    return env


def build_environment() -> None:
    """Put the build's set-up into this process's environment, for every kernel it starts."""
    for name in SWITCHES:
        os.environ.pop(name, None)
    os.environ.update(setups()["build"])
