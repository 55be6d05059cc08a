"""The checks of the exercises page: each compares an answer with the right one and, when it
is off, prints what to look at."""

from math import isclose, isfinite

import torch


def is_placeholder(value):
    """True for an answer that has not been filled in yet (None or ...)."""
    return value is None or value is Ellipsis


def as_number(value):
    """Return a single number (Python, NumPy or 1-element tensor) as a float, else None."""
    try:
        if isinstance(value, torch.Tensor):
            return float(value.detach().cpu().item()) if value.numel() == 1 else None
        return float(value)
    except (TypeError, ValueError):
        return None


def check_partial_derivatives(f_value, df_dx, df_dy):
    """Exercise 1: f = 2x^2 + xy + 3y^2, df/dx and df/dy at (1, 2)."""
    answers = {"f_value": f_value, "df_dx": df_dx, "df_dy": df_dy}
    missing = [name for name, value in answers.items() if value is Ellipsis]
    if missing:
        print(
            f"Not answered yet: {', '.join(missing)}. Create x and y with requires_grad=True, "
            "compute f, call f.backward(), then read x.grad and y.grad."
        )
        return
    empty = [name for name, value in answers.items() if value is None]
    if empty:
        print(
            f"{' and '.join(empty)} {'are' if len(empty) > 1 else 'is'} None: a .grad stays "
            "None until f.backward() has run, "
            "and only for a tensor created with requires_grad=True. Call f.backward() "
            "before reading x.grad and y.grad."
        )
        return
    numbers = {name: as_number(value) for name, value in answers.items()}
    bad_type = [name for name, number in numbers.items() if number is None]
    if bad_type:
        print(f"{', '.join(bad_type)} should be a single number (a float or a 1-element tensor).")
        return
    f_num, dx_num, dy_num = numbers.values()
    if isclose(dx_num, 13.0) and isclose(dy_num, 6.0):
        print("df_dx and df_dy are swapped: df_dx is x.grad and df_dy is y.grad.")
        return
    if (f_num, dx_num, dy_num) == (13.0, 9.0, 8.0):
        print("These are the values at x = 2, y = 1: the point is x = 1, y = 2.")
        return
    problems = []
    if not isclose(f_num, 16.0):
        problems.append(f"f_value = {f_num:g} is off: evaluate 2x^2 + xy + 3y^2 at x = 1, y = 2.")
    if not isclose(dx_num, 6.0):
        problems.append(f"df_dx = {dx_num:g} is off: the term xy contributes y to df/dx.")
    if isclose(dy_num, 12.0):
        problems.append("df_dy = 12 is off: the term xy contributes x to df/dy, besides 6y.")
    elif not isclose(dy_num, 13.0):
        problems.append(f"df_dy = {dy_num:g} is off: the term 3y^2 contributes 6y to df/dy.")
    if problems:
        print("\n".join(problems))
    else:
        print(f"Correct! f = {f_num:g}, df/dx = {dx_num:g}, df/dy = {dy_num:g}.")


