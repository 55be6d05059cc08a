"""The quiz directive: its schema, its HTML, and its errors (small Sphinx projects in tmp_path)."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from support.build import build_pages, build_small_project
from support.course import ROOT
from support.quiz_examples import GOOD, ORDER
from support.site import built_page

from course_ext.components.quiz.model import QuizError, parse_quiz


def test_a_good_quiz_parses():
    single, multiple, numeric = parse_quiz(GOOD)
    assert [o.correct for o in single.options] == [True, False]
    assert [o.correct for o in multiple.options] == [True, False, True]
    assert (numeric.answer, numeric.tolerance) == (6.0, 0.01)
    assert single.line == 1 and multiple.line == 9 and numeric.line == 19


def edit(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


BAD = {
    "unknown type": (edit("type: single", "type: essay"), 1, "unknown type 'essay'"),
    "no correct option": (edit("  correct: 1\n", ""), 1, "no correct option"),
    "index out of range": (
        edit("correct: [1, 3]", "correct: [1, 4]"),
        18,
        "correct option 4 is out of range",
    ),
    "index zero": (edit("correct: 1", "correct: 0"), 8, "correct option 0 is out of range"),
    "numeric without value": (edit("  answer: 6\n", ""), 19, "needs an 'answer' value"),
    "numeric value not a number": (
        edit("answer: 6", "answer: six"),
        21,
        "'answer' must be a number",
    ),
    "empty prompt": (edit("prompt: Which are floating point?", "prompt: ''"), 10, "empty 'prompt'"),
    "duplicate options": (edit("text: float64", "text: float32"), 16, "repeats option 1"),
    "unknown key": (edit("tolerance: 0.01", "tolerence: 0.01"), 22, "unknown key 'tolerence'"),
    "unknown option key": (
        edit("explanation: Yes.\n    - text: int64", "explain: Yes.\n    - text: int64"),
        13,
        "unknown key 'explain'",
    ),
    "option without explanation": (edit("      explanation: No.\n", ""), 14, "empty 'explanation'"),
    "list for a single question": (
        edit("correct: 1", "correct: [1, 2]"),
        8,
        "exactly one correct option",
    ),
    "invalid YAML": (
        edit("prompt: Which are floating point?", "prompt: [unclosed"),
        11,
        "invalid YAML",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_mistake_is_rejected_with_its_line(case):
    text, line, message = BAD[case]
    with pytest.raises(QuizError) as caught:
        parse_quiz(text)
    assert message in caught.value.message
    assert caught.value.line == line, f"reported line {caught.value.line}, expected {line}"


def test_an_empty_quiz_is_rejected():
    with pytest.raises(QuizError, match="empty or not a list"):
        parse_quiz("")


# --- the directive in a real (small) Sphinx build ------------------------------------------


def build(tmp_path, page: str):
    return build_small_project(tmp_path, page)


def page_with(quiz: str) -> str:
    return "# Page\n\nSome text.\n\n```{quiz}\n" + quiz + "```\n"


def test_the_html_uses_native_controls_and_works_without_javascript(tmp_path):
    result = build(tmp_path, page_with(GOOD))
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((tmp_path / "_build" / "index.html").read_text(), "html.parser")
    quiz = soup.select_one(".agq-quiz")
    questions = quiz.select("fieldset.agq-question")
    assert [q["data-agq-type"] for q in questions] == ["single", "multiple", "numeric"]
    assert questions[0].legend.get_text(" ", strip=True).startswith("Question 1.")
    assert len(questions[0].select("input[type=radio]")) == 2
    assert len(questions[1].select("input[type=checkbox]")) == 3
    assert questions[1]["data-agq-correct"] == "[0, 2]"
    assert questions[2]["data-agq-answer"] == "6.0" and questions[2]["data-agq-tolerance"] == "0.01"
    for question in questions:
        for field in question.select("input"):
            assert question.select_one(f"label[for='{field['id']}']"), "input without a label"
        answer = question.select_one("details.agq-answer")
        assert answer and answer.summary.get_text() == "Show the answer"
        assert question.select_one("[aria-live=polite]")
    # Shown in their shuffled order, each explanation with its option (index 0 is the right one).
    right = questions[0].select_one('.agq-explanation[data-agq-explains="0"]').get_text()
    wrong = questions[0].select_one('.agq-explanation[data-agq-explains="1"]').get_text()
    assert "✓ Correct" in right and "None" in right
    assert "✗ Incorrect" in wrong and "zeros" in wrong
    assert "agq-quiz.js" in str(soup.find_all("script")), "quiz script not loaded on the page"


def test_quiz_text_cannot_inject_html(tmp_path):
    evil = edit(
        "prompt: Which are floating point?",
        "prompt: Which <script>alert(1)</script> are <b onclick=x()>floating</b>?",
    )
    evil = evil.replace("explanation: Yes.", "explanation: <img src=x onerror=alert(2)>", 1)
    result = build(tmp_path, page_with(evil))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "_build" / "index.html").read_text()
    quiz = html[html.index('class="agq-quiz"') :]
    assert "<script>alert(1)" not in quiz and "<b onclick" not in quiz and "<img src=x" not in quiz
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in quiz


def test_a_page_without_a_quiz_does_not_load_the_quiz_script(tmp_path):
    result = build(tmp_path, "# Page\n\nNo quiz here.\n")
    assert result.returncode == 0, result.stderr
    assert "agq-quiz" not in (tmp_path / "_build" / "index.html").read_text()


BUILT_BAD = ["unknown type", "index out of range", "unknown key"]


@pytest.mark.parametrize("case", BUILT_BAD)
def test_a_malformed_quiz_stops_the_build_naming_file_and_line(built_once, case):
    pages = [page_with(BAD[name][0]) for name in BUILT_BAD]
    _, result = built_once("bad-quizzes", lambda path: build_pages(path, pages))
    assert result["returncode"] != 0
    _, line, message = BAD[case]
    # The quiz body starts on line 6 of its page, so YAML line n is file line n + 5.
    # ERROR: each case stops the build itself, not only the others of its build.
    where = rf"case{BUILT_BAD.index(case)}\.md:{line + 5}: ERROR: malformed quiz.*"
    assert re.search(where + re.escape(message), result["stderr"]), result["stderr"]


def test_the_readme_example_is_a_valid_quiz():
    from support.course import ROOT

    from course_ext.myst_blocks import directives

    example, prediction = directives((ROOT / "README.md").read_text(encoding="utf-8"), "quiz")
    questions = parse_quiz("\n".join(example.body))
    assert [q.type for q in questions] == ["single", "multiple", "numeric"]
    assert [m.answer for m in questions[2].mistakes] == [75.0]
    assert prediction.options == {"predict": ""}
    assert [q.type for q in parse_quiz("\n".join(prediction.body))] == ["numeric"]


def test_options_of_only_math_get_a_spoken_name():
    from course_ext.components.quiz.directive import spoken_math

    assert spoken_math(r"$\eta = 0.01$") == "eta = 0.01"
    assert spoken_math(r"$\frac{1}{2}$") == "1/2"
    assert spoken_math(r"$\frac{dL}{dw} = 2$") == "dL/dw = 2"
    assert spoken_math("A minimum") == "" and spoken_math("at $x = 0$") == ""


def test_an_order_question_is_never_shown_in_its_right_order_and_always_the_same_way():
    [question] = parse_quiz(ORDER)
    assert question.items == ["forward pass", "loss", "backward pass", "update"]
    assert sorted(question.shown) == [0, 1, 2, 3] and question.shown != [0, 1, 2, 3]
    assert parse_quiz(ORDER)[0].shown == question.shown  # seeded by the text, not the clock


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ("[a, b]", "needs a list of at least three 'items'"),
        ("[a, b, a]", "item 3 repeats 'a'"),
        ("[a, '', c]", "item 2 must be text"),
    ],
)
def test_bad_order_questions_name_the_mistake(items, message):
    bad = ORDER.replace("[forward pass, loss, backward pass, update]", items)
    with pytest.raises(QuizError, match=re.escape(message)):
        parse_quiz(bad)


def test_the_notebook_form_lists_the_items_as_shown_and_folds_the_right_order():
    from course_ext.components.quiz.notebook import quiz_markdown

    [question] = parse_quiz(ORDER)
    text = "\n".join(part for part in quiz_markdown(ORDER) if isinstance(part, str))
    shown = [question.items[i] for i in question.shown]
    assert "**Question 1** (put them in order). Put the steps" in text
    assert "\n".join(f"- ({c}) {t}" for c, t in zip("abcd", shown, strict=True)) in text
    folded = text.split("<details>")[1]
    assert "1. forward pass\n2. loss\n3. backward pass\n4. update" in folded


def test_builders_other_than_html_show_the_quiz_and_video_as_text(tmp_path):
    video = "```{video} Z6H3zakmn6E\n:title: T\n40 Start\n```\n"
    page = f"# A page\n\n```{{quiz}}\n{GOOD}{ORDER}```\n\n{video}"
    result = build_small_project(tmp_path, page, builder="text")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "_build" / "index.txt").read_text(encoding="utf-8")
    for expected in [
        "Quiz: 4 questions",
        'Question 1. What does "x.grad" hold',
        "✓ Correct:",
        "Nothing was computed yet.",
        "6 (within ±0.01)",
        "Question 4. Put the steps",
        "1. forward pass",
        "Watch the video on YouTube: T",
        "0:40 Start",
    ]:
        assert expected in text, (expected, text)


def test_the_book_repeats_no_prompt_and_gives_no_answer_away_by_position(capsys):
    from tools import check_quizzes

    chapters = sorted(str(p) for p in (ROOT / "book").glob("*.md"))
    assert check_quizzes.main(chapters) == 0, capsys.readouterr().out
    assert "single-answer questions, by position" in capsys.readouterr().out


def test_near_duplicate_prompts_are_found():
    from tools.check_quizzes import near_duplicates

    prompts = [
        ("a.md:3", "After `y = x**2` and `y.backward()` at x = 3, what is `x.grad`?"),
        ("b.md:9", "At x = 3, after `y = x**2` and `y.backward()`, what is `x.grad`?"),
        ("c.md:4", "What does `torch.no_grad()` change inside its block?"),
    ]
    assert [(a, b) for a, b, _ in near_duplicates(prompts)] == [("a.md:3", "b.md:9")]


def test_a_saved_answer_follows_its_question_not_its_position():
    """Answers are stored under each question's key: reorder the quiz and they follow."""
    questions = [q for q in re.split(r"(?m)^(?=- type:)", GOOD) if q]
    keys = {q.prompt: q.key for q in parse_quiz(GOOD)}
    reordered = parse_quiz("".join(reversed(questions)))
    assert {q.prompt: q.key for q in reordered} == keys
    assert len(set(keys.values())) == 3
    edited = parse_quiz(GOOD.replace("Which are floating point?", "Which are floats?"))
    assert edited[1].key != keys["Which are floating point?"]  # a new question starts afresh


