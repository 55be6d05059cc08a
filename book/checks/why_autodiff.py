"""Helpers of why_autodiff: its two figures and the checker of its exercise."""

import matplotlib.pyplot as plt
import torch


def plot_parabola(points, f_values):
    """f(x) = x**2 and its derivative from autograd on [-5, 5], with `points` marked."""
    grid = torch.linspace(-5, 5, 201, requires_grad=True)
    curve = grid**2
    curve.sum().backward()
    width, height = plt.rcParams["figure.figsize"]
    # One above the other: side by side, each would be half as wide on a phone.
    fig, (left, right) = plt.subplots(2, 1, figsize=(width, 2 * height))
    left.plot(grid.detach(), curve.detach(), label="$f(x) = x^2$")
    left.scatter(points.detach(), f_values.detach(), color="C1", zorder=3, label="x = -3, 0, 3")
    left.set(title="The function", xlabel="$x$", ylabel="$f(x)$")
    left.legend()
    right.plot(grid.detach(), grid.grad, color="C2", label="$f'(x) = 2x$ (from autograd)")
    right.scatter(points.detach(), points.grad, color="C1", zorder=3, label="x = -3, 0, 3")
    right.axhline(0, color="0.4", linewidth=1)
    right.set(title="Its derivative", xlabel="$x$", ylabel="$f'(x)$")
    right.legend()
    plt.show()


def plot_errors(steps, error32, error64):
    """The central-difference error against the step h, log-log, in float32 and float64."""
    fig, ax = plt.subplots()
    ax.loglog(steps, error32.clip(min=1e-17), marker=".")
    ax.loglog(steps, error64.clip(min=1e-17), marker=".")
    ax.text(1e-10, 2.0, "float32", color="C0", va="top")  # labels where no curve runs
    ax.text(1e-4, 1e-9, "float64", color="C1", va="top")
    ax.set(title="Too small a step hurts", xlabel="step $h$", ylabel="error of the estimate")
    plt.show()


def check_derivative(answer):
    """Compare an answer with f'(1.5) for f(x) = x**3 - 2x, and name the slip it looks like."""
    expected = 3 * 1.5**2 - 2  # 4.75
    if answer is None or answer is ...:
        print("Not answered yet (or x.grad before any backward call, which is None): build x")
        print("with requires_grad=True, call backward on f, then read x.grad.")
        return
    if isinstance(answer, torch.Tensor) and answer.numel() != 1:
        print(f"Expected a single number, got a tensor of shape {tuple(answer.shape)}.")
        return
    try:
        got = float(answer.detach() if isinstance(answer, torch.Tensor) else answer)
    except (TypeError, ValueError, RuntimeError):
        print(f"Expected a number (a float or x.grad), got {answer!r}.")
        return
    slips = {  # a wrong number many give, and what it means
        -expected: "The sign is wrong: check the derivative of -2x.",
        1.5**3 - 2 * 1.5: "0.375 is f(1.5), the value of f: the answer is its derivative,"
        " which backward leaves in x.grad.",
        3 * 1.5**2: "6.75 is 3x^2 alone: the term -2x contributes -2 to the derivative.",
        3 * 1.5**2 + 2: "8.75 has the wrong sign for the -2x term: its derivative is -2, not +2.",
        2 * expected: "9.5 is twice the derivative: backward ran twice on the same x, and"
        " .grad adds up. Create x afresh (or call x.grad.zero_()) before backward.",
        1.5: "1.5 is x itself: the derivative is in x.grad, not in x.",
    }
    if abs(got - expected) < 1e-5:
        print(f"Correct: f'(1.5) = {expected}.")
        return
    for number, message in slips.items():
        if abs(got - number) < 1e-5:
            print(message)
            return
    print(f"Not quite: got {got}. Is it the derivative, not f(1.5) itself? Build f from x")
    print("with requires_grad=True, call f.backward(), then read x.grad.")
