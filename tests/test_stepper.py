"""The backprop stepper: what it records is what PyTorch computes; bad bodies name their line."""

from __future__ import annotations

import ast
import json
import math
import re

import pytest
import torch
from bs4 import BeautifulSoup
from support.build import build_pages, build_small_project

from course_ext.components.stepper.model import (
    OPERATORS,
    StepperError,
    input_value,
    record,
    top_level_parts,
)
from course_ext.components.stepper.notebook import notebook_form
from course_ext.components.stepper.rules import RULES, TENSOR_RULES, Rule, TensorRule
from course_ext.components.stepper.words import step_texts
from course_ext.notebook_export import Site

# The four steppers of the lessons: (body, :data:), and how to compute the same with torch.
EXAMPLES = {
    "sum then product": (["x = 2.0, y = 3.0, w = 4.0", "z = (x + y) * w"], ()),
    "a chain": (["x = 2.0", "f = (x**2 + 1)**3"], ()),
    "a value used twice": (["x = 2.0", "h = x**2 * (3 * x)"], ()),
    "the slide example": (
        ["w = 0.5, b = -1.0, x_in = 2.0, y_target = 3.0", "l = (exp(w * x_in + b) - y_target)**2"],
        ("x_in", "y_target"),
    ),
}


def torch_gradients(body: list[str], data: tuple[str, ...]) -> dict[str, float]:
    """The same expression written out for torch, and torch.autograd.grad of it."""
    values = dict(
        (name.strip(), float(value)) for name, value in (p.split("=") for p in body[0].split(","))
    )
    leaves = {
        n: torch.tensor(v, dtype=torch.float64, requires_grad=n not in data)
        for n, v in values.items()
    }
    expression = body[1].split("=", 1)[1]
    result = eval(expression, {"exp": torch.exp}, dict(leaves))  # test-only: our own strings
    wanted = [n for n in leaves if n not in data]
    grads = torch.autograd.grad(result, [leaves[n] for n in wanted])
    return {n: g.item() for n, g in zip(wanted, grads, strict=True)}


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_recorded_gradients_are_torchs(example):
    body, data = EXAMPLES[example]
    recording = record(body, data)
    leaves = {n.name: n.grad for n in recording.nodes.values() if n.fn == "AccumulateGrad"}
    expected = torch_gradients(body, data)
    assert leaves.keys() == expected.keys()
    for name, grad in expected.items():
        assert abs(leaves[name] - grad) <= 1e-12 * max(1, abs(grad)), name
    # One backward step per node, starting at the output with the seed 1.
    assert len(recording.backward) == len(recording.nodes)
    first = recording.backward[0]
    assert recording.nodes[first["node"]].name == recording.output and first["received"] == 1.0


def test_where_paths_meet_the_parts_add_up_and_each_part_was_passed_on():
    recording = record(*EXAMPLES["a value used twice"])
    [x] = [n for n in recording.nodes.values() if n.name == "x"]
    [step] = [s for s in recording.backward if s["node"] == x.id]
    assert sorted(value for _, value in step["parts"]) == [12.0, 24.0]
    assert step["received"] == 36.0 == x.grad
    passed = {(s["node"], to): v for s in recording.backward for to, v in s["passes"]}
    for source, value in step["parts"]:
        assert passed[(source, x.id)] == value


def test_forward_values_are_the_tensors_the_operations_returned():
    recording = record(*EXAMPLES["the slide example"])
    by_name = {n.name: n.value for n in recording.nodes.values()}
    assert by_name["w * x_in + b"] == 0.0 and by_name["exp(w * x_in + b)"] == 1.0
    assert by_name["l"] == 4.0
    # Data needs no gradient: it is not in the graph, but the nodes that use it saved it.
    assert "x_in" not in by_name and "y_target" not in by_name
    [mul] = [n for n in recording.nodes.values() if n.fn == "MulBackward0"]
    assert ("other", "2") in mul.saved


