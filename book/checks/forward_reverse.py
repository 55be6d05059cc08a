# The checks of the exercises: each compares your answer with what torch.func computes and,
# when it is off, names the slip it looks like.
import torch
from torch import func


def slide_deck_steps(w):
    """z, y, r and l of the slide-deck example as functions of w (b = -1, x = 2, y* = 3)."""
    z = w * 2.0 - 1.0
    y = torch.exp(z)
    r = y - 3.0
    return torch.stack([z, y, r, r**2])


# Whole answers that are another quantity of the example, and what they are.
TANGENT_SLIPS = {
    (-4.0, -4.0, -4.0, -8.0): "These are backprop's gradients dl/dz, dl/dy, dl/dr (reverse"
    " mode, from the output). A tangent runs forward from w: z_dot = dz/dw = x.",
    (0.0, 1.0, -2.0, 4.0): "These are the values z, y, r and l themselves: the tangents are"
    " their derivatives with respect to w.",
}
# A wrong value of one tangent (when the ones before it are right), and what it means.
ONE_TANGENT_SLIPS = {
    ("z_dot", 1.0): "z_dot = 1 is the seed w_dot: z = w x + b changes by x = 2 per unit of w,"
    " so z_dot = x * w_dot.",
    ("z_dot", 0.0): "z_dot = 0 is the value of z: its tangent is x * w_dot = 2.",
    ("r_dot", -2.0): "r_dot = -2: subtracting the constant y* passes the tangent through"
    " unchanged, r_dot = y_dot.",
    ("l_dot", -4.0): "l_dot = -4 is half: the square's local derivative is 2r, not r.",
    ("l_dot", 8.0): "l_dot = 8 has the wrong sign: r = y - y* = -2, so 2r * r_dot < 0.",
    ("l_dot", 4.0): "l_dot = 4 is the value l = r^2: its tangent is 2r * r_dot.",
}


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
    given = []
    for name, value in zip(names, answer):
        try:
            given.append(float(value.detach() if torch.is_tensor(value) else value))
        except (TypeError, ValueError, RuntimeError):
            print(f"{name}: {value!r} is not a number.")
            return
    _, tangents = func.jvp(slide_deck_steps, (torch.tensor(0.5),), (torch.tensor(1.0),))
    for slip, message in TANGENT_SLIPS.items():
        if all(abs(g - s) < 1e-6 for g, s in zip(given, slip)):
            print(message)
            return
    for name, value, true in zip(names, given, tangents.tolist()):
        if abs(value - true) >= 1e-6:
            slip = ONE_TANGENT_SLIPS.get((name, value))
            if slip:
                print(slip)
            else:
                print(f"{name} = {value:g} is not right. Each tangent is the one before it times")
                print("the local derivative of its link, at the forward values z = 0, y = 1,")
                print("r = -2.")
            return
    print(f"Correct! l_dot = {tangents[-1].item():.0f} is dl/dw, the number backprop gave.")


FORWARD = {"forward", "forwards", "forward mode", "forward-mode", "jvp", "jacfwd", "fwd"}
REVERSE = {"reverse", "reverse mode", "reverse-mode", "backward", "backwards", "vjp", "jacrev"}


def check_mode(mode, passes):
    """Check the choice of mode ("forward" or "reverse") and its number of passes."""
    if mode is None or mode is ... or passes is None or passes is ...:
        print("Hint: one forward-mode pass gives one column of the Jacobian (one input),")
        print("one reverse-mode pass gives one row (one output). Count columns and rows.")
        return
    name = " ".join(str(mode).lower().replace("_", " ").split())
    if name in REVERSE:
        print(f"'{mode}' is not the cheaper mode here: reverse mode needs one pass per output,")
        print("1000 of them; forward mode needs one per input.")
        return
    if name not in FORWARD:
        print(f"'{mode}': give the mode as 'forward' or 'reverse'.")
        return
    try:
        count = float(passes)
    except (TypeError, ValueError, RuntimeError):
        print(f"Forward mode is right; give the number of passes as a number, not {passes!r}.")
        return
    if count == 1000:
        print("Forward mode is right, but 1000 is the reverse-mode count (one pass per output):")
        print("forward mode needs one pass per input.")
    elif count == 3000:
        print("Forward mode is right, but 3000 is the number of entries of J: one forward pass")
        print("gives a whole column, one per input.")
    elif count != 3:
        print(f"Forward mode is right, but {passes} is not its count: it needs one pass per input.")
    else:
        print("Correct! Forward mode, 3 passes (reverse mode would need 1000).")
