"""Check the quizzes of chapters without building the book.

Usage: python -m tools.check_quizzes [book/*.md]   (no files: every chapter in book/)

For each quiz: its question count, or `file:line: message` for its first mistake, with
the rules the build applies (course_ext/quiz/model.py), found with the export's own fence
scanner (course_ext/myst_blocks.py). Then, over all the files given:
- a page whose right answers sit in one position (as the build rejects it);
- prompts that are near-duplicates of each other (a quiz asks for new instances, not the
  same question twice);
- where the right answer of the single-answer questions is shown, position by position.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from course_ext.myst_blocks import directives
from course_ext.quiz.model import Question, QuizError, biased_position, parse_quiz

NEAR = 0.75  # share of the words two prompts have in common, above which they repeat


def words(prompt: str) -> set[str]:
    return set(re.findall(r"[a-z0-9_.]+", prompt.lower()))


def similarity(one: str, other: str) -> float:
    a, b = words(one), words(other)
    return len(a & b) / len(a | b) if a | b else 1.0


def near_duplicates(prompts: list[tuple[str, str]]) -> list[tuple[str, str, float]]:
    """(place, place, similarity) of each pair of prompts that say nearly the same."""
    pairs = []
    for i, (place, prompt) in enumerate(prompts):
        for other_place, other in prompts[i + 1 :]:
            score = similarity(prompt, other)
            if score >= NEAR:
                pairs.append((place, other_place, score))
    return pairs


def main(paths: list[str]) -> int:
    failed = False
    prompts: list[tuple[str, str]] = []
    positions: Counter = Counter()
    for name in paths:
        path = Path(name)
        page: list[Question] = []
        for block in directives(path.read_text(encoding="utf-8"), "quiz"):
            try:
                questions = parse_quiz("\n".join(block.body))
            except QuizError as error:
                line = block.body_line + error.line - 1
                print(f"{path}:{line}: malformed quiz: {error.message}")
                failed = True
                continue
            print(f"{path}:{block.line}: quiz with {len(questions)} questions")
            page += questions
            for question in questions:
                prompts.append((f"{path}:{block.body_line + question.line - 1}", question.prompt))
        bias = biased_position(page)
        if bias:
            print(f"{path}: the right answer is option {bias[0]} in {bias[1]} of {bias[2]}")
            failed = True
        positions.update(q.right_positions[0] + 1 for q in page if q.type == "single")
    for place, other, score in near_duplicates(prompts):
        print(f"{place}: prompt repeats {other} ({score:.0%} of its words)")
        failed = True
    total = sum(positions.values())
    if total:
        spread = ", ".join(f"{p}: {positions[p] / total:.0%}" for p in sorted(positions))
        print(f"right answers of {total} single-answer questions, by position: {spread}")
    return 1 if failed else 0


if __name__ == "__main__":
    book = Path(__file__).resolve().parent.parent / "book"
    sys.exit(main(sys.argv[1:] or [str(p) for p in sorted(book.glob("*.md"))]))
