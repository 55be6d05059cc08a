"""Check functions of the exercises in autograd_basics: each prints a verdict and a hint."""


def check_partials(dfdx, dfdy):
    """Print whether (df/dx, df/dy) of f = x^2 y + 4y at (3, 2) is right."""
    if any(value is None or value is ... for value in (dfdx, dfdy)):
        print("Not answered yet. Hint: create x and y with requires_grad=True, compute f,")
        print("call f.backward(), then read x.grad and y.grad.")
        return
    try:
        got = (float(dfdx), float(dfdy))
    except (TypeError, ValueError, RuntimeError):
        print("Please give two numbers (floats or one-element tensors).")
        return
    expected = (2 * 3 * 2, 3**2 + 4)  # 2xy and x^2 + 4 at (3, 2)
    if got == expected:
        print(f"Correct! df/dx = {got[0]}, df/dy = {got[1]}")
        return
    for name, value, right in zip(("df/dx", "df/dy"), got, expected):
        if value != right:
            print(f"{name} = {value} is not right. Differentiate f by hand to compare.")


def check_who_gets_grad(answer):
    """Print whether (dh/dw, dh/db, x.grad) for h = x w + b is right."""
    if answer is None or answer is ...:
        print("Not answered yet. Hint: only tensors created with requires_grad=True")
        print("receive a .grad; the other inputs of h keep grad None.")
        return
    try:
        dw, db, x_grad = answer
        dw, db = float(dw), float(db)
    except (TypeError, ValueError, RuntimeError):
        print("Please give a triple: (w.grad.item(), b.grad.item(), x.grad).")
        return
    right = True
    if dw != 2.0:
        print(f"dh/dw = {dw} is not right: h changes by x for each unit of w.")
        right = False
    if db != 1.0:
        print(f"dh/db = {db} is not right: b is added to h as it is.")
        right = False
    if x_grad is not None:
        print("x.grad should be None: x was created without requires_grad=True.")
        right = False
    if right:
        print(f"Correct! dh/dw = {dw}, dh/db = {db}, and x.grad is None.")
