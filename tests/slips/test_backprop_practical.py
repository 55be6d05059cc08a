"""The checks of backprop_practical, fed the mistakes a learner typically makes.

check_multiply, check_exp (the two layers), check_sequential (the composition) and
check_train (the SGD loop): each slip gets words that name it, none makes the check raise,
and the reference solution passes. A slip is the reference with one method rewritten.
"""

from __future__ import annotations

import numpy as np
import pytest
from slip_helpers import chapter_until, said

CHAPTER = "backprop_practical"


@pytest.fixture(scope="module")
def page():
    """The chapter run up to its first exercise: the check functions are loaded."""
    return chapter_until(CHAPTER, "layers_unwritten = [check_multiply")


def unwritten(self, *args):
    raise NotImplementedError("replace this raise")


# ---- check_multiply -----------------------------------------------------------------------
class Multiply:  # the reference solution
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


def multiply_with(**methods):
    return type("Multiply", (Multiply,), methods)


def grad_then(value):
    """A backward that sets self.grad to value(self, grad_out) and returns the right dx."""

    def backward(self, grad_out):
        self.grad = value(self, grad_out)
        return grad_out * self.param

    return backward


def named_w(self, w):  # the parameter kept under another name
    self.w, self.grad = float(w), 0.0


def forward_no_keep(self, x):
    return self.param * x


MULTIPLY_SLIPS = {
    "stub": ({"forward": unwritten}, "not written yet"),
    "parameter named w": ({"__init__": named_w}, "keep w in self.param"),
    "forward adds": (
        {"forward": lambda self, x: setattr(self, "x", x) or x + self.param},
        "forward adds w",
    ),
    "x not kept": ({"forward": forward_no_keep}, "forward must keep what backward uses"),
    "backward returns grad_out * x": (
        {"backward": lambda self, g: setattr(self, "grad", np.sum(g * self.x)) or g * self.x},
        "the gradient for the input x is grad_out * w",
    ),
    "backward returns grad_out": (
        {"backward": lambda self, g: setattr(self, "grad", np.sum(g * self.x)) or g},
        "misses the factor w",
    ),
    "backward returns w": (
        {
            "backward": lambda self, g: (
                setattr(self, "grad", np.sum(g * self.x)) or np.full(3, self.param)
            )
        },
        "returns w alone",
    ),
    "backward returns None": (
        {"backward": lambda self, g: setattr(self, "grad", np.sum(g * self.x))},
        "a return statement is missing",
    ),
    "grad is sum(grad_out)": (
        {"backward": grad_then(lambda self, g: np.sum(g))},
        "off by a factor x",
    ),
    "grad uses w": (
        {"backward": grad_then(lambda self, g: np.sum(g * self.param))},
        "uses w where x belongs",
    ),
    "grad not summed": (
        {"backward": grad_then(lambda self, g: g * self.x)},
        "one number per entry",
    ),
    "grad a mean": (
        {"backward": grad_then(lambda self, g: np.mean(g * self.x))},
        "the mean of grad_out * x",
    ),
    "grad not set": ({"backward": lambda self, g: g * self.param}, "self.grad is still 0"),
    "step up the gradient": (
        {"step": lambda self, lr: setattr(self, "param", self.param + lr * self.grad)},
        "up the gradient",
    ),
    "step does nothing": ({"step": lambda self, lr: None}, "leaves the parameter unchanged"),
    "sign step": (
        {"step": lambda self, lr: setattr(self, "param", self.param - lr * np.sign(self.grad))},
        "lr * sign(grad)",
    ),
    "step by lr": (
        {"step": lambda self, lr: setattr(self, "param", self.param - lr)},
        "subtracts lr alone",
    ),
}


def test_multiply_reference_passes(page):
    assert said(page["check_multiply"], Multiply) == "Multiply: correct\n"


@pytest.mark.parametrize("slip", MULTIPLY_SLIPS)
def test_multiply_slip_is_named(page, slip):
    methods, words = MULTIPLY_SLIPS[slip]
    out = said(page["check_multiply"], multiply_with(**methods))
    assert words in out
    assert "correct" not in out


# ---- check_exp ----------------------------------------------------------------------------
class Exp:  # the reference solution
    def forward(self, x):
        self.out = np.exp(x)
        return self.out

    def backward(self, grad_out):
        return grad_out * self.out

    def step(self, lr):
        pass


