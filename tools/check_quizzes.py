"""Check the quizzes of chapters without building the book.

Usage: python tools/check_quizzes.py book/*.md

Prints each quiz's question count, or `file:line: message` for the first mistake
in each quiz, with the same rules the build applies (course_ext/quiz_schema.py).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course_ext.quiz_schema import QuizError, parse_quiz  # noqa: E402

OPENING = re.compile(r"^(`{3,}|:{3,})\{quiz\}\s*$")


def quiz_blocks(text: str):
    """Yield (line of the first content line, content) for each quiz directive."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = OPENING.match(lines[index])
        index += 1
        if not match:
            continue
        fence, start, body = match.group(1), index, []
        while index < len(lines) and lines[index].strip() != fence:
            body.append(lines[index])
            index += 1
        index += 1
        yield start + 1, "\n".join(body)


def main(paths: list[str]) -> int:
    failed = False
    for name in paths:
        path = Path(name)
        for first_line, body in quiz_blocks(path.read_text(encoding="utf-8")):
            try:
                questions = parse_quiz(body)
            except QuizError as error:
                print(f"{path}:{first_line + error.line - 1}: malformed quiz: {error.message}")
                failed = True
            else:
                print(f"{path}:{first_line - 1}: quiz with {len(questions)} questions")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
