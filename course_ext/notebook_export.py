"""Turn a MyST chapter into a Jupyter notebook that Colab can open and run.

Colab cannot open MyST markdown, and MyST directives show as raw text in a notebook,
so the export rewrites what only Sphinx understands. Each directive and role has a
notebook form (`NotebookForms`): the course's own components declare theirs in their
records, beside their HTML (components/), and the caller passes them all
(`components.notebook_forms()`). A form gives markdown lines, and may put code cells among
them (`CodeCell`: a quiz's answer cells), with code they need once per notebook (a helper).
The standard ones are here (`standard_forms`):

- admonitions (```{note}, ```{admonition} Title) become block quotes with a bold title;
- :::{dropdown} becomes <details> (which Colab renders);
- {doc}`name` becomes a link to that page of the deployed site;
- relative images become absolute URLs of the deployed site;
- a cell tagged `raises-exception` is wrapped so that it prints its error instead of
  stopping "Run all" (the error is what the lesson shows);
- a hidden check (tagged `remove-cell`) runs inside `page.check()` of
  book/checks/page_numbers.py, which prints whether the numbers match the page and never
  stops "Run all": the build runs the same checks strictly.

The directives are found by the one fence scanner (myst_blocks.py). It prepends a link
back to the page, and a setup cell with the figure style of book/matplotlibrc and
`%pip install` of what Colab lacks. A directive or role with no notebook form, or any
MyST syntax left over, is an error naming the file and line, so a chapter never exports
half-converted.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .chapter_source import read_chapter
from .errors import LocatedError
from .myst_blocks import Block, blocks

# Packages a chapter may import that Colab does not ship, with the pinned version to install.
COLAB_LACKS = {"torchviz": "torchviz==0.0.3"}
ADMONITIONS = {"note", "tip", "warning", "important", "caution", "hint", "attention", "seealso"}
# Cells the page folds or hides are folded in Colab too, under these titles: a solution
# (hide-cell), helpers such as check functions (hide-input, often a :load: file), and the
# hidden checks (remove-cell), which could give a quiz's answer away.
FOLDED_TITLES = {
    "hide-cell": "Show the solution (double-click to see the code)",
    "hide-input": "Helper code of this lesson (double-click to see it)",
    "remove-cell": "A check that the numbers of the lesson are right",
}
# The helper those checks use: folded under its own title, and not run as a check.
CHECKS_HELPER = "page_numbers.py"
CHECKS_HELPER_TITLE = "How this notebook checks its numbers against the page's"
ROLE = re.compile(r"\{(?P<name>[\w-]+)\}`(?P<target>[^`]+)`")


class ExportError(LocatedError):
    """The chapter uses syntax the export cannot turn into notebook markdown."""


@dataclass
class Site:
    """What the export needs to know about the deployed site."""

    base_url: str  # e.g. https://org.github.io/repo/
    title_of: Callable[[str], str]  # docname -> page title
    docname: str  # this chapter, e.g. book/why_autodiff
    colab_url: Callable[[str], str] = lambda docname: ""  # docname -> its Colab notebook

    def page_url(self, docname: str) -> str:
        return f"{self.base_url}{docname}.html"

    def docname_of(self, target: str) -> str:
        """A {doc} target as written in this chapter, as a docname from the root."""
        return target if "/" in target else f"{self.docname.rsplit('/', 1)[0]}/{target}"


@dataclass
class CodeCell:
    """A code cell that a directive's notebook form puts among its markdown (a quiz's
    answer cells). `helper` names code the notebook needs once, before the first such cell
    (`HELPERS`), folded under its title."""

    source: str
    helper: str = ""
    title: str = ""  # folded under this title, as Colab folds a form


DirectiveForm = Callable[[Block, Site], list["str | CodeCell"]]
RoleForm = Callable[[str, Site], str]


@dataclass
class NotebookForms:
    """How the notebook writes each directive and role: `directives[name](block, site)`
    gives a directive's markdown lines (and any code cells among them), `roles[name](text,
    site)` a role's markdown, and `helpers[name]` is (title, code) a notebook needs once,
    before the first code cell that names it."""

    directives: dict[str, DirectiveForm] = field(default_factory=dict)
    roles: dict[str, RoleForm] = field(default_factory=dict)
    helpers: dict[str, tuple[str, str]] = field(default_factory=dict)


def _quote(title: str, body: list[str]) -> list[str]:
    return [f"> **{title}**", ">"] + [f"> {line}".rstrip() for line in body]


def _admonition(block: Block, site: Site) -> list[str]:
    default = "Note" if block.name == "admonition" else block.name.capitalize()
    return _quote(block.argument or default, block.body)


def _dropdown(block: Block, site: Site) -> list[str]:
    summary = f"<details><summary>{block.argument or 'Details'}</summary>"
    return [summary, "", *block.body, "", "</details>"]


def _doc_link(target: str, site: Site) -> str:
    explicit = re.match(r"^(?P<text>.*?)\s*<(?P<target>[^>]+)>$", target)
    docname = site.docname_of(explicit["target"] if explicit else target)
    label = explicit["text"] if explicit else site.title_of(docname)
    return f"[{label}]({site.page_url(docname)})"


def standard_forms() -> NotebookForms:
    """The forms of what Sphinx and MyST themselves provide (a new value each time: callers
    add the components' forms to it)."""
    directives: dict[str, DirectiveForm] = dict.fromkeys([*ADMONITIONS, "admonition"], _admonition)
    directives["dropdown"] = _dropdown
    directives["math"] = lambda block, site: ["$$", *block.body, "$$"]
    return NotebookForms(directives, {"doc": _doc_link})


def convert_markdown(source: str, site: Site, forms: NotebookForms) -> str:
    """A markdown cell in notebook markdown; line numbers in errors count in `source`."""
    parts = convert_cell(source, site, forms)
    if any(isinstance(part, CodeCell) for part in parts):
        raise ExportError("a directive here has code cells: use convert_cell", 1)
    return "\n\n".join(parts)


def convert_cell(source: str, site: Site, forms: NotebookForms) -> list[str | CodeCell]:
    """A markdown cell as notebook cells: its markdown, split where a directive's form puts
    code cells (a quiz's answers). Line numbers in errors count in `source`."""
    parts: list[str | CodeCell] = []
    out: list[str] = []
    for block in blocks(source):
        if isinstance(block, str):
            out.append(block)
            continue
        form = forms.directives.get(block.name)
        if form is None:
            raise ExportError(f"no notebook form for the {{{block.name}}} directive", block.line)
        try:
            pieces = form(block, site)
        except ExportError:
            raise
        except LocatedError as error:  # a quiz's own parse error, counted in its body
            raise ExportError(error.message, block.body_line - 1 + error.line) from None
        for piece in pieces:
            if isinstance(piece, CodeCell):
                parts += [_finish_markdown(out, site, forms), piece]
                out = []
            else:
                out.append(piece)
    parts.append(_finish_markdown(out, site, forms))
    return [part for part in parts if not isinstance(part, str) or part.strip()]


def _finish_markdown(lines: list[str], site: Site, forms: NotebookForms) -> str:
    """Roles, images and a last look for MyST syntax, on markdown the forms have written."""
    text = "\n".join(lines)

    def role(match: re.Match) -> str:
        form = forms.roles.get(match["name"])
        if form is None:
            line = text[: match.start()].count("\n") + 1
            raise ExportError(f"no notebook form for the {{{match['name']}}} role", line)
        return form(match["target"], site)

    text = ROLE.sub(role, text)
    folder = site.base_url + site.docname.rsplit("/", 1)[0] + "/"
    text = re.sub(
        r"!\[(?P<alt>[^\]]*)\]\((?!https?:)(?P<path>[^)\s]+)\)",
        lambda m: f"![{m['alt']}]({folder}{m['path']})",
        text,
    )
    leftover = re.search(r"^(`{3,}|:{3,})\{", text, re.M)
    if leftover:
        line = text[: leftover.start()].count("\n") + 1
        raise ExportError("MyST syntax left in a markdown cell", line)
    return text.strip("\n")


def _wrap_raising_cell(source: str) -> str:
    """Print the error instead of stopping Run all: in Colab it would halt the notebook."""
    return (
        "# This cell raises an error on purpose: reading it is the lesson.\n"
        "try:\n" + textwrap.indent(source, "    ") + "\n"
        "except Exception:\n"
        "    import traceback\n"
        "    traceback.print_exc(limit=0)\n"
    )


def _wrap_check_cell(source: str) -> str:
    """A hidden check speaks to the learner and carries on (book/checks/page_numbers.py)."""
    return "with page.check():\n" + textwrap.indent(source, "    ")


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


def _find(lines: list[str], cell: str, start: int) -> int:
    """The index of the line where `cell` starts in the file, searching from `start`."""
    first = cell.splitlines()[0] if cell.strip() else ""
    for index in range(start, len(lines)):
        if lines[index] == first:
            return index
    return start


def export_chapter(
    path: Path, site: Site, forms: NotebookForms, matplotlibrc: Path | None = None
) -> nbformat.NotebookNode:
    """Read a MyST chapter and return the Colab-ready notebook, its directives and roles
    written by `forms` (all of the course's: `course_ext.components.notebook_forms()`)."""
    notebook = read_chapter(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = []
    imports = set()
    helpers_used: list[str] = []
    searched_to = 0
    for cell in notebook.cells:
        searched_to = _find(lines, cell.source, searched_to)
        if cell.cell_type == "markdown":
            try:
                parts = convert_cell(cell.source, site, forms)
            except ExportError as error:
                raise ExportError(error.message, searched_to + error.line) from None
            for part in parts:
                if isinstance(part, CodeCell):
                    if part.helper and part.helper not in helpers_used:
                        helpers_used.append(part.helper)
                        title, code = forms.helpers[part.helper]
                        cells.append(
                            nbformat.v4.new_code_cell(
                                f"#@title {title}\n{code}", metadata={"cellView": "form"}
                            )
                        )
                    if part.title:
                        cells.append(
                            nbformat.v4.new_code_cell(
                                f"#@title {part.title}\n{part.source}",
                                metadata={"cellView": "form"},
                            )
                        )
                    else:
                        cells.append(nbformat.v4.new_code_cell(part.source))
                else:
                    cells.append(nbformat.v4.new_markdown_cell(part))
            continue
        source = cell.source
        tags = cell.metadata.get("tags", [])
        imports |= set(re.findall(r"^\s*(?:from|import)\s+(\w+)", source, re.M))
        helper = cell.metadata.get("loaded_from") == CHECKS_HELPER
        if "raises-exception" in tags:
            source = _wrap_raising_cell(source)
        elif "remove-cell" in tags and not helper:
            source = _wrap_check_cell(source)
        folded = [FOLDED_TITLES[tag] for tag in tags if tag in FOLDED_TITLES]
        if helper:
            folded = [CHECKS_HELPER_TITLE]
        if folded:  # Colab folds a cell whose first line is a form title
            cells.append(
                nbformat.v4.new_code_cell(
                    f"#@title {folded[0]}\n{source}", metadata={"tags": tags, "cellView": "form"}
                )
            )
            continue
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
