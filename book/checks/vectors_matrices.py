# Checkers for the exercises of "Gradients of vectors and matrices": each compares an answer
# with what autograd computes and, when it is off, names the slip it looks like.
import torch
from torch.func import jacrev

# Exercise 1: x = (1, -1, 2), v = (1, 2, 3), y = x**3. Typical wrong answers, and what they are.
VJP_SLIPS = {
    (3.0, 3.0, 12.0): "This is 3 x_i^2 without v: backward(gradient=v) computes v^T J, so"
    " multiply entry i by v_i.",
    (3.0, -6.0, 36.0): "Entry 1 has the wrong sign: (-1)**2 = 1, so 3 x^2 is 3 there, and"
    " v_1 = 2 makes it 6.",
    (1.0, 2.0, 12.0): "Each entry is a third of the right one: the derivative of x^3 is"
    " 3 x^2, not x^2.",
    (1.0, -2.0, 24.0): "This is v_i * x_i^3, v times the values y_i: backward gives v times"
    " the derivatives 3 x_i^2.",
    (2.0, -4.0, 12.0): "This is v_i * 2 x_i, the derivative of x**2 as on the page: here y is"
    " x**3, with derivative 3 x^2.",
}


def _as_floats(answer):
    """The answer as a float tensor, or None when it is not made of numbers."""
    try:
        return torch.as_tensor(answer, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError):
        return None


def check_vjp(answer):
    """Compare a predicted x.grad for y = x**3 at x = (1, -1, 2), v = (1, 2, 3) with autograd's."""
    if answer is None or answer is ...:
        print("Hint: J is diagonal with entries 3 x_i**2, so entry i of v^T J is v_i * 3 x_i**2.")
        return
    given = _as_floats(answer)
    if given is None:
        print(f"{answer!r} is not a list of three numbers.")
        return
    x = torch.tensor([1.0, -1.0, 2.0], requires_grad=True)
    (x**3).backward(gradient=torch.tensor([1.0, 2.0, 3.0]))
    if given.numel() == 1:
        print("One number: backward(gradient=v) gives one entry per entry of x, not their sum")
        print("(the sum is a dot product of v with the derivatives, a step too far).")
    elif given.shape == (3, 3):
        print("A 3 x 3 matrix is the Jacobian (or v times it): backward(gradient=v) returns")
        print("v^T J, a vector with the shape of x.")
    elif given.numel() != 3:
        print(f"Expected 3 numbers (the shape of x), got {given.numel()}.")
    elif torch.allclose(given.flatten(), x.grad):
        print("Correct! x.grad =", x.grad.tolist())
    else:
        given = given.flatten()
        for slip, message in VJP_SLIPS.items():
            if torch.allclose(given, torch.tensor(slip)):
                print(message)
                return
        wrong = [i for i in range(3) if not torch.isclose(given[i], x.grad[i])]
        print(f"Not quite: entries {wrong} are off. Remember (-1)**2 = 1 and multiply by v_i.")


def _g(x):
    return torch.stack([x[0] * x[1], x[0] + 3 * x[1], x[1] ** 2])


# Exercise 2: a typical wrong row of the Jacobian of g at (2, 5), and what it means.
ROW_SLIPS = {
    (0, (2.0, 5.0)): "row 0 has its entries swapped: d(x1 x2)/dx1 = x2 = 5, d(x1 x2)/dx2 = x1.",
    (1, (3.0, 1.0)): "row 1 has its entries swapped: x1 + 3 x2 changes by 1 per unit of x1.",
    (1, (1.0, 1.0)): "row 1: x1 + 3 x2 changes by 3 per unit of x2, not 1.",
    (2, (10.0, 0.0)): "row 2 has its entries swapped: x2^2 does not depend on x1.",
    (2, (0.0, 5.0)): "row 2: the derivative of x2^2 is 2 x2, not x2.",
    (2, (0.0, 25.0)): "row 2 holds the value x2^2 = 25: its derivative is 2 x2.",
}
OUTPUTS = ("x1 x2", "x1 + 3 x2", "x2^2")


def check_jacobian(answer):
    """Compare a hand-written Jacobian of g = (x1 x2, x1 + 3 x2, x2^2) at (2, 5) with jacrev's."""
    if answer is None or answer is ...:
        print("Hint: g has 3 outputs and 2 inputs, so J has 3 rows and 2 columns;")
        print("row i holds the partial derivatives of output i with respect to x1 and x2.")
        return
    given = _as_floats(answer)
    if given is None:
        print(f"{answer!r} is not a nested list of numbers, one inner list per row.")
        return
    true = jacrev(_g)(torch.tensor([2.0, 5.0]))
    if given.shape == true.T.shape and torch.allclose(given, true.T):
        print("This is the transpose of J: one row per output (3 rows), one column per")
        print("input (2 columns). Row i holds the derivatives of output i.")
    elif given.dim() == 1 and given.numel() == 6:
        print("A flat list of 6: nest it, one inner list per row (3 rows of 2).")
    elif given.shape != true.shape:
        print(f"Shape {tuple(given.shape)} is wrong: one row per output, one column per input.")
    elif torch.allclose(given, true):
        print(f"Correct! J has shape {tuple(true.shape)}:", true.tolist())
    elif torch.allclose(given.flip(1), true):
        print("The two columns are swapped: column 1 holds the derivatives with respect to x1,")
        print("column 2 those with respect to x2.")
    else:
        for i in range(3):
            if torch.allclose(given[i], true[i]):
                continue
            row = tuple(given[i].tolist())
            message = next(
                (text for (j, slip), text in ROW_SLIPS.items() if j == i and row == slip),
                f"row {i} (the output {OUTPUTS[i]}) is off: differentiate it with respect to"
                " x1, then x2, holding the other fixed.",
            )
            print(f"Shape is right, but {message}")
