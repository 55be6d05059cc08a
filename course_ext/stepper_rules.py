"""The local derivative of each operation a backprop stepper allows, as the rule a learner reads.

One table, RULES, owns them: for each operation and each of its operands, the derivative as a
TeX formula of names ("3 \\cdot g^{2}") and as a number computed from the forward values. The
stepper shows each rule with the values put in ("3 · g² = 3 · 5² = 75", typeset by KaTeX when
the site is built), and `record` checks each one against the ratio PyTorch itself passed back
(`agrees`): a wrong rule stops the build, so the words never disagree with the numbers. This
module also writes a stepper's names, numbers and sub-expressions as TeX (`tex`, `tex_number`).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass


def number(value: float) -> str:
    """A value as the stepper prints it in words and on the graph: six significant digits."""
    return format(value, ".6g")


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
