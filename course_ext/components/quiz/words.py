"""Every word of a quiz that the learner reads, in one table (as sphinx-togglebutton keeps its
interface strings): the HTML visitors, the script (which receives the table as the quiz's
`data-agq-words` attribute) and the Colab notebook form all read it. `{name}` fields are
filled in where the text is used.
"""

from __future__ import annotations

WORDS = {
    # The page, without JavaScript too.
    "title": "Quiz",
    "title_count": "Quiz: {count} questions",
    "predict_title": "Predict",
    "number": "Question {number}. ",
    "your_answer": "Your answer",
    "show_answer": "Show the answer",
    "answer": "Answer: ",
    "within": " (within ±{tolerance})",
    "mistake": "A common wrong answer, {value}: ",
    "option_right": "✓ Correct: ",
    "option_wrong": "✗ Incorrect: ",
    "check": "Check",
    "retry": "Try again",
    "reset": "Reset this quiz",
    # What the script says after Check, Try again, Show the answer.
    "correct": "✓ Correct.",
    "wrong": "✗ Not quite.",
    "wrong_number": "✗ Not quite: {value} is not the answer.",
    "wrong_order": "✗ Not quite: {right} of {total} are in their place.",
    "empty": "(empty)",
    "revealed": "The answer is shown below.",
    "partly_right": "What you chose is right, but another answer is right too.",
    "type_a_number": "Type a number, for example 12.5 or -3.",
    "choose_first": "Choose an answer first.",
    "number_first": "Type a number first.",
    "mark_right": "✓ right",
    "mark_wrong": "✗ wrong",
    "mark_answer": "✓ correct answer",
    "score": "{right} of {total} correct",
    "still_to_answer": " ({left} still to answer)",
    # Putting items in order.
    "order_help": "Move the items with their buttons (or Alt + arrow keys) into the right order.",
    "move_up": "Move up: {item}",
    "move_down": "Move down: {item}",
    "moved": "{item}: now {position} of {total}.",
    # The landing page's progress ({quiz-progress}).
    "progress_questions": "{total} questions",
    "progress_lesson": "{right} of {total} answered right",
    "progress_total": "{right} of {total} questions answered right, kept in this browser only.",
    "progress_unkept": "This browser keeps no answers (its storage is off): no progress to show.",
    "progress_forgotten": "Your answers are forgotten.",
    "progress_reset": "Forget my answers",
    # The Colab notebook.
    "kind_single": "one answer",
    "kind_multiple": "one or more answers",
    "kind_numeric": "a number",
    "kind_order": "put them in order",
    "notebook_question": "**Question {number}** ({kind}). {prompt}",
    "notebook_right": "✓ correct",
    "notebook_wrong": "✗ incorrect",
    "notebook_order": "The right order:",
    "notebook_answer": "Question {number}: write your answer ({how}), then run this cell.",
    "notebook_how_single": "one letter, as listed above",
    "notebook_how_multiple": 'every right letter, e.g. "ac"',
    "notebook_how_numeric": "a number",
    "notebook_how_order": 'the letters in the right order, e.g. "cab"',
    "notebook_helper": "How the quiz answers back (double-click to see the code)",
    "notebook_data": "The answers of this quiz (double-click to see them)",
    "notebook_no_such_option": "Answer with the letters of the options: {options}.",
    "notebook_one_letter": "One letter: this question has one right answer.",
}


# What the page's script reads (data-agq-words): not the notebook's own words.
PAGE_WORDS = {k: v for k, v in WORDS.items() if not k.startswith(("notebook_", "kind_"))}


def say(key: str, **values) -> str:
    return WORDS[key].format(**values)
