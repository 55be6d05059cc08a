"""book/checks/page_numbers.py: the three kinds of checked numbers, strict in the build,
speaking in a notebook; and the chapters that use it follow the rule."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from support.course import LESSONS, ROOT

from course_ext.myst_blocks import Block, blocks

HELPER = ROOT / "book" / "checks" / "page_numbers.py"


def load(monkeypatch, mode: str):
    """The helper as a chapter loads it (its code run in the chapter's namespace), in a
    mode: "strict" as in the build, "" as in a notebook, "audit" as in make cpu-matrix."""
    monkeypatch.setenv("COURSE_CHECKS", mode)
    namespace: dict = {}
    exec(compile(HELPER.read_text(encoding="utf-8"), str(HELPER), "exec"), namespace)
    return namespace["page"]


@pytest.fixture
def strict(monkeypatch):
    return load(monkeypatch, "strict")


@pytest.fixture
def notebook(monkeypatch):
    return load(monkeypatch, "")


def stops(check, *args, **kwargs) -> str:
    """The message with which a strict check stops the build."""
    with pytest.raises(AssertionError) as error:
        check(*args, **kwargs)
    return str(error.value)


# --- what passes in the build ---------------------------------------------------------------


def test_each_kind_passes_on_the_numbers_it_is_for(strict):
    strict.exact(torch.tensor(300.0), 300.0)  # a float32 tensor, an IEEE-exact value
    strict.exact(torch.zeros(2, 3).shape, (2, 3))
    strict.exact(["PowBackward0", 1], ("PowBackward0", 1))  # tuples and lists alike
    strict.exact(torch.tensor([0.5, -2.25]), [0.5, -2.25])
    strict.printed(4.99981, "4.9998")
    strict.printed(np.float64(2.8e-07), "2.8e-07")
    strict.printed(0.6399, "64%")
    strict.printed(33554432, "33,554,432")
    strict.printed(np.finfo(np.float64).max, "1.8e+308")  # no overflow at the far end
    strict.printed(torch.tensor(0.25, dtype=torch.float32), "0.2500")
    strict.below(2.2e-16, 1e-14)
    strict.above(1.1e-10, 1e-12)
    strict.close(torch.tensor([1.0, 2.0], dtype=torch.float64), [1.0, 2.0 + 1e-13], rel=1e-12)
    strict.close(np.array([3.0, 3.0]), 3.0, abs=1e-9)  # one number for every entry
    strict.holds(torch.isfinite(torch.tensor(1.0)))


# --- what stops the build -------------------------------------------------------------------


def test_a_wrong_number_stops_the_build_naming_the_check(strict):
    with pytest.raises(AssertionError) as error:
        strict.exact(301.0, 300.0)  # the line the message quotes
    assert str(error.value) == (
        "strict.exact(301.0, 300.0)  # the line the message quotes\n  301.0, the page says 300.0"
    )
    assert "the page shows 4.9998" in stops(strict.printed, 4.9999, "4.9998")
    assert "below 1e-12" in stops(strict.below, 3e-5, 1e-12)
    assert "above 1" in stops(strict.above, 0.5, 1)
    assert "times the tolerance" in stops(strict.close, [1.0, 2.5], [1.0, 2.0], abs=0.1)
    assert "does not hold" in stops(strict.holds, False)
    assert "2 numbers, the page has 3" in stops(strict.close, [1.0, 2.0], [1.0, 2.0, 3.0])


def test_a_float_that_rounding_made_is_never_exact(strict):
    message = stops(strict.exact, 0.1 + 0.2, 0.30000000000000004)
    assert "could fail elsewhere" in message and "rounding made" in message
    stops(strict.exact, [1.0, 1.9], [1.0, 1.9])
    stops(strict.exact, float(torch.tensor(0.1)), float(torch.tensor(0.1)))  # float32's 0.1
    strict.exact([2.0**-20, -2.5, 0.375, 123456.0], [2.0**-20, -2.5, 0.375, 123456.0])


def test_a_printed_value_near_a_rounding_boundary_stops_the_build(strict):
    # 0.50465 + 1e-9 prints 0.5047 here; a machine one rounding away could print 0.5046.
    assert "nearly prints another last digit" in stops(strict.printed, 0.504650001, "0.5047")
    strict.printed(0.50466, "0.5047")  # a hundredth of a unit from the boundary is safe


def test_a_float32_value_printed_with_more_digits_than_it_keeps_stops_the_build(strict):
    value = torch.tensor(10.1234, dtype=torch.float32)
    assert "more digits than its dtype keeps" in stops(strict.printed, value, "10.1234")
    strict.printed(value, "10.12")  # two decimals of a float32 near 10: safe
    # .item() of a float32 tensor is a Python float that float32 holds exactly: the same.
    assert "more digits" in stops(strict.printed, value.item(), "10.1234")
    strict.printed(value.double().item() + 1e-9, "10.1234")  # float64: four decimals hold


def test_a_property_needs_room_to_spare(strict):
    assert "within 1% of 10" in stops(strict.below, 9.95, 10)
    assert "within 1% of 1" in stops(strict.above, 1.005, 1)
    assert "60% of the tolerance" in stops(strict.close, 1.0, 1.6, abs=1)
    strict.below(9.8, 10)
    strict.close(1.0, 1.4, abs=1)


def test_not_a_number_is_never_close(strict):
    assert "inf times" in stops(strict.close, float("nan"), 1.0, abs=1)


def test_a_check_cell_that_raises_stops_the_build(strict):
    with pytest.raises(AttributeError), strict.check():
        None.grad  # noqa: B018


# --- what a learner reads in a notebook -----------------------------------------------------


def test_in_a_notebook_matching_numbers_say_so(notebook, capsys):
    with notebook.check():
        notebook.exact(torch.tensor(300.0), 300.0)
        notebook.printed(4.99981, "4.9998")
        notebook.printed(0.504650001, "0.5047")  # near a boundary: the build's concern only
    assert capsys.readouterr().out == "✓ the numbers match the page (3 checks)\n"


def test_in_a_notebook_different_numbers_are_listed_with_the_likely_reasons(notebook, capsys):
    with notebook.check():
        notebook.exact(301.0, 300.0)
        notebook.printed(4.9999, "4.9998")
        notebook.below(0.5, 1)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "✗ 2 of 3 numbers differ from the page:"
    assert out[1].endswith("notebook.exact(301.0, 300.0): 301.0, the page says 300.0")
    assert out[2].endswith("4.9999, the page shows 4.9998 (off by 0.0001)")
    assert out[3].startswith("Likely reasons: a number you changed in a cell above")


def test_in_a_notebook_other_versions_are_named(monkeypatch, capsys):
    page = load(monkeypatch, "")
    page.BUILT_WITH = {"torch": "1.0.0", "numpy": np.__version__}
    with page.check():
        page.exact(1, 2)
    reasons = capsys.readouterr().out.splitlines()[-1]
    assert f"other versions (here torch {torch.__version__.split('+')[0]}" in reasons
    assert "the page: torch 1.0.0" in reasons


def test_in_a_notebook_a_check_that_cannot_run_says_why_and_carries_on(notebook, capsys):
    with notebook.check():
        notebook.exact(1, 1)
        None.grad  # noqa: B018  (as when a learner's edit left x.grad None)
    out = capsys.readouterr().out
    assert out.startswith("? this check could not run (AttributeError:")
    assert "Run the notebook from the top." in out


def test_a_check_outside_a_check_cell_speaks_only_when_off(notebook, capsys):
    notebook.exact(1, 1)
    notebook.exact(1, 2)
    assert capsys.readouterr().out.startswith("✗ notebook.exact(1, 2): 1, the page says 2")


def test_an_audit_reports_checks_another_machine_could_fail(monkeypatch, capsys):
    page = load(monkeypatch, "audit")
    with page.check():
        page.printed(0.504650001, "0.5047")
        page.exact(3, 3)
    out = capsys.readouterr().out
    assert out.startswith("✗ 1 of 2 numbers differ") and "could fail elsewhere" in out


# --- the chapters follow the rule -----------------------------------------------------------


def hidden_cells(chapter: str) -> list[Block]:
    text = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    return [
        b
        for b in blocks(text)
        if isinstance(b, Block)
        and b.name == "code-cell"
        and "remove-cell" in b.options.get("tags", "")
    ]


@pytest.mark.parametrize("chapter", LESSONS)
def test_every_hidden_check_uses_the_helper_loaded_before_it(chapter):
    text = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    code = [b for b in blocks(text) if isinstance(b, Block) and b.name == "code-cell"]
    assert code[0].options.get("load") == "checks/page_numbers.py", (
        f"{chapter}.md: its first code cell must load checks/page_numbers.py (CONTRIBUTING.md)"
    )
    for cell in hidden_cells(chapter)[1:]:
        bare = [n for n, line in enumerate(cell.body) if re.match(r"\s*assert\b", line)]
        assert not bare, (
            f"{chapter}.md:{cell.body_line + bare[0]}: a bare assert; state the number with "
            "page.exact, page.printed or a property (CONTRIBUTING.md)"
        )


def test_the_helper_names_the_versions_the_book_is_built_with(monkeypatch):
    page = load(monkeypatch, "")
    pinned = dict(
        re.findall(r"^(torch|numpy)==(\S+)", (ROOT / "requirements.txt").read_text(), re.M)
    )
    assert page.BUILT_WITH == pinned, "update BUILT_WITH in book/checks/page_numbers.py"
