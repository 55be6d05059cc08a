"""The quiz's doctree nodes, its directive, its HTML and its form for other builders.

The HTML works without JavaScript: every question shows its options (or the items to put
in order) and a folded "Show the answer" block with the right answer and every
explanation (and, for a number, the explanation of each common wrong number).
`:predict:` makes a prediction box of a quiz: titled "Predict", with no score and no reset,
kept out of the landing page's progress; the script opens the folded output of the next
cell (tagged `hide-output`) once the learner has answered.

`agq-quiz.js` upgrades it: Check / Try again / Show the answer, feedback announced
through an aria-live region, a score, items moved by buttons or Alt + arrow keys, and
answers kept in localStorage. It reads its words from the quiz's `data-agq-words`
attribute (words.py). Builders other than HTML get the same content as
plain docutils nodes (`as_plain_nodes`), so a text or LaTeX build shows the questions
and their answers instead of dropping them.
"""

from __future__ import annotations

import json
import re

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging

from ..base import CourseDirective, NodeForm, escape_raw_html, escaped
from .model import (
    LONGEST_BOOK,
    Question,
    QuizError,
    biased_position,
    longest_cue,
    page_gives_away_by_length,
    parse_quiz,
)
from .words import PAGE_WORDS, WORDS, say

logger = logging.getLogger(__name__)


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


class quiz_order(nodes.General, nodes.Element):
    """The items of an `order` question, an <ol> in the order they are shown."""


class quiz_item(nodes.General, nodes.Element):
    """One item to put in order."""


class quiz_controls(nodes.General, nodes.Element):
    """Check / Try again / Show the answer, and the feedback region."""


class quiz_answer(nodes.General, nodes.Element):
    """The folded answer with every explanation (the no-JavaScript fallback)."""


class quiz_explanation(nodes.General, nodes.Element):
    """The explanation of one option (or of a numeric or order answer)."""


def spoken_math(text: str) -> str:
    """A plain-text name for an option that is only math (a label of only math has no name).

    `$\\eta = 0.01$` -> `eta = 0.01`; options with words keep their label as the name.
    """
    stripped = text.strip()
    if not (stripped.startswith("$") and stripped.endswith("$") and stripped.count("$") == 2):
        return ""
    spoken = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", stripped.strip("$"))
    spoken = re.sub(r"\\([A-Za-z]+)", r"\1", spoken)
    return " ".join(re.sub(r"[{}\\]", "", spoken).split())


class QuizDirective(CourseDirective):
    prefix = "malformed quiz"
    has_content = True
    required_arguments = 0
    optional_arguments = 0
    option_spec = {"predict": directives.flag}

    def run(self) -> list[nodes.Node]:
        try:
            questions = parse_quiz("\n".join(self.content))
        except QuizError as error:
            return self.fail(error)

        serial = self.env.new_serialno("quiz")
        quiz_id = f"quiz-{serial + 1}"
        predict = "predict" in self.options
        root = quiz(ids=[quiz_id], quiz_id=quiz_id, count=len(questions), predict=predict)
        self.set_source_info(root)
        for number, question in enumerate(questions, 1):
            root += self._question(question, f"{quiz_id}-q{number}", number)
        # For the page's checks and the landing page's progress (see setup_quiz_directive).
        page = self.env.temp_data.setdefault("course_quiz_questions", [])
        page += [(q, self.file_line(q.line), predict) for q in questions]
        return [root]

    def _blocks(self, text: str, line: int, into: nodes.Element) -> nodes.Element:
        offset = self.file_line(line)
        self.state.nested_parse(
            StringList(text.splitlines(), self.get_source_info()[0]), offset, into
        )
        escape_raw_html(into)
        return into

    def _question(self, question: Question, qid: str, number: int) -> quiz_question:
        node = quiz_question(qid=qid, kind=question.type, number=number, key=question.key)
        legend = quiz_legend()
        legend += nodes.inline("", say("number", number=number), classes=["agq-number"])
        legend.extend(self.inline(question.prompt, question.line))
        node += legend
        answer = quiz_answer()
        if question.type == "numeric":
            self._numeric(question, node, answer)
        elif question.type == "order":
            self._order(question, node, answer)
        else:
            self._choices(question, node, answer)
        node += quiz_controls(qid=qid)
        node += answer
        return node

    def _numeric(self, question: Question, node: quiz_question, answer: quiz_answer) -> None:
        node["answer"] = question.answer
        node["tolerance"] = question.tolerance
        node += quiz_numeric(qid=node["qid"])
        label = f"{question.answer:g}"
        if question.tolerance:
            label += say("within", tolerance=f"{question.tolerance:g}")
        answer += nodes.paragraph("", "", nodes.strong("", WORDS["answer"]), nodes.Text(label))
        answer += self._blocks(
            question.explanation, question.line, quiz_explanation(option="answer")
        )
        node["mistakes"] = [mistake.answer for mistake in question.mistakes]
        for index, mistake in enumerate(question.mistakes):
            explanation = quiz_explanation(option=f"mistake-{index}")
            heading = nodes.paragraph()
            heading += nodes.strong("", say("mistake", value=f"{mistake.answer:g}"))
            explanation += heading
            answer += self._blocks(mistake.explanation, mistake.line, explanation)

    def _order(self, question: Question, node: quiz_question, answer: quiz_answer) -> None:
        node["correct"] = list(range(len(question.items)))
        listing = quiz_order(qid=node["qid"])
        for index in question.shown:
            item = quiz_item(index=index)
            item.extend(self.inline(question.items[index], question.line))
            listing += item
        node += listing
        right = nodes.enumerated_list()
        for text in question.items:
            right += nodes.list_item("", nodes.paragraph("", "", *self.inline(text, question.line)))
        answer += nodes.paragraph("", "", nodes.strong("", WORDS["answer"]))
        answer += right
        answer += self._blocks(
            question.explanation, question.line, quiz_explanation(option="answer")
        )

    def _choices(self, question: Question, node: quiz_question, answer: quiz_answer) -> None:
        node["correct"] = [i for i, option in enumerate(question.options) if option.correct]
        for index in question.shown:
            option = question.options[index]
            choice = quiz_option(
                qid=node["qid"],
                index=index,
                multiple=question.type == "multiple",
                spoken=spoken_math(option.text),
            )
            choice.extend(self.inline(option.text, option.line))
            node += choice
            explanation = quiz_explanation(option=str(index), correct=option.correct)
            heading = nodes.paragraph()
            verdict = WORDS["option_right"] if option.correct else WORDS["option_wrong"]
            heading += nodes.strong("", verdict)
            heading.extend(self.inline(option.text, option.line))
            explanation += heading
            answer += self._blocks(option.explanation, option.line, explanation)


