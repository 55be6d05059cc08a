# Helpers of the gradient-descent lesson: its three figures and the checks of its exercise.
from math import isclose

import matplotlib.pyplot as plt
import torch


def plot_path(f, xs, lr):
    """The curve of f with the iterates xs on it, the start, the end and the minimum (3, 5)."""
    grid = torch.linspace(-0.5, 4.5, 200, dtype=torch.float64)
    fig, ax = plt.subplots()
    ax.plot(grid, f(grid), color="0.6")
    ax.plot(xs, f(xs), "o-", markersize=4, linewidth=1)
    ax.plot(3, 5, "*", markersize=16, color="black")
    ax.annotate(
        f"start $x_0 = {xs[0]:.0f}$", (xs[0], f(xs[0])), (10, 4), textcoords="offset points"
    )
    end = f"end $x_{{{len(xs) - 1}}} = {xs[-1]:.5f}$"
    arrow = {"arrowstyle": "->"}
    ax.annotate(end, (xs[-1], f(xs[-1])), (-75, 55), textcoords="offset points", arrowprops=arrow)
    ax.annotate("minimum (3, 5)", (3, 5), (-10, -20), textcoords="offset points", ha="right")
    ax.set_ylim(bottom=3)
    ax.set(title=f"Gradient descent, lr = {lr}", xlabel="$x$", ylabel="$f(x)$")
    plt.show()


def plot_excess(losses, minimum, factor):
    """The excess loss against the step, log scale, beside the formula excess_0 * factor**k."""
    steps = torch.arange(len(losses))
    excess = losses - minimum
    fig, ax = plt.subplots()
    ax.semilogy(steps, excess, "o", markersize=4, label="run")
    ax.semilogy(
        steps,
        excess[0] * factor**steps,
        "--",
        color="black",
        linewidth=1,
        label=f"${excess[0]:.0f} \\cdot {factor}^k$",
    )
    ax.set(title="Excess loss, log scale", xlabel="step $k$", ylabel="$f(x_k) - 5$")
    ax.legend()
    plt.show()


def plot_distances(runs, target):
    """|x_k - target| against the step, log scale, one line per learning rate of runs."""
    fig, ax = plt.subplots()
    for rate, path in runs.items():
        steps = torch.arange(len(path))
        ax.semilogy(steps, (path - target).abs(), label=f"lr = {rate}")
    ax.set(title="Distance to the minimum", xlabel="step $k$", ylabel="$|x_k - 3|$")
    ax.legend()
    plt.show()


def _number(answer, hint):
    """The answer as a float, or None after saying why it is not one yet."""
    if answer is None or answer is ...:
        print(f"Not answered yet: {hint}")
        return None
    try:
        return float(answer)
    except (TypeError, ValueError):
        print(f"Not a number: {answer!r}. Give the answer as a float.")
        return None


def check_x30(answer):
    """Say whether answer is x_30 for g(x) = 2(x + 1)^2, x0 = 2, lr = 0.1."""
    hint = "run 30 steps of x <- x - 0.1 * g'(x) from x = 2, with g'(x) computed by backward()."
    value = _number(answer, hint)
    if value is None:
        return
    expected = -1 + 3 * 0.6**30  # the factor is 1 - 4 * 0.1 = 0.6
    if isclose(value, expected, rel_tol=0, abs_tol=1e-7):
        print(f"Correct: x_30 = {value:.8f}.")
    elif abs(value - expected) < 1e-3:
        print("Close, but not exact: did you run exactly 30 steps (not 29 or 31)?")
    else:
        print(
            f"Not yet: {value} is off by {value - expected:.3g}. Check the gradient "
            "reset and the number of steps."
        )


def check_threshold(answer):
    """Say whether answer is the learning-rate threshold for g(x) = 2(x + 1)^2."""
    hint = (
        "write x_{k+1} + 1 as a factor times (x_k + 1) and ask when that factor has "
        "absolute value below 1."
    )
    value = _number(answer, hint)
    if value is None:
        return
    if isclose(value, 0.5, abs_tol=1e-12):
        print("Correct: the factor is 1 - 4 lr, and |1 - 4 lr| < 1 means 0 < lr < 0.5.")
    elif isclose(value, 1.0, abs_tol=1e-12):
        print("That is the threshold for f, whose curvature is 2; g curves twice as sharply.")
    else:
        print(f"Not yet: {value} is not the threshold. What is g'(x), and so the factor?")
