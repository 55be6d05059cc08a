"""How the suite runs: its fixtures, and the hooks that share it out between xdist workers.

The fixtures live in tests/support/ by concern and are loaded as plugins; test modules
import plain helpers from there (`from support.build import build_pages`), never from here.
"""

from __future__ import annotations

import os

from course_ext.parallel_execution import share_cores

pytest_plugins = ["support.build", "support.site", "support.browser"]


def pytest_configure(config):
    """Each xdist worker's kernels and builds get the worker's share of the cores (not
    the controller, whose environment the workers would inherit)."""
    workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if workers or not getattr(config.option, "numprocesses", None):
        share_cores(int(workers or 1))


def pytest_collection_modifyitems(items):
    """The slow tests (builds, every page in a browser) first: under xdist the workers
    then end together on quick tests, not one idle while the other runs a long one."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
