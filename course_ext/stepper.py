"""The `backprop-stepper` directive: step through the graph PyTorch records, forward and back.

    ```{backprop-stepper}
    x = 2.0, y = 3.0, w = 4.0
    a = x + y
    z = a * w
    ```

The inputs, then one line per named result, the last the output. At build time the lines
are evaluated with PyTorch (float64) in the Sphinx process,
from its parsed syntax tree (only arithmetic, names and a few functions: no `eval`). The
graph walked is the one PyTorch recorded: `grad_fn` nodes through `next_functions`, down to
the `AccumulateGrad` node of each input. Every number shown comes from PyTorch itself:
each node's forward value is the tensor its operation returned, and a hook on each node
(`Node.register_hook`) records, in the order the engine runs them, the gradient it
receives and the gradients it passes on; none is recomputed by formulas of ours. Each
local derivative is also shown as a rule with its values (`stepper_rules.py`), checked
against the ratio of what PyTorch passed on to what it received. Graphviz lays the graph
out (`dot -Tplain`); the SVG is drawn here, so its parts carry the classes the script and
the two themes need.

This module owns the stepper's forms: the model (`record`), the HTML (an inline SVG with
every value and gradient, the steps as data, the controls, and the steps in words for
readers without JavaScript), the form for other builders (the steps as a list), the Colab
notebook's form (the same picture, and a link to the page), and its words (WORDS).
`static/agb-stepper.js` steps through it. Why our own: no maintained tool draws the graph
PyTorch recorded and steps through its backward pass (torchviz draws a still picture).
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
import operator
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import graphviz
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from .errors import LocatedError
from .html_nodes import add_plain_form, load_assets_where_used
from .notebook_export import register_notebook_form
from .stepper_rules import (
    MOST,
    RULES,
    TENSOR_RULES,
    Operands,
    agrees,
    in_brackets,
    number,
    summed,
    tex,
    tex_name,
    tex_number,
    tex_value,
    text_of,
    worked,
)

if TYPE_CHECKING:
    import torch

WORDS = {
    "figure": "The graph PyTorch recorded for {expression}",
    "previous": "Previous step",
    "next": "Next step",
    "play": "Play",
    "pause": "Pause",
    "reset": "Reset",
    "slider": "Step",
    "counter": "Step {step} of {total}",
    "start": "Press Next step: the forward pass computes each value, then the backward pass "
    "hands the gradients back from {output}.",
    "steps_title": "The steps in words",
    "predict": "Predict the gradients",
    "question": "Your prediction: what gradient does {name} receive, d{output}/d{d}?",
    "check": "Check",
    "right": "Right: d{output}/d{d} = {value}.",
    "wrong": "Not quite: d{output}/d{d} = {value}. {why}",
    "paths_add": "The {count} paths add up: {parts} = {value}.",
    "not_a_number": "Type a number, such as 75 or -0.56, then Check.",
    "entries": "Type its {count} entries row by row, such as 1, -0.5, 2, then Check.",
    "score": "Predicted right (to about 1 %): {right} of {total}.",
    "score_before": "Your predictions here so far: {right} of {total} right. Press Predict the "
    "gradients to try again.",
    "input": "Forward: the input {name} is {value}.",
    "forward": "Forward: {fn} computes {name} = {value}.",
    # The backward steps' words are written into the page, math ($...$) typeset by KaTeX and
    # code (`...`) as code; the values put in are TeX. No TeX braces in the words themselves.
    "seed": "Backward starts at ${name}$ with the seed $d{name}/d{name} = 1$.",
    "receives": "`{fn}` (for ${name}$) receives ${received}$.",
    "meet": "`{fn}` (for ${name}$) receives ${parts} = {received}$: {count} paths meet here.",
    "passes": "The local derivative is ${rule}$: it passes ${received} \\times {local} = {value}$ "
    "to ${target}$.",
    "stores": "It stores ${received}$ in `{name}.grad`.",
    "tensor_passes": "It passes ${rule}$ to ${target}$.",
    "tensor_summed": "The rule gives ${rule}$: ${target}$ was used in each of its {over}, so "
    "the engine sums them to ${target}$'s shape, ${parts} = {total}$, and passes that to "
    "${target}$.",
    "details": "{fn} for {name}: value {value}, gradient {grad}.",
    "saved": "Saved for backward: {saved}.",
    "nothing_saved": "Nothing saved for backward.",
    "rules": "Local derivatives: {rules}.",  # the script puts in the typeset rules
    "tensor_rules": "The gradients it passed on: {rules}.",
    "value": "value {value}",
    "grad": "grad {grad}",
    "value_label": "value",  # above a tensor's table
    "grad_label": "grad",
    "notebook": "The graph of {expression}, with every value and gradient. On the course's page "
    "you can step through it: [{title}]({url}).",
}
# What agb-stepper.js says itself; the rest is written into the page by the build.
SCRIPT_WORDS = (
    "counter", "details", "entries", "not_a_number", "nothing_saved", "paths_add", "pause", "play",
    "question", "right", "rules", "saved", "score", "score_before", "start", "tensor_rules",
    "wrong",
)  # fmt: skip
# The functions a stepper may call, by their names in torch.
FUNCTIONS = ("exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "sqrt", "abs", "sum", "mean")
OPERATORS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷", ast.Pow: "**"}
OPERATORS[ast.MatMult] = "@"
ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.MatMult: operator.matmul,
}
TENSOR_ONLY = ("@", "sum", "mean")  # nothing to show on numbers
INPUT = re.compile(r"^\s*(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<value>.+?)\s*$", re.DOTALL)


class StepperError(LocatedError):
    """A mistake in a stepper's body; `line` counts from 1 in the body."""


