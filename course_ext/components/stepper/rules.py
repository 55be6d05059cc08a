"""The local derivative of each operation a backprop stepper allows, as the rule a learner reads.

One table, RULES, owns them: for each operation and each of its operands, the derivative as a
TeX formula of names ("3 \\cdot g^{2}") and as a number computed from the forward values. The
stepper shows each rule with the values put in ("3 · g² = 3 · 5² = 75", typeset by KaTeX when
the site is built), and `record` checks each one against the ratio PyTorch itself passed back
(`agrees`): a wrong rule stops the build, so the words never disagree with the numbers. This
module also writes a stepper's names, numbers and sub-expressions as TeX (`tex`, `tex_number`).

A stepper on tensors has no local derivative to multiply by: each operation turns the gradient
it receives (dY, of its result's shape) into its operands' gradients, dW = Xᵀ dY for a matrix
product. TENSOR_RULES owns those, written with the received gradient `g` and checked the same
way, value for value; where an operand was broadcast, the engine sums the result to the
operand's shape, and the words show that sum (`summed`).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass

MOST = 4  # rows and columns of a stepper's tensor: a table on a node must stay small


def number(value: float) -> str:
    """A value as the stepper prints it in words and on the graph: six significant digits."""
    return format(value, ".6g")


def text_of(value) -> str:
    """A number, or a small tensor as nested lists, as text: "[[1, 2], [3, 4]]"."""
    if isinstance(value, list):
        return "[" + ", ".join(text_of(v) for v in value) + "]"
    return number(value)


def tex_value(value) -> str:
    """A number, or a small tensor as a matrix (a vector as one row), in TeX."""
    if not isinstance(value, list):
        return tex_number(value)
    rows = value if value and isinstance(value[0], list) else [value]
    body = r" \\ ".join(" & ".join(tex_number(v) for v in row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def tex_number(value: float) -> str:
    """A value as a formula writes it: six significant digits, 1e-05 as 1 × 10⁻⁵."""
    text = number(value)
    if text in ("inf", "-inf", "nan"):
        return {"inf": r"\infty", "-inf": r"-\infty", "nan": r"\mathrm{NaN}"}[text]
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return text
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else f"{mantissa} \\times {power}"


def tex_name(name: str) -> str:
    """A stepper's name in a formula: `x`, `x_in` as x with the subscript "in"."""
    head, _, tail = name.partition("_")
    head = head if len(head) == 1 else rf"\mathit{{{head}}}"
    return f"{head}_{{\\text{{{tail}}}}}" if tail else head


FUNCTION_TEX = {
    "exp": r"\exp",
    "log": r"\log",
    "sin": r"\sin",
    "cos": r"\cos",
    "tanh": r"\tanh",
    "sigmoid": r"\sigma",
    "relu": r"\operatorname{relu}",
}
_BINARY = {ast.Add: (1, " + "), ast.Sub: (1, " - "), ast.Mult: (2, r" \cdot "), ast.Div: (2, " / ")}
_BINARY[ast.MatMult] = (2, r"\,")  # a matrix product: XW