# One body per operation a stepper allows: the rule it shows, with the values put in.
RULE_CASES = [
    (["x = 2.0, y = 3.0", "z = x + y"], r"\partial z/\partial y = 1"),
    (["x = 2.0, y = 3.0", "z = x - y"], r"\partial z/\partial y = -1"),
    (["x = 2.0, y = 3.0", "z = x * y"], r"\partial z/\partial x = y = 3"),
    (
        ["x = 2.0, y = 4.0", "z = x / y"],
        r"\partial z/\partial y = -x / y^{2} = -2 / 4^{2} = -0.125",
    ),
    (["x = 5.0", "z = x**3"], r"\partial z/\partial x = 3 \cdot x^{2} = 3 \cdot 5^{2} = 75"),
    (["x = -2.0", "z = x**3"], r"\partial z/\partial x = 3 \cdot x^{2} = 3 \cdot (-2)^{2} = 12"),
    (
        ["x = 2.0, n = 3.0", "z = x**n"],
        r"\partial z/\partial n = x^{n} \cdot \log x = 2^{3} \cdot \log 2 = 5.54518",
    ),
    (["x = 2.0", "z = -x"], r"\partial z/\partial x = -1"),
    (["x = 1.0", "z = exp(x)"], r"\partial z/\partial x = \exp(x) = \exp(1) = 2.71828"),
    (["x = 4.0", "z = log(x)"], r"\partial z/\partial x = 1 / x = 1 / 4 = 0.25"),
    (["x = 0.5", "z = sin(x)"], r"\partial z/\partial x = \cos(x) = \cos(0.5) = 0.877583"),
    (["x = 0.5", "z = cos(x)"], r"\partial z/\partial x = -\sin(x) = -\sin(0.5) = -0.479426"),
    (
        ["x = 0.5", "z = tanh(x)"],
        r"\partial z/\partial x = 1 - z^{2} = 1 - 0.462117^{2} = 0.786448",
    ),
    (
        ["x = 0.0", "z = sigmoid(x)"],
        r"\partial z/\partial x = z \cdot (1 - z) = 0.5 \cdot (1 - 0.5) = 0.25",
    ),
    (["x = -1.0", "z = relu(x)"], r"\partial z/\partial x = [x > 0] = [-1 > 0] = 0"),
    (
        ["x = 4.0", "z = sqrt(x)"],
        r"\partial z/\partial x = 1 / (2 \cdot z) = 1 / (2 \cdot 2) = 0.25",
    ),
    (
        ["x = -3.0", "z = abs(x)"],
        r"\partial z/\partial x = \operatorname{sign}(x) = \operatorname{sign}(-3) = -1",
    ),
]


@pytest.mark.parametrize(("body", "worked"), RULE_CASES, ids=[b[1] for b, _ in RULE_CASES])
def test_each_rule_is_written_out_with_its_numbers_and_agrees_with_torch(body, worked):
    """`record` checks every rule against the ratio PyTorch passed back; the words show it."""
    recording = record(body)
    said = " ".join(text for step in step_texts(recording)[1] for text, _ in step)
    assert f"The local derivative is ${worked}$:" in said, said


def operation_of(line: str) -> str:
    """The rule a one-operation line uses: `z = x**3` -> "**"."""
    tree = ast.parse(line).body[0].value
    if isinstance(tree, ast.BinOp):
        return OPERATORS[type(tree.op)]
    return "neg" if isinstance(tree, ast.UnaryOp) else tree.func.id


def test_every_rule_of_the_table_is_exercised():
    operations = {operation_of(body[1]) for body, _ in RULE_CASES}
    assert operations == set(RULES), set(RULES) ^ operations


def test_a_wrong_rule_stops_the_build(monkeypatch):
    wrong = Rule(lambda o: rf"\sin({o.a})", lambda a, b, y: math.sin(a))
    monkeypatch.setitem(RULES["sin"], "a", wrong)
    with pytest.raises(
        StepperError,
        match=r"the rule for sin .* gives the local derivative 0.479426, "
        r"where PyTorch passed back 0.877583",
    ):
        record(["x = 0.5", "z = sin(x)"])


def test_named_results_name_the_nodes_and_the_words():
    recording = record(["x = 2.0", "g = x**2 + 1", "f = g**3"])
    assert recording.expression == "g = x ** 2 + 1; f = g ** 3"
    titles = {node.name: node.title for node in recording.nodes.values()}
    assert titles["g"] == "+ → g" and titles["f"] == "**3 → f" and titles["x ** 2"] == "**2"
    forward, backward = step_texts(recording)
    assert "Forward: AddBackward0 computes g = 5." in forward
    assert backward[0][-1] == (
        r"The local derivative is $\partial f/\partial g = 3 \cdot g^{2} = 3 \cdot 5^{2} = 75$: "
        r"it passes $1 \times 75 = 75$ to $g$.",
        True,
    )
    x = next(n for n in recording.nodes.values() if n.name == "x")
    assert x.grad == 300.0  # torch's, as without names


