"""Every backprop stepper of the site, in Chromium: stepped through by pointer and by keyboard,
each step showing the recorded numbers, the end agreeing with what the page's cells printed."""

from __future__ import annotations

import ast
import json
import re

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from course_ext.components.stepper.directive import entries  # a node's, row by row

pytestmark = pytest.mark.slow

# Each stepper of the lessons, and where its page prints the same gradients (from its cells).
STEPPERS = {
    ("book/autograd_basics.html", "a = x + y; z = a * w"): (
        r"dz/dx = (?P<x>\S+), dz/dy = (?P<y>\S+), dz/dw = (?P<w>\S+)\n"
    ),
    ("book/chain_rule.html", "g = x ** 2 + 1; f = g ** 3"): r"would store (?P<x>\S+) in x\.grad",
    ("book/chain_rule.html", "h = x ** 2 * (3 * x)"): r"path through b: \S+, sum: (?P<x>\S+)\n",
    ("book/chain_rule.html", "z = w * x_in + b; y = exp(z); r = y - y_target; l = r ** 2"): (
        r"at the stepper's values: dl/dw = (?P<w>\S+), dl/db = (?P<b>\S+)\n"
    ),
    ("book/gradients_by_shape.html", "M = X @ W; H = M + b; L = sum(H ** 2)"): (
        r"b\.grad: (?P<b>\[[^\]]*\]) .*\nW\.grad: (?P<W>\[\[.*?\]\]) ="
    ),
}


def expect_gradient_shown(box, node: dict) -> None:
    """A number's node says "grad 4"; a tensor's shows a table, an entry per <tspan>."""
    if node["grad"].startswith("["):
        cells = [format(value, ".6g") for value in node["entries"]]
        expect(box.locator(".agb-grad tspan")).to_have_text(cells)
    else:
        expect(box.locator(".agb-grad")).to_have_text(f"grad {node['grad']}")


def steppers_on(site, page: str) -> dict[str, dict]:
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    found = {}
    for figure in soup.select("figure.agb-stepper"):
        title = figure.select_one("svg title").get_text()
        found[title.removeprefix("The graph PyTorch recorded for ")] = json.loads(
            figure["data-agb-steps"]
        )
    return found


def words_of(figure, data: dict, step: int) -> str:
    """What the stepper says at a step (from 1): a forward step's sentence, or the text of
    the backward step's item in the page's list, whose typeset math the narration copies."""
    if step <= len(data["forward"]):
        return data["forward"][step - 1]["say"]
    return figure.locator(".agb-steps li").nth(step - 1 - len(data["forward"])).text_content()


def test_the_lessons_have_these_steppers_and_no_other(site):
    pages = sorted({page for page, _ in STEPPERS})
    found = {(page, expression) for page in pages for expression in steppers_on(site, page)}
    assert found == set(STEPPERS)
    others = [
        p.name
        for p in (site / "book").glob("*.html")
        if f"book/{p.name}" not in pages and "agb-stepper" in p.read_text(encoding="utf-8")
    ]
    assert not others, f"steppers the test does not know: {others}"


@pytest.mark.parametrize(("page", "expression"), list(STEPPERS))
def test_stepping_through_shows_each_recorded_step_and_ends_on_the_pages_results(
    site, open_page, page, expression
):
    data = steppers_on(site, page)[expression]
    steps = data["forward"] + data["backward"]
    printed = "\n".join(
        o.get_text()
        for o in BeautifulSoup((site / page).read_text("utf-8"), "html.parser").select(
            ".cell_output"
        )
    )
    expected = re.search(STEPPERS[(page, expression)], printed).groupdict()

    browser_page, record = open_page(page)
    figure = browser_page.locator("figure.agb-stepper").filter(
        has=browser_page.locator(
            f'svg title:text-is("The graph PyTorch recorded for {expression}")'
        )
    )
    say = figure.locator(".agb-say")
    expect(figure.locator(".agb-counter")).to_have_text(f"Step 0 of {len(steps)}")
    for number, step in enumerate(steps, 1):
        figure.get_by_role("button", name="Next step").click()
        expect(say).to_have_text(words_of(figure, data, number))  # the live region narrates
        current = figure.locator(f'.agb-node[data-agb-node="{step["node"]}"]')
        expect(current).to_have_class(re.compile(r"\bagb-current\b"))
        expect(figure.locator(".agb-counter")).to_have_text(f"Step {number} of {len(steps)}")
        if step in data["forward"]:
            expect(current.locator(".agb-grad")).to_be_hidden()
        else:
            expect_gradient_shown(current, data["nodes"][step["node"]])
    # At the end, each input's gradient is the one the page's own cells printed.
    for node_id, node in data["nodes"].items():
        if node["fn"] == "AccumulateGrad":
            # Two computations (the build's PyTorch, the page's kernel), each printed to six
            # digits: they agree at that precision, not necessarily in the last digit.
            printed = entries(ast.literal_eval(expected[node["name"]]))
            assert len(node["entries"]) == len(printed), node["name"]
            for shown, page_value in zip(node["entries"], printed, strict=True):
                assert abs(shown - page_value) <= 1e-5 * abs(page_value) + 1e-12, node["name"]
            expect_gradient_shown(figure.locator(f'.agb-node[data-agb-node="{node_id}"]'), node)
    figure.get_by_role("button", name="Reset").click()
    expect(figure.locator(".agb-counter")).to_have_text(f"Step 0 of {len(steps)}")
    assert not any(record.values()), record