@dataclass
class Node:
    """One node of the recorded graph: an input (its AccumulateGrad) or an operation."""

    id: str
    name: str  # the input's name, or the sub-expression this node computes
    tex: str  # the same in TeX, for the words' formulas
    title: str  # what the box shows: the name of an input, the symbol of an operation
    fn: str  # PyTorch's class of the node: AddBackward0, AccumulateGrad...
    value: float
    inputs: list[str] = field(default_factory=list)  # node ids, in next_functions order
    grad: float = 0.0
    saved: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Recording:
    expression: str  # as written, e.g. "z = (x + y) * w"
    output: str
    nodes: dict[str, Node]
    forward: list[str]  # node ids in evaluation order
    backward: list[dict]  # {node, received, parts: [[from, value]], passes: [[to, value]]}
    tensors: bool = False  # some input is a tensor: the rules of TENSOR_RULES apply


def parse_body(lines: list[str]) -> tuple[dict[str, float], list[tuple[str, ast.expr, int]]]:
    """`x = 2.0, y = 3.0`, then one or more `name = <expression>` lines: the inputs, and each
    named result (name, tree, line), the last one the output."""
    content = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    if len(content) < 2:
        raise StepperError(
            "write the inputs (x = 2.0, y = 3.0), then the output (z = x * y), with named "
            "results between them if you like (g = x + y)",
            1,
        )
    (first, inputs_line), *statements = content
    inputs = {}
    for part in top_level_parts(inputs_line):
        match = INPUT.match(part)
        value = input_value(match["value"]) if match else None
        if value is None:
            raise StepperError(
                "an input is `name = number` or a small table of numbers "
                f"(`name = [[1, 2], [3, 4]]`, at most {MOST} by {MOST}), not {part.strip()!r}",
                first,
            )
        if match["name"] in inputs or match["name"] in FUNCTIONS:
            raise StepperError(f"the input name {match['name']!r} is taken", first)
        inputs[match["name"]] = value
    named = []
    for number_, line in statements:
        try:
            tree = ast.parse(line.strip(), mode="exec")
        except SyntaxError as error:
            raise StepperError(f"the expression does not parse: {error.msg}", number_) from None
        statement = tree.body[0] if len(tree.body) == 1 else None
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            raise StepperError(
                "each line after the inputs names its result: `z = <expression>`", number_
            )
        name = statement.targets[0].id
        if name in inputs or name in FUNCTIONS or any(name == n for n, _, _ in named):
            raise StepperError(f"the name {name!r} is taken", number_)
        named.append((name, statement.value, number_))
    return inputs, named


def top_level_parts(line: str) -> list[str]:
    """`x = 2.0, W = [[1, 2], [3, 4]]` split at the commas outside brackets."""
    parts, depth, start = [], 0, 0
    for at, character in enumerate(line):
        depth += {"[": 1, "]": -1}.get(character, 0)
        if character == "," and depth == 0:
            parts.append(line[start:at])
            start = at + 1
    return [*parts, line[start:]]


