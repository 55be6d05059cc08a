"""A stepper's graph laid out by Graphviz (`dot -Tplain`) and drawn here as SVG, so that its
parts carry the classes the script and the two themes need; and the same picture as a file
of its own, for the Colab notebook."""

from __future__ import annotations

import html

import graphviz

from .model import GraphNode, Recording
from .rules import (
    number,
    text_of,
)
from .words import WORDS

# --- layout and drawing --------------------------------------------------------------------

BOX = (1.45, 0.8)  # inches, as Graphviz measures; 72 px each: a node of numbers
PX = 72
CHAR, LINE = 7.3, 16  # px: a character of the 12 px monospace font, a line of text


def rows_of(value) -> list[list[str]]:
    """A tensor's entries as rows of text (a vector is one row)."""
    rows = value if value and isinstance(value[0], list) else [value]
    return [[number(v) for v in row] for row in rows]


def box_size(node: GraphNode) -> tuple[float, float]:
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


def _numbers(node: GraphNode, cx: float, top: float, width: float) -> list[str]:
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
