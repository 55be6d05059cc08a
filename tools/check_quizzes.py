"""Check the quizzes of chapters without building the book.

Usage: python -m tools.check_quizzes book/*.md

Prints each quiz's question count, or `file:line: message` for the first mistake
in each quiz, with the same rules the build applies (course_ext/quiz/model.py), finding
the quizzes with the export's own fence scanner (course_ext/myst_blocks.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from course_ext.myst_blocks import directives
from course_ext.quiz.model import QuizError, parse_quiz


def main(paths: list[str]) -> int:
    failed = False
    for name in paths:
        path = Path(name)
        for block in directives(path.read_text(encoding="utf-8"), "quiz"):
            try:
                questions = parse_quiz("\n".join(block.body))
            except QuizError as error:
                line = block.body_line + error.line - 1
                print(f"{path}:{line}: malformed quiz: {error.message}")
                failed = True
            else:
                print(f"{path}:{block.line}: quiz with {len(questions)} questions")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