def input_value(text: str):
    """A number, a row of numbers or a table of rows of one length, each at most MOST long;
    None for anything else."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None

    def is_number(v) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    def is_row(v) -> bool:
        return isinstance(v, list) and 0 < len(v) <= MOST and all(map(is_number, v))

    if is_number(value):
        return float(value)
    if is_row(value):
        return [float(v) for v in value]
    if (
        isinstance(value, list)
        and 0 < len(value) <= MOST
        and all(map(is_row, value))
        and len({len(row) for row in value}) == 1
    ):
        return [[float(v) for v in row] for row in value]
    return None


def plain(tensor: torch.Tensor):
    """A tensor as the stepper keeps it: a number, or nested lists."""
    return tensor.item() if tensor.dim() == 0 else tensor.tolist()


class _Evaluator:
    """Evaluate the expression tree with torch, noting which sub-expression made each node."""

    def __init__(self, leaves: dict[str, torch.Tensor], line: int):
        self.leaves, self.line, self.made = leaves, line, {}
        self.tensors = False  # on numbers, the operations of TENSOR_ONLY are refused
        self.operands = {}  # grad_fn -> (the rule's key, [(role, tree, value)], line)

    def __call__(self, tree: ast.expr) -> torch.Tensor:
        return self.evaluate(tree)

    def evaluate(self, tree: ast.expr):
        import torch  # here, not at the top: see record()

        # A number stays a Python number, as in a chapter's code: `x**2` records the same
        # PowBackward0 with the exponent saved, `3 * x` the same MulBackward0.
        if isinstance(tree, ast.Constant) and isinstance(tree.value, (int, float)):
            return tree.value
        if isinstance(tree, ast.Name):
            if tree.id not in self.leaves:
                names = ", ".join(self.leaves)
                raise StepperError(f"unknown name {tree.id!r} (known: {names})", self.line)
            return self.leaves[tree.id]
        if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.USub):
            operand = self.evaluate(tree.operand)
            return self.note(tree, -operand, "−", "neg", [("a", tree.operand, operand)])
        if isinstance(tree, ast.BinOp) and type(tree.op) in OPERATORS:
            left, right = self.evaluate(tree.left), self.evaluate(tree.right)
            symbol = rule = OPERATORS[type(tree.op)]
            if rule == "**" and self.tensors and not isinstance(tree.right, ast.Constant):
                raise StepperError(
                    f"{ast.unparse(tree)!r}: on tensors, ** takes a number as exponent", self.line
                )
            if isinstance(tree.op, ast.Pow) and isinstance(tree.right, ast.Constant):
                symbol = f"**{tree.right.value:g}"
            if rule == "@" and not all(
                isinstance(v, torch.Tensor) and v.dim() == 2 for v in (left, right)
            ):
                raise StepperError(
                    f"{ast.unparse(tree)!r}: @ multiplies two tables (matrices)", self.line
                )
            result = self.torch_says(tree, lambda: ARITHMETIC[type(tree.op)](left, right))
            operands = [("a", tree.left, left), ("b", tree.right, right)]
            return self.note(tree, result, symbol, rule, operands)
        if (
            isinstance(tree, ast.Call)
            and isinstance(tree.func, ast.Name)
            and tree.func.id in FUNCTIONS
            and len(tree.args) == 1
            and not tree.keywords
        ):
            if tree.func.id in TENSOR_ONLY and not self.tensors:
                raise StepperError(
                    f"{tree.func.id} adds up a tensor: give an input as a table, x = [1, 2, 3]",
                    self.line,
                )
            argument = torch.as_tensor(self.evaluate(tree.args[0]), dtype=torch.float64)
            result = self.torch_says(tree, lambda: getattr(torch, tree.func.id)(argument))
            return self.note(
                tree, result, tree.func.id, tree.func.id, [("a", tree.args[0], argument)]
            )
        what = ast.unparse(tree)
        known = ", ".join(FUNCTIONS)
        raise StepperError(
            f"{what!r} is not arithmetic on the inputs (+ - * / **, and {known})", self.line
        )

    def torch_says(self, tree: ast.expr, compute):
        """What PyTorch computes, or its refusal (shapes that do not broadcast) in words."""
        try:
            return compute()
        except RuntimeError as error:
            reason = str(error).splitlines()[0]
            raise StepperError(
                f"PyTorch cannot compute {ast.unparse(tree)!r}: {reason}", self.line
            ) from None

    def note(self, tree: ast.expr, result, symbol: str, rule: str, operands: list):
        """Keep the tensor the operation returned: its value is the node's forward value;
        and its operands, (role, tree, value), for the rule of its local derivatives."""
        import torch

        if isinstance(result, torch.Tensor) and result.grad_fn is not None:
            self.made.setdefault(result.grad_fn, (tree, symbol, plain(result)))
            self.operands.setdefault(result.grad_fn, (rule, operands, self.line))
        return result


def _saved(fn) -> list[tuple[str, str]]:
    """What the node keeps for its backward pass (`_saved_*` attributes), as text."""
    import torch

    saved = []
    for attribute in sorted(a for a in dir(fn) if a.startswith("_saved_")):
        value = getattr(fn, attribute)
        if isinstance(value, torch.Tensor) and value.numel() <= MOST * MOST:
            saved.append((attribute.removeprefix("_saved_"), text_of(plain(value))))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            saved.append((attribute.removeprefix("_saved_"), number(value)))
    return saved


def record(lines: list[str], data: tuple[str, ...] = ()) -> Recording:
    """Evaluate, walk the recorded graph, run backward with hooks, and keep what PyTorch said.

    Names in `data` are inputs that need no gradient: like a batch of data, they are not in
    the graph PyTorch records (the nodes that use them keep them as saved values)."""
    inputs, statements = parse_body(lines)
    output, tree, expression_line = statements[-1]
    unknown = [name for name in data if name not in inputs]
    if unknown:
        raise StepperError(f":data: names {', '.join(unknown)}, which is not an input", 1)
    # Imported by the first stepper recorded, not with the extension, and after the body
    # is read: importing torch takes 2 s, which every build paid at its start, even one
    # with no stepper to record, and a body that does not parse need not wait for.
    import torch

    leaves = {
        name: torch.tensor(value, dtype=torch.float64, requires_grad=name not in data)
        for name, value in inputs.items()
    }
    evaluator = _Evaluator(dict(leaves), expression_line)
    evaluator.tensors = any(isinstance(value, list) for value in inputs.values())
    named = {}  # grad_fn -> the name a line of the body gave its result
    for name, statement, line in statements:
        evaluator.line = line
        result = evaluator(statement)
        if not isinstance(result, torch.Tensor) or result.grad_fn is None:
            raise StepperError(
                "the result is an input or a constant: there is no operation to step through",
                line,
            )
        named.setdefault(result.grad_fn, name)
        evaluator.leaves[name] = result
    if result.numel() != 1:
        raise StepperError("the result is not a scalar: backward needs one number", expression_line)

    graph, ids, order = {}, {}, []  # fn -> Node, fn -> id, fns in the order walked

    def walk(fn) -> str:
        if fn in ids:
            return ids[fn]
        children = [walk(child) for child, _ in fn.next_functions if child is not None]
        ids[fn] = f"n{len(ids)}"
        if type(fn).__name__ == "AccumulateGrad":
            name = next(n for n, leaf in leaves.items() if leaf is fn.variable)
            node = Node(ids[fn], name, tex_name(name), name, "AccumulateGrad", inputs[name])
        else:
            if fn not in evaluator.made:
                raise StepperError(
                    f"PyTorch recorded a node the expression does not show: {type(fn).__name__}",
                    expression_line,
                )
            made, symbol, value = evaluator.made[fn]
            name = named.get(fn) or ast.unparse(made)
            title = f"{symbol} → {named[fn]}" if fn in named else symbol
            in_tex = tex_name(named[fn]) if fn in named else tex(made)
            node = Node(ids[fn], name, in_tex, title, type(fn).__name__, value, children)
            node.saved = _saved(fn)
        graph[fn] = node
        order.append(fn)
        return ids[fn]

    walk(result.grad_fn)
    events = []
    for fn in order:
        fn.register_hook(
            lambda grad_inputs, grad_outputs, fn=fn: events.append(
                (
                    fn,
                    [g.detach().clone() if g is not None else None for g in grad_inputs],
                    [g.detach().clone() for g in grad_outputs if g is not None],
                )
            )
        )
    result.backward()

    nodes_by_id = {node.id: node for node in graph.values()}
    contributions: dict[str, list[list]] = {node.id: [] for node in graph.values()}
    backward = []
    for fn, grad_inputs, grad_outputs in events:
        node = graph[fn]
        received = sum(grad_outputs)
        node.grad = plain(received)
        children = [child for child, _ in fn.next_functions]
        passes, passed = [], []  # [node id, value], and the same as tensors
        for child, value in zip(children, grad_inputs, strict=False):
            if child is None or value is None:
                continue
            passes.append([ids[child], plain(value)])
            passed.append(value)
            contributions[ids[child]].append([node.id, plain(value)])
        if evaluator.tensors:
            rules = _tensor_rules(fn, node, evaluator, received, passed)
        else:
            rules = _worked_rules(fn, node, evaluator, node.grad, passes)
        backward.append({"node": node.id, "received": node.grad, "passes": passes, "rules": rules})
    for step in backward:
        step["parts"] = contributions[step["node"]]
    # Every leaf's gradient is PyTorch's own `.grad`.
    for node in nodes_by_id.values():
        if node.fn == "AccumulateGrad":
            node.grad = plain(leaves[node.name].grad)
    # The order of evaluation: the inputs as listed, then each operation as it ran.
    forward = [node.id for node in nodes_by_id.values() if node.fn == "AccumulateGrad"]
    if not forward:
        raise StepperError("every input is :data:: nothing needs a gradient", 1)
    forward.sort(key=lambda i: list(inputs).index(nodes_by_id[i].name))
    forward += [ids[fn] for fn in evaluator.made if fn in ids]
    expression = expression_text(statements)
    return Recording(expression, output, nodes_by_id, forward, backward, evaluator.tensors)


def expression_text(statements: list[tuple[str, ast.expr, int]]) -> str:
    """The body's lines after the inputs, as one line: "g = x ** 2 + 1; f = g ** 3"."""
    return "; ".join(f"{name} = {ast.unparse(tree)}" for name, tree, _ in statements)


