"""The components' records: what the build derives from them, and a new component added as
CONTRIBUTING says, with one package and one line."""

from __future__ import annotations

import ast
import difflib
import re
import shutil
import subprocess
import sys
from pathlib import Path

from support.build import SMALL_PROJECT_CONF
from support.course import ROOT

from course_ext.components import COMPONENTS, notebook_forms, origins_on, our_stylesheets

COMPONENTS_DIR = ROOT / "course_ext" / "components"

TOY = '''"""A toy component, made by tests/test_components.py as CONTRIBUTING says."""

from pathlib import Path

from docutils import nodes

from ...errors import LocatedError
from ..base import Component, CourseDirective, NodeForm, escaped

WORDS = {"label": "Toy & co"}


class toy(nodes.General, nodes.Element):
    """`text`: the directive's one line."""


class ToyDirective(CourseDirective):
    prefix = "toy"
    has_content = True

    def run(self):
        if len(self.content) != 1:
            return self.fail(LocatedError("write one line", len(self.content) or 1))
        node = toy(text=self.content[0])
        self.set_source_info(node)
        return [node]


def visit_toy(self, node):
    words = escaped(self, WORDS)
    self.body.append(f'<div class="agt-toy">{words["label"]}: {self.encode(node["text"])}</div>')
    raise nodes.SkipNode


RECORDS = (
    Component(
        name="toy",
        directives={"toy": ToyDirective},
        nodes=(NodeForm(toy, (visit_toy, None), plain=lambda n: nodes.paragraph("", n["text"])),),
        assets=("agt-toy.css",),
        used_by=(toy,),
        static=Path(__file__).with_name("static"),
        notebook_forms={"toy": lambda block, site: [f"Toy: {block.body[0]}"]},
    ),
)
'''


def add_toy(course_ext: Path) -> None:
    """What CONTRIBUTING's "Add a directive" asks: the component's package, and its name in
    COMPONENTS."""
    package = course_ext / "components" / "toy"
    (package / "static").mkdir(parents=True)
    (package / "__init__.py").write_text(TOY, encoding="utf-8")
    (package / "static" / "agt-toy.css").write_text(".agt-toy { color: teal; }\n")
    registry = course_ext / "components" / "__init__.py"
    text = registry.read_text(encoding="utf-8")
    listed = 'records_of("quiz", "colab", "video", "stepper")'
    assert listed in text, "the list of components moved: update this test and CONTRIBUTING"
    registry.write_text(text.replace(listed, listed[:-1] + ', "toy")'), encoding="utf-8")


def changes(before: Path, after: Path) -> tuple[list[str], list[str]]:
    """Files only in `after`, and the lines changed in files of both."""
    new, changed = [], []
    for path in sorted(p for p in after.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        name = path.relative_to(after)
        if not (before / name).is_file():
            new.append(name.as_posix())
            continue
        old = (before / name).read_text(encoding="utf-8").splitlines()
        diff = difflib.unified_diff(old, path.read_text(encoding="utf-8").splitlines(), n=0)
        changed += [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    return new, changed


def test_a_new_component_is_one_package_and_one_line(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(
        ROOT / "course_ext", copy / "course_ext", ignore=shutil.ignore_patterns("__pycache__")
    )
    (copy / "node_modules").symlink_to(ROOT / "node_modules")  # KaTeX, for the math
    add_toy(copy / "course_ext")
    new, changed = changes(ROOT / "course_ext", copy / "course_ext")
    assert new == ["components/toy/__init__.py", "components/toy/static/agt-toy.css"]
    assert len(changed) == 2, changed  # one line out, the same line with "toy" in
    project = copy / "project"
    project.mkdir()
    (project / "conf.py").write_text(SMALL_PROJECT_CONF, encoding="utf-8")
    (project / "index.md").write_text(
        "# Toys\n\n```{toctree}\n:hidden:\nplain\n```\n\n```{toy}\nhello <b>\n```\n"
    )
    (project / "plain.md").write_text("# No toy here\n\nText.\n")
    build = [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "project", "project/_build"]
    result = subprocess.run(build, cwd=copy, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    page = (project / "_build" / "index.html").read_text(encoding="utf-8")
    assert '<div class="agt-toy">Toy &amp; co: hello &lt;b&gt;</div>' in page
    assert "_static/agt-toy.css" in page  # its stylesheet where it is used...
    assert "agt-toy.css" not in (project / "_build" / "plain.html").read_text(encoding="utf-8")
    assert (project / "_build" / "_static" / "agt-toy.css").is_file()  # ...from its package
    # Its notebook form and its stylesheet are known from the record alone.
    probe = (
        "from course_ext.components import notebook_forms, our_stylesheets; "
        "print('toy' in notebook_forms().directives, 'agt-toy.css' in our_stylesheets())"
    )
    known = subprocess.run(
        [sys.executable, "-c", probe], cwd=copy, capture_output=True, text=True, check=False
    )
    assert known.stdout.split() == ["True", "True"], known.stderr
    # A mistake in its body stops the build at the file and line, through CourseDirective.
    (project / "index.md").write_text("# Toys\n\n```{toy}\none\ntwo\n```\n")
    result = subprocess.run(build, cwd=copy, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert re.search(r"index\.md:5: ?(ERROR: )?toy: write one line", result.stderr), result.stderr


def test_what_the_build_derives_from_the_records():
    assert our_stylesheets() == {"agq-quiz.css", "agv-video.css", "agb-stepper.css", "agc-site.css"}
    page_with_video = '<div class="agv-video" data-agv-id="x">'
    assert ("frame-src", "https://www.youtube-nocookie.com") in origins_on(page_with_video)
    assert origins_on('<div class="agq-quiz">') == []
    forms = notebook_forms()
    for component in COMPONENTS:
        assert set(component.notebook_forms) <= set(forms.directives), component.name
        assert set(component.role_forms) <= set(forms.roles), component.name
    assert {"note", "dropdown", "math"} <= set(forms.directives)  # the standard ones too


def test_nothing_registers_itself_when_imported():
    """The forms come from the records: no module of the components calls a registry."""
    for path in sorted(COMPONENTS_DIR.rglob("*.py")):
        calls = {
            node.func.id
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not {c for c in calls if c.startswith("register_")}, path


def test_no_visitor_writes_a_word_unescaped():
    """Words tables are meant to be edited: an HTML visitor puts a word into the HTML it
    writes through `escaped` (or `self.encode`), never straight from WORDS."""

    def raw_words(function: ast.FunctionDef) -> list[str]:
        return [
            ast.unparse(value.value)
            for node in ast.walk(function)
            if isinstance(node, ast.JoinedStr)
            for value in node.values
            if isinstance(value, ast.FormattedValue)
            and any(isinstance(n, ast.Name) and n.id == "WORDS" for n in ast.walk(value.value))
        ]

    for path in sorted(COMPONENTS_DIR.rglob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(function, ast.FunctionDef) and function.name.startswith(
                ("visit_", "depart_")
            ):
                assert not raw_words(function), f"{path}: {function.name}: {raw_words(function)}"
