"""The practical's layers, and the check functions and plotting helpers of the challenge.

The layers, the composition, `params` and `train` are the solutions of the practical, with
the same names and attributes, so that your own versions can replace them. The checks print
"correct" or, in words, what is wrong; they never raise.
"""

import matplotlib.pyplot as plt
import numpy as np


# ---- The practical's layers: every layer has forward, backward, step; param and grad. ----
class AddBias:  # out = x + b
    def __init__(self, b):
        self.param = float(b)
        self.grad = 0.0

    def forward(self, x):
        return x + self.param

    def backward(self, grad_out):
        self.grad = np.sum(grad_out)
        return grad_out

    def step(self, lr):
        self.param -= lr * self.grad


class Multiply:  # out = w * x
    def __init__(self, w):
        self.param = float(w)
        self.grad = 0.0

    def forward(self, x):
        self.x = x
        return self.param * x

    def backward(self, grad_out):
        self.grad = np.sum(grad_out * self.x)
        return grad_out * self.param

    def step(self, lr):
        self.param -= lr * self.grad


class Exp:  # out = exp(x); no parameter
    def forward(self, x):
        self.out = np.exp(x)
        return self.out

    def backward(self, grad_out):
        return grad_out * self.out

    def step(self, lr):
        pass


class Sequential:  # layers applied one after another, with a mean squared error loss
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, y_est, y):
        self.residual = y_est - y
        return np.mean(self.residual**2)

    def backward(self):
        grad = 2 * self.residual / np.size(self.residual)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def step(self, lr):
        for layer in self.layers:
            layer.step(lr)


def params(model):
    """The parameters of the model's layers that have one, in order."""
    return np.array([layer.param for layer in model.layers if hasattr(layer, "param")])


def train(model, x, y, lr, order):
    """SGD, one step per sample index in order; the parameters before and after each step."""
    history = [params(model)]
    for i in order:
        model.loss(model.forward(x[i]), y[i])
        model.backward()
        model.step(lr)
        history.append(params(model))
    return np.array(history)


# ---- Checks ----
def _same(value, expected):
    """True if value has the expected shape and, up to rounding, the expected entries."""
    try:
        return np.shape(value) == np.shape(expected) and bool(np.allclose(value, expected))
    except (TypeError, ValueError):
        return False


def _problem(got, expected, what, mistakes=()):
    """None if got is right, else a sentence: the known mistake it matches, or the values."""
    if _same(got, expected):
        return None
    for value, message in mistakes:
        if _same(got, value):
            return message
    return f"{what} is {got}, expected {expected}"


def check_cos(cos_cls):
    """Check Cos(): out = cos(x), dL/dx = -grad_out sin(x), no parameter; True if right."""
    x, g = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, -0.5])
    stage = "the constructor"
    try:
        layer = cos_cls()
        problem = "Cos has no parameter: give it no self.param" if hasattr(layer, "param") else None
        if not problem:
            stage = "forward"
            out = layer.forward(x.copy())
            problem = _problem(out, np.cos(x), "forward(x)", [(np.sin(x), "forward uses sin")])
        if not problem:
            stage = "backward"
            layer.forward(x.copy())
            problem = _problem(
                layer.backward(g.copy()),
                -g * np.sin(x),
                "the gradient returned by backward",
                [
                    (g * np.sin(x), "the sign is wrong: the derivative of cos x is -sin x"),
                    (-np.sin(x), "backward returns -sin(x) alone: multiply it by grad_out"),
                    (g, "backward returns grad_out unchanged: multiply it by -sin(x)"),
                    (
                        -g * np.sin(np.cos(x)),
                        "backward takes the sine of the output; it needs the input x, "
                        "which forward must keep",
                    ),
                ],
            )
        if not problem:
            stage = "step"
            layer.step(0.1)  # must exist, and do nothing
    except NotImplementedError:
        problem = f"{stage} is not written yet (replace its raise)"
    except Exception as error:  # any other mistake is reported, never raised
        problem = f"{stage} fails with {type(error).__name__}: {error}"
    print(f"Cos: {problem or 'correct'}")
    return problem is None