def _in_formula(tree: ast.expr) -> str:
    """An operand as a rule writes it, in TeX: a name, a number, a function's value, or a
    sub-expression in brackets."""
    if isinstance(tree, ast.Constant):
        return in_brackets(tree.value)
    if isinstance(tree, (ast.Name, ast.Call)):
        return tex(tree)
    return f"({tex(tree)})"


def _worked_rules(fn, node: Node, evaluator: _Evaluator, received: float, passes) -> list:
    """For each gradient a node passes on, (its local derivative written out in TeX with
    the forward values put in, ∂f/∂g = 3 · g² = 3 · 5² = 75, and its value), checked against
    PyTorch: the rule times what the node received must be what PyTorch passed on."""
    if fn not in evaluator.operands:
        return []  # an input: it passes nothing on
    import torch

    key, operands, line = evaluator.operands[fn]
    values = [float(v.detach()) if hasattr(v, "detach") else float(v) for _, _, v in operands]
    values.append(0.0)  # b, for an operation of one operand
    names = {role: _in_formula(tree) for role, tree, _ in operands}
    result = node.tex if node.name.isidentifier() else f"({node.tex})"
    in_names = Operands(names["a"], names.get("b", ""), result)
    in_graph = [
        (role, tree)
        for role, tree, value in operands
        if isinstance(value, torch.Tensor) and value.requires_grad
    ]
    worked_out = []
    for (role, tree), (_, passed) in zip(in_graph, passes, strict=True):
        rule = RULES[key][role]
        text, local = worked(rule, in_names, (values[0], values[1], node.value))
        if not agrees(local, received, passed):
            raise StepperError(
                f"the rule for {key} in course_ext/stepper_rules.py gives the local derivative "
                f"{number(local)}, where PyTorch passed back {number(passed)} for "
                f"{number(received)} received: the rule is wrong",
                line,
            )
        operand = names[role] if isinstance(tree, ast.Name) else f"({tex(tree)})"
        worked_out.append((f"\\partial {result}/\\partial {operand} = {text}", local))
    return worked_out


