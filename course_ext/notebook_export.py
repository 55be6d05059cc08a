"""Turn a MyST chapter into a Jupyter notebook that Colab can open and run.

Colab cannot open MyST markdown, and MyST directives show as raw text in a notebook,
so the export rewrites what only Sphinx understands:

- admonitions (```{note}, ```{admonition} Title) become block quotes with a bold title;
- ```{quiz} becomes each question with its options and a folded answer with the
  explanations (HTML <details>, which Colab renders);
- :::{dropdown} becomes <details>;
- {doc}`name` becomes a link to that page of the deployed site;
- relative images become absolute URLs of the deployed site;
- a cell tagged `raises-exception` is wrapped so that it prints its error instead of
  stopping "Run all" (the error is what the lesson shows).

It prepends a link back to the page, and a setup cell with the figure style of
book/matplotlibrc and `%pip install` of what Colab lacks. Anything MyST-only left
over is an error, so a chapter never exports half-converted.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

from .quiz_schema import parse_quiz

# Packages a chapter may import that Colab does not ship, with the pinned version to install.
COLAB_LACKS = {"torchviz": "torchviz==0.0.3"}
ADMONITIONS = {"note", "tip", "warning", "important", "caution", "hint", "attention", "seealso"}
FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}\s*(?P<argument>.*)$")


class ExportError(ValueError):
    """The chapter uses syntax the export cannot turn into notebook markdown."""


@dataclass
class Site:
    """What the export needs to know about the deployed site."""

    base_url: str  # e.g. https://org.github.io/repo/
    title_of: Callable[[str], str]  # docname -> page title
    docname: str  # this chapter, e.g. book/why_autodiff

    def page_url(self, docname: str) -> str:
        return f"{self.base_url}{docname}.html"


def _directive_blocks(lines: list[str]):
    """Split markdown lines into plain lines and (name, argument, body) directive blocks."""
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            yield lines[index]
            index += 1
            continue
        fence = match["fence"]
        body, index = [], index + 1
        while index < len(lines) and lines[index].strip() != fence:
            body.append(lines[index])
            index += 1
        index += 1  # the closing fence
        yield (match["name"], match["argument"].strip(), body)


def _split_options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    """Take `:key: value` option lines off the top of a directive body."""
    options = {}
    while body and re.match(r"^:[\w-]+:", body[0]):
        key, _, value = body[0][1:].partition(":")
        options[key] = value.strip()
        body = body[1:]
    return options, body


def _quote(title: str, body: list[str]) -> list[str]:
    return [f"> **{title}**", ">"] + [f"> {line}".rstrip() for line in body]


def quiz_markdown(yaml_text: str) -> list[str]:
    """A quiz as markdown: questions with options, answers folded in <details>."""
    lines = []
    for number, question in enumerate(parse_quiz(yaml_text), 1):
        kind = {"single": "one answer", "multiple": "one or more answers", "numeric": "a number"}[
            question.type
        ]
        lines += [f"**Question {number}** ({kind}). {question.prompt}", ""]
        for letter, option in zip("abcdefghij", question.options, strict=False):
            lines.append(f"- ({letter}) {option.text}")
        lines += ["", "<details><summary>Show the answer</summary>", ""]
        if question.type == "numeric":
            tolerance = f" (within ±{question.tolerance:g})" if question.tolerance else ""
            lines += [f"**Answer: {question.answer:g}**{tolerance}. {question.explanation}", ""]
        else:
            for letter, option in zip("abcdefghij", question.options, strict=False):
                verdict = "✓ correct" if option.correct else "✗ incorrect"
                explanation = " ".join(option.explanation.split())
                lines += [f"- ({letter}) {verdict}: {explanation}"]
            lines.append("")
        lines += ["</details>", ""]
    return lines


def convert_markdown(source: str, site: Site) -> str:
    out: list[str] = []
    for block in _directive_blocks(source.splitlines()):
        if isinstance(block, str):
            out.append(block)
            continue
        name, argument, body = block
        options, body = _split_options(body)
        if name in ADMONITIONS:
            out += _quote(argument or name.capitalize(), body)
        elif name == "admonition":
            out += _quote(argument or "Note", body)
        elif name == "dropdown":
            out += [
                f"<details><summary>{argument or 'Details'}</summary>",
                "",
                *body,
                "",
                "</details>",
            ]
        elif name == "quiz":
            out += quiz_markdown("\n".join(body))
        elif name == "math":
            out += ["$$", *body, "$$"]
        else:
            raise ExportError(f"{site.docname}: no notebook form for the {{{name}}} directive")
    text = "\n".join(out)

    def doc_link(match: re.Match) -> str:
        explicit = re.match(r"^(?P<text>.*?)\s*<(?P<target>[^>]+)>$", match["target"])
        target = explicit["target"] if explicit else match["target"]
        docname = target if "/" in target else f"{site.docname.rsplit('/', 1)[0]}/{target}"
        label = explicit["text"] if explicit else site.title_of(docname)
        return f"[{label}]({site.page_url(docname)})"

    text = re.sub(r"\{doc\}`(?P<target>[^`]+)`", doc_link, text)
    folder = site.base_url + site.docname.rsplit("/", 1)[0] + "/"
    text = re.sub(
        r"!\[(?P<alt>[^\]]*)\]\((?!https?:)(?P<path>[^)\s]+)\)",
        lambda m: f"![{m['alt']}]({folder}{m['path']})",
        text,
    )
    leftover = re.search(r"\{[\w-]+\}`|^(`{3,}|:{3,})\{", text, re.M)
    if leftover:
        line = text[: leftover.start()].count("\n") + 1
        raise ExportError(f"{site.docname}: MyST syntax left in a markdown cell (line {line})")
    return text


def _wrap_raising_cell(source: str) -> str:
    """Print the error instead of stopping Run all: in Colab it would halt the notebook."""
    return (
        "# This cell raises an error on purpose: reading it is the lesson.\n"
        "try:\n" + textwrap.indent(source, "    ") + "\n"
        "except Exception:\n"
        "    import traceback\n"
        "    traceback.print_exc(limit=0)\n"
    )


def style_cell(matplotlibrc: Path) -> str:
    """The shared figure style, as code (a notebook has no book/matplotlibrc beside it)."""
    settings = {}
    for line in matplotlibrc.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            key, _, value = line.partition(":")
            settings[key.strip()] = value.strip()
    body = "".join(f"    {key!r}: {value!r},\n" for key, value in settings.items())
    header = "import matplotlib as mpl\n\n# The figure style of the website.\n"
    return f"{header}mpl.rcParams.update({{\n{body}}})"


def export_chapter(
    path: Path, site: Site, matplotlibrc: Path | None = None
) -> nbformat.NotebookNode:
    """Read a MyST chapter and return the Colab-ready notebook."""
    notebook = jupytext.read(path, fmt="md:myst")
    cells = []
    imports = set()
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(convert_markdown(cell.source, site)))
            continue
        source = cell.source
        tags = cell.metadata.get("tags", [])
        imports |= set(re.findall(r"^\s*(?:from|import)\s+(\w+)", source, re.M))
        if "raises-exception" in tags:
            source = _wrap_raising_cell(source)
        if "hide-cell" in tags:  # a folded solution: Colab folds a cell with a form title
            source = "#@title Show the solution (double-click to see the code)\n" + source
            cells.append(
                nbformat.v4.new_code_cell(source, metadata={"tags": tags, "cellView": "form"})
            )
            continue
        if "remove-cell" in tags:
            source = (
                "# A check that the lesson's numbers are right (hidden on the website).\n" + source
            )
        cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": tags} if tags else {}))

    title = site.title_of(site.docname)
    intro = (
        f"*This notebook is the lesson [{title}]({site.page_url(site.docname)}) of the course "
        f"[Autograd, executed]({site.base_url}). Run it top to bottom (Runtime → Run all); "
        "the page on the site shows the same code with its outputs.*"
    )
    setup = []
    installs = sorted(COLAB_LACKS[name] for name in imports & set(COLAB_LACKS))
    if installs:
        setup.append(
            nbformat.v4.new_code_cell(
                "# Colab lacks these; elsewhere they may already be installed.\n"
                f"%pip install --quiet {' '.join(installs)}"
            )
        )
    if matplotlibrc is not None and "matplotlib" in imports:
        setup.append(nbformat.v4.new_code_cell(style_cell(matplotlibrc)))

    result = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(intro), *setup, *cells],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "colab": {"provenance": []},
        },
    )
    for number, cell in enumerate(result.cells):
        cell["id"] = f"cell-{number}"  # stable ids: the same chapter exports the same file
    nbformat.validate(result)
    return result
