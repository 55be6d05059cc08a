"""A stepper's body read, evaluated with torch, and the graph PyTorch recorded walked: every
value and gradient, as PyTorch computed them, with the rule of each step (rules.py)."""

from __future__ import annotations

import ast
import hashlib
import operator
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...errors import LocatedError
from .rules import (
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
    tex_value,
    text_of,
    worked,
)

if TYPE_CHECKING:
    import torch

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
class GraphNode:
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
    nodes: dict[str, GraphNode]
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
            node = GraphNode(ids[fn], name, tex_name(name), name, "AccumulateGrad", inputs[name])
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
            node = GraphNode(ids[fn], name, in_tex, title, type(fn).__name__, value, children)
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


def _worked_rules(fn, node: GraphNode, evaluator: _Evaluator, received: float, passes) -> list:
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
                f"the rule for {key} in course_ext/components/stepper/rules.py gives the local "
                "derivative "
                f"{number(local)}, where PyTorch passed back {number(passed)} for "
                f"{number(received)} received: the rule is wrong",
                line,
            )
        operand = names[role] if isinstance(tree, ast.Name) else f"({tex(tree)})"
        worked_out.append((f"\\partial {result}/\\partial {operand} = {text}", local))
    return worked_out


def _tensor_rules(fn, node: GraphNode, evaluator: _Evaluator, received, passed) -> list[dict]:
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
                f"the rule for {key} in course_ext/components/stepper/rules.py (TENSOR_RULES) "
                "gives "
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


def body_hash(lines: list[str], data: tuple[str, ...] = ()) -> str:
    """Names the stepper's picture by its body, so the notebook form can link it unbuilt."""
    body = "\n".join([*(line.strip() for line in lines if line.strip()), ",".join(data)])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]


def data_names(text: str) -> tuple[str, ...]:
    """The names of a `:data:` option."""
    return tuple(name.strip() for name in text.split(",") if name.strip())