def _tensor_rules(fn, node: Node, evaluator: _Evaluator, received, passed) -> list[dict]:
    """In a stepper on tensors, for each gradient a node passes on: its rule written out in
    TeX with the values put in ("dW = Xᵀ dM = [..] [..] = [..]", `rule`), the operand
    (`target`), and where broadcasting used the operand several times, the sum the engine
    made (`summed`: over what, the parts, the total). Checked against PyTorch, value for
    value: a wrong rule stops the build."""
    if fn not in evaluator.operands:
        return []  # an input: it passes nothing on
    import torch

    key, operands, line = evaluator.operands[fn]
    values = {role: value for role, _, value in operands}
    a, b = values["a"], values.get("b", 0.0)
    y, g = torch.tensor(node.value, dtype=torch.float64), received
    result = node.tex if node.name.isidentifier() else f"({node.tex})"
    names = {role: _in_formula(tree) for role, tree, _ in operands}

    def tex_of(v) -> str:
        return tex_value(plain(v.detach())) if isinstance(v, torch.Tensor) else in_brackets(v)

    # A mean divides by its operand's number of entries: it writes n, then the number.
    count = ("n", str(a.numel())) if key == "mean" else (names.get("b", ""), tex_of(b))
    in_names = Operands(names["a"], count[0], result, f"d{result}")
    in_values = Operands(tex_of(a), count[1], tex_value(node.value), tex_of(g))
    in_graph = [
        (role, tree, value)
        for role, tree, value in operands
        if isinstance(value, torch.Tensor) and value.requires_grad
    ]
    worked_out = []
    for (role, tree, operand), sent in zip(in_graph, passed, strict=True):
        rule = TENSOR_RULES[key][role]
        with torch.no_grad():
            value = rule.value(
                *(v.detach() if isinstance(v, torch.Tensor) else v for v in (a, b, y, g))
            )
            try:
                total = value.sum_to_size(operand.shape)
            except RuntimeError:  # a wrong rule's shape: said below, as any wrong rule
                total = value
        if total.shape != sent.shape or not torch.allclose(total, sent, rtol=1e-9, atol=1e-12):
            raise StepperError(
                f"the rule for {key} in course_ext/stepper_rules.py (TENSOR_RULES) gives "
                f"{text_of(plain(total))}, where PyTorch passed back {text_of(plain(sent))}: "
                "the rule is wrong",
                line,
            )
        target = tex(tree)
        said = []
        for text in (rule.formula(in_names), rule.formula(in_values), tex_value(plain(value))):
            if text not in said:
                said.append(text)
        sums = summed(value, tuple(operand.shape))
        worked_out.append(
            {
                "rule": " = ".join(said if sums else [f"d{_in_formula(tree)}", *said]),
                "target": target,
                "summed": sums and (*sums, tex_value(plain(total))),
            }
        )
    return worked_out


# --- the steps in words --------------------------------------------------------------------


def step_texts(rec: Recording) -> tuple[list[str], list[list[tuple[str, bool]]]]:
    """What each forward step says (plain text, for the script), and each backward step:
    its sentences, with $math$ and `code` marked, and whether each passes a gradient on."""
    forward = []
    for node_id in rec.forward:
        node = rec.nodes[node_id]
        key = "input" if node.fn == "AccumulateGrad" else "forward"
        forward.append(WORDS[key].format(name=node.name, fn=node.fn, value=text_of(node.value)))
    backward = []
    for index, step in enumerate(rec.backward):
        node = rec.nodes[step["node"]]
        received = tex_value(step["received"])
        said = [WORDS["seed"].format(name=node.tex)] if index == 0 else []
        if len(step["parts"]) > 1:
            first, *others = (value for _, value in step["parts"])
            inner = tex_value if isinstance(first, list) else in_brackets
            parts = " + ".join([tex_value(first), *map(inner, others)])
            count = len(step["parts"])
            said.append(
                WORDS["meet"].format(
                    fn=node.fn, name=node.tex, parts=parts, received=received, count=count
                )
            )
        else:
            said.append(WORDS["receives"].format(fn=node.fn, name=node.tex, received=received))
        said = [(text, False) for text in said]
        said += [(text, True) for text in pass_sentences(rec, step)]
        if node.fn == "AccumulateGrad":
            said.append((WORDS["stores"].format(name=node.name, received=received), False))
        backward.append(said)
    return forward, backward


def pass_sentences(rec: Recording, step: dict) -> list[str]:
    """What a backward step says of each gradient it passes on: the rule, then the product
    (on tensors: the rule, and the sum where the operand was broadcast)."""
    if rec.tensors:
        return [
            WORDS["tensor_summed"].format(
                rule=rule["rule"],
                target=rule["target"],
                over=rule["summed"][0],
                parts=" + ".join(rule["summed"][1]),
                total=rule["summed"][2],
            )
            if rule["summed"]
            else WORDS["tensor_passes"].format(rule=rule["rule"], target=rule["target"])
            for rule in step["rules"]
        ]
    return [
        WORDS["passes"].format(
            rule=rule,
            local=in_brackets(local),
            received=tex_number(step["received"]),
            value=tex_number(value),
            target=rec.nodes[target].tex,
        )
        for (target, value), (rule, local) in zip(step["passes"], step["rules"], strict=True)
    ]


MARKED = re.compile(r"\$([^$]+)\$|`([^`]+)`")


