# The check of the exercise: it runs your per_sample_grads on 6 samples, counts how often
# logistic_loss runs (once under vmap, once per sample in a loop), compares the result with
# one func.grad per sample, and names the mistake it finds. It never raises.
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


def _explain(error):
    text = str(error)
    if "same size in the mapped dimension" in text:
        return (
            "vmap sliced w along with X and Y. w is shared: in_dims=(None, 0, 0) "
            "slices X and Y and passes w whole to every sample"
        )
    if "in_dims is not compatible" in text:
        return "in_dims needs one entry per argument of logistic_loss: (None, 0, 0)"
    if "Target size" in text:
        return "Y was not sliced: in_dims=(None, 0, 0) gives each sample its own label"
    return f"fails with {type(error).__name__}: {text.splitlines()[0]}"


def _per_sample_problem(per_sample_grads):
    namespace = globals()  # the notebook's: logistic_loss is defined there
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
    if not isinstance(got, torch.Tensor):
        return f"returned a {type(got).__name__}: return one tensor of shape (6, 3)"
    if tuple(got.shape) == (3,):
        return "shape (3,): one gradient for the whole batch. vmap gives one per sample, (6, 3)"
    if tuple(got.shape) != (6, 3):
        return f"shape {tuple(got.shape)}, not (6, 3): one gradient of w per sample"
    by_x = torch.stack([func.grad(loss, argnums=1)(w, x, y) for x, y in zip(X, Y)])
    if torch.allclose(got, by_x):
        return (
            "these are gradients with respect to x: func.grad differentiates the first "
            "argument, w, unless argnums says otherwise"
        )
    if not torch.allclose(got, want):
        return (
            f"the largest difference from one func.grad per sample is "
            f"{(got - want).abs().max():.2e}: is it the gradient of logistic_loss itself?"
        )
    return None
