"""Check the quizzes of chapters without building the book.

Usage: python -m tools.check_quizzes [book/*.md]   (no files: every chapter in book/)

For each quiz: its question count, or `file:line: message` for its first mistake, with
the rules the build applies (course_ext/quiz/model.py), found with the export's own fence
scanner (course_ext/myst_blocks.py). Then, over all the files given:
- a page whose right answers sit in one position (as the build rejects it);
- the single-answer questions whose right option is the longest, and a page or a book
  where that is too often so (as the build rejects it);
- prompts that are near-duplicates of each other (a quiz asks for new instances, not the
  same question twice);
- where the right answer of the single-answer questions is shown, position by position;
- what the cheap strategies (model.STRATEGIES) would score.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from course_ext.components.quiz.model import (
    LONGEST_BOOK,
    Question,
    QuizError,
    as_shown,
    biased_position,
    longest_cue,
    longest_is_right,
    page_gives_away_by_length,
    parse_quiz,
    strategy_scores,
)
from course_ext.myst_blocks import directives

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
    longest, singles = 0, 0
    seen: list = []  # every single-answer question as shown, for the strategies
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
                place = f"{path}:{block.body_line + question.line - 1}"
                prompts.append((place, question.prompt))
                if longest_is_right(question):
                    print(f"{place}: the right option is the longest")
        bias = biased_position(page)
        if bias:
            print(f"{path}: the right answer is option {bias[0]} in {bias[1]} of {bias[2]}")
            failed = True
        long = page_gives_away_by_length(page)
        if long:
            print(f"{path}: the right option is the longest in {long[0]} of {long[1]}")
            failed = True
        count, total = longest_cue(page)
        longest, singles = longest + count, singles + total
        seen += as_shown(page)
        positions.update(q.right_positions[0] + 1 for q in page if q.type == "single")
    for place, other, score in near_duplicates(prompts):
        print(f"{place}: prompt repeats {other} ({score:.0%} of its words)")
        failed = True
    if singles:
        share = longest / singles
        print(
            f"right option the longest in {longest} of {singles} single-answer questions "
            f"({share:.0%}; the build allows {LONGEST_BOOK:.0%})"
        )
        failed |= share > LONGEST_BOOK
    if seen:
        scores = strategy_scores(seen)
        chance = scores.pop("chance")
        played = ", ".join(f"{name} {score:.0%}" for name, score in scores.items())
        print(f"cheap strategies: {played} (chance {chance:.0%}; at most chance + 10 points)")
    total = sum(positions.values())
    if total:
        spread = ", ".join(f"{p}: {positions[p] / total:.0%}" for p in sorted(positions))
        print(f"right answers of {total} single-answer questions, by position: {spread}")
    return 1 if failed else 0


if __name__ == "__main__":
    book = Path(__file__).resolve().parent.parent / "book"
    sys.exit(main(sys.argv[1:] or [str(p) for p in sorted(book.glob("*.md"))]))
