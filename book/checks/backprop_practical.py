"""Check functions and the plotting helper of the backprop practical.

Each check runs your class or function on a small case whose answer is known, then prints
"correct" or, in words, the first thing that is wrong, and returns True or False. A check
never raises: an error in your code is reported, not thrown.
"""

import matplotlib.pyplot as plt
import numpy as np

X = np.array([0.5, -1.0, 2.0])  # a test input of three entries
G = np.array([1.0, 2.0, -0.5])  # a test upstream gradient dL/d(output)
LR = 0.1


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


def _report(name, run, keep="forward must keep what backward uses, e.g. self.x = x"):
    """Run the checks of `run(stage)`; print "correct" or the first problem; True if right.
    `keep` is the hint for an attribute that backward reads but nothing kept."""
    stage = ["the constructor"]  # run() updates it, so an error can say where it happened
    try:
        problem = run(stage)
    except NotImplementedError:
        problem = f"{stage[0]} is not written yet (replace its raise)"
    except Exception as error:  # any other mistake is reported, never raised
        problem = f"{stage[0]} fails with {type(error).__name__}: {error}"
        if isinstance(error, AttributeError) and stage[0] == "backward":
            problem += f" ({keep})"
    print(f"{name}: {problem or 'correct'}")
    return problem is None


def _check_step(layer, start, grad, stage):
    """The problem with layer.step(LR) for a parameter `start` with gradient `grad`."""
    stage[0] = "step"
    layer.step(LR)
    return _problem(
        getattr(layer, "param", None),
        start - LR * grad,
        f"param after step({LR})",
        [
            (start + LR * grad, "step moves the parameter up the gradient: subtract lr * grad"),
            (start, "step leaves the parameter unchanged"),
            (
                start - LR * np.sign(grad),
                "step moves by lr * sign(grad), a step of fixed size: subtract lr * grad, "
                "the gradient itself",
            ),
            (start - LR, "step subtracts lr alone: subtract lr * grad"),
        ],
    )


def check_multiply(multiply_cls):
    """Check Multiply(w): out = w x, dL/dx = grad_out w, grad = sum(grad_out x)."""
    w = 1.5

    def run(stage):
        layer = multiply_cls(w)
        if not _same(getattr(layer, "param", None), w):
            return "the constructor must keep w in self.param (every layer's name for it)"
        stage[0] = "forward"
        out = layer.forward(X.copy())
        problem = _problem(out, w * X, "forward(x)", [(X + w, "forward adds w: multiply")])
        if problem:
            return problem
        stage[0] = "backward"
        dx = layer.backward(G.copy())
        problem = _problem(
            dx,
            G * w,
            "the gradient returned by backward",
            [
                (
                    G * X,
                    "backward returns grad_out * x, the gradient for w entry by entry; "
                    "the gradient for the input x is grad_out * w",
                ),
                (G, "backward returns grad_out unchanged: the gradient for x misses the factor w"),
                (np.full(3, w), "backward returns w alone: the chain rule multiplies by grad_out"),
            ],
        )
        if problem:
            return problem
        problem = _problem(
            getattr(layer, "grad", None),
            np.sum(G * X),
            "self.grad",
            [
                (
                    np.sum(G),
                    "backward returns the gradient for x, but the gradient for w is off "
                    "by a factor x: d(w x)/dw = x, so grad = np.sum(grad_out * x)",
                ),
                (np.sum(G * w), "self.grad uses w where x belongs: d(w x)/dw = x"),
                (
                    G * X,
                    "self.grad has one number per entry; w is shared by all entries, "
                    "so its gradient is their sum",
                ),
                (
                    np.mean(G * X),
                    "self.grad is the mean of grad_out * x; w is used by every entry, so "
                    "its gradient is their sum: np.sum (the loss has already divided by n)",
                ),
                (0.0, "self.grad is still 0: backward must set it to dL/dw"),
            ],
        )
        return problem or _check_step(layer, w, np.sum(G * X), stage)

    return _report("Multiply", run)


