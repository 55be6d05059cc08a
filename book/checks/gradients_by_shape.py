# The checks of the exercises. check_sum_to_shape runs your sum_to_shape on nine pairs of
# shapes and compares it with PyTorch's sum_to_size; check_softmax_ce_grad compares your
# gradient with autograd of F.cross_entropy, in float64. Each names the mistake it finds,
# and never raises.
import torch
import torch.nn.functional as F

# (the gradient's shape, the broadcast operand's shape)
_SHAPES = [
    ((3, 4), (4,)),
    ((3, 4), (1, 4)),
    ((3, 4), (3, 1)),
    ((3, 4), ()),
    ((3, 4), (1, 1)),
    ((2, 3, 4), (3, 4)),
    ((2, 3, 4), (1, 3, 1)),
    ((2, 3, 4), (2, 1, 4)),
    ((2, 3, 4), (3, 1)),
]


def _same(got, want):
    """got is a tensor with the shape of want and, to float64 rounding, its values."""
    return (
        isinstance(got, torch.Tensor)
        and got.shape == want.shape
        and torch.allclose(got.detach().to(want.dtype), want, rtol=1e-10, atol=1e-12)
    )


def _axes(axes):
    """[0] as "axis 0", [0, 2] as "axes 0 and 2"."""
    if len(axes) == 1:
        return f"axis {axes[0]}"
    return "axes " + ", ".join(map(str, axes[:-1])) + f" and {axes[-1]}"


def _first_line(error):
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


class _Watch:
    """Tensor.sum_to_size, counted while the learner's function runs."""

    def __enter__(self):
        self.calls = 0
        original = torch.Tensor.sum_to_size

        def counted(tensor, *size):
            self.calls += 1
            return original(tensor, *size)

        self.had_own = "sum_to_size" in torch.Tensor.__dict__
        self.original = original
        torch.Tensor.sum_to_size = counted
        return self

    def __exit__(self, *exc):
        if self.had_own:
            torch.Tensor.sum_to_size = self.original
        else:
            del torch.Tensor.sum_to_size
        return False


def _sum_problem(got, grad, shape):
    """What is off in got, the learner's reduction of grad to shape (None: nothing)."""
    want = grad.sum_to_size(shape)
    case = f"for a gradient of shape {tuple(grad.shape)} and an operand of shape {shape}"
    if got is None:
        return "returned None: return the summed tensor"
    if not isinstance(got, torch.Tensor):
        kind = type(got).__name__
        return f"returned a value of type {kind}: return a tensor of the operand's shape"
    if _same(got, want):
        return None
    added = grad.dim() - len(shape)
    leading_only = grad.sum(tuple(range(added))) if added else grad
    stretched = [added + i for i, size in enumerate(shape) if size == 1]
    if _same(got, leading_only):
        return (
            f"only the leading axes are summed: {case}, broadcasting also stretched "
            f"{_axes(stretched)}, of size 1 in the operand: sum that too, with keepdim=True"
        )
    if _same(got, grad):
        return (
            f"returned the gradient unchanged, shape {tuple(grad.shape)}: {case}, sum it "
            f"down to {shape}"
        )
    if got.numel() == want.numel() and _same(got.reshape(want.shape), want):
        return (
            f"the right sums in shape {tuple(got.shape)} instead of {shape}: "
            "keepdim=True keeps an axis where the operand has size 1"
        )
    factor = grad.numel() // max(want.numel(), 1)
    if got.shape == want.shape and _same(got * factor, want):
        return (
            f"a factor of {factor} too small: that is the mean. Each of the {factor} "
            "uses of an entry sends a gradient, and they add up: sum, do not average"
        )
    for axis in range(grad.dim()):
        for keep in (False, True):
            if _same(got, grad.sum(axis, keepdim=keep)):
                right = list(range(added)) + stretched
                return (
                    f"summed the wrong axis: {case}, you summed axis {axis}, where "
                    f"{_axes(right)} should be summed. Broadcasting lines shapes up "
                    "from the right and adds axes in front"
                )
    if got.shape != want.shape:
        return f"{case}, the result has shape {tuple(got.shape)}, not {shape}"
    gap = (got.detach().to(want.dtype) - want).abs().max()
    return f"{case}, the sums differ from sum_to_size's by up to {gap:.3g}"


