"""Every lesson in `_toc.yml` is in the built site, shaped like a lesson, standing alone.

The lessons are those of the toc (`conftest.LESSONS`), so a new chapter is tested with no
edit here. For the syllabus's lessons, EXPECTED_OUTPUTS adds the key results their cells
must print: they are looked for in the cell *outputs* of the built pages, so they prove the
code ran and produced them; the hidden checks inside each chapter assert the prose agrees.
"""

from __future__ import annotations

import pytest
from conftest import LESSONS, ROOT, built_page

from course_ext.myst_blocks import Block, blocks
from tools.lint_chapters import unreadable

# Optional, per lesson (by file name in book/): strings its printed outputs must contain.
EXPECTED_OUTPUTS = {
    "why_autodiff": [
        "autograd: dL/dw = -14.0, dL/db = -7.0",
        "y = 12.0, dy/dx = 8.0",
        "x = -3:  f(x) = 9,  f'(x) = -6",
        "central, h = 0.1  : 12.010000",
        "Correct: f'(1.5) = 4.75.",
        "2 + h == 2: True,  2 - h == 2: True",
        "central difference: 0.0",
    ],
    "autograd_basics": [
        "x.grad = 6.0",
        "z = 31.0",
        "dz/dx = 13.0",
        "dz/dy = 12.0",
        "a = 5.0, z = 20.0",
        "dz/dx = 4.0, dz/dy = 4.0, dz/dw = 5.0",
        "AccumulateGrad (leaf x)",
        "square: dy/dx = 4.0",
        "cube: dy/dx = 12.0",
    ],
    "chain_rule": [
        "g = 5, f = 125",
        "df/dg = 75, dg/dx = 4, chain rule: df/dx = 300",
        "x.grad = 300",
        "dl/dw = -8, dl/db = -4",
        "formulas match autograd: True",
    ],
    "forward_reverse": [
        "forward mode: f = 125, df/dx = 300",
        "reverse mode: f = 125, df/dx = 300",
        "n = 1000: passes forward 1000, reverse 1; same gradient: True",
        "the cube node keeps g = 5: True",
    ],
    "vectors_matrices": [
        "L = 14.0",
        "x.grad = tensor([2., 4., 6.])",
        "L = 46.0",
        "x.grad = tensor([5., 7., 9.])",
        "W.grad.shape = (2, 3)",
        "grad can be implicitly created only for scalar outputs",
        "same as jacrev: True",
    ],
    "autograd_mechanics": [
        "after x**3: x.grad = 16.0",
        "second backward: x.grad = [4.0, 8.0, 12.0]",
        "Only Tensors of floating point and complex dtype can require gradients",
        "two backward calls of x.sum(): x.grad = [2.0, 2.0, 2.0]",
        "weight.grad = None, bias.grad = tensor([3.])",
        "Inference tensors cannot be saved for backward",
        "y = 2.0000, x.grad = 2.0000, e**1 = 2.7183",
    ],
    "gradient_descent": [
        "all 50 ratios lie in [0.800000000, 0.800000000]",
        "x_50 from the loop: 2.99996",
        "3(1 - 0.8**50) = 2.99996",
        "f(x_50) = 5.0000",
        "every ratio of distances is -1.2000",
        "a leaf Variable that requires grad is being used in an in-place operation.",
    ],
    "linear_regression": [
        "least squares: w = [2.08804, -3.03819], b = 1.00546",
        "nn.Linear: w = [2.08804, -3.03819], b = 1.00546, loss = 0.26535",
        "step 99: loss = 8.229e+141",
        "after 200 steps: w = 2.903, b = 2.050",
    ],
    "backprop_practical": [
        "final: w = 0.5047 (true 0.5), b = 1.9970 (true 2.0)",
        "Exp: correct",
        "autograd: dl/dw = -22.4355, dl/db = -44.8711",
    ],
    "backprop_challenge": [
        "w = 0.50000 (true 0.5), b = 2.00000 (true 2)",
        "found: p = 0.193, w = 1.204, b = 1.296",
        "stalled at: p = 1.332, w = 0.048, b = 2.033",
        "p = 0.300000, w = 0.500000, b = 2.000000",
    ],
    "build_autograd": [
        "df/dx = 7.0",
        "overwriting engine: df/dx = 3.0 (right: 7.0)",
        "overwriting engine: 85 of 200 disagree with torch, e.g. ('a + b', 'x', 'x')",
        "adding engine: 200 of 200 agree with torch",
        "topological order: correct",
        "tanh backward: correct",
        "x_t.grad = 14.0",
        "x.grad = 20.0, m.grad = 2.0",
        "buffered engine, two backward calls: x.grad = 14.0",
    ],
    "build_autograd_arrays": [
        "doesn't match the broadcast shape (8,16)",
        "loss: 0.6466 at the start, 0.0848 after 500 steps",
        "training accuracy: 98.5%",
        "unbroadcast: correct",
    ],
    "extending_autograd": [
        "x^3 at 2: dy/dx = 12.0, d2y/dx2 = 12.0, x.grad = None",
        "f'(0) = -6.0, f''(0) = 2.0, Newton step: x = 3.0",
        "gradcheck(Exp): True",
        "Jacobian mismatch for output 0 with respect to input 0",
        "clipped to [-5, 5] at h: x.grad = [8.0, -10.0, 10.0]",
        "gradients at 0: {'relu': 0.0, 'abs': 0.0, 'sqrt': inf}; "
        "maximum(a, b) at a = b: [0.5, 0.5]",
        "raised: Function 'SqrtBackward0' returned nan values in its 0th output.",
    ],
    "functional_autograd": [
        "4 micro-batches equal the full batch to 1e-6: True",
        "gradients of shape (5, 8, 3): vmap equals a loop: True",
        "forward 33,554,432 FLOPs, backward 58,720,256, ratio 1.75",
    ],
    "debugging_gradients": [
        "backward nodes behind total_loss after 1, 10, 100 batches: 13, 94, 904",
        ".grad fresh: False",
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed",
        "pred - target has shape (64, 64)",
        "under no_grad, two calls agree: in train mode False, in eval mode True",
        "saved tensors changed in place since: ['TanhBackward0']",
        "gradcheck passes: False",
        "parameters with no gradient: ['0.weight', '0.bias']",
        "after clipping 1;",
    ],
    "gradients_by_shape": [
        "b.grad: (4,) [15.0, 18.0, 21.0, 24.0]",
        "b_row.grad: (1, 4) [[15.0, 18.0, 21.0, 24.0]]",
        "expand: stride (0, 1), shares w's memory: True",
        "w's gradient: [6.0, 60.0] [6.0, 60.0]",
        "(p - y) / 4 equals autograd: True",
        "cross_entropy: loss 120.0, gradient [[-1.0, 1.0]]",
        "256 of 256 new images right",
        "FGSM: vertical",
        "sum_to_shape: correct on 9 pairs of shapes, as sum_to_size",
        "softmax_ce_grad: correct, (p - y) / B as autograd of F.cross_entropy gives",
    ],
    "precision_and_compile": [
        "1e-08 is stored as 0",
        "torch.float16: dL/dlogits is 0 in 32768 of 32768;",
        "scaled: dL/dlogits is 0 in 0 of 32768",
        "scale 65536; .grad before unscale_ / after: [65536.0]",
        "wrong labels: stepped False, scale now 32768",
        "1.001953125 is stored as 1",
        "graphs: 2, breaks: 1",
        "compiled branchy, gradient equal to eager's: True",
        "scaled step: correct",
    ],
    "jax_bonus": [
        "JAX: jax.grad(f)(3.0) = 6.0",
        "gradients equal within 1e-12: True",
        "JAX and PyTorch parameters equal within 1e-12: True",
    ],
    "exercises": [
        "Correct! f = 16, df/dx = 6, df/dy = 13.",
        "after x^2: 6.0, after x^3 without reset: 33.0, after reset: 27.0",
        "dL/dW: matches autograd.",
        "Correct! w = -1.88, b = 3.92, final loss 0.2424.",
    ],
}