PINNED = "".join(
    f"- type: single\n  prompt: Question {n}?\n  shuffle: false\n  options:\n"
    "    - {text: right, explanation: yes}\n    - {text: wrong, explanation: no}\n"
    "  correct: 1\n"
    for n in range(4)
)


def test_a_page_whose_right_answers_share_a_position_stops_the_build_at_its_line(tmp_path):
    result = build(tmp_path, page_with(PINNED))
    assert result.returncode != 0
    assert re.search(
        r"index\.md:\d+: ?(WARNING: )?quiz: the right answer is option 1 in 4 of the page's 4 "
        r"single-answer questions, which gives it away",
        result.stderr,
    ), result.stderr


def test_biased_pages_are_named():
    from course_ext.components.quiz.model import biased_position

    pinned = "".join(
        f"- type: single\n  prompt: Question {n}?\n  shuffle: false\n  options:\n"
        "    - {text: right, explanation: yes}\n    - {text: wrong, explanation: no}\n"
        "  correct: 1\n"
        for n in range(4)
    )
    assert biased_position(parse_quiz(pinned)) == (1, 4, 4)
    assert biased_position(parse_quiz(pinned)[:3]) is None  # too few to tell


# --- wording that gives the answer away ----------------------------------------------------


def single(prompt: str, right: str, wrong: list[str]) -> str:
    """A single-answer question, options as written (right first), shuffled by the build."""
    options = "".join(f"    - {{text: '{t}', explanation: why}}\n" for t in [right, *wrong])
    return f"- type: single\n  prompt: {prompt}\n  options:\n{options}  correct: 1\n"


