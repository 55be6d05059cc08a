"""What a stepper says: every sentence the learner reads (WORDS), each step in words, and the
backward steps as docutils nodes whose math KaTeX typesets when the site is built."""

from __future__ import annotations

import re

from docutils import nodes

from .model import Recording
from .rules import (
    in_brackets,
    tex_number,
    tex_value,
    text_of,
)

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
