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


def check_fit_300(answer, X300, y300):
    """Say whether answer = (w, b) is the least-squares fit of (X300, y300), and if not, why."""
    hint = (
        "Not answered yet: call fit_autograd(X300, y300, lr=..., reduction=...) "
        "and put its w and b in answer = (w, b)."
    )
    if answer is None or answer is ...:
        print(hint)
        return
    try:
        w_answer, b_answer = answer
        if any(part is None or part is ... for part in (w_answer, b_answer)):
            print(hint)
            return
        w_got = torch.as_tensor(w_answer, dtype=torch.float64).detach().cpu().reshape(-1)
        b_got = torch.as_tensor(b_answer, dtype=torch.float64).detach().cpu().reshape(-1)
        if len(w_got) != 2 or len(b_got) != 1:
            raise ValueError(f"got {len(w_got)} weights and {len(b_got)} biases")
    except Exception as error:  # a check reports what is wrong, it never crashes
        print(f"answer should be a pair (w, b), w with 2 numbers and b with one: {error}")
        return
    got = torch.cat([w_got, b_got])
    if not torch.isfinite(got).all() or got.abs().max() > 1e6:
        print("Still diverging: the parameters are huge or not finite. Try a smaller step.")
        return
    ones = torch.ones(len(X300), 1, dtype=X300.dtype, device=X300.device)
    design = torch.cat([X300, ones], dim=1)
    best = torch.linalg.lstsq(design, y300.unsqueeze(1)).solution.squeeze(1).cpu()
    error = (got - best).abs().max().item()
    if error < 1e-4:
        print(f"Correct: the fit matches least squares to {error:.1e}.")
    else:
        print(
            f"Not converged yet: off by {error:.3g} from least squares. "
            "Try a larger learning rate (without diverging) or more steps."
        )
