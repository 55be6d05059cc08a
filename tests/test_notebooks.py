"""Open in Colab: every lesson exports a notebook that runs top to bottom on its own."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from support.course import IDENTITY, LESSONS, ROOT
from support.expected_outputs import EXPECTED_OUTPUTS
from support.site import built_page

from course_ext.chapter_source import LoadError, read_chapter
from course_ext.components import notebook_forms
from course_ext.components.colab import colab_tested
from course_ext.components.quiz.model import parse_quiz
from course_ext.components.quiz.notebook import quiz_markdown
from course_ext.machines import TEST_SETUP, environment
from course_ext.notebook_export import (
    CodeCell,
    ExportError,
    Site,
    convert_markdown,
    export_chapter,
)
from tools.colab_check import TESTED
from tools.notebook_run import Run, execute, missing_from, page_outputs, printed

# The unit tests of the conversion use a made-up site; the build tests read the real one.
FORMS = notebook_forms()  # every component's, as the build's Colab export uses
SITE = Site(
    base_url="https://example.org/course/",
    title_of=lambda docname: {"book/chain_rule": "The chain rule"}.get(docname, docname),
    docname="book/why_autodiff",
)


# --- the markdown conversion ---------------------------------------------------------------


def test_admonitions_become_quotes_with_a_title():
    text = (
        "```{admonition} Learning goals\n:class: tip\nYou can:\n- one\n```\n\n"
        "```{note}\nMind it.\n```"
    )
    assert convert_markdown(text, SITE, FORMS) == (
        "> **Learning goals**\n>\n> You can:\n> - one\n\n> **Note**\n>\n> Mind it."
    )


def test_dropdowns_become_details():
    text = ":::{dropdown} Solution\nIt is $2x$.\n:::"
    assert (
        convert_markdown(text, SITE, FORMS)
        == "<details><summary>Solution</summary>\n\nIt is $2x$.\n\n</details>"
    )


def test_doc_references_become_links_to_the_site():
    text = "See {doc}`chain_rule` and {doc}`the practical <backprop_practical>`."
    assert convert_markdown(text, SITE, FORMS) == (
        "See [The chain rule](https://example.org/course/book/chain_rule.html) and "
        "[the practical](https://example.org/course/book/backprop_practical.html)."
    )


def test_relative_images_become_absolute():
    assert convert_markdown("![A graph](_static/g.svg)", SITE, FORMS) == (
        "![A graph](https://example.org/course/book/_static/g.svg)"
    )


def test_a_quiz_becomes_questions_with_answer_cells_and_folded_answers():
    parts = quiz_markdown(
        "- type: single\n  prompt: Pick one\n  options:\n"
        "    - {text: A, explanation: Because.}\n    - {text: B, explanation: No.}\n  correct: 2\n"
        "- type: numeric\n  prompt: How many?\n  answer: 3\n  explanation: Count them.\n"
    )
    text = "\n".join(part for part in parts if isinstance(part, str))
    assert "**Question 1** (one answer). Pick one" in text
    assert "- (a) A\n- (b) B" in text
    assert "- (b) ✓ correct: No." in text and "- (a) ✗ incorrect: Because." in text
    assert "**Answer: 3**. Count them." in text
    assert text.count("<details><summary>Show the answer</summary>") == 2
    # The quiz's data (folded) first, then a cell to answer each question, after its options.
    data, *answers = [part for part in parts if isinstance(part, CodeCell)]
    assert data.source.startswith("quiz = QuizAnswers(") and data.helper and data.title
    assert [a.source.splitlines()[-1] for a in answers] == [
        "quiz.check(1, answer)",
        "quiz.check(2, answer)",
    ]
    assert parts.index(answers[0]) < parts.index(next(p for p in parts if "Question 2" in str(p)))


def test_unknown_myst_syntax_is_an_error_not_a_silent_leftover():
    with pytest.raises(ExportError, match="no notebook form for the {figure} directive"):
        convert_markdown("```{figure} x.png\nA caption\n```", SITE, FORMS)
    with pytest.raises(ExportError, match="no notebook form for the {ref} role") as error:
        convert_markdown("Text.\n\nA {ref}`label` here.", SITE, FORMS)
    assert error.value.line == 3

    # A quiz's own mistake is counted from its body: the error names the cell's line.
    quiz = "Text.\n\n```{quiz}\n:predict:\n- type: numeric\n  prompt: P\n  answer: x\n```"
    with pytest.raises(ExportError, match="'answer' must be a number") as error:
        convert_markdown(quiz, SITE, FORMS)
    assert error.value.line == 7


CHAPTER_HEADER = (
    "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
    "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n"
)


def test_a_loaded_helper_file_is_inlined_and_folded(tmp_path):
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "helpers.py").write_text("def check(x):\n    return x == 1\n")
    chapter = tmp_path / "lesson.md"
    chapter.write_text(
        CHAPTER_HEADER + "# A lesson\n\n```{code-cell} ipython3\n:load: checks/helpers.py\n"
        ":tags: [hide-input]\n```\n\n```{code-cell} ipython3\ncheck(1)\n```\n"
    )
    notebook = export_chapter(chapter, SITE, FORMS)
    helper = next(cell for cell in notebook.cells if "def check" in cell.source)
    assert helper.source.startswith("#@title Helper code")
    assert helper.metadata["cellView"] == "form" and "load" not in helper.metadata
    elsewhere = tmp_path / "colab"  # no checks/ folder here: the code is in the notebook
    elsewhere.mkdir()
    result = run(notebook, elsewhere)
    assert not result.error and printed(result.notebook) == ["True"]


def test_a_hidden_check_speaks_in_the_notebook_and_never_raises(tmp_path):
    """The export runs each hidden check inside page.check() (book/checks/page_numbers.py,
    folded under its own title, not run as a check): matching numbers say so, a number a
    learner changed is named, and neither stops the notebook."""
    (tmp_path / "checks").mkdir()
    shutil.copy(ROOT / "book/checks/page_numbers.py", tmp_path / "checks")
    chapter = tmp_path / "lesson.md"
    chapter.write_text(
        CHAPTER_HEADER + "# A lesson\n\n```{code-cell} ipython3\n:load: checks/page_numbers.py\n"
        ":tags: [remove-cell]\n```\n\n```{code-cell} ipython3\nx = 3.0\nprint(x * x)\n```\n\n"
        "```{code-cell} ipython3\n:tags: [remove-cell]\npage.exact(x * x, 9.0)\n"
        'page.printed(x / 7, "0.4286")\n```\n'
    )
    notebook = export_chapter(chapter, SITE, FORMS)
    helper, check = notebook.cells[2], notebook.cells[-1]
    assert helper.source.startswith("#@title How this notebook checks its numbers")
    assert "\nwith page.check():\n" not in helper.source
    assert check.source.startswith("#@title A check that the numbers of the lesson are right")
    assert "\nwith page.check():\n    page.exact(x * x, 9.0)\n" in check.source
    (tmp_path / "colab").mkdir()
    result = run(copy.deepcopy(notebook), tmp_path / "colab")
    assert not result.error and result.checks == ["✓ the numbers match the page (2 checks)"]
    notebook.cells[3].source = "x = 4.0\nprint(x * x)"  # a learner's edit
    result = run(notebook, tmp_path / "colab")
    assert not result.error
    [report] = result.differences
    assert report.startswith("✗ 2 of 2 numbers differ from the page:")
    assert "page.exact(x * x, 9.0): 16.0, the page says 9.0" in report


QUIZ_CHAPTER = """# A lesson

