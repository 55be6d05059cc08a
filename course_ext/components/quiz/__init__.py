"""The `quiz` directive: graded questions in YAML, rendered as native form controls.

Why our own: jupyterquiz has no YAML, inlines its script in every output and gives
no aria-live feedback; sphinx-exercise has no graded questions.

    ```{quiz}
    - type: single
      prompt: ...
      options: [{text: ..., explanation: ...}, ...]
      correct: 2
    ```

Everything the quiz is lives here: `model.py` parses and validates the YAML (also for
tools/check_quizzes.py), `directive.py` makes the doctree, the HTML and the form for other
builders, `notebook.py` the Colab notebook's form, `progress.py` the landing page's count
of answers (`{quiz-progress}`), `words.py` every word the learner reads;
`static/agq-quiz.js` and `agq-quiz.css` are its script and style. A new question type
touches these files (and the tests) only. The records at the end declare the quiz and the
progress box to the build (components/base.py).
"""

from __future__ import annotations

from ..base import Component, NodeForm
from .directive import NODES, QuizDirective, connect_quiz_hooks, quiz
from .notebook import HELPER, answers_helper, quiz_markdown
from .progress import (
    QuizProgressDirective,
    as_plain_nodes,
    connect_progress_hooks,
    quiz_progress,
    visit_progress,
)

QUIZ = Component(
    name="quiz",
    directives={"quiz": QuizDirective},
    nodes=NODES,
    assets=("agq-quiz.css", "agq-quiz.js"),
    used_by=(quiz, quiz_progress),  # the progress box is counted by the same script
    notebook_forms={"quiz": lambda block, site: quiz_markdown("\n".join(block.body))},
    helpers={HELPER: answers_helper()},
    setup=connect_quiz_hooks,
)
PROGRESS = Component(
    name="quiz-progress",
    directives={"quiz-progress": QuizProgressDirective},
    nodes=(NodeForm(quiz_progress, (visit_progress, None), plain=as_plain_nodes),),
    setup=connect_progress_hooks,
)
RECORDS = (QUIZ, PROGRESS)
