"""Quizzes on the real built site, in headless Chromium: by mouse, by keyboard, without JS."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect
from support.course import LESSONS
from support.site import built_page

pytestmark = pytest.mark.slow
PAGE = (
    "book/why_autodiff.html"  # its quiz: single, numeric (2.5 ± 0.001), numeric, multiple, single
)
# Question 1's right option (its label holds typeset math), and the start of a wrong one.
RIGHT_OPTION = re.compile(r"^It raises .* by 0\.4, because")


def question(page, number: int):
    return page.locator(".agq-question").nth(number - 1)


def feedback(page, number: int):
    return question(page, number).locator(".agq-feedback")


@pytest.mark.parametrize("chapter", LESSONS)
def test_every_lesson_ends_with_a_quiz_of_four_to_eight_questions(site, chapter):
    soup = built_page(site, f"book/{chapter}.html")
    quizzes = soup.select(".agq-quiz")
    assert quizzes, f"{chapter}: no quiz"
    # A lesson may ask a question along the way; the one that ends it has 4 to 8.
    count = len(quizzes[-1].select("fieldset.agq-question"))
    assert 4 <= count <= 8, f"{chapter}: {count} questions"


def test_wrong_then_right_answer_with_explanations(open_page):
    page, record = open_page(PAGE)
    first = question(page, 1)
    first.get_by_label("It lowers").check()
    first.get_by_role("button", name="Check").click()
    expect(feedback(page, 1)).to_contain_text("✗ Not quite.")
    expect(feedback(page, 1)).to_contain_text("is about the loss, not the parameter")
    expect(feedback(page, 1)).to_have_attribute("aria-live", "polite")
    expect(first.locator(".agq-picked-wrong .agq-mark")).to_have_text("✗ wrong")

    first.get_by_role("button", name="Try again").click()
    expect(feedback(page, 1)).to_be_empty()
    first.get_by_role("radio", name=RIGHT_OPTION).check()
    first.get_by_role("button", name="Check").click()
    expect(feedback(page, 1)).to_contain_text("✓ Correct.")
    expect(feedback(page, 1)).to_contain_text("A negative derivative means")
    expect(page.locator(".agq-score")).to_have_text("1 of 5 correct (4 still to answer)")
    assert not any(record.values()), record


def test_show_the_answer_after_a_wrong_try(open_page):
    page, _ = open_page(PAGE)
    fourth = question(page, 4)  # three of its five functions are flat at 0
    right = json.loads(fourth.get_attribute("data-agq-correct"))
    fourth.locator(f'input[value="{right[0]}"]').check()  # one right, two missing
    fourth.get_by_role("button", name="Check").click()
    expect(feedback(page, 4)).to_contain_text("another answer is right too")
    fourth.get_by_role("button", name="Show the answer").click()
    expect(feedback(page, 4)).to_contain_text("The answer is shown below.")
    expect(fourth.locator(".agq-was-correct")).to_have_count(len(right) - 1)  # not picked
    expect(page.locator(".agq-score")).to_contain_text("0 of 5 correct")


@pytest.mark.parametrize(
    ("typed", "verdict"),
    [
        ("2.5", "✓ Correct."),
        ("2.5009", "✓ Correct."),
        ("2,5", "✓ Correct."),
        ("2.502", "✗ Not quite"),
        ("-2.5", "✗ Not quite"),
        ("two", "✗ Not quite"),
    ],
)
def test_numeric_answers_use_the_tolerance(open_page, typed, verdict):
    page, _ = open_page(PAGE)
    second = question(page, 2)
    second.get_by_label("Your answer").fill(typed)
    second.get_by_role("button", name="Check").click()
    expect(feedback(page, 2)).to_contain_text(verdict)
    if verdict.startswith("✓"):
        # The explanation, with its math typeset when the site was built.
        expect(feedback(page, 2).locator(".katex")).to_have_count(3)
        expect(feedback(page, 2)).to_contain_text("=2.5")


def test_answers_survive_a_reload_until_reset(open_page):
    page, _ = open_page(PAGE)
    question(page, 2).get_by_label("Your answer").fill("2.5")
    question(page, 2).get_by_role("button", name="Check").click()
    question(page, 5).get_by_label("Exactly 0 again").check()
    question(page, 5).get_by_role("button", name="Check").click()
    expect(page.locator(".agq-score")).to_have_text("1 of 5 correct (3 still to answer)")

    page.reload(wait_until="networkidle")
    expect(question(page, 2).get_by_label("Your answer")).to_have_value("2.5")
    expect(feedback(page, 2)).to_contain_text("✓ Correct.")
    expect(question(page, 5).get_by_label("Exactly 0 again")).to_be_checked()
    expect(feedback(page, 5)).to_contain_text("✗ Not quite.")
    expect(page.locator(".agq-score")).to_have_text("1 of 5 correct (3 still to answer)")

    page.get_by_role("button", name="Reset this quiz").click()
    expect(page.locator(".agq-score")).to_have_text("0 of 5 correct (5 still to answer)")
    page.reload(wait_until="networkidle")
    expect(question(page, 2).get_by_label("Your answer")).to_have_value("")
    expect(feedback(page, 5)).to_be_empty()


def test_keyboard_only(open_page):
    page, _ = open_page(PAGE)
    correct = [str(i) for i in json.loads(question(page, 1).get_attribute("data-agq-correct"))]
    first_shown = question(page, 1).locator("input").first.get_attribute("id")
    # Reach the first option by tabbing from the element just before the quiz.
    page.locator(".agq-quiz").evaluate(
        "quiz => { const b = document.createElement('button'); b.id = 'kb-start';"
        " quiz.before(b); b.focus(); }"
    )
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == first_shown

    def choose(right: bool) -> None:
        """Arrow keys move the choice in a radio group: stop on a right or a wrong one."""
        page.keyboard.press("Space")
        while (page.evaluate("document.activeElement.value") in correct) != right:
            page.keyboard.press("ArrowDown")

    choose(right=False)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Check"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "no visible focus ring on the Check button"
    page.keyboard.press("Enter")
    expect(feedback(page, 1)).to_contain_text("✗ Not quite.")
    page.keyboard.press("Tab")  # to "Try again"
    assert page.evaluate("document.activeElement.textContent") == "Try again"
    page.keyboard.press("Enter")  # ... which puts the focus back on the first option
    choose(right=True)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(feedback(page, 1)).to_contain_text("✓ Correct.")

    question(page, 2).get_by_label("Your answer").focus()
    page.keyboard.type("2.5")
    page.keyboard.press("Enter")  # Enter in the number field checks it
    expect(feedback(page, 2)).to_contain_text("✓ Correct.")
    expect(page.locator(".agq-score")).to_have_text("2 of 5 correct (3 still to answer)")


def test_without_javascript_questions_show_with_folded_answers(open_page):
    page, record = open_page(PAGE, java_script_enabled=False)
    quiz = page.locator(".agq-quiz")
    expect(quiz.locator("fieldset legend").first).to_contain_text("Question 1.")
    expect(quiz.get_by_role("button", name="Check").first).to_be_hidden()
    answer = question(page, 1).locator("details.agq-answer")
    expect(answer).to_be_visible()
    expect(answer.locator(".agq-answer-body")).to_be_hidden()
    answer.locator("summary").click()
    expect(answer.locator(".agq-answer-body")).to_contain_text("✓ Correct: It raises")
    # Scripts show up as "csp" failures when JavaScript is off; anything else is a real failure.
    assert not [f for f in record["failed"] if not f.startswith("csp ")], record


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_quiz_has_no_serious_accessibility_violation(open_page, scheme):
    from axe_playwright_python.sync_playwright import Axe

    page, _ = open_page(PAGE, color_scheme=scheme)
    first = question(page, 1)
    first.get_by_label("It lowers").check()
    first.get_by_role("button", name="Check").click()  # include the feedback state
    results = Axe().run(page, context=".agq-quiz")
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(re.sub(r"\s+", " ", n["html"])[:80] for n in v["nodes"][:3])
        for v in serious
    )


ORDER_PAGE = "book/chain_rule.html"  # question 1 orders the slide-deck example's nodes
RIGHT_ORDER = [
    "The square node",
    "The subtraction node",
    "The exponential node",
    "The addition node",
    "The multiplication node",
    "AccumulateGrad",
]


def item_texts(question_locator) -> list[str]:
    return [t.strip() for t in question_locator.locator(".agq-item-text").all_text_contents()]


def arrange_by(question_locator, press) -> None:
    """Bubble the items into the right order, one move at a time, with `press(item, up)`."""
    for target, start in enumerate(RIGHT_ORDER):
        texts = item_texts(question_locator)
        position = next(i for i, t in enumerate(texts) if t.startswith(start))
        for _ in range(position - target):
            item = question_locator.locator(".agq-item").filter(has_text=start)
            press(item)


def test_order_question_by_pointer_announces_each_move_and_checks(open_page):
    page, record = open_page(ORDER_PAGE)
    first = question(page, 1)
    shown = item_texts(first)
    assert [s.split()[0] for s in shown] != [s.split()[0] for s in RIGHT_ORDER], shown
    first.locator(".agq-item").nth(1).locator(".agq-up").click()
    assert re.search(
        rf": now 1 of {len(RIGHT_ORDER)}\.$", first.locator(".agq-sr-only").text_content()
    )
    first.get_by_role("button", name="Check").click()
    expect(feedback(page, 1)).to_contain_text("are in their place")
    first.get_by_role("button", name="Try again").click()
    arrange_by(first, lambda item: item.locator(".agq-up").click())
    first.get_by_role("button", name="Check").click()
    expect(feedback(page, 1)).to_contain_text("✓ Correct.")
    expect(feedback(page, 1)).to_contain_text("the leaf comes last")
    # Kept in the browser: after a reload the items stay in the order the learner made.
    page.reload()
    assert [t.split(",")[0] for t in item_texts(question(page, 1))][0] == RIGHT_ORDER[0]
    assert not any(record.values()), record


def test_order_question_by_keyboard_alone(open_page):
    page, _ = open_page(ORDER_PAGE)
    first = question(page, 1)
    up = first.locator(".agq-up").first
    assert up.get_attribute("aria-label").startswith("Move up: ")

    def press(item):
        item.locator(".agq-up").focus()
        page.keyboard.press("Alt+ArrowUp")
        # Focus stays with the item that moved, so the learner can keep moving it.
        assert page.evaluate("document.activeElement.closest('.agq-item').textContent") == (
            item.text_content()
        )

    arrange_by(first, press)
    first.get_by_role("button", name="Check").focus()
    page.keyboard.press("Enter")
    expect(feedback(page, 1)).to_contain_text("✓ Correct.")


def test_order_question_without_javascript_folds_the_right_order(open_page):
    page, _ = open_page(ORDER_PAGE, java_script_enabled=False)
    first = question(page, 1)
    expect(first.locator(".agq-move")).to_have_count(0)
    answer = first.locator("details.agq-answer")
    answer.locator("summary").click()
    folded = [t.strip() for t in answer.locator("ol li").all_text_contents()]
    assert [f.split(",")[0] for f in folded] == RIGHT_ORDER


def answer_right(page, number: int) -> None:
    """Answer a single- or multiple-answer question right, as the page's data says."""
    asked = question(page, number)
    for index in json.loads(asked.get_attribute("data-agq-correct")):
        asked.locator(f'input[value="{index}"]').check()
    asked.get_by_role("button", name="Check").click()
    expect(asked.locator(".agq-feedback")).to_contain_text("✓ Correct.")