LONGEST = "".join(
    single(f"Question {n}?", "the long and detailed right one", ["short", "brief"])
    for n in range(4)
)


def test_the_longest_option_is_measured_as_a_reader_sees_it():
    from course_ext.components.quiz.model import longest_cue, longest_is_right, visible_length

    assert visible_length("`x.grad` is $2x$") == len("x.grad is 2x")
    long, tie = parse_quiz(
        single("Q?", "a long right one", ["short"]) + single("R?", "same", ["SAME"])
    )
    assert longest_is_right(long) and not longest_is_right(tie)  # a tie gives nothing away
    assert longest_cue(parse_quiz(LONGEST)) == (4, 4)


def test_a_page_whose_right_options_are_the_longest_stops_the_build_at_its_line(tmp_path):
    result = build(tmp_path, page_with(LONGEST))
    assert result.returncode != 0
    assert re.search(
        r"index\.md:\d+: ?(WARNING: )?quiz: the right option is the longest in 4 of the "
        r"page's 4 single-answer questions",
        result.stderr,
    ), result.stderr


def test_a_book_whose_right_options_are_too_often_the_longest_stops_naming_a_page(tmp_path):
    """Each page passes (2 of 4, not more than half), the book does not (4 of 8 > 35 %)."""
    half = "".join(
        single(f"Page question {n}?", "the long and detailed right one", ["short", "brief"])
        if n < 2
        else single(f"Page question {n}?", "right", ["a long and detailed wrong one", "no"])
        for n in range(4)
    )
    (tmp_path / "other.md").write_text(page_with(half.replace("Page", "Other")))
    index = page_with(half) + "\n```{toctree}\n:hidden:\nother\n```\n"
    result = build(tmp_path, index)
    assert result.returncode != 0
    assert "right option is the longest in 4 of the book's 8 single-answer questions" in (
        result.stderr
    ), result.stderr