def check_exp(exp_cls):
    """Check Exp(): out = exp(x), dL/dx = grad_out exp(x), no parameter."""

    def run(stage):
        layer = exp_cls()
        if hasattr(layer, "param"):
            return "Exp has no parameter: give it no self.param, so that params() skips it"
        stage[0] = "forward"
        out = layer.forward(X.copy())
        problem = _problem(out, np.exp(X), "forward(x)", [(X, "forward returns x: use np.exp")])
        if problem:
            return problem
        stage[0] = "backward"
        dx = layer.backward(G.copy())
        problem = _problem(
            dx,
            G * np.exp(X),
            "the gradient returned by backward",
            [
                (
                    G,
                    "backward returns grad_out unchanged: multiply it by the local derivative "
                    "exp(x), which forward can keep",
                ),
                (
                    np.exp(X),
                    "backward returns exp(x) alone: the chain rule multiplies it by grad_out",
                ),
                (G * X, "backward multiplies grad_out by x; the derivative of exp(x) is exp(x)"),
                (
                    G * np.exp(np.exp(X)),
                    "backward takes exp of the kept output, exp(exp(x)); the output "
                    "already is exp(x): multiply grad_out by it",
                ),
            ],
        )
        if problem:
            return problem
        stage[0] = "step"
        layer.step(LR)  # must exist, and do nothing
        return None

    return _report("Exp", run, "forward must keep what backward uses, e.g. self.out")


class _Probe:
    """A test layer out = c x + param that writes each call into a shared log."""

    def __init__(self, name, c, log):
        self.name, self.c, self.log = name, c, log
        self.param, self.grad = 0.0, 0.0

    def forward(self, x):
        self.log.append(f"{self.name}.forward")
        return self.c * x + self.param

    def backward(self, grad_out):
        self.log.append(f"{self.name}.backward")
        self.received = grad_out
        self.grad = np.sum(grad_out)
        return self.c * grad_out

    def step(self, lr):
        self.log.append(f"{self.name}.step")
        self.param -= lr * self.grad


def check_sequential(sequential_cls):
    """Check the composition on two probe layers (times 2, then times 3) and two samples."""
    x, y = np.array([1.0, 2.0]), np.array([4.0, 5.0])

    def run(stage):
        log = []
        first, second = _Probe("first", 2.0, log), _Probe("second", 3.0, log)
        model = sequential_cls([first, second])
        stage[0] = "forward"
        y_est = model.forward(x)
        problem = _problem(
            y_est,
            6 * x,
            "forward(x)",
            [
                (3 * x, "forward applies each layer to x; feed each one the previous output"),
                (2 * x, "forward returns after the first layer; return the last one's output"),
            ],
        )
        if problem:
            return problem
        stage[0] = "loss"
        loss = model.loss(y_est, y)
        if loss is not None and np.shape(loss) != ():
            return (
                f"loss returns an array of shape {np.shape(loss)}; it must return one "
                "number, the mean of the squares"
            )
        mean_loss = np.mean((6 * x - y) ** 2)
        problem = _problem(
            loss,
            mean_loss,
            "loss(y_est, y)",
            [
                (
                    2 * mean_loss,
                    "loss returns the sum of squares; use the mean (the same for one "
                    "sample, and right for a whole batch)",
                )
            ],
        )
        if problem:
            return problem
        stage[0] = "backward"
        del log[:]
        model.backward()
        if log == ["first.backward", "second.backward"]:
            return "backward calls the layers in forward order; the last layer must come first"
        if log != ["second.backward", "first.backward"]:
            return f"backward calls {log}; expected each layer's backward once, last layer first"
        start = 2 * (6 * x - y) / len(x)  # dL/dy_est of the mean squared error
        if np.shape(getattr(second, "received", None)) != np.shape(x):
            return (
                "backward starts from one number for all the samples; dL/dy_est has one "
                "entry per sample, 2 (y_est - y) / n, the shape of y_est"
            )
        problem = _problem(
            second.grad,
            np.sum(start),
            "the gradient reaching the last layer (summed)",
            [
                (
                    np.sum(2 * (6 * x - y)),
                    "backward starts from 2 (y_est - y) without dividing "
                    "by the number of samples: the loss is a mean",
                ),
                (np.sum(start) / 2, "backward starts without the factor 2 of the square"),
                (-np.sum(start), "backward starts from 2 (y - y_est): the sign is flipped"),
            ],
        )
        if problem:
            return problem
        problem = _problem(
            first.grad,
            3 * np.sum(start),
            "the gradient reaching the first layer (summed)",
            [
                (
                    np.sum(start),
                    "the first layer gets the same gradient as the last: pass each "
                    "layer what backward of the layer after it returned",
                )
            ],
        )
        if problem:
            return problem
        stage[0] = "step"
        del log[:]
        model.step(LR)
        if sorted(log) != ["first.step", "second.step"]:
            return f"step calls {log}; it must call step(lr) of every layer once"
        return None

    return _report("Sequential", run, "loss must keep what backward uses, e.g. self.residual")


def _sample(values):
    """The one sample a call received, or "all" for several at once."""
    return float(values) if np.size(values) == 1 else "all"