def tex(tree: ast.expr, values: dict[str, float] | None = None) -> str:
    """A stepper's expression (the syntax tree of a line) as TeX: `x**2 * (3 * x)` is
    x² · (3 · x). Brackets only where the order of operations needs them."""

    def precedence(node: ast.expr) -> int:
        if isinstance(node, ast.BinOp):
            return 4 if isinstance(node.op, ast.Pow) else _BINARY[type(node.op)][0]
        if isinstance(node, ast.UnaryOp) or (isinstance(node, ast.Constant) and node.value < 0):
            return 3
        return 5

    def inner(node: ast.expr, at_least: int) -> str:
        text = write(node)
        return f"({text})" if precedence(node) < at_least else text

    def write(node: ast.expr) -> str:
        if isinstance(node, ast.Constant):
            return tex_number(node.value)
        if isinstance(node, ast.Name):
            return tex_name(node.id)
        if isinstance(node, ast.UnaryOp):
            return "-" + inner(node.operand, 3)
        if isinstance(node, ast.Call):
            argument = write(node.args[0])
            if node.func.id == "sqrt":
                return rf"\sqrt{{{argument}}}"
            if node.func.id == "abs":
                return rf"\lvert {argument} \rvert"
            return rf"{FUNCTION_TEX[node.func.id]}({argument})"
        if isinstance(node.op, ast.Pow):
            return f"{inner(node.left, 5)}^{{{write(node.right)}}}"
        level, symbol = _BINARY[type(node.op)]
        # a - (b + c) and a / (b * c) keep their brackets; a + (b + c) would not need them.
        right = level + 1 if isinstance(node.op, (ast.Sub, ast.Div)) else level
        return f"{inner(node.left, level)}{symbol}{inner(node.right, right)}"

    return write(tree)


@dataclass(frozen=True)
class Operands:
    """What a rule's formula is written with, in TeX: the operands `a` and `b` (b: a binary
    operator's right operand) and the result `y`, as names or as values."""

    a: str
    b: str = ""
    y: str = ""
    g: str = ""  # the gradient the node received (tensor rules)


@dataclass(frozen=True)
class Rule:
    """d(result)/d(operand): `formula` writes it in TeX with names or values, `value`
    computes it from the forward values (a, b, y)."""

    formula: Callable[[Operands], str]
    value: Callable[[float, float, float], float]


def _power(o: Operands) -> str:
    """n · a^(n−1); with a number for n, the exponent is worked out: 3 · g²."""
    try:
        exponent = float(o.b.strip("()")) - 1
    except ValueError:
        return rf"{o.b} \cdot {o.a}^{{{o.b} - 1}}"
    if exponent == 1:
        return rf"{o.b} \cdot {o.a}"
    return rf"{o.b} \cdot {o.a}^{{{tex_number(exponent)}}}"


def _sign(a: float) -> float:
    return math.copysign(1.0, a) if a else 0.0  # PyTorch's abs has derivative 0 at 0


def _log(a: float) -> float:
    return math.log(a) if a > 0 else math.nan


# The rules, by the operation as the stepper's words name it, then by operand: "a" for the
# left operand of a binary operator or the argument of a function, "b" for the right one.
# An operand arrives in brackets where it needs them (in_brackets, `record`).
RULES: dict[str, dict[str, Rule]] = {
    "+": {
        "a": Rule(lambda o: "1", lambda a, b, y: 1.0),
        "b": Rule(lambda o: "1", lambda a, b, y: 1.0),
    },
    "−": {
        "a": Rule(lambda o: "1", lambda a, b, y: 1.0),
        "b": Rule(lambda o: "-1", lambda a, b, y: -1.0),
    },
    "×": {
        "a": Rule(lambda o: _bare(o.b), lambda a, b, y: b),
        "b": Rule(lambda o: _bare(o.a), lambda a, b, y: a),
    },
    "÷": {
        "a": Rule(lambda o: rf"1 / {o.b}", lambda a, b, y: 1 / b),
        "b": Rule(lambda o: rf"-{o.a} / {o.b}^{{2}}", lambda a, b, y: -a / b**2),
    },
    "**": {
        "a": Rule(_power, lambda a, b, y: b * a ** (b - 1)),
        "b": Rule(lambda o: rf"{o.a}^{{{o.b}}} \cdot \log {o.a}", lambda a, b, y: y * _log(a)),
    },
    "neg": {"a": Rule(lambda o: "-1", lambda a, b, y: -1.0)},
    "exp": {"a": Rule(lambda o: rf"\exp({_bare(o.a)})", lambda a, b, y: y)},
    "log": {"a": Rule(lambda o: rf"1 / {o.a}", lambda a, b, y: 1 / a)},
    "sin": {"a": Rule(lambda o: rf"\cos({_bare(o.a)})", lambda a, b, y: math.cos(a))},
    "cos": {"a": Rule(lambda o: rf"-\sin({_bare(o.a)})", lambda a, b, y: -math.sin(a))},
    "tanh": {"a": Rule(lambda o: rf"1 - {o.y}^{{2}}", lambda a, b, y: 1 - y**2)},
    "sigmoid": {"a": Rule(lambda o: rf"{o.y} \cdot (1 - {o.y})", lambda a, b, y: y * (1 - y))},
    "relu": {"a": Rule(lambda o: rf"[{_bare(o.a)} > 0]", lambda a, b, y: float(a > 0))},
    "sqrt": {"a": Rule(lambda o: rf"1 / (2 \cdot {o.y})", lambda a, b, y: 1 / (2 * y))},
    "abs": {"a": Rule(lambda o: rf"\operatorname{{sign}}({_bare(o.a)})", lambda a, b, y: _sign(a))},
}


