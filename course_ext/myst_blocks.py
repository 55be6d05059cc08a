"""The one scanner of MyST directive fences in a chapter's markdown.

Sphinx parses the chapters with myst-parser. Two jobs read the source without a build and
need only the fences: the Colab export (notebook_export.py) and tools/check_quizzes.py.
Both use this; no other module matches fences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}\s*(?P<argument>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")


@dataclass
class Block:
    """One directive: ```{name} argument, its `:key: value` options, then its body."""

    name: str
    argument: str
    line: int  # of the opening fence, counted from 1 in the text scanned
    body: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)

    @property
    def body_line(self) -> int:
        """The line of the body's first line (after the options)."""
        return self.line + 1 + len(self.options)


def blocks(text: str) -> Iterator[str | Block]:
    """The lines of `text`, with each directive (and its body) as one Block."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            yield lines[index]
            index += 1
            continue
        block = Block(match["name"], match["argument"].strip(), index + 1)
        fence, index = match["fence"], index + 1
        while index < len(lines) and lines[index].strip() != fence:
            block.body.append(lines[index])
            index += 1
        index += 1  # the closing fence
        while block.body and (option := OPTION.match(block.body[0])):
            block.options[option["key"]] = option["value"].strip()
            block.body = block.body[1:]
        yield block


def directives(text: str, name: str) -> Iterator[Block]:
    """Only the directives called `name`."""
    for block in blocks(text):
        if isinstance(block, Block) and block.name == name:
            yield block