def sentence_nodes(text: str) -> list[nodes.Node]:
    """A sentence of WORDS as docutils nodes: $math$ for KaTeX, `code` as code."""
    out, at = [], 0
    for match in MARKED.finditer(text):
        out.append(nodes.Text(text[at : match.start()]))
        math, code = match.groups()
        out.append(nodes.math(math, math) if math else nodes.literal(code, code))
        at = match.end()
    out.append(nodes.Text(text[at:]))
    # A browser wraps after a formula as it likes, even before the comma that ends it (a
    # word joiner does not stop it): the comma or full stop goes into the formula, as a
    # closing atom, which TeX sets with no space before it, even after a matrix.
    for number_, node in enumerate(out[1:], 1):
        before, mark = out[number_ - 1], node.astext()[:1]
        if isinstance(before, nodes.math) and mark in (".", ",", ";"):
            tex_ = rf"{before.astext()}\mathclose{{{mark}}}"
            out[number_ - 1] = nodes.math(tex_, tex_)
            out[number_] = nodes.Text(node.astext()[1:])
    return [node for node in out if not (isinstance(node, nodes.Text) and not node.astext())]


def steps_in_words(backward: list[list[tuple[str, bool]]]) -> nodes.enumerated_list:
    """The backward steps as a list: the form without JavaScript, the one other builders
    show, and the one the script narrates from (each item, each gradient passed on as an
    `agb-pass` whose first formula, the rule, is an `agb-rule`)."""
    listing = nodes.enumerated_list()
    for said in backward:
        paragraph = nodes.paragraph()
        for number_, (text, passes) in enumerate(said):
            parts = ([nodes.Text(" ")] if number_ else []) + sentence_nodes(text)
            if passes:
                span = nodes.inline(classes=["agb-pass"])
                span += parts
                next(span.findall(nodes.math))["classes"].append("agb-rule")
                parts = [span]
            paragraph += parts
        listing += nodes.list_item("", paragraph)
    return listing


# --- layout and drawing --------------------------------------------------------------------

BOX = (1.45, 0.8)  # inches, as Graphviz measures; 72 px each: a node of numbers
PX = 72
CHAR, LINE = 7.3, 16  # px: a character of the 12 px monospace font, a line of text


def rows_of(value) -> list[list[str]]:
    """A tensor's entries as rows of text (a vector is one row)."""
    rows = value if value and isinstance(value[0], list) else [value]
    return [[number(v) for v in row] for row in rows]


def box_size(node: Node) -> tuple[float, float]:
    """A node's box in px: a number's fits "value -0.281718"; a tensor's holds two tables,
    its value and its gradient, one column per entry."""
    title = len(node.title) * CHAR + 16
    if not isinstance(node.value, list):
        texts = (
            WORDS["value"].format(value=number(node.value)),
            WORDS["grad"].format(grad=number(node.grad)),
        )
        return max(BOX[0] * PX, title, *(len(t) * CHAR + 14 for t in texts)), BOX[1] * PX
    cells = [cell for value in (node.value, node.grad) for row in rows_of(value) for cell in row]
    column = max(len(cell) for cell in cells) * CHAR + 12
    width = max(BOX[0] * PX, title, len(rows_of(node.value)[0]) * column + 16)
    return width, (3 + 2 * len(rows_of(node.value))) * LINE + 10


def layout(rec: Recording) -> dict:
    """Positions from Graphviz: inputs at the top, the output at the bottom."""
    dot = graphviz.Digraph(graph_attr={"rankdir": "TB", "nodesep": "0.25", "ranksep": "0.45"})
    for node in rec.nodes.values():
        w, h = box_size(node)
        dot.node(
            node.id,
            "",
            shape="box",
            fixedsize="true",
            width=f"{w / PX:.3f}",
            height=f"{h / PX:.3f}",
        )
    for node in rec.nodes.values():
        for child in node.inputs:
            dot.edge(child, node.id, arrowhead="none")  # the SVG draws its own arrows
    plain = dot.pipe(format="plain").decode("utf-8")
    boxes, edges, size = {}, [], (0.0, 0.0)
    for line in plain.splitlines():
        parts = line.split()
        if parts[0] == "graph":
            size = (float(parts[2]), float(parts[3]))
        elif parts[0] == "node":
            boxes[parts[1]] = (float(parts[2]), float(parts[3]))
        elif parts[0] == "edge":
            count = int(parts[3])
            points = [(float(parts[4 + 2 * i]), float(parts[5 + 2 * i])) for i in range(count)]
            edges.append((parts[1], parts[2], points))
    return {"size": size, "boxes": boxes, "edges": edges}


