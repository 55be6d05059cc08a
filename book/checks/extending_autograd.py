# The check of the exercise: it runs your Multiply through autograd, looks at what your
# backward returns (before autograd sees it), and names the mistake it finds. It never
# raises: every error your code makes comes back as a sentence.
import torch


def check_multiply(multiply):
    """Check a Function with forward(x, w) = w * x (w one number); print what is off."""
    try:
        problem = _multiply_problem(multiply)
    except _Problem as error:
        problem = str(error)
    except NotImplementedError as error:
        problem = f"not written yet ({error})"
    except Exception as error:  # anything your code raised, said in words
        problem = _explain(error)
    print(f"Multiply: {problem or 'correct, with None for an input that needs none'}")
    return problem is None


class _Problem(Exception):
    """A mistake found before backward ran (in forward)."""


def _explain(error):
    """A sentence for an error raised inside the learner's setup_context or backward."""
    text = str(error)
    if isinstance(error, (UnboundLocalError, NameError)):
        return (
            "a gradient is left undefined when its input needs none: start from "
            "grad_x = grad_w = None, then fill in those ctx.needs_input_grad asks for"
        )
    # a tensor times a tuple: Python tries to repeat the tuple, with the tensor as a count
    tuple_used = "tuple" in text or "converted to an index" in text
    if isinstance(error, (TypeError, AttributeError)) and tuple_used:
        return (
            "ctx.saved_tensors is a tuple, even of one tensor: unpack it, x, w = ctx.saved_tensors"
        )
    if isinstance(error, ValueError) and "unpack" in text:
        return (
            "unpacking ctx.saved_tensors failed: save both inputs in setup_context, "
            "ctx.save_for_backward(x, w), and unpack the tuple itself"
        )
    if "written-to tensor refers to a single memory location" in text:
        return _IN_PLACE
    return f"fails with {type(error).__name__}: {text.splitlines()[0]}"


_IN_PLACE = (
    "backward changed grad_out in place (mul_, *=): other nodes may hold the same "
    "tensor. Compute a new one, grad_out * w"
)


def _matches(got, want):
    return isinstance(got, torch.Tensor) and got.shape == want.shape and torch.allclose(got, want)


def _shape(got, like):
    """Words to add when a gradient's shape is not its input's: " (shape (4,), not ())"."""
    shape = tuple(getattr(got, "shape", ()))
    return "" if shape == tuple(like.shape) else f" (shape {shape}, not {tuple(like.shape)})"


def _count_problem(result, when):
    """A sentence if backward did not return one value per input of forward; else None."""
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return None
    count = len(result) if isinstance(result, (tuple, list)) else 1
    return (
        f"{when}, and backward returned {count} value(s): return one per input of "
        "forward, (grad_x, grad_w), with None for an input that needs no gradient"
    )


def _multiply_problem(multiply):
    x = torch.tensor([1.0, -2.0, 3.0, 0.5], dtype=torch.float64)
    w = torch.tensor(1.5, dtype=torch.float64)
    g = torch.tensor([1.0, 2.0, -1.0, 4.0], dtype=torch.float64)  # the gradient that reaches out
    want_x, want_w = g * w, (g * x).sum()
    returned = []  # what the learner's backward returned, and whether it changed grad_out

    class Spy(multiply):
        @staticmethod
        def backward(ctx, grad_out):
            before = grad_out.clone()
            result = multiply.backward(ctx, grad_out)
            returned.append((result, not torch.equal(grad_out, before)))
            return result

    def run(x_needs, w_needs):
        xi, wi = x.clone().requires_grad_(x_needs), w.clone().requires_grad_(w_needs)
        returned.clear()
        out = Spy.apply(xi, wi)
        if not _matches(out.detach(), w * x):
            raise _Problem("forward should return w * x")
        try:
            torch.autograd.grad(out, [t for t in (xi, wi) if t.requires_grad], g.clone())
        except RuntimeError:
            if not returned:
                raise  # raised inside the learner's code
            # autograd refused what backward returned: it is judged below
        return returned[0]

    result, changed = run(True, True)
    if changed:
        return _IN_PLACE
    problem = _count_problem(result, "both inputs need a gradient here")
    if problem:
        return problem
    grad_x, grad_w = result
    if grad_x is None or grad_w is None:
        which = "x" if grad_x is None else "w"
        return f"both inputs need a gradient here, but backward returned None for {which}"
    for name, got in (("grad_x", grad_x), ("grad_w", grad_w)):
        if not isinstance(got, torch.Tensor):
            return (
                f"{name} is of type {type(got).__name__}, not a tensor: compute it with torch "
                "operations on grad_out and the saved tensors"
            )
    if _matches(grad_x, want_w) and _matches(grad_w, want_x):
        return "the gradients are swapped: return (grad_x, grad_w), in forward's order"
    if _matches(grad_w, g * x):
        return (
            "grad_w has the shape of x, but w is one number shared by every entry of x: "
            "sum grad_out * x over them"
        )
    if _matches(grad_w, (g * x).mean()):
        return (
            "grad_w is the mean of grad_out * x: w is used once per entry of x, and "
            "each use adds its share, so sum"
        )
    if _matches(grad_x, g * x):
        return (
            "grad_x is grad_out * x, but the derivative of w * x by x is w, the other input "
            "(and unpack in the order saved: x, w = ctx.saved_tensors)"
        )
    if _matches(grad_x, w.expand(4)) or _matches(grad_w, x.sum()):
        return "grad_out is missing: the chain rule multiplies each local derivative by it"
    if _matches(grad_x, -want_x) or _matches(grad_w, -want_w):
        return "a sign is flipped: out = w * x has dL/dx = grad_out * w, dL/dw = sum(grad_out * x)"
    if not _matches(grad_x, want_x):
        return f"grad_x is off{_shape(grad_x, x)}: out = w * x, so dL/dx = grad_out * w"
    if not _matches(grad_w, want_w):
        return f"grad_w is off{_shape(grad_w, w)}: dL/dw is the sum of grad_out * x"
    for needs, index, name in (((False, True), 0, "x"), ((True, False), 1, "w")):
        result, changed = run(*needs)
        if changed:
            return _IN_PLACE
        problem = _count_problem(result, f"only {'wx'[index]} needs a gradient here")
        if problem:
            return problem
        if result[index] is not None:
            return (
                f"{name} needs no gradient here (ctx.needs_input_grad[{index}] is False), "
                f"yet backward computed one: return None for {name}"
            )
    xi, wi = x.clone().requires_grad_(), w.clone().requires_grad_()
    if not torch.autograd.gradcheck(multiply.apply, (xi, wi), raise_exception=False):
        return "gradcheck fails: dL/dx = grad_out * w, dL/dw = sum of grad_out * x"
    return None