# --- HTML ---------------------------------------------------------------------------------


def quiz_title(node) -> str:
    count = node["count"]
    if node.get("predict"):
        return WORDS["predict_title"]
    return WORDS["title"] if count == 1 else say("title_count", count=count)


def visit_quiz(self, node):
    data = {"data-agq-quiz": node["quiz_id"], "data-agq-words": json.dumps(PAGE_WORDS)}
    classes = "agq-quiz agq-predict" if node.get("predict") else "agq-quiz"
    self.body.append(self.starttag(node, "div", CLASS=classes, **data))
    self.body.append(f'<p class="agq-title">{self.encode(quiz_title(node))}</p>')


def depart_quiz(self, node):
    words = escaped(self, WORDS)
    if not node.get("predict"):  # a prediction keeps no score
        self.body.append(
            '<div class="agq-summary agq-js-only">'
            '<p class="agq-score" aria-live="polite"></p>'
            f'<button type="button" class="agq-button agq-reset">{words["reset"]}</button>'
            "</div>"
        )
    self.body.append("</div>\n")


def visit_question(self, node):
    data = {
        "data-agq-type": node["kind"],
        "data-agq-question": node["qid"],
        "data-agq-key": node["key"],
    }
    if node["kind"] == "numeric":
        data["data-agq-answer"] = repr(float(node["answer"]))
        data["data-agq-tolerance"] = repr(float(node["tolerance"]))
        if node.get("mistakes"):
            data["data-agq-mistakes"] = json.dumps(node["mistakes"])
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
    words = escaped(self, WORDS)
    input_id = f"{node['qid']}-value"
    self.body.append(
        '<div class="agq-numeric">'
        f'<label for="{input_id}">{words["your_answer"]}</label> '
        f'<input type="text" inputmode="decimal" autocomplete="off" id="{input_id}" '
        f'name="{node["qid"]}"></div>\n'
    )
    raise nodes.SkipNode


def visit_order(self, node):
    words = escaped(self, WORDS)
    help_id = f"{node['qid']}-help"
    self.body.append(
        f'<p class="agq-order-help agq-js-only" id="{help_id}">{words["order_help"]}</p>'
        + self.starttag(node, "ol", CLASS="agq-order", **{"aria-describedby": help_id})
    )


def depart_order(self, node):
    self.body.append("</ol>\n")


def visit_item(self, node):
    data = {"data-agq-item": node["index"]}
    self.body.append(
        self.starttag(node, "li", CLASS="agq-item", **data) + '<span class="agq-item-text">'
    )


def depart_item(self, node):
    self.body.append("</span></li>\n")


def visit_controls(self, node):
    words = escaped(self, WORDS)
    self.body.append(
        '<div class="agq-controls agq-js-only">'
        f'<button type="button" class="agq-button agq-check">{words["check"]}</button>'
        f'<button type="button" class="agq-button agq-retry" hidden>{words["retry"]}</button>'
        '<button type="button" class="agq-button agq-reveal" hidden>'
        f"{words['show_answer']}</button>"
        "</div>"
        '<div class="agq-feedback" role="status" aria-live="polite" tabindex="-1"></div>\n'
    )
    raise nodes.SkipNode