def check_start(make_net, start, x, y, lr=1e-4, steps=5000, report=True):
    """Full-batch GD from start = (p, w, b), as in the run that stalled; True if it reaches
    the true (0.3, 0.5, 2), or its mirror image (-0.3, 0.5, 2), to 1e-3."""
    net = make_net(*start)
    with np.errstate(all="ignore"):  # a bad start may overflow: reported below
        end = train(net, x, y, lr, [np.arange(len(x))] * steps)[-1]
        loss = net.loss(net.forward(x), y)
    works = bool(np.allclose([abs(end[0]), end[1], end[2]], [0.3, 0.5, 2.0], atol=1e-3))
    if not report:
        return works
    where = f"from (p, w, b) = ({', '.join(f'{v:g}' for v in start)})"
    if not (np.all(np.isfinite(end)) and np.isfinite(loss)) or np.max(np.abs(end)) > 50:
        print(
            f"{where}: gradient descent runs away (the steps are too large from there); "
            "start with smaller w or b"
        )
        return False
    found = f"p = {end[0]:.4f}, w = {end[1]:.4f}, b = {end[2]:.4f}, loss {loss:.3g}"
    if works:
        print(f"{where}: reaches {found}. This start works.")
        return True
    hint = ""
    if abs(end[0]) < 0.01:
        hint = " (p = 0: the cosine is the constant 1)"
    elif abs(end[1]) < 0.2:
        hint = " (w near 0: the cosine is switched off)"
    print(f"{where}: stops at {found}{hint}. Not the truth: try another start.")
    return False


# ---- Plotting helpers ----
def profiled_loss(p, w, x, y):
    """The loss with the best b for each (p, w) (arrays of one shape), as the optional
    section derives: mean(y^2) - mean(u y)^2 / mean(u^2), with u = exp(w cos(p x))."""
    u = np.exp(np.asarray(w)[..., None] * np.cos(np.asarray(p)[..., None] * x))
    return np.mean(y**2) - np.mean(u * y, axis=-1) ** 2 / np.mean(u * u, axis=-1)


def plot_landscape(x, y, true, start, stall):
    """Root-mean-square error over a (p, w) grid, b profiled out; returns the grid and loss."""
    p_grid, w_grid = np.linspace(0, 2, 161), np.linspace(-1, 1.5, 101)
    landscape = profiled_loss(*np.meshgrid(p_grid, w_grid, indexing="ij"), x, y)
    rmse = np.sqrt(np.maximum(landscape, 0))  # clip rounding below zero at the true point
    width, _ = plt.rcParams["figure.figsize"]
    fig, ax = plt.subplots(figsize=(width, 4.6))  # the colour bar goes below, not beside
    # Drawn as an image inside the SVG: twenty bands of polygons would weigh 250 kB.
    filled = ax.contourf(p_grid, w_grid, rmse.T, levels=20, rasterized=True)
    fig.colorbar(filled, ax=ax, label="RMSE with best b", location="bottom")
    ax.plot(*true, "*", color="red", markersize=14, label=f"true ({true[0]:g}, {true[1]:g})")
    ax.plot(*start, "s", color="black", label=f"start ({start[0]:g}, {start[1]:g})")
    ax.plot(
        *stall,
        "o",
        color="white",
        markeredgecolor="black",
        label=f"GD stall ({stall[0]:.2f}, {stall[1]:.2f})",
    )
    ax.set(xlabel="frequency p", ylabel="weight w", title="Loss over (p, w), b profiled out")
    ax.legend(loc="lower right", frameon=True)
    plt.show()
    return p_grid, w_grid, landscape


def plot_b_profile(p, w, b_found, x, y):
    """The loss against b for fixed (p, w), with the b that gradient descent found."""
    b_values = np.linspace(b_found - 0.3, b_found + 0.3, 121)
    losses = [np.mean((np.exp(w * np.cos(p * x) + b) - y) ** 2) for b in b_values]
    fig, ax = plt.subplots()
    ax.plot(b_values, losses)
    ax.axvline(b_found, color="C1", linestyle="--", label=f"b found by GD, {b_found:.3f}")
    ax.set(
        xlabel="b",
        ylabel="mean squared error",
        title=f"Loss against b\nat p = {p:.3f}, w = {w:.3f}",
    )
    ax.legend()
    plt.show()


def plot_dips(p_fine, fine_losses, p_coarse, coarse_losses, best):
    """The loss after fitting w and b for each p, fine curve and coarse grid."""
    fig, ax = plt.subplots()
    ax.plot(p_fine, fine_losses, label=f"fine grid ({len(p_fine)} values)")
    ax.plot(
        p_coarse, coarse_losses, "o", markersize=5, label=f"coarse grid ({len(p_coarse)} values)"
    )
    ax.plot(
        p_coarse[best],
        coarse_losses[best],
        "*",
        color="red",
        markersize=14,
        label=f"best, p = {p_coarse[best]:.2f}",
    )
    ax.set(
        xlabel="frequency p",
        ylabel="mean squared error on y",
        title="Loss after fitting w and b for each p",
    )
    ax.legend()
    plt.show()
