"""The `backprop-stepper` directive: its node, its HTML, its form for other builders, and the
picture written as a file for the notebook."""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from ..base import CourseDirective, escaped
from .draw import layout, picture_file, svg
from .model import Recording, StepperError, body_hash, data_names, record
from .rules import number, text_of
from .words import SCRIPT_WORDS, WORDS, step_texts, steps_in_words


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


class StepperDirective(CourseDirective):
    prefix = "backprop-stepper"
    has_content = True
    option_spec = {"data": data_names}

    def run(self) -> list[nodes.Node]:
        lines, data = list(self.content), self.options.get("data", ())
        try:
            rec = record(lines, data)
        except StepperError as error:
            return self.fail(error)
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
    words = escaped(self, WORDS)
    uid = node["uid"]
    script_words = json.dumps({key: WORDS[key] for key in SCRIPT_WORDS}, ensure_ascii=False)
    data = {"data-agb-steps": node["data"], "data-agb-words": script_words}
    self.body.append(self.starttag(node, "figure", CLASS="agb-stepper", **data))
    self.body.append(f'<div class="agb-canvas">{node["svg"]}</div>')
    self.body.append(
        '<div class="agb-controls">'
        f'<button type="button" class="agb-button agb-reset">{words["reset"]}</button>'
        f'<button type="button" class="agb-button agb-previous">{words["previous"]}</button>'
        f'<button type="button" class="agb-button agb-play">{words["play"]}</button>'
        f'<button type="button" class="agb-button agb-next">{words["next"]}</button>'
        f'<button type="button" class="agb-button agb-predict" aria-pressed="false">'
        f"{words['predict']}</button>"
        f'<label class="agb-slider-label" for="{uid}-slider">{words["slider"]}</label>'
        f'<input type="range" class="agb-slider" id="{uid}-slider" min="0" '
        f'max="{node["count"]}" value="0" step="1">'
        '<span class="agb-counter"></span></div>'
        # A plain text box: a phone's decimal keypad has no minus sign, nor a comma between
        # a tensor's entries.
        f'<form class="agb-guess" hidden><label for="{uid}-guess" class="agb-question"></label>'
        f'<input type="text" id="{uid}-guess" class="agb-guess-input" '
        'autocomplete="off" spellcheck="false">'
        f'<button type="submit" class="agb-button">{words["check"]}</button></form>'
        '<p class="agb-verdict" aria-live="polite"></p>'
        '<p class="agb-score" aria-live="polite"></p>'
        '<div class="agb-say" aria-live="polite"></div>'
        '<div class="agb-details" aria-live="polite"></div>'
        f'<details class="agb-steps" open><summary>{words["steps_title"]}</summary>'
    )  # then the steps in words, the node's child, with its math typeset


def depart_stepper(self, node):
    caption = self.encode(WORDS["figure"].format(expression=node["expression"]))
    self.body.append(f"</details><figcaption>{caption}</figcaption></figure>\n")


def as_plain_nodes(node: stepper) -> nodes.Element:
    box = nodes.container(classes=["agb-stepper"])
    box += nodes.paragraph("", WORDS["figure"].format(expression=node["expression"]))
    box += node.children
    return box


def write_pictures(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Each stepper's picture as a file too, for the Colab notebook to show."""
    if app.builder.format != "html":
        return
    for node in doctree.findall(stepper):
        target = Path(app.outdir) / "_images" / f"{node['uid']}.svg"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(picture_file(node["svg"]), encoding="utf-8")


def connect_stepper_hooks(app: Sphinx) -> None:
    app.connect("doctree-resolved", write_pictures)
