"""The headless Chromium the tests and the benchmark use: where it is, how it is launched.

Playwright cannot download its own browser here, so both launch the system's Chromium
(or Google Chrome on GitHub's runners), found by tools/find_chromium.sh.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

# No sandbox (root in a container), no GPU, and no background traffic to Google.
BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path(full: bool = False) -> str | None:
    """The browser's path, or None when there is none: the headless shell if installed,
    unless `full` asks for the whole browser (for Lighthouse's figures)."""
    script = Path(__file__).with_name("find_chromium.sh")
    result = subprocess.run(
        [str(script), *(["--full"] if full else [])], capture_output=True, text=True
    )
    return result.stdout.strip() or None