def progress_of(page, title: str) -> str:
    return (
        page.locator(".agq-progress li")
        .filter(has_text=title)
        .locator(".agq-progress-count")
        .inner_text()
    )


def test_the_landing_page_counts_answers_of_two_quizzes_and_forgets_them(open_page, browser):
    page, record = open_page("book/why_autodiff.html")
    answer_right(page, 1)
    page.goto(page.url.replace("why_autodiff", "autograd_mechanics"))
    first_choice = page.locator('.agq-question:not([data-agq-type="numeric"])').first
    number = int(first_choice.get_attribute("data-agq-question").rsplit("q", 1)[1])
    answer_right(page, number)
    page.goto(page.url.replace("autograd_mechanics", "intro"))
    expect(page.locator(".agq-progress-status")).to_contain_text("2 of ")
    assert progress_of(page, "Why automatic differentiation").startswith("1 of ")
    assert progress_of(page, "Autograd mechanics").startswith("1 of ")
    assert progress_of(page, "Gradient descent").startswith("0 of ")
    page.get_by_role("button", name="Forget my answers").click()
    expect(page.locator(".agq-progress-status")).to_have_text("Your answers are forgotten.")
    assert progress_of(page, "Why automatic differentiation").startswith("0 of ")
    page.goto(page.url.replace("intro", "why_autodiff"))
    expect(feedback(page, 1)).to_be_empty()  # the lesson forgot it too
    assert not any(record.values()), record


