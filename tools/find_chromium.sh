#!/usr/bin/env bash
# Print the path of a Chromium-family browser for Playwright, or nothing.
# $CHROMIUM_PATH wins; then Debian's chromium, then Google Chrome (GitHub's runners have it).
for candidate in "${CHROMIUM_PATH:-}" chromium chromium-browser google-chrome google-chrome-stable; do
  [[ -z "$candidate" ]] && continue
  if path=$(command -v "$candidate" 2>/dev/null); then echo "$path"; exit 0; fi
done
exit 1
