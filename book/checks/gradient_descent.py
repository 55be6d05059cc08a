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


def _number(answer, hint, one):
    """The answer as a float, or None after saying why it is not one yet (`one` says which
    single number is asked for)."""
    if answer is None or answer is ...:
        print(f"Not answered yet: {hint}")
        return None
    if isinstance(answer, (list, tuple)):
        count = len(answer)
    elif hasattr(answer, "size"):  # a tensor (a method) or a NumPy array (a number)
        count = answer.numel() if callable(answer.size) else answer.size
    else:
        count = 1
    if count != 1:
        print(f"That is {count} values: give one number, {one}.")
        return None
    try:
        return float(answer[0] if isinstance(answer, (list, tuple)) else answer)
    except (TypeError, ValueError):
        print(f"Not a number: {answer!r}. Give the answer as a float.")
        return None


def _without_reset(lr=0.1, steps=30, x0=2.0):
    """x_steps on g when x.grad is never reset: each step uses the sum of all gradients."""
    x, total = x0, 0.0
    for _ in range(steps):
        total += 4 * (x + 1)
        x -= lr * total
    return x


def check_x30(answer):
    """Say whether answer is x_30 for g(x) = 2(x + 1)^2, x0 = 2, lr = 0.1."""
    hint = "run 30 steps of x <- x - 0.1 * g'(x) from x = 2, with g'(x) computed by backward()."
    last = "the last value of your run (x.item() after the loop), not the whole path"
    value = _number(answer, hint, last)
    if value is None:
        return
    expected = -1 + 3 * 0.6**30  # the factor is 1 - 4 * 0.1 = 0.6
    slips = [  # (x_30 that a slip gives, what it means)
        (-1 + 3 * 0.6**29, "That is x_29: one step short. Run exactly 30 steps."),
        (-1 + 3 * 0.6**31, "That is x_31: one step too many. Run exactly 30 steps."),
        (
            -1 + 0.6**30,
            "That run started at x = 0, as the lesson's f did; this one starts at x_0 = 2.",
        ),
        (
            -1.0,
            "-1 is the minimum itself. After 30 steps x is not there yet: x_30 - (-1) = "
            "3 * 0.6**30, about 6.6e-7. Give the value your loop reaches.",
        ),
        (
            _without_reset(),
            "That is what the loop gives without a reset: each backward() adds into x.grad, "
            "so every step uses the sum of all gradients so far. Zero x.grad after each step.",
        ),
        (
            -1 + 3 * 0.8**30,
            "That is the run on (x + 1)^2, with the factor 0.8: g = 2(x + 1)^2 has the "
            "derivative 4(x + 1), twice as steep.",
        ),
        (
            3 * (1 - 0.8**30),
            "That is x_30 on the lesson's f, near its minimum 3. Write the loop for "
            "g(x) = 2(x + 1)^2, whose minimum is at -1.",
        ),
        (
            -1 + 3 * 1.4**30,
            "Your run moves away from the minimum: that is x += 0.1 * x.grad. Gradient "
            "descent subtracts the gradient: x -= lr * x.grad.",
        ),
    ]
    if isclose(value, expected, rel_tol=0, abs_tol=1e-7):
        print(f"Correct: x_30 = {value:.8f}.")
        return
    for slip, meaning in slips:
        # near -1 the slips lie 1e-7 apart; far from it, float32 rounding is larger
        if abs(value - slip) <= 5e-8 + 1e-6 * max(abs(slip) - 1, 0):
            print(meaning)
            return
    if abs(value - expected) < 1e-3:
        print("Close, but not exact: did you run exactly 30 steps, from x = 2, with lr 0.1?")
    else:
        print(
            f"Not yet: {value} is off by {value - expected:.3g}. Check g'(x), the "
            "gradient reset and the number of steps."
        )


def check_threshold(answer):
    """Say whether answer is the learning-rate threshold for g(x) = 2(x + 1)^2."""
    hint = (
        "write x_{k+1} + 1 as a factor times (x_k + 1) and ask when that factor has "
        "absolute value below 1."
    )
    value = _number(answer, hint, "the learning rate where convergence stops")
    if value is None:
        return
    if isclose(value, 0.5, abs_tol=1e-12):
        print("Correct: the factor is 1 - 4 lr, and |1 - 4 lr| < 1 means 0 < lr < 0.5.")
    elif isclose(value, 1.0, abs_tol=1e-12):
        print("That is the threshold for f, whose curvature is 2; g curves twice as sharply.")
    elif isclose(value, 0.25, abs_tol=1e-12):
        print(
            "0.25 is the best learning rate, where the factor 1 - 4 lr is 0 and one step "
            "lands on -1. Larger rates overshoot but still converge while |1 - 4 lr| < 1: "
            "where does that stop?"
        )
    elif 0.4 <= value < 0.5:
        print(
            f"{value:g} converges, but it is not the limit: give the learning rate where "
            "|1 - 4 lr| reaches 1 exactly."
        )
    elif 0.5 < value <= 0.6:
        print(
            f"{value:g} diverges already: the factor 1 - 4 lr is below -1 there. The "
            "threshold is where it equals -1."
        )
    else:
        print(f"Not yet: {value} is not the threshold. What is g'(x), and so the factor?")