def test_without_javascript_the_landing_page_lists_each_lessons_questions(open_page):
    page, _ = open_page("book/intro.html", java_script_enabled=False)
    rows = page.locator(".agq-progress li")
    assert rows.count() >= 11
    assert re.fullmatch(r"\d+ questions", progress_of(page, "Why automatic differentiation"))
    expect(page.get_by_role("button", name="Forget my answers")).to_be_hidden()


def test_each_quiz_on_a_page_speaks_its_own_words(browser, base_url, site):
    """A quiz's feedback comes from its own data-agq-words, not from another quiz's: the
    first of the lecture's two quizzes is served with its own word for a right answer."""
    url = f"{base_url}/book/lecture.html"
    html = (site / "book" / "lecture.html").read_text(encoding="utf-8")
    word = "&quot;correct&quot;: &quot;\\u2713 Correct.&quot;"
    assert html.count(word) == 2, "the lecture's two quizzes no longer say it so"
    html = html.replace(word, word.replace("Correct.", "Spot on."), 1)

    def route(r):
        if r.request.url.split("?")[0] == url:
            return r.fulfill(body=html, content_type="text/html")
        return r.continue_() if r.request.url.startswith(base_url) else r.abort()

    context = browser.new_context()
    context.route("**/*", route)
    page = context.new_page()
    page.goto(url)
    expect(page.locator(".agq-quiz.agq-ready")).to_have_count(2)
    quizzes = page.locator(".agq-quiz").all()
    # The first quiz is set up first: a word shared by the page would be the second's.
    for quiz, verdict in zip(quizzes, ["Spot on.", "Correct."], strict=True):
        asked = quiz.locator('.agq-question[data-agq-type="single"]').first
        for index in json.loads(asked.get_attribute("data-agq-correct")):
            asked.locator(f'input[value="{index}"]').check()
        asked.get_by_role("button", name="Check").click()
        expect(asked.locator(".agq-verdict")).to_have_text(f"✓ {verdict}")
    context.close()