def exp_with(**methods):
    return type("Exp", (Exp,), methods)


def keeps_x(self, x):
    self.x = x
    return np.exp(x)


EXP_SLIPS = {
    "stub": ({"forward": unwritten}, "not written yet"),
    "a parameter": ({"__init__": lambda self: setattr(self, "param", 0.0)}, "Exp has no parameter"),
    "forward returns x": (
        {"forward": lambda self, x: setattr(self, "out", np.exp(x)) or x},
        "use np.exp",
    ),
    "backward returns grad_out": ({"backward": lambda self, g: g}, "grad_out unchanged"),
    "backward returns exp alone": ({"backward": lambda self, g: self.out}, "exp(x) alone"),
    "backward multiplies by x": (
        {"forward": keeps_x, "backward": lambda self, g: g * self.x},
        "the derivative of exp(x) is exp(x)",
    ),
    "exp of the output": ({"backward": lambda self, g: g * np.exp(self.out)}, "exp(exp(x))"),
    "output not kept": (
        {"forward": lambda self, x: np.exp(x)},
        "forward must keep what backward uses",
    ),
    "backward returns None": ({"backward": lambda self, g: None}, "a return statement is missing"),
}


def test_exp_reference_passes(page):
    assert said(page["check_exp"], Exp) == "Exp: correct\n"


@pytest.mark.parametrize("slip", EXP_SLIPS)
def test_exp_slip_is_named(page, slip):
    methods, words = EXP_SLIPS[slip]
    out = said(page["check_exp"], exp_with(**methods))
    assert words in out
    assert "correct" not in out


# ---- check_sequential ---------------------------------------------------------------------
class Sequential:  # the reference solution
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


def sequential_with(**methods):
    return type("Sequential", (Sequential,), methods)


def forward_on_x(self, x):
    out = x
    for layer in self.layers:
        out = layer.forward(x)
    return out


def forward_returns_early(self, x):
    for layer in self.layers:
        x = layer.forward(x)
        return x


def loss_no_keep(self, y_est, y):
    return np.mean((y_est - y) ** 2)


def backward_from(start, order=reversed, chain=True):
    """A backward that starts from start(residual), walks the layers in order, and passes
    each layer what the one after it returned (or, if not chain, the start again)."""

    def backward(self):
        first = grad = start(self.residual)
        for layer in order(self.layers):
            returned = layer.backward(grad)
            grad = returned if chain else first

    return backward


def step_last_only(self, lr):
    self.layers[-1].step(lr)


SEQUENTIAL_SLIPS = {
    "stub": ({"forward": unwritten}, "not written yet"),
    "forward on x each time": ({"forward": forward_on_x}, "feed each one the previous output"),
    "forward returns early": ({"forward": forward_returns_early}, "return the last one's output"),
    "loss a sum": (
        {
            "loss": lambda self, y_est, y: (
                setattr(self, "residual", y_est - y) or np.sum(self.residual**2)
            )
        },
        "the sum of squares",
    ),
    "loss not averaged": (
        {"loss": lambda self, y_est, y: setattr(self, "residual", y_est - y) or self.residual**2},
        "loss returns an array of shape (2,)",
    ),
    "residual not kept": ({"loss": loss_no_keep}, "loss must keep what backward uses"),
    "backward in forward order": (
        {"backward": backward_from(lambda r: 2 * r / r.size, order=list)},
        "forward order",
    ),
    "no division by n": (
        {"backward": backward_from(lambda r: 2 * r)},
        "without dividing by the number of samples",
    ),
    "no factor 2": ({"backward": backward_from(lambda r: r / r.size)}, "without the factor 2"),
    "sign flipped": ({"backward": backward_from(lambda r: -2 * r / r.size)}, "the sign is flipped"),
    "start is one number": (
        {"backward": backward_from(lambda r: 2 * np.mean(r))},
        "one number for all the samples",
    ),
    "not chained": (
        {"backward": backward_from(lambda r: 2 * r / r.size, chain=False)},
        "pass each layer what backward of the layer after it returned",
    ),
    "step misses a layer": ({"step": step_last_only}, "it must call step(lr) of every layer once"),
}


def test_sequential_reference_passes(page):
    assert said(page["check_sequential"], Sequential) == "Sequential: correct\n"