def visit_answer(self, node):
    words = escaped(self, WORDS)
    self.body.append(
        f'<details class="agq-answer"><summary>{words["show_answer"]}</summary>'
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


# --- every other builder ------------------------------------------------------------------


def as_plain_nodes(node: quiz) -> nodes.Element:
    """The quiz in standard docutils nodes: each prompt, its options or items, its answer."""
    box = nodes.container(classes=["agq-quiz"])
    box += nodes.rubric("", quiz_title(node))
    for question in node.findall(quiz_question):
        legend = question.next_node(quiz_legend)
        box += nodes.paragraph("", "", *[child.deepcopy() for child in legend.children])
        choices = nodes.bullet_list()
        for part in question.children:
            if isinstance(part, quiz_option):
                choices += nodes.list_item("", nodes.paragraph("", "", *part.deepcopy().children))
            elif isinstance(part, quiz_order):
                for item in part.children:
                    choices += nodes.list_item(
                        "", nodes.paragraph("", "", *item.deepcopy().children)
                    )
        if len(choices):
            box += choices
        answer = question.next_node(quiz_answer)
        block = nodes.block_quote()
        for part in answer.children:
            block.extend(
                [child.deepcopy() for child in part.children]
                if isinstance(part, quiz_explanation)
                else [part.deepcopy()]
            )
        box += block
    return box


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    """Stop a page whose right answers give themselves away (one position, or the longest
    option, too often); remember its questions' keys and its count of longest options."""
    env = app.env
    entries = env.temp_data.pop("course_quiz_questions", [])
    # With the keys other components count as questions (a stepper's predictions).
    others = env.temp_data.pop("course_progress_keys", [])
    keys = [q.key for q, _, predict in entries if not predict] + others
    if keys:
        env.course_quiz_keys[env.docname] = keys
    if not entries:
        return
    questions = [question for question, _, _ in entries]
    env.course_quiz_cues[env.docname] = longest_cue(questions)
    first_line = min(line for _, line, _ in entries)
    bias = biased_position(questions)
    if bias:
        position, count, total = bias
        logger.warning(
            f"quiz: the right answer is option {position} in {count} of the page's {total} "
            "single-answer questions, which gives it away: reword one, or pin its order "
            "with `shuffle: false` and move its right option",
            location=(env.docname, first_line),
            type="quiz",
            subtype="position",
        )
    long = page_gives_away_by_length(questions)
    if long:
        count, total = long
        logger.warning(
            f"quiz: the right option is the longest in {count} of the page's {total} "
            "single-answer questions, which gives it away: make the wrong options as "
            "specific as the right one (tools/check_quizzes.py lists them)",
            location=(env.docname, first_line),
            type="quiz",
            subtype="length",
        )


def check_book(app: Sphinx, env) -> None:
    """Stop a book whose right options are the longest too often, over all its pages."""
    cues = getattr(env, "course_quiz_cues", {})
    count = sum(longest for longest, _ in cues.values())
    total = sum(singles for _, singles in cues.values())
    if total and count > LONGEST_BOOK * total:
        worst = max(cues, key=lambda d: (cues[d][0] / max(cues[d][1], 1), d))
        logger.warning(
            f"quiz: the right option is the longest in {count} of the book's {total} "
            f"single-answer questions (at most {LONGEST_BOOK:.0%}); the most, on this page: "
            f"{cues[worst][0]} of {cues[worst][1]}",
            location=(worst, None),
            type="quiz",
            subtype="length",
        )


# What each page's quizzes leave in the environment: their keys (for the landing page's
# progress) and their count of longest right options (for the book's check).
PER_PAGE = ("course_quiz_keys", "course_quiz_cues")


def _init_keys(app: Sphinx) -> None:
    for name in PER_PAGE:
        if not hasattr(app.env, name):
            setattr(app.env, name, {})


def _purge_keys(app: Sphinx, env, docname: str) -> None:
    for name in PER_PAGE:
        getattr(env, name, {}).pop(docname, None)


def _merge_keys(app: Sphinx, env, docnames, other) -> None:
    for name in PER_PAGE:
        mine, theirs = getattr(env, name), getattr(other, name, {})
        mine.update({d: value for d, value in theirs.items() if d in docnames})


NODES = (
    NodeForm(quiz, (visit_quiz, depart_quiz), plain=as_plain_nodes),
    *(
        NodeForm(node_class, visitors)
        for node_class, visitors in {
            quiz_question: (visit_question, depart_question),
            quiz_legend: (visit_legend, depart_legend),
            quiz_option: (visit_option, depart_option),
            quiz_numeric: (visit_numeric, None),
            quiz_order: (visit_order, depart_order),
            quiz_item: (visit_item, depart_item),
            quiz_controls: (visit_controls, None),
            quiz_answer: (visit_answer, depart_answer),
            quiz_explanation: (visit_explanation, depart_explanation),
        }.items()
    ),
)


def connect_quiz_hooks(app: Sphinx) -> None:
    """The page's checks and the book's, and the question keys kept for the progress."""
    app.connect("builder-inited", _init_keys)
    app.connect("env-purge-doc", _purge_keys)
    app.connect("env-merge-info", _merge_keys)
    app.connect("doctree-read", check_page)
    app.connect("env-check-consistency", check_book)