REFUSED_STORAGE = """Object.defineProperty(window, 'localStorage', {
  get() { throw new DOMException('The user refused storage', 'SecurityError'); } });"""


def test_quizzes_and_progress_work_without_errors_where_storage_is_refused(open_page):
    page, _ = open_page("book/why_autodiff.html")
    errors = []  # from any script: the theme's too (templates/layout.html)
    page.on("pageerror", lambda error: errors.append(error.stack))
    page.add_init_script(REFUSED_STORAGE)
    page.reload()
    answer_right(page, 1)
    page.goto(page.url.replace("why_autodiff", "intro"))
    expect(page.locator(".agq-progress-status")).to_contain_text("keeps no answers")
    assert not errors, errors


def test_options_are_shown_shuffled_and_the_right_ones_spread_over_positions(site):
    """No position holds the right answer of more than 40 % of the single-answer questions,
    and each explanation stays with its option, whatever the shuffle did."""
    from collections import Counter

    from support.course import LESSONS

    places = Counter()
    for chapter in ["lecture", *LESSONS]:
        soup = built_page(site, f"book/{chapter}.html")
        for asked in soup.select('fieldset.agq-question[data-agq-type="single"]'):
            shown = [o["data-agq-option"] for o in asked.select(".agq-option")]
            [right] = json.loads(asked["data-agq-correct"])
            places[shown.index(str(right))] += 1
            explained = [e["data-agq-explains"] for e in asked.select(".agq-explanation")]
            assert explained == shown, f"{chapter}: explanations out of step with options"
            for option in asked.select(".agq-option"):
                label = option.label.get_text(" ", strip=True)
                why = asked.select_one(
                    f'.agq-explanation[data-agq-explains="{option["data-agq-option"]}"]'
                )
                said = why.get_text(" ", strip=True).replace("\u2019", "'")  # smart quotes
                assert label.replace("\u2019", "'") in said, (chapter, label)
    total = sum(places.values())
    assert total >= 25, places
    assert max(places.values()) <= 0.4 * total, f"right answers by position: {dict(places)}"