def svg(rec: Recording, place: dict, uid: str) -> str:
    """The graph with every value and gradient; ids and classes for the script and themes."""
    width, height = (round(v * PX + 8) for v in place["size"])

    def at(x: float, y: float) -> tuple[float, float]:  # Graphviz's y grows upwards
        return round(x * PX + 4, 1), round((place["size"][1] - y) * PX + 4, 1)

    title = _escape(WORDS["figure"].format(expression=rec.expression))
    out = [
        f'<svg class="agb-graph" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'role="img" '
        f'aria-labelledby="{uid}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{uid}-title">{title}</title>',
        '<defs><marker id="' + uid + '-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="agb-arrowhead"/></marker></defs>',
    ]
    for tail, head, points in place["edges"]:
        p = [at(*point) for point in points]
        path = f"M{p[0][0]},{p[0][1]} " + " ".join(
            f"C{p[i][0]},{p[i][1]} {p[i + 1][0]},{p[i + 1][1]} {p[i + 2][0]},{p[i + 2][1]}"
            for i in range(1, len(p) - 2, 3)
        )
        out.append(
            f'<path class="agb-edge" data-agb-from="{tail}" data-agb-to="{head}" d="{path}" '
            f'marker-end="url(#{uid}-arrow)"/>'
        )
    for node in rec.nodes.values():
        cx, cy = at(*place["boxes"][node.id])
        w, h = box_size(node)
        x, y = round(cx - w / 2, 1), round(cy - h / 2, 1)
        kind = "agb-input" if node.fn == "AccumulateGrad" else "agb-op"
        label = _escape(
            WORDS["details"].format(
                fn=node.fn, name=node.name, value=text_of(node.value), grad=text_of(node.grad)
            )
        )
        out += [
            f'<g class="agb-node {kind}" data-agb-node="{node.id}" aria-label="{label}">',
            f'<rect x="{x}" y="{y}" width="{round(w, 1):g}" height="{round(h, 1):g}" rx="8"/>',
            f'<text x="{cx}" y="{round(y + 17, 1)}" class="agb-title">{_escape(node.title)}</text>',
            *_numbers(node, cx, y, w),
            "</g>",
        ]
    out.append("</svg>")
    return "\n".join(out)


def _numbers(node: Node, cx: float, top: float, width: float) -> list[str]:
    """A node's value and gradient: "value 5" and "grad 4" on a line each, or for a tensor,
    each a label above a table, one <text> per row and a <tspan> per entry."""
    if not isinstance(node.value, list):
        return [
            f'<text x="{cx}" y="{round(top + 33, 1)}" class="agb-value">'
            f"{_escape(WORDS['value'].format(value=number(node.value)))}</text>",
            f'<text x="{cx}" y="{round(top + 49, 1)}" class="agb-grad">'
            f"{_escape(WORDS['grad'].format(grad=number(node.grad)))}</text>",
        ]
    out, y = [], top + 17
    for kind, value in (("value", node.value), ("grad", node.grad)):
        rows = rows_of(value)
        column = (width - 16) / len(rows[0])
        y += LINE
        label = WORDS[f"{kind}_label"]
        out.append(f'<g class="agb-{kind}"><text x="{cx}" y="{round(y, 1)}">{label}</text>')
        for row in rows:
            y += LINE
            left = cx - width / 2 + 8
            cells = "".join(
                f'<tspan x="{round(left + column * (i + 0.5), 1)}">{_escape(cell)}</tspan>'
                for i, cell in enumerate(row)
            )
            out.append(f'<text y="{round(y, 1)}">{cells}</text>')
        out.append("</g>")
    return out


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def body_hash(lines: list[str], data: tuple[str, ...] = ()) -> str:
    """Names the stepper's picture by its body, so the notebook form can link it unbuilt."""
    body = "\n".join([*(line.strip() for line in lines if line.strip()), ",".join(data)])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]


def entries(value) -> list[float]:
    """A number, or a tensor's entries row by row, as the page prints them (six digits)."""
    if not isinstance(value, list):
        return [float(number(value))]
    return [number_ for item in value for number_ in entries(item)]


def steps_data(rec: Recording) -> dict:
    """What the script needs: the nodes, and each step; a backward step's words are in the
    page (steps_in_words), in the same order."""
    forward_words, _ = step_texts(rec)
    return {
        "tensors": rec.tensors,
        "nodes": {
            node.id: {
                "name": node.name,
                "fn": node.fn,
                "value": text_of(node.value),
                "grad": text_of(node.grad),
                "entries": entries(node.grad),  # what a prediction is checked against
                "inputs": node.inputs,
                "saved": [f"{k} = {v}" for k, v in node.saved],
            }
            for node in rec.nodes.values()
        },
        "forward": [
            {"node": n, "say": text} for n, text in zip(rec.forward, forward_words, strict=True)
        ],
        "backward": [
            {
                "node": step["node"],
                "to": [target for target, _ in step["passes"]],
                "parts": [text_of(value) for _, value in step["parts"]],
            }
            for step in rec.backward
        ],
    }


# --- the directive, its HTML and its other forms -------------------------------------------


class stepper(nodes.General, nodes.Element):
    """The picture and the steps in attributes: `svg`, `data` (the steps as JSON), `count`
    (of steps), `expression`; its one child is the backward steps in words, with math."""


def data_names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


class StepperDirective(SphinxDirective):
    has_content = True
    option_spec = {"data": data_names}

    def run(self) -> list[nodes.Node]:
        lines, data = list(self.content), self.options.get("data", ())
        try:
            rec = record(lines, data)
        except StepperError as error:
            line = self.lineno + self.content_offset + error.line
            return [self.reporter.error(f"backprop-stepper: {error.message}", line=line)]
        uid = f"agb-{body_hash(lines, data)}"
        steps = steps_data(rec)
        node = stepper(
            "",
            steps_in_words(step_texts(rec)[1]),
            uid=uid,
            expression=rec.expression,
            svg=svg(rec, layout(rec), uid),
            data=json.dumps(steps, ensure_ascii=False, sort_keys=True),
            count=len(steps["forward"]) + len(steps["backward"]),
        )
        node["ids"].append(uid)
        self.set_source_info(node)
        # Each prediction counts in the landing page's progress, as a quiz question does.
        progress = self.env.temp_data.setdefault("course_progress_keys", [])
        progress += prediction_keys(uid, steps)
        return [node]