# One body per operation of a stepper on tensors (every rule of TENSOR_RULES), each with the
# gradient of x it passes, as its rule writes it with names.
TENSOR_CASES = [
    (["x = [1, -2], y = [3, 4]", "z = sum(x + y)"], r"dx = d(x + y)"),
    (["x = [1, -2], y = [3, 4]", "z = sum(x - y)"], r"dy = -d(x - y)"),
    (["x = [1, -2], y = [3, 4]", "z = sum(x * y)"], r"dx = d(x \cdot y) \odot y"),
    (["x = [1, -2], y = [3, 4]", "z = sum(x / y)"], r"dy = -d(x / y) \odot x \oslash y^{\circ 2}"),
    (["x = [1, -2]", "z = sum(x**3)"], r"dx = d(x^{3}) \odot 3 \cdot x^{\circ 2}"),
    (["x = [[1, 2], [3, 4]], y = [[0, 1], [1, 0]]", "z = sum(x @ y)"], r"dy = x^{\top} d(x\,y)"),
    (["x = [1, -2]", "z = sum(-x)"], r"dx = -d(-x)"),
    (["x = [1, 4]", "z = sum(exp(x))"], r"dx = d(\exp(x)) \odot (\exp(x))"),
    (["x = [1, 4]", "z = sum(log(x))"], r"dx = d(\log(x)) \oslash x"),
    (["x = [1, 4]", "z = sum(sin(x))"], r"dx = d(\sin(x)) \odot \cos x"),
    (["x = [1, 4]", "z = sum(cos(x))"], r"dx = -d(\cos(x)) \odot \sin x"),
    (["x = [1, 4]", "z = sum(tanh(x))"], r"dx = d(\tanh(x)) \odot (1 - (\tanh(x))^{\circ 2})"),
    (["x = [1, 4]", "z = sum(sigmoid(x))"], r"dx = d(\sigma(x)) \odot (\sigma(x))"),
    (["x = [1, -4]", "z = sum(relu(x))"], r"dx = d(\operatorname{relu}(x)) \odot [x > 0]"),
    (["x = [1, 4]", "z = sum(sqrt(x))"], r"dx = d(\sqrt{x}) \oslash (2 (\sqrt{x}))"),
    (["x = [1, -4]", "z = sum(abs(x))"], r"dx = d(\lvert x \rvert) \odot \operatorname{sign} x"),
    (
        ["x = [1, 4]", "z = mean(x)"],
        r"dx = dz \cdot \operatorname{ones} / n = 1 \cdot \operatorname{ones} / 2",
    ),
]


def tensor_operations(line: str) -> set[str]:
    """The rules a line of a stepper on tensors uses: `z = sum(x * y)` -> {"sum", "×"}."""
    found = set()
    for tree in ast.walk(ast.parse(line)):
        if isinstance(tree, ast.BinOp):
            found.add(OPERATORS[type(tree.op)])
        elif isinstance(tree, ast.UnaryOp):
            found.add("neg")
        elif isinstance(tree, ast.Call):
            found.add(tree.func.id)
    return found


@pytest.mark.parametrize(("body", "rule"), TENSOR_CASES, ids=[b[1] for b, _ in TENSOR_CASES])
def test_each_tensor_rule_is_written_out_and_gives_torchs_gradient(body, rule):
    """The words show the rule, and the gradients are torch.autograd's, entry for entry."""
    recording = record(body)
    said = " ".join(text for step in step_texts(recording)[1] for text, _ in step)
    assert f"${rule}" in said, said
    names = [part.split("=")[0].strip() for part in top_level_parts(body[0])]
    leaves = {
        name: torch.tensor(
            input_value(part.split("=", 1)[1]), dtype=torch.float64, requires_grad=True
        )
        for name, part in zip(names, top_level_parts(body[0]), strict=True)
    }
    functions = {"sum": torch.sum, "mean": torch.mean, "sigmoid": torch.sigmoid}
    functions |= {
        f: getattr(torch, f) for f in ("exp", "log", "sin", "cos", "tanh", "relu", "sqrt", "abs")
    }
    result = eval(body[1].split("=", 1)[1], functions, dict(leaves))  # test-only: our strings
    expected = torch.autograd.grad(result, list(leaves.values()))
    shown = {n.name: n.grad for n in recording.nodes.values() if n.fn == "AccumulateGrad"}
    for name, grad in zip(names, expected, strict=True):
        assert torch.allclose(torch.tensor(shown[name], dtype=torch.float64), grad, rtol=1e-12), (
            name
        )


