"""Pin Colab's versions of everything, as googlecolab/backend-info publishes them.

Usage: python -m tools.colab_versions [--source URL_OR_FOLDER]

Colab lists its runtime's packages (`pip freeze`) and its Python in the repository
googlecolab/backend-info. This reads both, from GitHub (the default) or from a local copy
of that repository, and writes `tools/colab/constraints.txt`: every package pinned at
Colab's version, with a header that says where and when it was read. `make colab-check`
installs `tools/colab/requirements.txt` (what the notebooks import) under those pins, so
that their dependencies are Colab's too. A package Colab installs from a URL is pinned at
that wheel's version (torch's CPU build from PyTorch's index: `torch==2.11.0`, which
PyTorch's CPU index or PyPI provides); one installed from a local file or git is left out,
and so are CUDA's own packages (nvidia-*, cuda-*, triton): Colab's torch is a CPU build,
and PyPI's, a CUDA one, needs its own versions of them.

It prints the Python version Colab runs (for the workflow's setup-python).
It needs only the standard library: the weekly workflow runs it before any install.
"""

from __future__ import annotations

import argparse
import datetime
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

DEFAULT_SOURCE = "https://raw.githubusercontent.com/googlecolab/backend-info/main"
OUTPUT = Path(__file__).resolve().parent / "colab" / "constraints.txt"
CUDA = re.compile(r"^(nvidia-|cuda-|triton\b)", re.I)
WHEEL = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-+]+)(?:\+[^-]+)?-.+\.whl$")


def read(source: str, name: str) -> str:
    if source.startswith(("https://", "http://")):
        with urllib.request.urlopen(f"{source}/{name}", timeout=60) as response:  # noqa: S310
            return response.read().decode("utf-8")
    file = Path(source) / name
    if file.is_file():
        return file.read_text(encoding="utf-8")
    return _git(source, "show", f"HEAD:{name}")  # a clone without a work tree


def _git(folder: str, *command: str) -> str:
    return subprocess.run(
        ["git", "-C", folder, *command], capture_output=True, text=True, check=True
    ).stdout


def pins(freeze: str) -> list[str]:
    """`name==version` for each package of a `pip freeze`, in its order."""
    lines = []
    for line in freeze.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or CUDA.match(line):
            continue
        if "==" in line:
            lines.append(line)
            continue
        name, _, url = (part.strip() for part in line.partition(" @ "))
        file = urllib.parse.unquote(urllib.parse.urlparse(url).path).rsplit("/", 1)[-1]
        wheel = WHEEL.match(file)
        if url.startswith("https://") and wheel:
            lines.append(f"{name}=={wheel['version']}")
    return lines


def python_version(os_info: str) -> str:
    found = re.search(r"^Python (\d+\.\d+\.\d+)", os_info, re.M)
    if not found:
        raise SystemExit("os-info.txt names no Python version")
    return found[1]


def described(source: str) -> str:
    """Where the files came from: the URL, or a local copy's commit and its date."""
    if source.startswith(("https://", "http://")):
        return source
    try:
        commit = _git(source, "log", "-1", "--format=%h of %cs").strip()
    except (OSError, subprocess.CalledProcessError):
        return f"a copy in {source}"
    return f"googlecolab/backend-info at commit {commit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=DEFAULT_SOURCE, help="a URL or a local folder")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    freeze, os_info = read(args.source, "pip-freeze.txt"), read(args.source, "os-info.txt")
    python = python_version(os_info)
    system = next((line for line in os_info.splitlines() if line.startswith("Ubuntu")), "")
    header = [
        "# Colab's runtime: every package pinned at Colab's version.",
        f"# Read on {datetime.date.today().isoformat()} from {described(args.source)}",
        f"# by tools/colab_versions.py. Colab runs Python {python} on {system}.",
        "# Regenerate: python -m tools.colab_versions (make colab-check installs these pins).",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join([*header, *pins(freeze)]) + "\n", encoding="utf-8")
    print(python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