def check_accumulation(grad_after_square, grad_after_cube, grad_after_reset):
    """Exercise 2: x.grad at x = 3 after x^2, then x^3 without a reset, then x^3 after one."""
    answers = [grad_after_square, grad_after_cube, grad_after_reset]
    if any(is_placeholder(value) for value in answers):
        print(
            "Not answered yet: fill in all three values, e.g. grad_after_square = "
            "x.grad.item() right after the first backward call."
        )
        return
    first, second, third = (as_number(value) for value in answers)
    if None in (first, second, third):
        print("Each answer should be a single number: use x.grad.item().")
        return
    if first == second == third:
        print(
            "All three values are equal: did you store the tensor x.grad instead of "
            "x.grad.item()? That tensor is changed in place by later backward calls."
        )
        return
    if not isclose(first, 6.0) and first in (second, third) and first in (33.0, 27.0):
        print(
            f"grad_after_square = {first:g}, a later value: did you store the tensor x.grad "
            "instead of x.grad.item()? Later backward calls change that tensor in place."
        )
        return
    hints = []
    if isclose(first, 9.0):
        hints.append("grad_after_square = 9 is x^2 itself; its derivative at x = 3 is 2x.")
    elif not isclose(first, 6.0):
        hints.append(f"grad_after_square = {first:g}: the derivative of x^2 at x = 3 is 2x.")
    if isclose(second, 27.0):
        hints.append(
            "grad_after_cube = 27 is the cube's gradient alone, as if backward() overwrote "
            "x.grad (or you reset it too early). backward() adds: do not reset between the "
            "first two calls."
        )
    elif not isclose(second, 33.0) and not isclose(second, first + 27.0):
        hints.append(
            f"grad_after_cube = {second:g}: without a reset, the gradient of x^3 (3x^2) is "
            "added to what x.grad already holds."
        )
    if isclose(third, 60.0):
        hints.append(
            "grad_after_reset = 60: the reset did not happen. Use x.grad.zero_() or "
            "x.grad = None before the last backward call."
        )
    elif isclose(third, 0.0):
        hints.append(
            "grad_after_reset = 0: you reset after the last backward call. Reset first, "
            "then call backward() on x^3."
        )
    elif not isclose(third, 27.0):
        hints.append(f"grad_after_reset = {third:g}: after a reset, x.grad holds only 3x^2.")
    if hints:
        print("\n".join(hints))
    else:
        print(
            f"Correct! {first:g}, then {first:g} + 27 = {second:g}, then {third:g} after the reset."
        )


def check_matrix_gradients(W, x, grad_W_formula, grad_x_formula):
    """Exercise 3: the formula gradients of L = sum((W x)^2), compared with autograd's."""
    if is_placeholder(grad_W_formula) or is_placeholder(grad_x_formula):
        print(
            "Not answered yet: compute y = W @ x first, then build both gradients from W, x "
            "and y (torch.outer builds y x^T)."
        )
        return
    if not (isinstance(grad_W_formula, torch.Tensor) and isinstance(grad_x_formula, torch.Tensor)):
        print("Both answers should be tensors.")
        return
    W_ref = W.detach().clone().requires_grad_(True)  # the same loss, on fresh copies
    x_ref = x.detach().clone().requires_grad_(True)
    ((W_ref @ x_ref) ** 2).sum().backward()
    if grad_W_formula.shape == x.shape and grad_x_formula.shape == W.shape:
        print(
            "The two answers are swapped: grad_W_formula is dL/dW, with the shape of W, "
            "and grad_x_formula is dL/dx, with the shape of x."
        )
        return
    all_good = True
    for name, mine, ref in [
        ("dL/dW", grad_W_formula, W_ref.grad),
        ("dL/dx", grad_x_formula, x_ref.grad),
    ]:
        mine = mine.detach().to(ref.device, ref.dtype)
        if mine.shape != ref.shape:
            all_good = False
            hint = ""
            if mine.dim() == 2 and mine.shape == ref.shape[::-1]:
                hint = " It looks transposed: y x^T is torch.outer(y, x), not torch.outer(x, y)."
            elif name == "dL/dx" and mine.shape == (W @ x).shape:
                hint = (
                    " That is the shape of y: 2 y is dL/dy, which the chain rule carries "
                    "back through y = W x with W^T."
                )
            print(
                f"{name} has shape {tuple(mine.shape)} but should have the shape of "
                f"{name[-1]}, {tuple(ref.shape)}.{hint}"
            )
        elif torch.allclose(mine, ref, rtol=1e-5, atol=1e-6):
            print(f"{name}: matches autograd.")
        elif torch.allclose(2 * mine, ref, rtol=1e-5, atol=1e-6):
            all_good = False
            print(f"{name} is half of autograd's: the derivative of y_i^2 is 2 y_i.")
        else:
            all_good = False
            print(
                f"{name} does not match autograd: recheck which of W, x, y and which "
                "transpose the formula uses."
            )
    if all_good:
        print("Correct! dL/dW = 2 y x^T and dL/dx = 2 W^T y, as autograd confirms.")