def prediction_keys(uid: str, steps: dict) -> list[str]:
    """A key per prediction, stored by agb-stepper.js: one per backward step but the seed's
    (its gradient is 1 by definition)."""
    return [f"stepper:{uid}:{step['node']}" for step in steps["backward"][1:]]


def visit_stepper(self, node):
    uid = node["uid"]
    words = {key: WORDS[key] for key in SCRIPT_WORDS}
    data = {"data-agb-steps": node["data"], "data-agb-words": json.dumps(words, ensure_ascii=False)}
    self.body.append(self.starttag(node, "figure", CLASS="agb-stepper", **data))
    self.body.append(f'<div class="agb-canvas">{node["svg"]}</div>')
    self.body.append(
        '<div class="agb-controls">'
        f'<button type="button" class="agb-button agb-reset">{WORDS["reset"]}</button>'
        f'<button type="button" class="agb-button agb-previous">{WORDS["previous"]}</button>'
        f'<button type="button" class="agb-button agb-play">{WORDS["play"]}</button>'
        f'<button type="button" class="agb-button agb-next">{WORDS["next"]}</button>'
        f'<button type="button" class="agb-button agb-predict" aria-pressed="false">'
        f"{WORDS['predict']}</button>"
        f'<label class="agb-slider-label" for="{uid}-slider">{WORDS["slider"]}</label>'
        f'<input type="range" class="agb-slider" id="{uid}-slider" min="0" '
        f'max="{node["count"]}" value="0" step="1">'
        '<span class="agb-counter"></span></div>'
        # A plain text box: a phone's decimal keypad has no minus sign, nor a comma between
        # a tensor's entries.
        f'<form class="agb-guess" hidden><label for="{uid}-guess" class="agb-question"></label>'
        f'<input type="text" id="{uid}-guess" class="agb-guess-input" '
        'autocomplete="off" spellcheck="false">'
        f'<button type="submit" class="agb-button">{WORDS["check"]}</button></form>'
        '<p class="agb-verdict" aria-live="polite"></p>'
        '<p class="agb-score" aria-live="polite"></p>'
        '<div class="agb-say" aria-live="polite"></div>'
        '<div class="agb-details" aria-live="polite"></div>'
        f'<details class="agb-steps" open><summary>{WORDS["steps_title"]}</summary>'
    )  # then the steps in words, the node's child, with its math typeset


def depart_stepper(self, node):
    caption = self.encode(WORDS["figure"].format(expression=node["expression"]))
    self.body.append(f"</details><figcaption>{caption}</figcaption></figure>\n")


def as_plain_nodes(node: stepper) -> nodes.Element:
    box = nodes.container(classes=["agb-stepper"])
    box += nodes.paragraph("", WORDS["figure"].format(expression=node["expression"]))
    box += node.children
    return box


# The picture as a file is shown as an image (in Colab), where the page's stylesheet does
# not reach: it carries its own colours, the light theme's, on its own white ground.
PICTURE_STYLE = (
    "<style>text{font:12px monospace;text-anchor:middle;fill:#222832}"
    ".agb-node rect{fill:#fff;stroke:#a0a7b0;stroke-width:1.5}"
    ".agb-input rect{stroke-dasharray:4 2}.agb-title{font-weight:700}"
    ".agb-edge{fill:none;stroke:#5c6670;stroke-width:1.5}.agb-arrowhead{fill:#5c6670}"
    ".agb-grad,.agb-grad text{fill:#0a58ca;font-weight:700}</style>"
    '<rect width="100%" height="100%" fill="#fff"/>'
)


def picture_file(svg_text: str) -> str:
    """The stepper's SVG as a file of its own: with its style, after its title and markers."""
    at = svg_text.index("</defs>") + len("</defs>")
    return svg_text[:at] + PICTURE_STYLE + svg_text[at:]


def write_pictures(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Each stepper's picture as a file too, for the Colab notebook to show."""
    if app.builder.format != "html":
        return
    for node in doctree.findall(stepper):
        target = Path(app.outdir) / "_images" / f"{node['uid']}.svg"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(picture_file(node["svg"]), encoding="utf-8")


def notebook_form(block, site) -> list[str]:
    data = data_names(block.options.get("data", ""))
    expression = expression_text(parse_body(block.body)[1])
    picture = f"{site.base_url}_images/agb-{body_hash(block.body, data)}.svg"
    title = site.title_of(site.docname)
    words = WORDS["notebook"].format(
        expression=expression, title=title, url=site.page_url(site.docname)
    )
    return [f"![{WORDS['figure'].format(expression=expression)}]({picture})", "", words]


register_notebook_form("backprop-stepper", notebook_form)


def setup_stepper(app: Sphinx) -> None:
    app.add_node(stepper, html=(visit_stepper, depart_stepper))
    app.add_directive("backprop-stepper", StepperDirective)
    add_plain_form(app, stepper, as_plain_nodes)
    app.connect("doctree-resolved", write_pictures)
    load_assets_where_used(app, stepper, "agb-stepper.css", "agb-stepper.js")