def test_keyboard_alone_steps_back_and_forth_and_opens_a_node(open_page, site):
    page, _ = open_page("book/autograd_basics.html")
    figure = page.locator("figure.agb-stepper")
    data = steppers_on(site, "book/autograd_basics.html")["a = x + y; z = a * w"]
    figure.get_by_role("button", name="Reset").focus()
    for _ in range(3):  # Reset, Previous step, Play, then Next step
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Next step"
    for _ in range(len(data["forward"]) + 1):
        page.keyboard.press("Enter")
    forward = len(data["forward"])
    expect(figure.locator(".agb-say")).to_have_text(words_of(figure, data, forward + 1))
    page.keyboard.press("ArrowLeft")  # the arrow keys step too
    expect(figure.locator(".agb-say")).to_have_text(words_of(figure, data, forward))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(figure.locator(".agb-say")).to_have_text(words_of(figure, data, forward + 2))
    # Tab on to a node of the graph: Enter says what it is and what it saved for backward.
    mul = next(i for i, n in data["nodes"].items() if n["fn"] == "MulBackward0")
    figure.locator(f'.agb-node[data-agb-node="{mul}"]').focus()
    page.keyboard.press("Enter")
    expect(figure.locator(".agb-details")).to_contain_text("MulBackward0 for z")
    expect(figure.locator(".agb-details")).to_contain_text(
        "Saved for backward: other = 4, self = 5"
    )
    # Once the node has passed its gradients on, it also says its rules, with the numbers,
    # typeset (the TeX KaTeX read is in each formula's annotation).
    expect(figure.locator(".agb-details")).to_contain_text("Local derivatives:")
    rules = [r"\partial z/\partial a = w = 4", r"\partial z/\partial w = a = 5"]
    expect(figure.locator(".agb-details .agb-rule annotation")).to_have_text(rules)
    figure.get_by_role("button", name="Reset").click()
    figure.locator(f'.agb-node[data-agb-node="{mul}"]').focus()
    page.keyboard.press("Enter")
    expect(figure.locator(".agb-details")).to_contain_text("MulBackward0 for z: value ?")
    expect(figure.locator(".agb-details")).not_to_contain_text("Local derivatives")


def test_play_runs_to_the_end_and_the_slider_jumps(open_page, site):
    page, _ = open_page("book/chain_rule.html")
    figure = page.locator("figure.agb-stepper").first
    total = int(figure.locator(".agb-slider").get_attribute("max"))
    figure.locator(".agb-slider").fill(str(total - 1))
    expect(figure.locator(".agb-counter")).to_have_text(f"Step {total - 1} of {total}")
    figure.get_by_role("button", name="Play").click()
    expect(figure.locator(".agb-counter")).to_have_text(f"Step {total} of {total}", timeout=10_000)
    expect(figure.get_by_role("button", name="Play")).to_be_visible(timeout=10_000)


def test_without_javascript_the_whole_graph_and_the_steps_are_there(open_page, site):
    page, _ = open_page("book/autograd_basics.html", java_script_enabled=False)
    figure = page.locator("figure.agb-stepper")
    data = steppers_on(site, "book/autograd_basics.html")["a = x + y; z = a * w"]
    for node_id, node in data["nodes"].items():
        box = figure.locator(f'.agb-node[data-agb-node="{node_id}"]')
        expect(box.locator(".agb-value")).to_have_text(f"value {node['value']}")
        expect(box.locator(".agb-grad")).to_have_text(f"grad {node['grad']}")
    steps = figure.locator("details.agb-steps li")
    expect(steps).to_have_count(len(data["backward"]))
    expect(steps.first).to_be_visible()  # open: nothing to press
    expect(figure.get_by_role("button", name="Next step")).to_be_hidden()