def test_the_cheap_strategies_are_scored_against_chance():
    from course_ext.components.quiz.model import as_shown, strategy_scores

    scores = strategy_scores(as_shown(parse_quiz(LONGEST)))
    assert scores["always the longest"] == 1.0 and scores["chance"] == pytest.approx(1 / 3)
    echo = single("Which node adds gradients?", "the node that adds gradients", ["a", "b"])
    assert strategy_scores(as_shown(parse_quiz(echo)))["the most words of the prompt"] == 1.0


def test_the_built_book_gives_no_answer_away_to_a_cheap_strategy(site, html_pages):
    """Played on the built pages, as a reader sees the questions: always the longest, the
    option sharing most words with the prompt, always the first. Each scores at most chance
    plus ten points."""
    from course_ext.components.quiz.model import strategy_scores

    shown = []
    for page in html_pages:
        soup = built_page(site, page)
        for question in soup.select("fieldset.agq-question[data-agq-type=single]"):
            prompt = question.select_one(".agq-prompt").get_text(" ", strip=True)
            labels = [o.get_text(" ", strip=True) for o in question.select(".agq-option")]
            keys = [o["data-agq-option"] for o in question.select(".agq-option")]
            right = keys.index(str(json.loads(question["data-agq-correct"])[0]))
            shown.append((prompt, labels, right))
    assert len(shown) >= 40, "the book has few single-answer questions: the test sees none?"
    scores = strategy_scores(shown)
    chance = scores.pop("chance")
    print({name: f"{score:.0%}" for name, score in scores.items()}, f"chance {chance:.0%}")
    assert all(score <= chance + 0.10 for score in scores.values()), (scores, chance)