def test_expected_outputs_name_lessons_of_the_toc():
    """A renamed or removed lesson must not leave its expectations silently unchecked."""
    assert set(EXPECTED_OUTPUTS) <= set(LESSONS), set(EXPECTED_OUTPUTS) - set(LESSONS)
    assert len(LESSONS) >= len(EXPECTED_OUTPUTS) >= 11


MAX_LINES = 450  # a lesson reads in one sitting; helpers go to book/checks/


def read_lines(text: str) -> int:
    """The lines of a chapter a reader meets: all but blank lines and its hidden checks
    (`remove-cell`), which the page never shows. Blank lines are the source's breathing
    room, for contributors: they cost a reader nothing."""
    hidden = sum(
        sum(1 for line in block.body if line.strip()) + len(block.options) + 2
        for block in blocks(text)
        if isinstance(block, Block) and "remove-cell" in block.options.get("tags", "")
    )
    return sum(1 for line in text.splitlines() if line.strip()) - hidden


@pytest.mark.parametrize("chapter", LESSONS)
def test_lesson_reads_in_one_sitting(chapter):
    text = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    assert read_lines(text) <= MAX_LINES, f"{chapter}.md: split it or move its helpers"
    # The figure setup has one home, the build's kernel profile (parallel_execution.py).
    assert "InlineBackend" not in text, f"{chapter}.md: figure setup repeated in the chapter"


@pytest.mark.parametrize("chapter", LESSONS)
def test_lesson_code_reads_slowly_on_a_phone(chapter):
    """Lines of at most 80 characters, no lambda bound to a name, no walrus, no noqa, in
    every code cell the page shows (tools/lint_chapters.py; `make lint` says the same)."""
    problems = unreadable(ROOT / "book" / f"{chapter}.md")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("chapter", LESSONS)
def test_lesson_outputs_hold_its_key_results(site, chapter):
    soup = built_page(site, f"book/{chapter}.html")
    outputs = "\n".join(o.get_text() for o in soup.select(".cell_output"))
    assert outputs.strip(), f"{chapter}: the page shows no output at all"
    missing = [s for s in EXPECTED_OUTPUTS.get(chapter, []) if s not in outputs]
    assert not missing, f"{chapter}: outputs missing {missing}"


@pytest.mark.parametrize("chapter", LESSONS)
def test_lesson_has_goals_takeaways_and_hidden_checks(chapter):
    source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    assert "Learning goals" in source
    assert "## Key takeaways" in source
    assert source.count("remove-cell") >= 3, "prose numbers need hidden checks"


@pytest.mark.parametrize("chapter", LESSONS)
def test_lesson_stands_alone(chapter):
    """A lesson becomes a Colab notebook: it may not import this repository's code."""
    source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    for module in ("course_ext", "tools", "tests", "conftest"):
        assert f"import {module}" not in source and f"from {module}" not in source