def reference_fit(x, y, learning_rate=0.01, n_steps=200, reset=True, sign=-1):
    """Exercise 4's reference: gradient descent on the MSE with hand-derived gradients.
    reset=False and sign=+1 give the runs of two slips: gradients never reset (each step
    uses the sum of all gradients so far) and the gradient added instead of subtracted."""
    w, b, losses = 0.0, 0.0, []
    sum_w = sum_b = 0.0  # the gradients .grad holds: the last ones, or all of them
    for _ in range(n_steps):
        error = w * x + b - y
        losses.append((error**2).mean().item())
        grad_w, grad_b = 2 * (error * x).mean().item(), 2 * error.mean().item()
        sum_w, sum_b = (0.0, 0.0) if reset else (sum_w, sum_b)
        sum_w, sum_b = sum_w + grad_w, sum_b + grad_b
        w, b = w + sign * learning_rate * sum_w, b + sign * learning_rate * sum_b
    return w, b, losses


def check_linear_regression(w_fit, b_fit, losses, x_data, y_data):
    """Exercise 4: a fit of (x_data, y_data), compared with reference_fit to within 1e-4."""
    if is_placeholder(w_fit) or is_placeholder(b_fit) or is_placeholder(losses):
        print(
            "Not answered yet: write the training loop, then set w_fit = w.item(), "
            "b_fit = b.item() and losses = the list of per-step losses."
        )
        return
    w_num, b_num = as_number(w_fit), as_number(b_fit)
    if w_num is None or b_num is None:
        print("w_fit and b_fit should be single numbers: use w.item() and b.item().")
        return
    try:
        losses = [float(value) for value in losses]
    except (TypeError, ValueError):
        print("losses should be a list of numbers: append loss.item() at each step.")
        return
    w_ref, b_ref, losses_ref = reference_fit(x_data, y_data)
    if len(losses) != len(losses_ref):
        print(
            f"losses has {len(losses)} {'entry' if len(losses) == 1 else 'entries'}; "
            "200 steps give 200 losses (append "
            "loss.item() inside the loop, once per step)."
        )
        return
    if abs(w_num - w_ref) < 1e-4 and abs(b_num - b_ref) < 1e-4:
        print(f"Correct! w = {w_num:.2f}, b = {b_num:.2f}, final loss {losses[-1]:.4f}.")
        return
    if w_num == 0.0 and b_num == 0.0:
        print("w and b never moved: update them under torch.no_grad(), e.g. w -= lr * w.grad.")
        return
    if b_num == 0.0 or w_num == 0.0:
        name = "b" if b_num == 0.0 else "w"
        print(f"{name} never moved: update both parameters in each step, {name} too.")
        return
    if isfinite(losses[0]) and isclose(losses[0], len(x_data) * losses_ref[0], rel_tol=1e-4):
        print(
            f"Your first loss, {losses[0]:.4g}, is {len(x_data)} times the mean squared "
            "error: the loss is a sum. Take the mean, ((w * x + b - y) ** 2).mean()."
        )
        return
    slips = [
        (
            reference_fit(x_data, y_data, reset=False),
            "Your fit is the run without a gradient reset: backward() adds into .grad, so "
            "each step used the sum of all gradients so far. Reset w.grad and b.grad after "
            "every update.",
        ),
        (
            reference_fit(x_data, y_data, sign=+1),
            "The loss grows: your update adds the gradient. Subtract it, "
            "w -= lr * w.grad, to go downhill.",
        ),
    ]
    for (w_slip, b_slip, _), meaning in slips:
        if isclose(w_num, w_slip, rel_tol=1e-3) and isclose(b_num, b_slip, rel_tol=1e-3):
            print(meaning)
            return
    if not all(isfinite(value) for value in losses) or losses[-1] > losses[0]:
        print(
            "The loss grows: check the sign of the update (subtract the gradient), the "
            "learning rate (0.01) and that the loss is a mean, not a sum."
        )
    else:
        print(
            f"Your fit (w = {w_num:.4f}, b = {b_num:.4f}) differs from the reference run. "
            "Check: start at 0, learning rate 0.01, 200 steps, mean squared error, and "
            "reset the gradients after every step (otherwise they accumulate)."
        )
