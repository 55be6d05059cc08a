"""The quiz in a Colab notebook: each question with its options (or items) and its answer
folded in <details>, which Colab renders, in the words of words.py."""

from __future__ import annotations

from .model import parse_quiz
from .words import WORDS, say

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def quiz_markdown(yaml_text: str) -> list[str]:
    lines = []
    for number, question in enumerate(parse_quiz(yaml_text), 1):
        kind = WORDS[f"kind_{question.type}"]
        lines += [say("notebook_question", number=number, kind=kind, prompt=question.prompt), ""]
        # The order of the page: options as shuffled, items as shown.
        shown = [question.texts[i] for i in question.shown]
        lines += [f"- ({letter}) {text}" for letter, text in zip(LETTERS, shown, strict=False)]
        lines += ["", f"<details><summary>{WORDS['show_answer']}</summary>", ""]
        if question.type == "numeric":
            within = say("within", tolerance=f"{question.tolerance:g}")
            answer = f"**{WORDS['answer']}{question.answer:g}**" + (
                within if question.tolerance else ""
            )
            lines += [f"{answer}. {question.explanation}", ""]
        elif question.type == "order":
            lines += [f"**{WORDS['notebook_order']}**", ""]
            lines += [f"{place}. {text}" for place, text in enumerate(question.items, 1)]
            lines += ["", " ".join(question.explanation.split()), ""]
        else:
            options = [question.options[i] for i in question.shown]
            for letter, option in zip(LETTERS, options, strict=False):
                verdict = WORDS["notebook_right" if option.correct else "notebook_wrong"]
                lines.append(f"- ({letter}) {verdict}: {' '.join(option.explanation.split())}")
            lines.append("")
        lines += ["</details>", ""]
    return lines
