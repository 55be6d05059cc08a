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
    if got is None:
        return f"{what} is None: a return statement is missing"
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
                    (
                        -g * np.abs(np.sin(x)),
                        "backward gets sin x from the output as sqrt(1 - cos^2 x), which is "
                        "never negative: the sign is wrong wherever sin x < 0 (here at "
                        "x = -1). cos x does not fix the sign of sin x: keep the input x "
                        "in forward and use -np.sin(x)",
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
        if isinstance(error, AttributeError) and stage == "backward":
            problem += " (forward must keep what backward uses: self.x = x)"
    print(f"Cos: {problem or 'correct'}")
    return problem is None


def _fit_data(p, x, wiggle):
    """x and y = exp(0.7 cos(p x) - 0.3 + a small wiggle): a line in cos(p x) up to noise."""
    return x, np.exp(0.7 * np.cos(p * x) - 0.3 + wiggle * np.sin(3.1 * x))


def _two_numbers(result):
    """A sentence saying why result is not two numbers (w, b), or None if it is."""
    if result is None:
        return "returns None: end it with return w, b"
    if isinstance(result, tuple) and len(result) == 4 and np.shape(result[0]) == (2,):
        return (
            "returns the whole result of np.linalg.lstsq (solution, residuals, "
            "rank, singular values): return the solution, its first element"
        )
    try:
        shape = np.shape(result)
    except ValueError:  # a ragged sequence
        shape = None
    if shape == (2, 1) and isinstance(result, np.ndarray):
        return (
            "returns an array of shape (2, 1) (log y given as a column?): "
            "return two numbers, w and b, e.g. fit a 1-D np.log(y)"
        )
    if shape == ():
        return f"returns one number, {result}: return two, w and b"
    if len(result) == 1:
        return (
            "returns one value: a fit with the column cos(p x) alone has no b; "
            "add a column of ones, whose coefficient is b"
        )
    if len(result) != 2:
        return f"returns {len(result)} values; return two numbers, w and b"
    for name, value in zip("wb", result):
        if np.ndim(value) != 0:
            return (
                f"{name} is an array of shape {np.shape(value)}, not one number: return "
                "w and b as numbers (fit a 1-D np.log(y), at one p)"
            )
        try:
            float(value)
        except (TypeError, ValueError):
            return f"{name} is {value!r}, not a number"
    return None


def _ignores_data(fit_w_b, p, got):
    """True if fit_w_b(p, ...) on other data gives `got` again (it reads globals)."""
    try:
        other = fit_w_b(p, *_fit_data(p, np.linspace(1, 4, 25), -0.04))
        return _two_numbers(other) is None and _same(np.array(other, float), got)
    except Exception:  # this second run only looks for one slip
        return False


def check_fit_w_b(fit_w_b):
    """Check fit_w_b(p, x, y) -> (w, b), the least-squares line log y = w cos(p x) + b at
    one p, against np.polyfit on a small case with known answer; True if right."""
    p = 0.8
    x, y = _fit_data(p, np.linspace(0, 6, 40), 0.05)
    c, log_y = np.cos(p * x), np.log(y)
    expected = np.polyfit(c, log_y, 1)  # slope w, then intercept b
    w, b = expected
    mistakes = [
        ((b, w), "returns (b, w): return w first, then b"),
        (
            np.polyfit(c, y, 1),
            "fits y itself; log y is the straight line in cos(p x): fit np.log(y)",
        ),
        (np.polyfit(np.cos(x), log_y, 1), "uses cos(x); the feature is cos(p x)"),
        (np.polyfit(np.sin(p * x), log_y, 1), "uses sin(p x); the feature is cos(p x)"),
        (
            np.polyfit(c, np.log10(y), 1),
            "takes np.log10; the inverse of the model's exp is np.log",
        ),
        (
            (np.sum(c * log_y) / np.sum(c * c), 0.0),
            "b is 0 and w the slope of a line through the origin: the least-squares "
            "matrix needs a column of ones next to cos(p x), for b",
        ),
        (
            np.polyfit(log_y, c, 1),
            "fits cos(p x) as a function of log y: np.polyfit(c, log_y, 1) "
            "takes the feature first, the values to fit second",
        ),
    ]
    try:
        result = fit_w_b(p, x.copy(), y.copy())
        problem = _two_numbers(result)
        if not problem:
            got = np.array([float(v) for v in result])
            problem = _problem(got, expected, "(w, b)", mistakes)
        if problem and problem.startswith("(w, b) is") and _ignores_data(fit_w_b, p, got):
            problem = (
                "gives the same (w, b) for other x and y: it must use its "
                "arguments x and y, not x_wide, y_wide or other names of the notebook"
            )
    except NotImplementedError:
        problem = "not written yet (replace its raise)"
    except Exception as error:  # any other mistake is reported, never raised
        problem = f"fails with {type(error).__name__}: {error}"
        if "expected 2, got 1" in str(error):
            problem += (
                " (a fit with the column cos(p x) alone has one coefficient: add a column "
                "of ones, for b)"
            )
        elif "broadcast" in str(error) or "Incompatible dimensions" in str(error):
            problem += " (does it mix its arguments x, y with x_wide or y_wide?)"
    print(f"fit_w_b: {problem or 'correct'}")
    return problem is None


def check_start(make_net, start, x, y, lr=1e-4, steps=5000, report=True):
    """Full-batch GD from start = (p, w, b), as in the run that stalled; True if it reaches
    the true (0.3, 0.5, 2), or its mirror image (-0.3, 0.5, 2), to 1e-3."""
    try:
        start = tuple(float(v) for v in start)
    except (TypeError, ValueError):
        start = None
    if start is None or len(start) != 3:
        if report:
            print("start must be three numbers (p, w, b), for example (0.4, 1.2, 1.0)")
        return False
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
    elif abs(end[0]) > 2 or abs(end[1]) > 1.5:
        hint = " (outside the landscape drawn: the first steps threw it far)"
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