def test_every_tensor_rule_of_the_table_is_exercised():
    operations = set().union(*(tensor_operations(body[1]) for body, _ in TENSOR_CASES))
    assert operations == set(TENSOR_RULES), set(TENSOR_RULES) ^ operations


LAYER = (
    [
        "X = [[1, 2], [0, -1]], W = [[0.5, -1, 2], [1, 0, -0.5]], b = [0.5, 0.5, -1]",
        "M = X @ W",
        "H = M + b",
        "L = sum(H**2)",
    ],
    ("X",),
)


def test_a_broadcast_bias_is_seen_summed_over_the_rows_and_w_gets_x_transposed_times_dm():
    recording = record(*LAYER)
    nodes = {n.name: n for n in recording.nodes.values()}
    assert nodes["b"].grad == [5.0, 0.0, -1.0] and nodes["H"].grad == [[6, -1, 0], [-1, 1, -1]]
    assert nodes["W"].grad == [[6.0, -1.0, 0.0], [13.0, -3.0, 1.0]]
    assert "X" not in nodes and ("self", "[[1, 2], [0, -1]]") in nodes["M"].saved
    said = [" ".join(text for text, _ in step) for step in step_texts(recording)[1]]
    add = next(s for s in said if s.startswith("`AddBackward0`"))
    row = r"\begin{bmatrix} %s \end{bmatrix}"
    assert (
        f"$b$ was used in each of its rows, so the engine sums them to $b$'s shape, "
        f"${row % '6 & -1 & 0'} + {row % '-1 & 1 & -1'} = {row % '5 & 0 & -1'}$"
    ) in add, add
    mm = next(s for s in said if s.startswith("`MmBackward0`"))
    assert r"It passes $dW = X^{\top} dM = " in mm
    assert r"\end{bmatrix}^{\top} \begin{bmatrix}" in mm  # with the values put in


def test_a_wrong_tensor_rule_stops_the_build(monkeypatch):
    wrong = TensorRule(lambda o: rf"{o.g}\, {o.a}", lambda a, b, y, g: g.T @ a)
    monkeypatch.setitem(TENSOR_RULES["@"], "b", wrong)
    with pytest.raises(
        StepperError, match=r"the rule for @ .*TENSOR_RULES.* gives \[\[.*the rule is wrong"
    ):
        record(*LAYER)


def stepper_page(body: str, options: str = "") -> str:
    return f"# A page\n\nSome text.\n\n```{{backprop-stepper}}\n{options}{body}\n```\n"


BAD_BODIES = [
    ("x = 2.0\nz = x * q", 7, "unknown name 'q' (known: x)"),
    ("x = 2.0\nz = x *", 7, "the expression does not parse"),
    ("x = two\nz = x * x", 6, "an input is `name = number` or a small table of numbers"),
    ("x = [[1, 2], [3]]\nz = sum(x)", 6, "(`name = [[1, 2], [3, 4]]`, at most 4 by 4)"),
    ("x = [1, 2, 3, 4, 5]\nz = sum(x)", 6, "not 'x = [1, 2, 3, 4, 5]'"),
    ("x = 2.0, y = 3.0\nz = x @ y", 7, "'x @ y': @ multiplies two tables (matrices)"),
    ("x = 2.0\nz = sum(x)", 7, "sum adds up a tensor: give an input as a table"),
    ("x = [1, 2], n = [2, 2]\nz = sum(x**n)", 7, "on tensors, ** takes a number as exponent"),
    ("x = [1, 2], y = [1, 2, 3]\nz = sum(x + y)", 7, "PyTorch cannot compute 'x + y': The size"),
    ("x = [1, 2]\nz = x * 2", 7, "the result is not a scalar: backward needs one number"),
    ("x = 2.0\nz = x.sum()", 7, "'x.sum()' is not arithmetic on the inputs"),
    ("x = 2.0", 6, "write the inputs (x = 2.0, y = 3.0), then the output"),
    ("x = 2.0\nz = 3.0 * 2", 7, "the result is an input or a constant"),
    ("x = 2.0\nx * x", 7, "each line after the inputs names its result"),
    ("x = 2.0\ng = x + 1\ng = g * x", 8, "the name 'g' is taken"),
    ("x = 2.0\ng = x + 1\nf = g * h", 8, "unknown name 'h' (known: x, g)"),
]