```{quiz}
- type: single
  prompt: Which one?
  shuffle: false
  options:
    - {text: "The first", explanation: "Right: it is the first."}
    - {text: "The second", explanation: "No: the second is a *trap*."}
  correct: 1
- type: numeric
  prompt: "$df/dx$ of $(x^2 + 1)^3$ at 2?"
  answer: 300
  explanation: "$3 g^2 \\\\cdot 2x$."
  mistakes:
    - {answer: 75, explanation: "That is $df/dg$ alone."}
- type: order
  prompt: In order?
  items: [one, two, three]
  explanation: Counting.
```
"""


def answered(notebook, answers: dict[int, str]) -> list[str]:
    """Fill in the quiz's answer cells (question number -> answer), run the notebook, and
    return what each answer cell printed (the markdown the learner reads)."""
    cells = [
        c for c in notebook.cells if re.search(r"^quiz\.check\(\d+, answer\)$", c.source, re.M)
    ]
    for number, answer in answers.items():
        cells[number - 1].source = cells[number - 1].source.replace(
            'answer = ""', f"answer = {answer!r}"
        )
    return cells


def test_a_quiz_answers_back_in_the_notebook_with_the_pages_words(tmp_path):
    """No widgets: the learner writes an answer in a cell and runs it; it prints what the
    page says (the verdict, the explanation of what was chosen, the note on a common wrong
    number, how many items are in place), in a fresh kernel."""
    chapter = tmp_path / "lesson.md"
    chapter.write_text(CHAPTER_HEADER + QUIZ_CHAPTER)
    questions = parse_quiz(QUIZ_CHAPTER.split("```{quiz}\n")[1].split("```")[0])
    order = [questions[2].items[i] for i in questions[2].shown]  # as the notebook lists them
    wrong_order = "".join("abc"[order.index(item)] for item in ["two", "one", "three"])
    reports = {}
    for case, answers in {
        "right": {
            1: "a",
            2: "300",
            3: "".join("abc"[order.index(i)] for i in ["one", "two", "three"]),
        },
        "wrong": {1: "b", 2: "75", 3: wrong_order},
        "odd": {1: "z", 2: "many", 3: ""},
    }.items():
        notebook = export_chapter(chapter, SITE, FORMS)
        cells = answered(notebook, answers)
        folder = tmp_path / case
        folder.mkdir()
        result = run(notebook, folder)
        assert not result.error, result.error
        reports[case] = [
            "".join(o.get("data", {}).get("text/markdown", o.get("text", "")) for o in c.outputs)
            for c in cells
        ]
    assert reports["right"] == [
        "✓ Correct.\n\nRight: it is the first.",
        "✓ Correct.\n\n$3 g^2 \\cdot 2x$.",
        "✓ Correct.\n\nCounting.",
    ]
    assert reports["wrong"] == [
        "✗ Not quite.\n\nNo: the second is a *trap*.",
        "✗ Not quite: 75 is not the answer.\n\nThat is $df/dg$ alone.",
        "✗ Not quite: 1 of 3 are in their place.",
    ]
    assert reports["odd"] == [
        "Answer with the letters of the options: a, b.",
        "✗ Not quite.\n\nType a number, for example 12.5 or -3.",
        "Choose an answer first.",
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (":load: checks/missing.py\n", r":load: cannot read \S*missing\.py"),
        (":load: checks/helpers.py\nx = 1\n", "a cell with :load: must be empty"),
    ],
)
def test_a_bad_load_names_the_chapter_line(tmp_path, cell, message):
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "helpers.py").write_text("x = 0\n")
    chapter = tmp_path / "lesson.md"
    chapter.write_text(
        CHAPTER_HEADER + f"# A lesson\n\nText.\n\n```{{code-cell}} ipython3\n{cell}```\n"
    )
    with pytest.raises(LoadError, match=message) as error:
        read_chapter(chapter)
    assert error.value.line == 15  # the cell's opening fence


# --- the built site ------------------------------------------------------------------------


@pytest.mark.parametrize("chapter", LESSONS)
def test_each_lesson_has_a_colab_button_to_its_exported_notebook(site, chapter):
    soup = built_page(site, f"book/{chapter}.html")
    header = {a["href"] for a in soup.select(".bd-header-article a[href*='colab.research']")}
    assert header == {IDENTITY.colab_url(f"book/{chapter}")}
    # Any other Colab link in the page ({colab} roles) opens a lesson's notebook.
    lessons = {IDENTITY.colab_url(f"book/{lesson}") for lesson in LESSONS}
    links = {a["href"] for a in soup.find_all("a", href=True) if "colab.research" in a["href"]}
    assert links <= lessons, links - lessons
    assert (site / "_sources" / "book" / f"{chapter}.ipynb").is_file()
    downloads = [
        a["href"]
        for a in soup.find_all("a", href=True)
        if a["href"].endswith(".ipynb") and "colab" not in a["href"]
    ]
    assert downloads and downloads[0].endswith(f"_sources/book/{chapter}.ipynb")


def test_pages_without_code_have_no_launch_button(site):
    assert "colab.research.google.com" not in (site / "book" / "intro.html").read_text(
        encoding="utf-8"
    )


def notebook_of(site: Path, chapter: str) -> nbformat.NotebookNode:
    return nbformat.read(site / "_sources" / "book" / f"{chapter}.ipynb", as_version=4)


@pytest.mark.parametrize("chapter", LESSONS)
def test_notebook_is_valid_and_links_back_to_its_page(site, chapter):
    notebook = notebook_of(site, chapter)
    nbformat.validate(notebook)
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    assert IDENTITY.page_url(f"book/{chapter}") in first.source
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"^(`{3,}|:{3,})\{|\{(doc|ref)\}`", cell.source, re.M), (
                cell.source[:200]
            )
    # Every link and picture on the site is a file of the built site: the notebook is made
    # from the source, so a name it computes (a stepper's picture) could miss the page's.
    urls = links_to_the_site(notebook)
    if "{backprop-stepper}" in (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8"):
        assert any("/_images/agb-" in url for url in urls), f"{chapter}: no stepper picture"
    for url in urls:
        path = url.removeprefix(IDENTITY.base_url).split("#")[0].split("?")[0]
        assert (site / (path or "index.html")).is_file(), f"{chapter}: {url} is not in the site"


def links_to_the_site(notebook: nbformat.NotebookNode) -> list[str]:
    """The URLs under the site's address in the notebook's markdown: links and pictures."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            found += re.findall(r"\]\((https?://[^)\s]+)\)", cell.source)
            found += re.findall(r'\bsrc="(https?://[^"]+)"', cell.source)
    return [url for url in found if url.startswith(IDENTITY.base_url)]


GUARD = nbformat.v4.new_code_cell(
    "import importlib.util\n"
    "assert all(importlib.util.find_spec(m) is None for m in ('course_ext', 'conftest')), "
    "'a project module is importable'"
)


def run(notebook: nbformat.NotebookNode, folder: Path, setup: str = TEST_SETUP) -> Run:
    """Execute in a fresh kernel in `folder`, as a learner would (no strict checks), under
    a CPU set-up of course_ext/machines.py; first, a cell that fails if anything of this
    repository is importable."""
    notebook.cells.insert(0, copy.deepcopy(GUARD))
    env = environment(setup)
    env.pop("COURSE_CHECKS", None)
    return execute(notebook, folder, env, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("chapter", LESSONS)
def test_notebook_runs_top_to_bottom_alone_on_another_machine(site, tmp_path, chapter):
    """Like Colab: a fresh kernel, a folder outside the repository, nothing of ours importable.

    And as on another machine: the kernel runs under another CPU set-up than the build's
    (machines.TEST_SETUP: other SIMD kernels in PyTorch, NumPy, MKL, oneDNN, OpenBLAS and
    XLA), yet every hidden check finds the page's numbers, and the notebook prints what
    the page shows, every output in the same order (the seeds are fixed in the chapters)."""
    result = run(notebook_of(site, chapter), tmp_path)
    assert not result.error, f"{chapter}: {result.error}"
    assert result.checks and not result.differences, (chapter, result.differences)
    text = "\n".join(printed(result.notebook))
    missing = [s for s in EXPECTED_OUTPUTS.get(chapter, []) if s not in text]
    assert not missing, f"{chapter}: the notebook's outputs lack {missing}"
    differ = missing_from(page_outputs(site, chapter), printed(result.notebook))
    assert not differ, f"{chapter}: the page shows outputs this run does not print: {differ}"


# A learner changes a number in a lesson's code, as the landing page suggests.
EDITS = {
    "chain_rule": (
        "x = torch.tensor(2.0, requires_grad=True)",
        "x = torch.tensor(2.5, requires_grad=True)",
    ),
    "gradient_descent": ("lr = 0.1", "lr = 0.15"),
}


@pytest.mark.slow
@pytest.mark.parametrize("chapter", sorted(EDITS))
def test_a_changed_number_makes_the_checks_speak_not_raise(site, tmp_path, chapter):
    notebook = notebook_of(site, chapter)
    before, after = EDITS[chapter]
    edited = [cell for cell in notebook.cells if before in cell.source]
    assert edited, f"{chapter}: no cell holds {before!r}"
    edited[0].source = edited[0].source.replace(before, after, 1)
    result = run(notebook, tmp_path)
    assert not result.error, f"{chapter}: a cell raised after the edit: {result.error}"
    assert result.differences, f"{chapter}: no check noticed the change"
    for report in result.differences:
        assert report.startswith(("✗", "?")), report
        if report.startswith("✗"):
            assert "differ from the page" in report and "a number you changed" in report


def test_deploy_publishes_the_notebooks_to_the_branch_colab_opens():
    workflow = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    upload = [s for s in jobs["build"]["steps"] if s.get("with", {}).get("name") == "notebooks"]
    assert upload and "_build/html/_sources" in upload[0]["with"]["path"]
    publish = jobs["notebooks"]
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"contents": "write"}
    script = "\n".join(step.get("run", "") for step in publish["steps"])
    # The branch the Colab links open (course_notebooks_branch) is the one pushed.
    branch = re.escape(IDENTITY.notebooks_branch)
    assert "git push --force" in script and re.search(rf"\b{branch}\s*$", script.strip())
    assert f"--initial-branch={IDENTITY.notebooks_branch}" in script


# --- Colab's versions ------------------------------------------------------------------------


def tool(name: str, *arguments: str) -> subprocess.CompletedProcess:
    """Run tools/<name>.py as `make colab-check` and the weekly workflow do."""
    command = [sys.executable, "-m", f"tools.{name}", *arguments]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_colab_versions_are_pinned_from_backend_info(tmp_path):
    (tmp_path / "pip-freeze.txt").write_text(
        "# generated by pip freeze\n"
        "numpy==2.1.3\n"
        "torch @ https://download.pytorch.org/whl/cpu/torch-2.11.0%2Bcpu-cp313-cp313-"
        "manylinux_2_28_x86_64.whl\n"
        "google-colab @ file:///colabtools/dist/google_colab-1.0.0.tar.gz\n"
        "en_core_web_sm @ https://github.com/explosion/spacy-models/releases/download/"
        "en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl#sha256=19\n"
        "nvidia-nccl-cu13==2.31.2\n"
    )
    (tmp_path / "os-info.txt").write_text("# header\nUbuntu 22.04.5 LTS\nPython 3.13.15\n")
    output = tmp_path / "constraints.txt"
    result = tool("colab_versions", "--source", str(tmp_path), "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3.13.15"  # for the workflow's setup-python
    lines = output.read_text().splitlines()
    assert [line for line in lines if not line.startswith("#")] == [
        "numpy==2.1.3",
        "torch==2.11.0",
        "en_core_web_sm==3.8.0",
    ]
    assert "Colab runs Python 3.13.15 on Ubuntu 22.04.5 LTS" in "\n".join(lines)


def test_the_landing_page_says_which_colab_runtime_the_notebooks_last_ran_on(site, tmp_path):
    sentence = colab_tested(ROOT)
    text = built_page(site, "book/intro.html").get_text(" ", strip=True).replace("’", "'")
    assert " ".join(sentence.split()) in " ".join(text.split())
    # It follows what make colab-check recorded, and says so when nothing is.
    (tmp_path / "tools" / "colab").mkdir(parents=True)
    assert "No run" in colab_tested(tmp_path)
    pins = (ROOT / "tools" / "colab" / "constraints.txt").read_text()
    (tmp_path / "tools" / "colab" / "constraints.txt").write_text(pins)
    (tmp_path / "tools" / "colab" / "tested.txt").write_text("2031-01-02: all ran\n")
    recorded = colab_tested(tmp_path)
    python = re.search(r"Colab runs Python (\d+\.\d+)", pins)[1]
    torch_pin = re.search(r"^torch==(\S+)", pins, re.M)[1]
    assert f"Python {python}, torch {torch_pin}" in recorded and "on 2031-01-02" in recorded


@pytest.mark.slow
def test_colab_check_reports_one_line_per_notebook(site, tmp_path):
    """tools/colab_check.py, as `make colab-check` and the weekly workflow run it (here with
    this venv's versions: Colab's are several GB): a line per notebook, then a summary."""
    shutil.copy(site / "_sources" / "book" / "chain_rule.ipynb", tmp_path)
    result = tool("colab_check", "--notebooks", str(tmp_path), "--site", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Python ") and "torch " in lines[0]
    assert re.match(
        r"✓ chain_rule +\d+\.\d s  check cells: (\d+) of \1 find the page's numbers"
        r"  outputs: none differ from the page$",
        lines[1],
    ), lines[1]
    assert lines[-1] == "1 of 1 notebooks ran with no error and no check off"


def test_colab_check_records_only_a_run_under_colabs_versions(tmp_path):
    """tested.txt is quoted on the landing page as a run under Colab's versions: run with
    this venv's (torch 2.13, not Colab's 2.11), --record refuses before running anything."""
    before = TESTED.read_bytes()
    result = tool("colab_check", "--notebooks", str(tmp_path), "--record")
    assert result.returncode != 0
    assert re.search(
        r"--record needs Colab's versions \(torch [\d.]+ here, [\d.]+ on Colab", result.stderr
    )
    assert ".venv-colab" in result.stderr
    assert TESTED.read_bytes() == before
