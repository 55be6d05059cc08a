"""The local derivative of each operation a backprop stepper allows, as the rule a learner reads.

One table, RULES, owns them: for each operation and each of its operands, the derivative as a
formula of names ("3 · g²") and as a number computed from the forward values. The stepper
shows each rule with the values put in ("3 · g² = 3 · 5² = 75"), and `record` checks each
one against the ratio PyTorch itself passed back (`agrees`): a wrong rule stops the build, so
the words never disagree with the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


def number(value: float) -> str:
    """A value as the stepper prints it: six significant digits."""
    return format(value, ".6g")


@dataclass(frozen=True)
class Operands:
    """What a rule's formula is written with: the operands `a` and `b` (b: a binary
    operator's right operand) and the result `y`, as names or as values."""

    a: str
    b: str = ""
    y: str = ""


@dataclass(frozen=True)
class Rule:
    """d(result)/d(operand): `formula` writes it with names or values, `value` computes it
    from the forward values (a, b, y)."""

    formula: Callable[[Operands], str]
    value: Callable[[float, float, float], float]


def _power(o: Operands) -> str:
    """n · a^(n−1); with a number for n, the exponent is worked out: 3 · g²."""
    try:
        exponent = float(o.b.strip("()")) - 1
    except ValueError:
        return f"{o.b} · {o.a}^({o.b} - 1)"
    return f"{o.b} · {o.a}{_superscript(exponent)}"


_SUPERSCRIPT = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")


def _superscript(exponent: float) -> str:
    if exponent == 1:
        return ""
    text = number(exponent)
    return text.translate(_SUPERSCRIPT) if len(text) <= 3 else f"^{text}"


def _bare(operand: str) -> str:
    """An operand standing alone needs no brackets: ∂(a · b)/∂a = x + y, not (x + y)."""
    return operand[1:-1] if operand.startswith("(") and operand.endswith(")") else operand


def _sign(a: float) -> float:
    return math.copysign(1.0, a) if a else 0.0  # PyTorch's abs has derivative 0 at 0


def _log(a: float) -> float:
    return math.log(a) if a > 0 else math.nan


# The rules, by the operation as the stepper's words name it, then by operand: "a" for the
# left operand of a binary operator or the argument of a function, "b" for the right one.
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
        "a": Rule(lambda o: f"1 / {o.b}", lambda a, b, y: 1 / b),
        "b": Rule(lambda o: f"-{o.a} / {o.b}²", lambda a, b, y: -a / b**2),
    },
    "**": {
        "a": Rule(_power, lambda a, b, y: b * a ** (b - 1)),
        "b": Rule(lambda o: f"{o.a}^{o.b} · ln {o.a}", lambda a, b, y: y * _log(a)),
    },
    "neg": {"a": Rule(lambda o: "-1", lambda a, b, y: -1.0)},
    "exp": {"a": Rule(lambda o: f"exp({o.a})", lambda a, b, y: y)},
    "log": {"a": Rule(lambda o: f"1 / {o.a}", lambda a, b, y: 1 / a)},
    "sin": {"a": Rule(lambda o: f"cos({o.a})", lambda a, b, y: math.cos(a))},
    "cos": {"a": Rule(lambda o: f"-sin({o.a})", lambda a, b, y: -math.sin(a))},
    "tanh": {"a": Rule(lambda o: f"1 - {o.y}²", lambda a, b, y: 1 - y**2)},
    "sigmoid": {"a": Rule(lambda o: f"{o.y} · (1 - {o.y})", lambda a, b, y: y * (1 - y))},
    "relu": {"a": Rule(lambda o: f"[{o.a} > 0]", lambda a, b, y: float(a > 0))},
    "sqrt": {"a": Rule(lambda o: f"1 / (2 · {o.y})", lambda a, b, y: 1 / (2 * y))},
    "abs": {"a": Rule(lambda o: f"sign({o.a})", lambda a, b, y: _sign(a))},
}


def in_brackets(value: float) -> str:
    """A value put into a formula: a negative one in brackets, so that "3 · (-2)²" reads right."""
    text = number(value)
    return f"({text})" if value < 0 else text


def worked(rule: Rule, names: Operands, values: tuple[float, float, float]) -> tuple[str, float]:
    """The rule written out, "3 · g² = 3 · 5² = 75" (steps that say nothing new left out),
    and its value."""
    a, b, y = values
    value = rule.value(a, b, y)
    with_values = Operands(in_brackets(a), in_brackets(b), in_brackets(y))
    said = []
    for text in (rule.formula(names), rule.formula(with_values), number(value)):
        if text not in said:
            said.append(text)
    return " = ".join(said), value


def agrees(rule_value: float, received: float, passed: float) -> bool:
    """The rule's local derivative times what the node received is what PyTorch passed on."""
    expected = rule_value * received
    if math.isnan(expected) or math.isnan(passed):
        return math.isnan(expected) and math.isnan(passed)
    return math.isclose(expected, passed, rel_tol=1e-9, abs_tol=1e-300)
