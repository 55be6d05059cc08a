#!/usr/bin/env bash
# Print the path of a Chromium-family browser for Playwright, or nothing.
# $CHROMIUM_PATH wins; then Debian's chromium-headless-shell, Playwright's own choice for
# headless runs (it loads and draws a page here in about 20 % less time than the whole
# browser), then Debian's chromium, then Google Chrome (GitHub's runners have it).
# --full leaves the headless shell out: Lighthouse measures what a reader's browser does.
shell=chromium-headless-shell
[[ "${1:-}" == "--full" ]] && shell=""
for candidate in "${CHROMIUM_PATH:-}" $shell chromium chromium-browser google-chrome google-chrome-stable; do
  [[ -z "$candidate" ]] && continue
  if path=$(command -v "$candidate" 2>/dev/null); then echo "$path"; exit 0; fi
done
exit 1
