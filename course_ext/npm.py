"""The npm packages the build runs in Node: katex (katex_math.py) and purgecss
(finish/purge.py). `make book` installs them with `npm ci` from package-lock.json."""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError


def npm_package(app: Sphinx, name: str, user: str) -> Path:
    """The package's folder: in the project's node_modules, or in course_ext's repository.
    `user` (the module that needs it) names who asked in the error."""
    for root in [Path(app.srcdir), Path(__file__).resolve().parent.parent]:
        if (root / "node_modules" / name / "package.json").is_file():
            return root / "node_modules" / name
    raise ExtensionError(
        f"{user}: the npm package {name} is not installed; "
        "`make book` installs it (npm ci, from package-lock.json)"
    )


def node_executable(user: str) -> str:
    node = shutil.which("node")
    if node is None:
        raise ExtensionError(f"{user}: Node.js (`node`) is not on PATH; `make book` installs it")
    return node