# --- wrong numbers many give ----------------------------------------------------------------

MISTAKES = """\
- type: numeric
  prompt: "$f = (x^2 + 1)^3$ at $x = 2$: $df/dx$?"
  answer: 300
  explanation: "$3 g^2 \\\\cdot 2x$."
  mistakes:
    - {answer: 75, explanation: "That is $df/dg$ alone."}
    - {answer: 4, explanation: That is dg/dx alone.}
"""


def test_a_numeric_question_names_its_common_wrong_numbers():
    [question] = parse_quiz(MISTAKES)
    assert [(m.answer, m.line) for m in question.mistakes] == [(75.0, 6), (4.0, 7)]
    assert question.mistake_for(75.0) == 0 and question.mistake_for(76.0) is None


@pytest.mark.parametrize(
    ("mistakes", "message"),
    [
        ("    - {answer: 300, explanation: x}\n", "mistake 1: 300 is the right answer"),
        ("    - {answer: 5, explanation: x}\n    - {answer: 5, explanation: y}\n", "repeats"),
        ("    - {answer: 5}\n", "mistake 1 has an empty 'explanation'"),
        ("    - {answer: 5, explanation: x, hint: y}\n", "mistake 1: unknown key 'hint'"),
    ],
)
def test_a_malformed_mistake_names_its_line(mistakes, message):
    text = "- type: numeric\n  prompt: P?\n  answer: 300\n  explanation: E.\n  mistakes:\n"
    with pytest.raises(QuizError, match=message) as error:
        parse_quiz(text + mistakes)
    assert error.value.line >= 6


def test_a_mistake_is_in_the_page_and_in_the_folded_answer(tmp_path):
    result = build(tmp_path, page_with(MISTAKES))
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((tmp_path / "_build" / "index.html").read_text(), "html.parser")
    question = soup.select_one("fieldset.agq-question")
    assert json.loads(question["data-agq-mistakes"]) == [75.0, 4.0]
    folded = question.select_one("details.agq-answer")
    why = folded.select_one('[data-agq-explains="mistake-0"]').get_text(" ", strip=True)
    assert why.startswith("A common wrong answer, 75:") and "alone" in why


# --- predictions ----------------------------------------------------------------------------


def test_a_prediction_has_no_score_and_stays_out_of_the_progress(tmp_path):
    page = (
        "# Page\n\n```{quiz}\n:predict:\n" + MISTAKES + "```\n\n```{quiz}\n" + GOOD + "```\n\n"
        "```{quiz-progress}\n```\n"
    )
    result = build(tmp_path, page)
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((tmp_path / "_build" / "index.html").read_text(), "html.parser")
    prediction, quiz = soup.select(".agq-quiz")
    assert "agq-predict" in prediction["class"] and "agq-predict" not in quiz["class"]
    assert prediction.select_one(".agq-title").get_text() == "Predict"
    assert not prediction.select(".agq-score, .agq-reset") and quiz.select(".agq-reset")
    keys = json.loads(soup.select_one("[data-agq-keys]")["data-agq-keys"])
    assert len(keys) == 3  # the quiz's three questions, not the prediction