@pytest.mark.parametrize(("body", "line", "message"), BAD_BODIES)
def test_bad_bodies_stop_the_build_naming_file_and_line(built_once, body, line, message):
    pages = [stepper_page(bad) for bad, _, _ in BAD_BODIES]
    _, result = built_once("bad-stepper-bodies", lambda path: build_pages(path, pages))
    assert result["returncode"] != 0
    case = BAD_BODIES.index((body, line, message))
    where = rf"case{case}\.md:{line}: ?(ERROR: )?backprop-stepper: .*{re.escape(message)}"
    assert re.search(where, result["stderr"]), result["stderr"]


def test_the_html_holds_the_whole_graph_the_steps_and_their_words(tmp_path):
    result = build_small_project(
        tmp_path, stepper_page("x = 2.0, y = 3.0, w = 4.0\nz = (x + y) * w")
    )
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((tmp_path / "_build" / "index.html").read_text("utf-8"), "html.parser")
    figure = soup.select_one("figure.agb-stepper")
    svg = figure.select_one("svg.agb-graph")
    values = [t.get_text() for t in svg.select(".agb-value")]
    grads = [t.get_text() for t in svg.select(".agb-grad")]
    assert sorted(values) == sorted(["value 2", "value 3", "value 4", "value 5", "value 20"])
    assert sorted(grads) == sorted(["grad 4", "grad 4", "grad 5", "grad 4", "grad 1"])
    steps = json.loads(figure["data-agb-steps"])
    assert len(steps["forward"]) == 5 and len(steps["backward"]) == 5
    # The backward steps in words, with their math typeset by KaTeX when the site is built:
    # each gradient passed on is an .agb-pass, its rule an .agb-rule (the script copies them).
    listed = figure.select("details.agb-steps li")
    assert len(listed) == len(steps["backward"])
    assert "katex/katex.min.css" in str(soup.head)
    first = listed[0]
    assert "it passes" in first.get_text() and not first.select("script")
    tex = [a.get_text() for a in first.select(".agb-pass .agb-rule annotation")]
    assert tex == [r"\partial z/\partial (x + y) = w = 4", r"\partial z/\partial w = x + y = 5"]
    products = [a.get_text() for a in first.select(".agb-pass > .math:not(.agb-rule) annotation")]
    # A full stop after a formula is set in it, so that it never starts a line of its own.
    assert products == [
        r"1 \times 4 = 4",
        r"x + y\mathclose{.}",
        r"1 \times 5 = 5",
        r"w\mathclose{.}",
    ]
    assert (tmp_path / "_build" / "_images" / f"{figure['id']}.svg").is_file()


def test_other_builders_list_the_steps(tmp_path):
    page = stepper_page("x = 2.0\nh = x**2 * (3 * x)")
    result = build_small_project(tmp_path, page, builder="text")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "_build" / "index.txt").read_text("utf-8")
    assert "The graph PyTorch recorded for h = x ** 2 * (3 * x)" in text
    assert "receives 12 + 24 = 36: 2 paths meet here" in text.replace("\n   ", " ")


def test_the_notebook_shows_the_picture_and_links_the_page():
    from course_ext.myst_blocks import directives

    [block] = directives(stepper_page("x = 2.0\nf = (x**2 + 1)**3"), "backprop-stepper")
    site = Site("https://org.github.io/course/", lambda d: "The chain rule", "book/chain_rule")
    text = "\n".join(notebook_form(block, site))
    assert re.search(
        r"!\[.*\]\(https://org\.github\.io/course/_images/agb-[0-9a-f]{12}\.svg\)", text
    )
    assert "[The chain rule](https://org.github.io/course/book/chain_rule.html)" in text


def test_the_script_is_given_exactly_the_words_it_says():
    """The page carries the words agb-stepper.js looks up, and no sentence the build writes."""
    from pathlib import Path

    from course_ext.components.stepper.words import SCRIPT_WORDS

    script = Path("course_ext/static/agb-stepper.js").read_text(encoding="utf-8")
    assert set(re.findall(r'say\("(\w+)"', script)) == set(SCRIPT_WORDS)
