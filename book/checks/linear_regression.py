"""Helpers of linear_regression: its two figures, and the check of its exercise."""

import matplotlib.pyplot as plt
import numpy as np
import torch


def plot_plane(X_np, y_np, w, b):
    """The 30 points in 3-D with the fitted plane y = w1 x1 + w2 x2 + b."""
    G1, G2 = np.meshgrid(np.linspace(-1, 1, 21), np.linspace(-1, 1, 21))
    plane = float(w[0]) * G1 + float(w[1]) * G2 + float(b)
    width, _ = plt.rcParams["figure.figsize"]
    ax = plt.figure(figsize=(width, 4)).add_subplot(projection="3d")  # 3-D: a squarer figure
    ax.plot_surface(G1, G2, plane, alpha=0.35, color="C0", label="fitted plane")
    ax.scatter(X_np[:, 0], X_np[:, 1], y_np, color="C1", depthshade=False, label="data")
    ax.set(xlabel="$x_1$", ylabel="$x_2$", zlabel="$y$", xticks=[-1, 0, 1], yticks=[-1, 0, 1])
    ax.set_title(f"{len(y_np)} points and the fitted plane")
    ax.view_init(elev=25, azim=130)  # a viewpoint from which the tilt of the plane shows
    ax.legend(loc="upper left")
    plt.show()


def plot_small_fit(x, y, losses, best_loss, w, b):
    """Top: the loss per step against the least-squares loss. Below: data, fit, true line."""
    width, height = plt.rcParams["figure.figsize"]
    # One above the other: side by side, each would be half as wide on a phone.
    fig, (ax_loss, ax_fit) = plt.subplots(2, 1, figsize=(width, 2 * height))
    ax_loss.plot(losses, label="gradient descent")
    ax_loss.axhline(best_loss, color="C2", linestyle="--", label="least-squares loss")
    ax_loss.set(yscale="log", xlabel="step", ylabel="MSE loss", title="Loss during training")
    ax_loss.legend()
    x_line = np.linspace(x.min().item(), x.max().item(), 2)
    ax_fit.scatter(x, y, s=15, color="C1", label="data")
    ax_fit.plot(x_line, w * x_line + b, color="C0", label=f"fit after {len(losses)} steps")
    ax_fit.plot(x_line, 3 * x_line + 2, color="C2", linestyle="--", label="true line $3x + 2$")
    ax_fit.set(xlabel="$x$", ylabel="$y$", title="Data and fitted line")
    ax_fit.legend()
    plt.show()


def _descend(design, y, lr, mean, steps=100):
    """w and b (one vector) after `steps` of gradient descent from 0 on the summed or mean
    squared error: the fits a learner's slips make, for comparison."""
    theta = torch.zeros(design.shape[1], dtype=design.dtype)
    scale = 2 / len(y) if mean else 2
    for _ in range(steps):
        theta = theta - lr * scale * design.T @ (design @ theta - y)
    return theta


def _least_squares(X, y):
    ones = torch.ones(len(X), 1, dtype=X.dtype, device=X.device)
    design = torch.cat([X, ones], dim=1)
    return design, torch.linalg.lstsq(design, y.unsqueeze(1)).solution.squeeze(1)


def _pair(answer):
    """(w, b) as float64 vectors of 2 and 1 numbers, or None after saying what is wrong."""
    if isinstance(answer, (tuple, list)) and len(answer) == 3:
        print(
            "fit_autograd returns three things, (w, b, losses): keep the first two, "
            "answer = (w, b)."
        )
        return None
    if not isinstance(answer, (tuple, list)):
        print(
            f"answer is one {type(answer).__name__}; it should be the pair (w, b), w with "
            "2 numbers and b with one."
        )
        return None
    try:
        w_answer, b_answer = answer
        w_got = torch.as_tensor(w_answer, dtype=torch.float64).detach().cpu().reshape(-1)
        b_got = torch.as_tensor(b_answer, dtype=torch.float64).detach().cpu().reshape(-1)
    except Exception as error:  # a check reports what is wrong, it never crashes
        print(f"answer should be a pair (w, b), w with 2 numbers and b with one: {error}")
        return None
    if len(w_got) == 1 and len(b_got) == 2:
        print("w and b are swapped: w has 2 numbers and b one, so answer = (w, b).")
        return None
    if len(w_got) != 2 or len(b_got) != 1:
        print(
            f"answer should be a pair (w, b), w with 2 numbers and b with one: got "
            f"{len(w_got)} and {len(b_got)}."
        )
        return None
    return torch.cat([w_got, b_got])


def check_fit_300(answer, X300, y300):
    """Say whether answer = (w, b) is the least-squares fit of (X300, y300), and if not, why."""
    hint = (
        "Not answered yet: call fit_autograd(X300, y300, lr=..., reduction=...) "
        "and put its w and b in answer = (w, b)."
    )
    if answer is None or answer is ...:
        print(hint)
        return
    if isinstance(answer, (tuple, list)) and any(part is None or part is ... for part in answer):
        print(hint)
        return
    got = _pair(answer)
    if got is None:
        return
    if not torch.isfinite(got).all() or got.abs().max() > 1e6:
        print(
            "Still diverging: the parameters are huge or not finite. The summed loss grows "
            "with the number of samples: try a smaller step, or the mean loss."
        )
        return
    design, best = _least_squares(X300.cpu().double(), y300.cpu().double())
    error = (got - best).abs().max().item()
    if error < 1e-4:
        print(f"Correct: the fit matches least squares to {error:.1e}.")
        return
    make_data = globals().get("make_data")  # the lesson's data, when the page defined it
    if callable(make_data):
        X30, y30 = (torch.as_tensor(array, dtype=torch.float64) for array in make_data(30))
        if (got - _least_squares(X30, y30)[1]).abs().max() < 1e-4:
            print(
                "That is the fit of the 30 samples (X, y), not of the 300: pass X300 and "
                "y300 to fit_autograd."
            )
            return
    slow = _descend(design, y300.cpu().double(), lr=0.01, mean=True)
    if (got - slow).abs().max() < 1e-6:
        print(
            "The mean loss with lr 0.01 is stable but slow: each step removes only about "
            f"2% of the error, and after 100 steps the fit is still {error:.2g} off. The "
            "mean divides the gradient by N: take a larger learning rate."
        )
        return
    print(
        f"Not converged yet: off by {error:.3g} from least squares. "
        "Try a larger learning rate (without diverging) or more steps."
    )
