# The checks of the exercises: each compares your answer with what torch.func computes.
import torch
from torch import func


def slide_deck_steps(w):
    """z, y, r and l of the slide-deck example as functions of w (b = -1, x = 2, y* = 3)."""
    z = w * 2.0 - 1.0
    y = torch.exp(z)
    r = y - 3.0
    return torch.stack([z, y, r, r**2])


def check_tangents(answer):
    """Compare the tangents (z_dot, y_dot, r_dot, l_dot) with one func.jvp seeded by w_dot = 1."""
    names = ("z_dot", "y_dot", "r_dot", "l_dot")
    if answer is None or answer is ... or not isinstance(answer, (tuple, list)):
        print("Hint: give four numbers (z_dot, y_dot, r_dot, l_dot). Start from w_dot = 1:")
        print("z = w x + b gives z_dot = x * w_dot; then multiply by each local derivative.")
        return
    if len(answer) != 4:
        print(f"Give exactly four numbers, {', '.join(names)}.")
        return
    _, tangents = func.jvp(slide_deck_steps, (torch.tensor(0.5),), (torch.tensor(1.0),))
    for name, given, true in zip(names, answer, tangents.tolist()):
        try:
            ok = abs(float(given) - true) < 1e-6
        except (TypeError, ValueError):
            print(f"{name}: {given!r} is not a number.")
            return
        if not ok:
            print(f"{name} = {given} is not right. Each tangent is the one before it times")
            print("the local derivative of its link, at the forward values z = 0, y = 1, r = -2.")
            return
    print(f"Correct! l_dot = {tangents[-1].item():.0f} is dl/dw, the number backprop gave.")


def check_mode(mode, passes):
    """Check the choice of mode ("forward" or "reverse") and its number of passes."""
    if mode is None or mode is ... or passes is None or passes is ...:
        print("Hint: one forward-mode pass gives one column of the Jacobian (one input),")
        print("one reverse-mode pass gives one row (one output). Count columns and rows.")
        return
    if str(mode).lower() != "forward":
        print(f"'{mode}' is not the cheaper mode here: reverse mode needs one pass per output.")
        return
    if passes != 3:
        print(f"Forward mode is right, but not {passes} passes: it needs one per input.")
        return
    print("Correct! Forward mode, 3 passes (reverse mode would need 1000).")