def test_predict_mode_by_keyboard_checks_explains_and_counts_in_the_progress(open_page, site):
    """Keyboard only: turn predict mode on, step to the first prediction, answer it wrong
    (the rule with its numbers), then right; the landing page counts the right one."""
    page, record = open_page("book/chain_rule.html")
    expression = "h = x ** 2 * (3 * x)"
    data = steppers_on(site, "book/chain_rule.html")[expression]
    figure = page.locator("figure.agb-stepper").filter(
        has=page.locator(f'svg title:text-is("The graph PyTorch recorded for {expression}")')
    )
    predict = figure.get_by_role("button", name="Predict the gradients")
    predict.focus()
    page.keyboard.press("Enter")
    expect(predict).to_have_attribute("aria-pressed", "true")
    figure.get_by_role("button", name="Next step").focus()
    for _ in range(len(data["forward"]) + 1):  # the forward pass, then the seed's step
        page.keyboard.press("Enter")
    expect(figure.locator(".agb-guess")).to_be_hidden()
    page.keyboard.press("Enter")  # the next step needs a prediction first: asked, not shown
    question = figure.get_by_label("Your prediction: what gradient does 3 * x receive")
    expect(question).to_be_focused()
    counter = f"Step {len(data['forward']) + 1} of {len(data['forward']) + len(data['backward'])}"
    expect(figure.locator(".agb-counter")).to_have_text(counter)
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    verdict = figure.locator(".agb-verdict")
    expect(verdict).to_contain_text("Not quite: dh/d(3 * x) = 4.")
    rule = r"\partial h/\partial (3 \cdot x) = x^{2} = 4"  # typeset: its TeX is annotated
    expect(verdict.locator(".agb-rule annotation")).to_have_text([rule])
    expect(verdict).to_contain_text("it passes")
    step = len(data["forward"]) + 2
    expect(figure.locator(".agb-say")).to_have_text(words_of(figure, data, step))  # it proceeded
    expect(figure.get_by_role("button", name="Next step")).to_be_focused()
    page.keyboard.press("Enter")
    expect(
        figure.get_by_label("Your prediction: what gradient does x ** 2 receive")
    ).to_be_focused()
    page.keyboard.type("6.0")
    page.keyboard.press("Enter")
    expect(verdict).to_have_text("Right: dh/d(x ** 2) = 6.")
    expect(figure.locator(".agb-score")).to_have_text("Predicted right (to about 1 %): 1 of 3.")
    page.goto(page.url.replace("chain_rule", "intro"))
    row = page.locator(".agq-progress li").filter(has_text="The chain rule and backpropagation")
    keys = json.loads(row.get_attribute("data-agq-keys"))
    predictions = [key for key in keys if key.startswith("stepper:")]
    steppers = steppers_on(site, "book/chain_rule.html").values()
    assert len(predictions) == sum(len(s["backward"]) - 1 for s in steppers)
    expect(row.locator(".agq-progress-count")).to_have_text(f"1 of {len(keys)} answered right")
    # Back on the lesson, the stepper says what was predicted before.
    page.go_back()
    expect(figure.locator(".agb-score")).to_have_text(
        "Your predictions here so far: 1 of 3 right. Press Predict the gradients to try again."
    )
    assert not any(record.values()), record


