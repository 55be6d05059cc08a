"""The course the tests check: its root, its lessons and its identity, each read from the
one place the build reads it."""

from __future__ import annotations

from pathlib import Path

from course_ext.config import book_identity
from course_ext.toc_check import lessons

ROOT = Path(__file__).resolve().parents[2]
# The lessons, by file name in book/, in toc order: `_toc.yml` is the one list of them.
LESSONS = [docname.removeprefix("book/") for docname in lessons(ROOT)]
# Where the site, its Colab notebooks and its Pages path live: from `_config.yml`, as the
# build derives them, so a fork that changes the repository URL stays green.
IDENTITY = book_identity(ROOT)