def _bare(operand: str) -> str:
    """An operand standing alone needs no brackets: ∂(a · b)/∂a = x + y, not (x + y)."""
    if operand.startswith("(") and operand.endswith(")"):
        inside = operand[1:-1]
        if "(" not in inside and ")" not in inside:  # not "(a) + (b)"
            return inside
    return operand


@dataclass(frozen=True)
class TensorRule:
    """The gradient an operation passes to one operand, from the gradient g it received:
    `formula` writes it in TeX with names or with values, `value` computes it with torch
    from (a, b, y, g). Before any sum over broadcast axes."""

    formula: Callable[[Operands], str]
    value: Callable


def _tensor_power(o: Operands) -> str:
    """g ⊙ n·a^(n−1), entry by entry: a power of each entry (∘), never of the matrix."""
    exponent = float(o.b.strip("()")) - 1
    power = "" if exponent == 1 else rf"^{{\circ {tex_number(exponent)}}}"
    return rf"{o.g} \odot {o.b} \cdot {o.a}{power}"


def _rule(formula: Callable[[Operands], str], value: Callable) -> dict[str, TensorRule]:
    return {"a": TensorRule(formula, value)}


# By the operation, then by operand, as RULES; ⊙ and ⊘ multiply and divide entry by entry.
TENSOR_RULES: dict[str, dict[str, TensorRule]] = {
    "+": {
        "a": TensorRule(lambda o: o.g, lambda a, b, y, g: g),
        "b": TensorRule(lambda o: o.g, lambda a, b, y, g: g),
    },
    "−": {
        "a": TensorRule(lambda o: o.g, lambda a, b, y, g: g),
        "b": TensorRule(lambda o: f"-{o.g}", lambda a, b, y, g: -g),
    },
    "×": {
        "a": TensorRule(lambda o: rf"{o.g} \odot {o.b}", lambda a, b, y, g: g * b),
        "b": TensorRule(lambda o: rf"{o.g} \odot {o.a}", lambda a, b, y, g: g * a),
    },
    "÷": {
        "a": TensorRule(lambda o: rf"{o.g} \oslash {o.b}", lambda a, b, y, g: g / b),
        "b": TensorRule(
            lambda o: rf"-{o.g} \odot {o.a} \oslash {o.b}^{{\circ 2}}",
            lambda a, b, y, g: -g * a / b**2,
        ),
    },
    "**": _rule(_tensor_power, lambda a, b, y, g: g * b * a ** (b - 1)),
    "@": {
        "a": TensorRule(lambda o: rf"{o.g}\, {o.b}^{{\top}}", lambda a, b, y, g: g @ b.T),
        "b": TensorRule(lambda o: rf"{o.a}^{{\top}} {o.g}", lambda a, b, y, g: a.T @ g),
    },
    "neg": _rule(lambda o: f"-{o.g}", lambda a, b, y, g: -g),
    "exp": _rule(lambda o: rf"{o.g} \odot {o.y}", lambda a, b, y, g: g * y),
    "log": _rule(lambda o: rf"{o.g} \oslash {o.a}", lambda a, b, y, g: g / a),
    "sin": _rule(lambda o: rf"{o.g} \odot \cos {o.a}", lambda a, b, y, g: g * a.cos()),
    "cos": _rule(lambda o: rf"-{o.g} \odot \sin {o.a}", lambda a, b, y, g: -g * a.sin()),
    "tanh": _rule(
        lambda o: rf"{o.g} \odot (1 - {o.y}^{{\circ 2}})", lambda a, b, y, g: g * (1 - y**2)
    ),
    "sigmoid": _rule(
        lambda o: rf"{o.g} \odot {o.y} \odot (1 - {o.y})", lambda a, b, y, g: g * y * (1 - y)
    ),
    "relu": _rule(lambda o: rf"{o.g} \odot [{o.a} > 0]", lambda a, b, y, g: g * (a > 0)),
    "sqrt": _rule(lambda o: rf"{o.g} \oslash (2 {o.y})", lambda a, b, y, g: g / (2 * y)),
    "abs": _rule(
        lambda o: rf"{o.g} \odot \operatorname{{sign}} {o.a}", lambda a, b, y, g: g * a.sign()
    ),
    # g is a number here: the sum (or mean) passes it to every entry, a table of ones of a's
    # shape (not a bold 1: KaTeX's bold font, for one character, would cost the page 10 kB).
    "sum": _rule(
        lambda o: rf"{o.g} \cdot \operatorname{{ones}}", lambda a, b, y, g: g * a.new_ones(a.shape)
    ),
    "mean": _rule(
        lambda o: rf"{o.g} \cdot \operatorname{{ones}} / {o.b}",
        lambda a, b, y, g: g * a.new_ones(a.shape) / a.numel(),
    ),
}