class _LoggedModel:
    """A model out = x + b with one layer; it writes each call, with its sample, into a log."""

    def __init__(self, b, log):
        self.layers = [_Probe("layer", 1.0, log)]
        self.layers[0].param = b
        self.log = log

    def forward(self, x):
        self.log.append(("forward", _sample(x)))
        return x + self.layers[0].param

    def loss(self, y_est, y):
        self.log.append(("loss", _sample(y)))
        self.residual = y_est - y
        return np.mean(self.residual**2)

    def backward(self):
        self.log.append(("backward",))
        residual = getattr(self, "residual", 0.0)  # loss may be missing: train reports it
        self.layers[0].grad = np.sum(2 * residual)

    def step(self, lr):
        self.log.append(("step",))
        self.layers[0].param -= lr * self.layers[0].grad


def _history_problem(history, expected):
    """None if history is right, else what is wrong with it, in words."""
    if history is None:
        return "train returns None: end it with return np.array(history)"
    rows = list(history) if isinstance(history, (list, tuple)) else None
    if rows and len({np.ndim(row) for row in rows}) > 1:
        return (
            "history mixes arrays and single numbers: append params(model), the whole "
            "array, after each step, as for the first row"
        )
    try:
        history = np.asarray(history, dtype=float)
    except (TypeError, ValueError):
        return f"history cannot be made an array of numbers: {history!r}"
    steps = len(expected) - 1
    if history.shape == (steps, 1):
        return "history has one row per step; put the starting parameters first"
    if history.shape == (steps + 1,):
        return "each row of history must be params(model), an array"
    before = np.array([expected[0]] + expected[:-1])
    if _same(history, before):
        return "each row is recorded before its step: append params(model) after model.step(lr)"
    return _problem(history, expected, "the history returned")


def check_train(train_fn):
    """Check train(model, x, y, lr, order) on a logged one-parameter model, three steps."""
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = x + 5
    order = [2, 0, 3]
    expected = [[1.0], [1.8], [2.44], [2.952]]  # b <- b - 0.1 * 2 (b - 5), from b = 1

    def run(stage):
        log = []
        stage[0] = "train"
        try:
            history, error = train_fn(_LoggedModel(1.0, log), x, y, LR, order), None
        except NotImplementedError:
            raise
        except Exception as raised:  # reported below, after the calls it made
            history, error = None, raised
        calls = []
        for i in order:
            calls += [("forward", x[i]), ("loss", y[i]), ("backward",), ("step",)]
        for k, (got, want) in enumerate(zip(log, calls)):
            if got != want:
                step = k // 4 + 1
                if got[0] == want[0] and got[1] == "all":
                    return (
                        f"step {step} calls {got[0]} on all the samples at once; SGD takes "
                        "one per step: x[i] and y[i] for each index i in order"
                    )
                if got[0] == want[0]:
                    return (
                        f"step {step} uses the sample x = {got[1]}, expected "
                        f"x[order[{step - 1}]] = {want[1]}: take the indices of order in turn"
                    )
                return (
                    f"call {k % 4 + 1} of step {step} is {got[0]}, expected {want[0]}: "
                    "each step calls forward, loss, backward, step, in this order"
                )
        if error is not None and "sequence" in str(error):  # np.array of a ragged history
            return (
                "history mixes arrays and single numbers, so np.array(history) fails: "
                "append params(model), the whole array, after each step, as for the first row"
            )
        if error is not None:
            raise error
        if len(log) != len(calls):
            return f"train makes {len(log)} calls for {len(order)} steps; expected {len(calls)}"
        return _history_problem(history, expected)

    return _report("train", run)


def plot_training(history, mse, w_true, b_true):
    """The mean squared error and, below it, the parameters (w, b) against the SGD step."""
    steps = np.arange(len(history))
    width, height = plt.rcParams["figure.figsize"]
    # One above the other: side by side, each would be half as wide on a phone.
    fig, (ax_loss, ax_par) = plt.subplots(2, 1, figsize=(width, 2 * height))
    # A point per step: drawn as an image inside the SVG, the curves stay light.
    ax_loss.semilogy(steps, mse, rasterized=True)
    ax_loss.set(title="Loss during training", xlabel="SGD step", ylabel="mean squared error")
    for k, (name, true) in enumerate([("w", w_true), ("b", b_true)]):
        ax_par.plot(steps, history[:, k], color=f"C{k}", label=f"${name}$", rasterized=True)
        ax_par.axhline(
            true, color=f"C{k}", linestyle="--", linewidth=1, label=f"${name}^* = {true:g}$"
        )
    ax_par.set(title="Parameters during training", xlabel="SGD step", ylabel="parameter value")
    ax_par.legend()
    plt.show()
