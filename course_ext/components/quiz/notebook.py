"""The quiz in a notebook: each question with its options (or items), a cell where the
learner writes an answer and runs it to read what the page would say, and the answer
folded in <details> for a reader, all in the words of words.py.

The answer cells need no widgets (Colab's are old, and custom ones load from a CDN): they
call `QuizAnswers.check` of notebook_answers.py, which the notebook gets once, folded, and
each quiz's questions as data, in a folded cell of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

from ...notebook_export import CodeCell
from .model import Question, parse_quiz
from .words import WORDS, say

LETTERS = "abcdefghijklmnopqrstuvwxyz"
HELPER = "quiz answers"


def answers_helper() -> tuple[str, str]:
    """The code a notebook's answer cells run, once per notebook: (title, code)."""
    code = Path(__file__).with_name("notebook_answers.py").read_text(encoding="utf-8")
    return WORDS["notebook_helper"], code.strip()


def _data(questions: list[Question]) -> dict:
    """What QuizAnswers needs of each question: its right answer and every explanation, by
    the letters the notebook shows."""
    data = []
    for question in questions:
        letters = LETTERS[: len(question.shown)]
        entry: dict = {"type": question.type, "letters": letters}
        if question.type == "numeric":
            entry |= {
                "answer": question.answer,
                "tolerance": question.tolerance,
                "explanation": question.explanation,
                "mistakes": [[m.answer, m.explanation] for m in question.mistakes],
            }
        elif question.type == "order":
            place = {index: letters[shown] for shown, index in enumerate(question.shown)}
            entry |= {
                "right": [place[index] for index in range(len(question.items))],
                "explanation": question.explanation,
            }
        else:
            options = [question.options[i] for i in question.shown]
            entry |= {
                "right": [letter for letter, o in zip(letters, options, strict=True) if o.correct],
                "explanations": {
                    letter: " ".join(o.explanation.split())
                    for letter, o in zip(letters, options, strict=True)
                },
            }
        data.append(entry)
    words = {
        key: WORDS[key]
        for key in (
            "correct",
            "wrong",
            "wrong_number",
            "wrong_order",
            "partly_right",
            "type_a_number",
            "choose_first",
            "number_first",
            "notebook_no_such_option",
            "notebook_one_letter",
        )
    }
    return {"questions": data, "words": words}


def _answer_cell(question: Question, number: int) -> CodeCell:
    how = WORDS[f"notebook_how_{question.type}"]
    return CodeCell(
        f"# {say('notebook_answer', number=number, how=how)}\n"
        'answer = ""  #@param {type:"string"}\n'
        f"quiz.check({number}, answer)"
    )


def quiz_markdown(yaml_text: str) -> list[str | CodeCell]:
    questions = parse_quiz(yaml_text)
    data = json.dumps(_data(questions), ensure_ascii=False, indent=1)
    lines: list[str | CodeCell] = [
        CodeCell(f"quiz = QuizAnswers({data})", helper=HELPER, title=WORDS["notebook_data"])
    ]
    for number, question in enumerate(questions, 1):
        kind = WORDS[f"kind_{question.type}"]
        lines += [say("notebook_question", number=number, kind=kind, prompt=question.prompt), ""]
        # The order of the page: options as shuffled, items as shown.
        shown = [question.texts[i] for i in question.shown]
        lines += [f"- ({letter}) {text}" for letter, text in zip(LETTERS, shown, strict=False)]
        lines.append(_answer_cell(question, number))
        lines += [f"<details><summary>{WORDS['show_answer']}</summary>", ""]
        if question.type == "numeric":
            within = say("within", tolerance=f"{question.tolerance:g}")
            answer = f"**{WORDS['answer']}{question.answer:g}**" + (
                within if question.tolerance else ""
            )
            lines += [f"{answer}. {question.explanation}", ""]
            for mistake in question.mistakes:
                lines += [f"{say('mistake', value=f'{mistake.answer:g}')}{mistake.explanation}", ""]
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
