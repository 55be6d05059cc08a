"""The `quiz` directive: graded questions in YAML, rendered as native form controls.

Why our own: jupyterquiz has no YAML, inlines its script in every output and gives
no aria-live feedback; sphinx-exercise has no graded questions (see DESIGN.md).

    ```{quiz}
    - type: single
      prompt: ...
      options: [{text: ..., explanation: ...}, ...]
      correct: 2
    ```

The HTML works without JavaScript: every question shows its options and a folded
"Show the answer" block with the right answer and every explanation. `quiz.js`
upgrades it: Check / Try again / Show the answer buttons, feedback announced
through an aria-live region, a score, and answers kept in localStorage.
Prompts, options and explanations are MyST markdown (code, math); raw HTML in
them is shown as text, never injected into the page.
"""

from __future__ import annotations

import json
import re

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from .html_nodes import add_html_nodes, escape_raw_html, load_assets_where_used
from .quiz_schema import Question, QuizError, parse_quiz


class quiz(nodes.General, nodes.Element):
    """The whole quiz: questions, then the score and the reset button."""


class quiz_question(nodes.General, nodes.Element):
    """One question, a <fieldset>."""


class quiz_legend(nodes.General, nodes.TextElement):
    """The prompt, a <legend>."""


class quiz_option(nodes.General, nodes.Element):
    """A radio button or checkbox with its label."""


class quiz_numeric(nodes.General, nodes.Element):
    """A text field for a number."""


class quiz_controls(nodes.General, nodes.Element):
    """Check / Try again / Show the answer, and the feedback region."""


class quiz_answer(nodes.General, nodes.Element):
    """The folded answer with every explanation (the no-JavaScript fallback)."""


class quiz_explanation(nodes.General, nodes.Element):
    """The explanation of one option (or of a numeric answer)."""


def spoken_math(text: str) -> str:
    """A plain-text name for an option that is only math (a label of only math has no name).

    `$\\eta = 0.01$` -> `eta = 0.01`; options with words keep their label as the name.
    """
    stripped = text.strip()
    if not (stripped.startswith("$") and stripped.endswith("$") and stripped.count("$") == 2):
        return ""
    spoken = re.sub(r"\\([A-Za-z]+)", r"\1", stripped.strip("$"))
    return " ".join(re.sub(r"[{}\\]", "", spoken).split())


class QuizDirective(SphinxDirective):
    has_content = True
    required_arguments = 0
    optional_arguments = 0

    def run(self) -> list[nodes.Node]:
        text = "\n".join(self.content)
        try:
            questions = parse_quiz(text)
        except QuizError as error:
            line = self._file_line(error.line)
            source = self.env.doc2path(self.env.docname, False)
            message = self.reporter.error(
                f"malformed quiz: {error.message}", line=line, source=str(source)
            )
            return [message]

        serial = self.env.new_serialno("quiz")
        quiz_id = f"quiz-{serial + 1}"
        root = quiz(ids=[quiz_id], quiz_id=quiz_id, count=len(questions))
        self.set_source_info(root)
        for number, question in enumerate(questions, 1):
            root += self._question(question, f"{quiz_id}-q{number}", number)
        return [root]

    def _file_line(self, yaml_line: int) -> int:
        """MyST counts content_offset from the directive's own line, not from the file's top."""
        return self.lineno + self.content_offset + yaml_line

    def _inline(self, text: str, line: int) -> list[nodes.Node]:
        parsed, messages = self.state.inline_text(text, self._file_line(line))
        container = nodes.inline("", "", *parsed)
        escape_raw_html(container)
        return [*container.children, *messages]

    def _blocks(self, text: str, line: int, into: nodes.Element) -> nodes.Element:
        offset = self._file_line(line)
        self.state.nested_parse(
            StringList(text.splitlines(), self.get_source_info()[0]), offset, into
        )
        escape_raw_html(into)
        return into

    def _question(self, question: Question, qid: str, number: int) -> quiz_question:
        node = quiz_question(qid=qid, kind=question.type, number=number)
        legend = quiz_legend()
        legend += nodes.inline("", f"Question {number}. ", classes=["agq-number"])
        legend.extend(self._inline(question.prompt, question.line))
        node += legend
        answer = quiz_answer()

        if question.type == "numeric":
            node["answer"] = question.answer
            node["tolerance"] = question.tolerance
            node += quiz_numeric(qid=qid)
            label = f"{question.answer:g}"
            if question.tolerance:
                label += f" (within ±{question.tolerance:g})"
            answer += nodes.paragraph("", "", nodes.strong("", "Answer: "), nodes.Text(label))
            answer += self._blocks(
                question.explanation, question.line, quiz_explanation(option="answer")
            )
        else:
            node["correct"] = [i for i, option in enumerate(question.options) if option.correct]
            for index, option in enumerate(question.options):
                choice = quiz_option(
                    qid=qid,
                    index=index,
                    multiple=question.type == "multiple",
                    spoken=spoken_math(option.text),
                )
                choice.extend(self._inline(option.text, option.line))
                node += choice
                explanation = quiz_explanation(option=str(index), correct=option.correct)
                heading = nodes.paragraph()
                verdict = "✓ Correct: " if option.correct else "✗ Incorrect: "
                heading += nodes.strong("", verdict)
                heading.extend(self._inline(option.text, option.line))
                explanation += heading
                answer += self._blocks(option.explanation, option.line, explanation)
        node += quiz_controls(qid=qid)
        node += answer
        return node