def check_sum_to_shape(sum_to_shape):
    """Compare sum_to_shape(grad, shape) with grad.sum_to_size(shape); say what is off."""
    generator = torch.Generator().manual_seed(0)
    problem = None
    try:
        for grad_shape, shape in _SHAPES:
            grad = torch.randn(grad_shape, generator=generator, dtype=torch.float64)
            with _Watch() as watch:
                got = sum_to_shape(grad.clone(), shape)
            if watch.calls:
                problem = (
                    "it calls sum_to_size, the reference the check compares with: "
                    "write the sums yourself with .sum(axis)"
                )
                break
            problem = _sum_problem(got, grad, shape)
            if problem:
                break
    except NotImplementedError as error:
        problem = f"not written yet ({error})"
    except Exception as error:  # anything your code raised, said in words
        problem = (
            f"fails for a gradient of shape {grad_shape} and an operand of shape "
            f"{shape}: {_first_line(error)}"
        )
    done = f"correct on {len(_SHAPES)} pairs of shapes, as sum_to_size"
    print(f"sum_to_shape: {problem or done}")
    return problem is None


_B, _C = 4, 3  # samples, classes


def _ce_example():
    generator = torch.Generator().manual_seed(1)
    logits = torch.randn(_B, _C, generator=generator, dtype=torch.float64)
    targets = torch.tensor([2, 0, 1, 2])
    return logits, targets


def _ce_candidates(logits, targets):
    """The right p - y and the usual wrong ones, each with what it means."""
    p = torch.softmax(logits, dim=1)
    y = F.one_hot(targets, num_classes=_C).to(logits.dtype)
    return {
        None: p - y,
        "p alone: subtract the one-hot y": p,
        "logits minus y: take the softmax of the logits first, p - y": logits - y,
        "softmax over axis 0, the batch: each sample's probabilities are a row, "
        "softmax(logits, dim=1)": torch.softmax(logits, dim=0) - y,
        "the sign is flipped: y - p is minus the gradient, the direction "
        "gradient descent steps in": y - p,
        "you subtracted the class index from every entry: y is one-hot, "
        "F.one_hot(targets, num_classes)": p - targets.view(-1, 1).to(p.dtype),
    }


_SCALES = {
    1 / _B: None,
    1.0: (
        f"a factor of {_B} too large: that is the gradient of the summed loss "
        f"(reduction='sum'). The mean divides by B = {_B}"
    ),
    1 / (_B * _C): (
        f"divided by B * C = {_B * _C}: the mean is over the {_B} samples, not the "
        f"{_B * _C} logits. Divide by B"
    ),
}


def _ce_problem(got, logits, targets):
    if got is None:
        return "returned None: return the gradient, a tensor of shape (4, 3)"
    if not isinstance(got, torch.Tensor):
        return f"returned a value of type {type(got).__name__}: return a tensor of shape (4, 3)"
    if got.requires_grad:
        return "the result requires grad: compute p - y directly, without autograd"
    candidates = _ce_candidates(logits, targets)
    if tuple(got.shape) == (_C,) and _same(got, candidates[None].mean(0)):
        return "shape (3,): the rows averaged. The gradient has one row per sample, (4, 3)"
    if tuple(got.shape) != (_B, _C):
        return f"shape {tuple(got.shape)}: the gradient has the logits' shape, (4, 3)"
    for what, base in candidates.items():
        for scale, scaled in _SCALES.items():
            if _same(got, base * scale):
                found = [words for words in (what, scaled) if words]
                return "; ".join(found) or None
    right = candidates[None] / _B
    gap = (got.detach().to(torch.float64) - right).abs().max()
    return f"differs from autograd of F.cross_entropy by up to {gap:.3g}: is it (p - y) / B?"


def check_softmax_ce_grad(softmax_ce_grad):
    """Compare softmax_ce_grad(logits, targets) with autograd of F.cross_entropy."""
    logits, targets = _ce_example()
    leaf = logits.clone().requires_grad_()
    (want,) = torch.autograd.grad(F.cross_entropy(leaf, targets), leaf)
    try:
        with torch.no_grad():  # autograd inside would find no graph
            got = softmax_ce_grad(logits.clone(), targets.clone())
        problem = _ce_problem(got, logits, targets)
    except NotImplementedError as error:
        problem = f"not written yet ({error})"
    except Exception as error:  # anything your code raised, said in words
        text = str(error)
        if "does not require grad" in text or "does not have a grad_fn" in text:
            problem = (
                "it calls autograd: write the gradient from p - y, without backward or "
                "torch.autograd.grad"
            )
        elif "must match the size of tensor" in text:
            problem = (
                f"shapes do not fit ({_first_line(error)}): subtract the one-hot y, "
                "F.one_hot(targets, num_classes), of shape (4, 3)"
            )
        else:
            problem = f"fails with {_first_line(error)}"
    if problem is None and not _same(got, want):  # p - y / B, yet not autograd's
        problem = "differs from autograd of F.cross_entropy"
    done = "correct, (p - y) / B as autograd of F.cross_entropy gives"
    print(f"softmax_ce_grad: {problem or done}")
    return problem is None