def summed(value, shape: tuple[int, ...]) -> tuple[str, list[str]] | None:
    """Where broadcasting used an operand of `shape` several times: over what its gradient is
    summed ("rows", "columns", "entries") and the parts, each in TeX; None where no sum is."""
    if tuple(value.shape) == tuple(shape):
        return None
    if value.dim() == 2 and tuple(shape) in ((value.shape[1],), (1, value.shape[1])):
        return "rows", [tex_value(row.tolist()) for row in value]
    if value.dim() == 2 and tuple(shape) == (value.shape[0], 1):
        columns = [[[v] for v in column.tolist()] for column in value.T]
        return "columns", [tex_value(column) for column in columns]
    if value.numel() > 0 and all(size == 1 for size in shape):
        return "entries", [in_brackets(v) for v in value.flatten().tolist()]
    return "broadcast axes", [tex_value(value.tolist())]


def in_brackets(value: float) -> str:
    """A value put into a formula: a negative one in brackets, so that 3 · (-2)² reads right."""
    text = tex_number(value)
    return f"({text})" if value < 0 else text


def worked(rule: Rule, names: Operands, values: tuple[float, float, float]) -> tuple[str, float]:
    """The rule written out in TeX, "3 \\cdot g^{2} = 3 \\cdot 5^{2} = 75" (steps that say
    nothing new left out), and its value."""
    a, b, y = values
    value = rule.value(a, b, y)
    with_values = Operands(in_brackets(a), in_brackets(b), in_brackets(y))
    said = []
    for text in (rule.formula(names), rule.formula(with_values), tex_number(value)):
        if text not in said:
            said.append(text)
    return " = ".join(said), value


def agrees(rule_value: float, received: float, passed: float) -> bool:
    """The rule's local derivative times what the node received is what PyTorch passed on."""
    expected = rule_value * received
    if math.isnan(expected) or math.isnan(passed):
        return math.isnan(expected) and math.isnan(passed)
    return math.isclose(expected, passed, rel_tol=1e-9, abs_tol=1e-300)