def first_page_with(site, html_pages, selector: str) -> str:
    found = [page for page in html_pages if built_page(site, page).select_one(selector)]
    assert found, f"no page of the book has {selector}"
    return found[0]


def test_a_common_wrong_number_gets_its_own_explanation(open_page, site, html_pages):
    path = first_page_with(site, html_pages, ".agq-question[data-agq-mistakes]")
    page, record = open_page(path)
    asked = page.locator(".agq-question[data-agq-mistakes]").first
    mistake = json.loads(asked.get_attribute("data-agq-mistakes"))[0]
    asked.get_by_label("Your answer").fill(f"{mistake:g}")
    asked.get_by_role("button", name="Check").click()
    said = asked.locator(".agq-feedback")
    expect(said).to_contain_text(f"{mistake:g} is not the answer")
    expect(said).to_contain_text(f"A common wrong answer, {mistake:g}:")
    # Another wrong number gets the verdict alone.
    asked.get_by_role("button", name="Try again").click()
    asked.get_by_label("Your answer").fill(f"{mistake + 1234.5:g}")
    asked.get_by_role("button", name="Check").click()
    expect(said).not_to_contain_text("A common wrong answer")
    assert not any(record.values()), record


def test_a_prediction_keeps_its_answer_folded_until_answered(open_page, site, html_pages):
    """The cell after a prediction has its output folded (hide-output); answering the
    prediction opens it; a prediction keeps no score."""
    path = first_page_with(site, html_pages, ".agq-predict")
    page, record = open_page(path)
    box = page.locator(".agq-predict").first
    expect(box.locator(".agq-title")).to_have_text("Predict")
    expect(box.locator(".agq-score, .agq-reset")).to_have_count(0)
    output = box.locator("xpath=following-sibling::div[contains(@class,'cell')][1]")
    folded = output.locator("details.hide.below-input")
    expect(folded).not_to_have_attribute("open", "")
    asked = box.locator(".agq-question").first
    if asked.get_attribute("data-agq-type") == "numeric":
        asked.get_by_label("Your answer").fill(asked.get_attribute("data-agq-answer"))
    else:
        right = json.loads(asked.get_attribute("data-agq-correct"))[0]
        asked.locator(f'.agq-option[data-agq-option="{right}"] input').check()
    asked.get_by_role("button", name="Check").click()
    expect(asked.locator(".agq-feedback")).to_contain_text("✓ Correct.")
    expect(folded).to_have_attribute("open", "")
    assert not any(record.values()), record