# --- HTML ---------------------------------------------------------------------------------


def visit_quiz(self, node):
    self.body.append(
        self.starttag(node, "div", CLASS="agq-quiz", **{"data-agq-quiz": node["quiz_id"]})
    )
    title = "Quiz" if node["count"] == 1 else f"Quiz: {node['count']} questions"
    self.body.append(f'<p class="agq-title">{self.encode(title)}</p>')


def depart_quiz(self, node):
    self.body.append(
        '<div class="agq-summary agq-js-only">'
        '<p class="agq-score" aria-live="polite"></p>'
        '<button type="button" class="agq-button agq-reset">Reset this quiz</button>'
        "</div></div>\n"
    )


def visit_question(self, node):
    data = {"data-agq-type": node["kind"], "data-agq-question": node["qid"]}
    if node["kind"] == "numeric":
        data["data-agq-answer"] = repr(float(node["answer"]))
        data["data-agq-tolerance"] = repr(float(node["tolerance"]))
    else:
        data["data-agq-correct"] = json.dumps(node["correct"])
    self.body.append(self.starttag(node, "fieldset", CLASS="agq-question", **data))


def depart_question(self, node):
    self.body.append("</fieldset>\n")


def visit_legend(self, node):
    self.body.append(self.starttag(node, "legend", "", CLASS="agq-prompt"))


def depart_legend(self, node):
    self.body.append("</legend>\n")


def visit_option(self, node):
    kind = "checkbox" if node["multiple"] else "radio"
    input_id = f"{node['qid']}-o{node['index']}"
    self.body.append(
        self.starttag(node, "div", CLASS="agq-option", **{"data-agq-option": node["index"]})
        + f'<input type="{kind}" id="{input_id}" name="{node["qid"]}" value="{node["index"]}"'
        + (f' aria-label="{self.attval(node["spoken"])}"' if node.get("spoken") else "")
        + ">"
        + f'<label for="{input_id}">'
    )


def depart_option(self, node):
    self.body.append('</label><span class="agq-mark" aria-hidden="true"></span></div>\n')


def visit_numeric(self, node):
    input_id = f"{node['qid']}-value"
    self.body.append(
        '<div class="agq-numeric">'
        f'<label for="{input_id}">Your answer</label> '
        f'<input type="text" inputmode="decimal" autocomplete="off" id="{input_id}" '
        f'name="{node["qid"]}"></div>\n'
    )
    raise nodes.SkipNode


def visit_controls(self, node):
    self.body.append(
        '<div class="agq-controls agq-js-only">'
        '<button type="button" class="agq-button agq-check">Check</button>'
        '<button type="button" class="agq-button agq-retry" hidden>Try again</button>'
        '<button type="button" class="agq-button agq-reveal" hidden>Show the answer</button>'
        "</div>"
        '<div class="agq-feedback" role="status" aria-live="polite" tabindex="-1"></div>\n'
    )
    raise nodes.SkipNode


def visit_answer(self, node):
    self.body.append(
        '<details class="agq-answer"><summary>Show the answer</summary>'
        '<div class="agq-answer-body">'
    )


def depart_answer(self, node):
    self.body.append("</div></details>\n")


def visit_explanation(self, node):
    data = {"data-agq-explains": node["option"]}
    classes = "agq-explanation" + (" agq-correct" if node.get("correct") else "")
    self.body.append(self.starttag(node, "div", CLASS=classes, **data))


def depart_explanation(self, node):
    self.body.append("</div>\n")


def setup_quiz(app: Sphinx) -> None:
    html = {
        quiz: (visit_quiz, depart_quiz),
        quiz_question: (visit_question, depart_question),
        quiz_legend: (visit_legend, depart_legend),
        quiz_option: (visit_option, depart_option),
        quiz_numeric: (visit_numeric, None),
        quiz_controls: (visit_controls, None),
        quiz_answer: (visit_answer, depart_answer),
        quiz_explanation: (visit_explanation, depart_explanation),
    }
    add_html_nodes(app, html)
    app.add_directive("quiz", QuizDirective)
    load_assets_where_used(app, quiz, "agq-quiz.css", "agq-quiz.js")