@pytest.mark.parametrize("slip", SEQUENTIAL_SLIPS)
def test_sequential_slip_is_named(page, slip):
    methods, words = SEQUENTIAL_SLIPS[slip]
    out = said(page["check_sequential"], sequential_with(**methods))
    assert words in out
    assert "correct" not in out


# ---- check_train --------------------------------------------------------------------------
def params(model):
    return np.array([layer.param for layer in model.layers if hasattr(layer, "param")])


def train(model, x, y, lr, order):  # the reference solution
    history = [params(model)]
    for i in order:
        model.loss(model.forward(x[i]), y[i])
        model.backward()
        model.step(lr)
        history.append(params(model))
    return np.array(history)


def train_no_first_row(model, x, y, lr, order):
    history = []
    for i in order:
        model.loss(model.forward(x[i]), y[i])
        model.backward()
        model.step(lr)
        history.append(params(model))
    return np.array(history)


def train_floats(model, x, y, lr, order):  # "setting an array element with a sequence"
    history = [params(model)]
    for i in order:
        model.loss(model.forward(x[i]), y[i])
        model.backward()
        model.step(lr)
        history.append(model.layers[0].param)
    return np.array(history)


def train_floats_listed(model, x, y, lr, order):  # the same, returned as a list
    history = [params(model)]
    for i in order:
        model.loss(model.forward(x[i]), y[i])
        model.backward()
        model.step(lr)
        history.append(model.layers[0].param)
    return history


def train_floats_only(model, x, y, lr, order):
    history = [model.layers[0].param]
    for i in order:
        model.loss(model.forward(x[i]), y[i])
        model.backward()
        model.step(lr)
        history.append(model.layers[0].param)
    return np.array(history)


def train_on_all(model, x, y, lr, order):  # "only 0-dimensional arrays can be converted"
    history = [params(model)]
    for _ in order:
        model.loss(model.forward(x), y)
        model.backward()
        model.step(lr)
        history.append(params(model))
    return np.array(history)


def train_step_first(model, x, y, lr, order):
    history = [params(model)]
    for i in order:
        model.loss(model.forward(x[i]), y[i])
        model.step(lr)
        model.backward()
        history.append(params(model))
    return np.array(history)


def train_on_positions(model, x, y, lr, order):
    history = [params(model)]
    for i in range(len(order)):
        model.loss(model.forward(x[i]), y[i])
        model.backward()
        model.step(lr)
        history.append(params(model))
    return np.array(history)


def train_no_loss(model, x, y, lr, order):
    history = [params(model)]
    for i in order:
        model.forward(x[i])
        model.backward()
        model.step(lr)
        history.append(params(model))
    return np.array(history)


def train_no_return(model, x, y, lr, order):
    history = [params(model)]
    for i in order:
        model.loss(model.forward(x[i]), y[i])
        model.backward()
        model.step(lr)
        history.append(params(model))


def train_records_before(model, x, y, lr, order):
    history = [params(model)]
    for i in order:
        history.append(params(model))
        model.loss(model.forward(x[i]), y[i])
        model.backward()
        model.step(lr)
    return np.array(history)


def train_unwritten(model, x, y, lr, order):
    raise NotImplementedError("one SGD step per index; return the history")


TRAIN_SLIPS = {
    "stub": (train_unwritten, "not written yet"),
    "no starting row": (train_no_first_row, "put the starting parameters first"),
    "a history of floats after the first row": (train_floats, "mixes arrays and single numbers"),
    "the same, as a list": (train_floats_listed, "mixes arrays and single numbers"),
    "a history of floats": (train_floats_only, "each row of history must be params(model)"),
    "all of x at each step": (train_on_all, "on all the samples at once"),
    "step before backward": (train_step_first, "is step, expected backward"),
    "positions, not order": (train_on_positions, "take the indices of order in turn"),
    "no loss": (train_no_loss, "is backward, expected loss"),
    "no return": (train_no_return, "train returns None"),
    "recorded before the step": (train_records_before, "recorded before its step"),
}


def test_train_reference_passes(page):
    assert said(page["check_train"], train) == "train: correct\n"


@pytest.mark.parametrize("slip", TRAIN_SLIPS)
def test_train_slip_is_named(page, slip):
    slip_fn, words = TRAIN_SLIPS[slip]
    out = said(page["check_train"], slip_fn)
    assert words in out
    assert "correct" not in out
