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
    """Compare an answer with f'(1.5) for f(x) = x**3 - 2x, and say what is off."""
    expected = 3 * 1.5**2 - 2
    if answer is None or answer is ...:
        print("Not answered yet: build x with requires_grad=True, call backward, read x.grad.")
    elif isinstance(answer, torch.Tensor) and answer.numel() != 1:
        print(f"Expected a single number, got a tensor of shape {tuple(answer.shape)}.")
    elif abs(float(answer) - expected) < 1e-5:
        print(f"Correct: f'(1.5) = {expected}.")
    elif abs(float(answer) + expected) < 1e-5:
        print("The sign is wrong: check the derivative of -2x.")
    else:
        print(f"Not quite: got {float(answer)}. Is it the derivative, not f(1.5) itself?")
