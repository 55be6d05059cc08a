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
touches these files (and the tests) only.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from ..notebook_export import register_notebook_form
from .directive import setup_quiz_directive
from .notebook import quiz_markdown
from .progress import setup_quiz_progress


def setup_quiz(app: Sphinx) -> None:
    setup_quiz_directive(app)
    setup_quiz_progress(app)


register_notebook_form("quiz", lambda block, site: quiz_markdown("\n".join(block.body)))
