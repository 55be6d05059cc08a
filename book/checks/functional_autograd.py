# The check of the exercise: it runs your per_sample_grads on 6 samples, counts how often
# logistic_loss runs (once under vmap, once per sample in a loop), compares the result with
# one func.grad per sample, and names the mistake it finds. It never raises.
import re

import torch
from torch import func


def check_per_sample(per_sample_grads):
    """Check per_sample_grads(w, X, Y) against a loop of func.grad; print what is off."""
    try:
        problem = _per_sample_problem(per_sample_grads)
    except NotImplementedError as error:
        problem = f"not written yet ({error})"
    except Exception as error:  # anything your code raised, said in words
        problem = _explain(error)
    print(f"per-sample gradients: {problem or 'correct, one vmap call for 6 samples'}")
    return problem is None


_SHARED = "in_dims=(None, 0, 0) passes w whole and gives each sample its row of X and Y"


def _explain(error):
    text = str(error)
    sizes = re.search(r"got sizes \[([\d, ]+)\]", text)
    if sizes and sizes.group(1).replace(" ", "") == "3,6,6":
        return (
            "vmap sliced w along with X and Y (in_dims 0, the default, slices every "
            f"argument). w is shared: {_SHARED}"
        )
    if sizes:
        return (
            f"vmap got slices of sizes [{sizes.group(1)}]: an argument was sliced along an "
            f"axis of size 3, w or the columns of X. {_SHARED}"
        )
    if "in_dims is not compatible" in text:
        return "in_dims needs one entry per argument of logistic_loss: (None, 0, 0)"
    if "input size (torch.Size([6]))" in text:
        return f"X was not sliced: each call got all 6 rows. {_SHARED}"
    if "Target size (torch.Size([6]))" in text:
        return f"Y was not sliced: each call got all 6 labels. {_SHARED}"
    if "expected in_dim to satisfy" in text:
        return f"in_dims names an axis that a vector (w or Y) does not have. {_SHARED}"
    if "matmul" in text:
        return f"x @ w got a slice it cannot multiply: w is shared, not sliced. {_SHARED}"
    return f"fails with {type(error).__name__}: {text.splitlines()[0]}"


def _close(got, want):
    """got has the shape of want and, in the dtype of want, its values."""
    return got.shape == want.shape and torch.allclose(got.detach().to(want.dtype), want)


def _per_sample_problem(per_sample_grads):
    namespace = globals()  # the notebook's: logistic_loss is defined there
    if "logistic_loss" not in namespace:
        return "logistic_loss is not defined: run the exercise's cell, which defines it"
    loss = namespace["logistic_loss"]
    w = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    X = torch.linspace(-1, 1, 18, dtype=torch.float64).reshape(6, 3)
    Y = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0, 0.0], dtype=torch.float64)
    calls = []

    def counted(*args):
        calls.append(1)
        return loss(*args)

    namespace["logistic_loss"] = counted
    try:
        got = per_sample_grads(w, X, Y)
    finally:
        namespace["logistic_loss"] = loss
    want = torch.stack([func.grad(loss)(w, x, y) for x, y in zip(X, Y)])
    if len(calls) > 1:
        return (
            f"logistic_loss ran {len(calls)} times, once per sample: that is a Python loop. "
            "func.vmap runs it once, on the whole batch"
        )
    if got is None:
        return "returned None: return the tensor that vmap gives"
    if not isinstance(got, torch.Tensor):
        return f"returned a {type(got).__name__}: return one tensor of shape (6, 3)"
    if _close(got, want.mean(0)):
        return (
            "shape (3,): the mean of the per-sample gradients, what .backward() of the mean "
            "loss gives. Keep them apart: one row per sample, (6, 3)"
        )
    if _close(got, want.sum(0)):
        return (
            "shape (3,): the sum of the per-sample gradients, the gradient of the summed "
            "loss. vmap the gradient, func.grad(logistic_loss), not the loss"
        )
    losses = torch.stack([loss(w, x, y) for x, y in zip(X, Y)])
    if _close(got, losses):
        return "these are the 6 losses: vmap func.grad(logistic_loss), not logistic_loss"
    if _close(got, want.T):
        return "shape (3, 6): the transpose. One row per sample, (6, 3), as vmap stacks them"
    if tuple(got.shape) == (3,):
        return "shape (3,): one gradient for the whole batch. vmap gives one per sample, (6, 3)"
    if tuple(got.shape) != (6, 3):
        return f"shape {tuple(got.shape)}, not (6, 3): one gradient of w per sample"
    by_x = torch.stack([func.grad(loss, argnums=1)(w, x, y) for x, y in zip(X, Y)])
    if _close(got, by_x):
        return (
            "these are gradients with respect to x: func.grad differentiates the first "
            "argument, w, unless argnums says otherwise"
        )
    if not _close(got, want):
        return (
            f"the largest difference from one func.grad per sample is "
            f"{(got - want).abs().max():.2e}: is it the gradient of logistic_loss itself?"
        )
    return None
