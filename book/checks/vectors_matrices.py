# Checkers for the exercises of "Gradients of vectors and matrices": each compares an answer
# with what autograd computes and prints a hint when it is off.
import torch
from torch.func import jacrev


def check_vjp(answer):
    """Compare a predicted x.grad for y = x**3 at x = (1, -1, 2), v = (1, 2, 3) with autograd's."""
    if answer is None or answer is ...:
        print("Hint: J is diagonal with entries 3 x_i**2, so entry i of v^T J is v_i * 3 x_i**2.")
        return
    try:
        given = torch.as_tensor(answer, dtype=torch.float32).flatten()
    except (TypeError, ValueError, RuntimeError):
        print(f"{answer!r} is not a list of three numbers.")
        return
    x = torch.tensor([1.0, -1.0, 2.0], requires_grad=True)
    (x**3).backward(gradient=torch.tensor([1.0, 2.0, 3.0]))
    if given.shape != x.grad.shape:
        print(f"Expected 3 numbers (the shape of x), got {given.numel()}.")
    elif not torch.allclose(given, x.grad):
        wrong = [i for i in range(3) if not torch.isclose(given[i], x.grad[i])]
        print(f"Not quite: entries {wrong} are off. Remember (-1)**2 = 1 and multiply by v_i.")
    else:
        print("Correct! x.grad =", x.grad.tolist())


def _g(x):
    return torch.stack([x[0] * x[1], x[0] + 3 * x[1], x[1] ** 2])


def check_jacobian(answer):
    """Compare a hand-written Jacobian of g = (x1 x2, x1 + 3 x2, x2^2) at (2, 5) with jacrev's."""
    if answer is None or answer is ...:
        print("Hint: g has 3 outputs and 2 inputs, so J has 3 rows and 2 columns;")
        print("row i holds the partial derivatives of output i with respect to x1 and x2.")
        return
    try:
        given = torch.as_tensor(answer, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError):
        print(f"{answer!r} is not a nested list of numbers.")
        return
    true = jacrev(_g)(torch.tensor([2.0, 5.0]))
    if given.shape != true.shape:
        print(f"Shape {tuple(given.shape)} is wrong: one row per output, one column per input.")
    elif not torch.allclose(given, true):
        rows = [i for i in range(3) if not torch.allclose(given[i], true[i])]
        print(f"Shape is right, but rows {rows} are off.")
    else:
        print(f"Correct! J has shape {tuple(true.shape)}:", true.tolist())
