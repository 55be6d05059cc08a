"""Check that YAML files parse (pre-commit hook). Usage: python -m tools.check_yaml FILE..."""

from __future__ import annotations

import sys

import yaml


def main(paths: list[str]) -> int:
    failed = False
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                list(yaml.safe_load_all(handle))
        except yaml.YAMLError as error:
            print(f"{path}: {error}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
