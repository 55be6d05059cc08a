"""Check functions of the exercises in autograd_basics: each prints a verdict and a hint."""


def _number(value):
    """A float from a number or a one-element tensor (detached: no autograd warning)."""
    return float(value.detach() if hasattr(value, "detach") else value)


def _close(a, b):
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def check_partials(dfdx, dfdy):
    """Print whether (df/dx, df/dy) of f = x^2 y + 4y at (3, 2) is right, and name the slip."""
    if any(value is ... for value in (dfdx, dfdy)):
        print("Not answered yet. Hint: create x and y with requires_grad=True, compute f,")
        print("call f.backward(), then read x.grad and y.grad.")
        return
    if any(value is None for value in (dfdx, dfdy)):
        print("Got None: that is what x.grad holds until a backward pass reaches x. Create x")
        print("and y with requires_grad=True, compute f, call f.backward(), then read .grad.")
        return
    try:
        got = (_number(dfdx), _number(dfdy))
    except (TypeError, ValueError, RuntimeError):
        print("Please give two numbers (floats or one-element tensors).")
        return
    expected = (2 * 3 * 2, 3**2 + 4)  # 2xy and x^2 + 4 at (3, 2)
    value = 3**2 * 2 + 4 * 2  # f(3, 2) = 26
    if _close(got[0], expected[0]) and _close(got[1], expected[1]):
        print(f"Correct! df/dx = {got[0]}, df/dy = {got[1]}")
        return
    if _close(got[0], expected[1]) and _close(got[1], expected[0]):
        print("df/dx and df/dy are swapped: df/dx is x.grad and df/dy is y.grad.")
        return
    if _close(got[0], 2 * expected[0]) and _close(got[1], 2 * expected[1]):
        print("Both are twice the right values: backward ran twice on the same x and y, and")
        print(".grad adds up. Create x and y afresh (or zero their .grad) before backward.")
        return
    slips_x = {
        value: "26 is f(3, 2), the value of f: the answer is its derivative.",
        expected[0] / 2: "6 is half of it: the power rule brings down the factor 2 of x^2.",
        expected[0] + 4: "16 counts the term 4y: it does not change with x, so it adds 0.",
    }
    slips_y = {
        value: "26 is f(3, 2), the value of f: the answer is its derivative.",
        3**2: "9 is x^2 alone: the term 4y contributes 4 to df/dy.",
        4: "4 comes from the term 4y alone: x^2 y contributes x^2 = 9 to df/dy.",
        2**2 + 4: "8 is x^2 + 4 at x = 2: the point is x = 3, y = 2.",
    }
    for name, given, right, slips in (
        ("df/dx", got[0], expected[0], slips_x),
        ("df/dy", got[1], expected[1], slips_y),
    ):
        if _close(given, right):
            continue
        why = next((text for slip, text in slips.items() if _close(given, slip)), None)
        hint = "Differentiate f by hand to compare, holding the other variable fixed."
        print(f"{name} = {given:g} is not right. {why or hint}")


def check_who_gets_grad(answer):
    """Print whether (dh/dw, dh/db, x.grad) for h = x w + b is right, and name the slip."""
    if answer is None or answer is ...:
        print("Not answered yet. Hint: only tensors created with requires_grad=True")
        print("receive a .grad; the other inputs of h keep grad None.")
        return
    try:
        dw, db, x_grad = answer
        dw, db = _number(dw), _number(db)
    except (TypeError, ValueError, RuntimeError):
        print("Please give a triple: (w.grad.item(), b.grad.item(), x.grad).")
        return
    right = True
    if dw == 0.5:
        print("dh/dw = 0.5 is w itself: h changes by x = 2 for each unit of w.")
        right = False
    elif dw != 2.0:
        print(f"dh/dw = {dw} is not right: h changes by x for each unit of w.")
        right = False
    if db != 1.0:
        print(f"dh/db = {db} is not right: b is added to h as it is.")
        right = False
    if x_grad is not None:
        try:
            shown = f"{_number(x_grad):g}"
        except (TypeError, ValueError, RuntimeError):
            shown = repr(x_grad)
        print(f"x.grad should be None, not {shown}: x is data, created without")
        print("requires_grad=True, so PyTorch computes no gradient for it, not even a zero.")
        right = False
    if right:
        print(f"Correct! dh/dw = {dw}, dh/db = {db}, and x.grad is None.")