def test_predicting_a_tensor_takes_its_entries_row_by_row(open_page, site):
    """In the layer's stepper: a table typed as numbers or as nested lists is checked entry
    by entry; too few entries are asked again; a wrong sum is explained with the sum."""
    page, record = open_page("book/gradients_by_shape.html")
    expression = "M = X @ W; H = M + b; L = sum(H ** 2)"
    data = steppers_on(site, "book/gradients_by_shape.html")[expression]
    figure = page.locator("figure.agb-stepper").filter(
        has=page.locator(f'svg title:text-is("The graph PyTorch recorded for {expression}")')
    )
    figure.get_by_role("button", name="Predict the gradients").click()
    next_step = figure.get_by_role("button", name="Next step")
    asked = [data["nodes"][step["node"]] for step in data["backward"][1:]]
    assert [node["name"] for node in asked] == ["H ** 2", "H", "b", "M", "W"]
    for _ in range(len(data["forward"]) + 2):  # the forward pass, the seed, then a question
        next_step.click()
    box, verdict = figure.get_by_role("textbox"), figure.locator(".agb-verdict")
    expect(figure.locator(".agb-question")).to_have_text(
        "Your prediction: what gradient does H ** 2 receive, dL/d(H ** 2)? "
        "Type its 6 entries row by row, such as 1, -0.5, 2, then Check."
    )
    box.fill("1 1 1 1 1 1")
    box.press("Enter")
    expect(verdict).to_have_text("Right: dL/d(H ** 2) = [[1, 1, 1], [1, 1, 1]].")
    next_step.click()
    box.fill("[[6, -1, 0], [-1, 1, -1]]")
    box.press("Enter")
    expect(verdict).to_have_text("Right: dL/dH = [[6, -1, 0], [-1, 1, -1]].")
    next_step.click()
    box.fill("5, 0")  # b has 3 entries: asked again, not judged
    box.press("Enter")
    expect(verdict).to_have_text("Type its 3 entries row by row, such as 1, -0.5, 2, then Check.")
    expect(box).to_be_visible()
    box.fill("6, -1, 0")  # one row only: the sum over the rows forgotten
    box.press("Enter")
    expect(verdict).to_contain_text("Not quite: dL/db = [5, 0, -1].")
    expect(verdict).to_contain_text("b was used in each of its rows")
    expect(figure.locator(".agb-score")).to_have_text("Predicted right (to about 1 %): 2 of 5.")
    # A node's details list the gradients it passed on, typeset: the addition's two.
    add = next(i for i, n in data["nodes"].items() if n["fn"] == "AddBackward0")
    figure.locator(f'.agb-node[data-agb-node="{add}"]').click()
    expect(figure.locator(".agb-details")).to_contain_text("The gradients it passed on:")
    expect(figure.locator(".agb-details .agb-rule")).to_have_count(2)
    assert not any(record.values()), record


@pytest.mark.parametrize(("page", "expression"), list(STEPPERS))
def test_the_notebooks_picture_carries_its_own_colours(open_page, site, page, expression):
    """Colab shows the stepper's picture as an image, where no stylesheet of the site
    reaches: boxes on white with dark text, gradients in blue, in the dark theme too."""
    html = (site / page).read_text(encoding="utf-8")
    figure = next(
        f
        for f in BeautifulSoup(html, "html.parser").select("figure.agb-stepper")
        if f.select_one("svg title").get_text().endswith(expression)
    )
    picture, _ = open_page(f"_images/{figure['id']}.svg", color_scheme="dark")
    colour = (
        "([selector, property]) => getComputedStyle(document.querySelector(selector))[property]"
    )
    assert picture.evaluate(colour, [".agb-node rect", "fill"]) == "rgb(255, 255, 255)"
    assert picture.evaluate(colour, [".agb-title", "fill"]) == "rgb(34, 40, 50)"
    assert picture.evaluate(colour, [".agb-grad", "fill"]) == "rgb(10, 88, 202)"
    assert picture.evaluate(colour, [".agb-edge", "fill"]) == "none"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lesson", ["autograd_basics", "gradients_by_shape"])  # numbers, tensors
def test_predict_mode_has_no_serious_accessibility_violation(open_page, scheme, lesson):
    """axe on a stepper in predict mode, a question open and a verdict shown, both themes."""
    from axe_playwright_python.sync_playwright import Axe

    page, _ = open_page(f"book/{lesson}.html", color_scheme=scheme)
    page.wait_for_function("['light', 'dark'].includes(document.documentElement.dataset.theme)")
    figure = page.locator("figure.agb-stepper")
    figure.get_by_role("button", name="Predict the gradients").click()
    next_step = figure.get_by_role("button", name="Next step")
    while figure.locator(".agb-guess").is_hidden():
        next_step.click()
    asked = re.search(r"Type its (\d+) entries", figure.locator(".agb-question").inner_text())
    figure.get_by_role("textbox").fill(" ".join(["1"] * int(asked[1] if asked else 1)))
    figure.get_by_role("button", name="Check").click()  # a verdict, and the score
    next_step.click()  # the next question, open
    expect(figure.locator(".agb-guess")).to_be_visible()
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    results = Axe().run(page, context=".agb-stepper")
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(f"{v['id']}: {v['help']}" for v in serious)
