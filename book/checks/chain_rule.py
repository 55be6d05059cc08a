# The check of exercise 1: it compares your pair with autograd and, when a value is off, names
# the factor that is missing or extra, from the ratio of your value to the right one.
import torch

# (ratio for dl/dw, ratio for dl/db) of a typical slip, and what it means. Here x = 2, s = 0.5.
SLIPS = {
    (0.5, 0.5): "Both are half the right values: the factor 2 of the square is missing,"
    " dl/ds = 2 (s - t).",
    (-1.0, -1.0): "Both have the wrong sign: dl/ds = 2 (s - t) = -1 with s = 0.5 and t = 1"
    " (s - t, not t - s).",
    (4.0, 4.0): "Both are 4 times too large: the factor ds/du = s (1 - s) = 0.25 is missing.",
    (2.0, 2.0): "Both are twice too large: ds/du is s (1 - s) = 0.25, not s or 1 - s alone.",
    (0.5, 1.0): "dl/db is right, dl/dw is half: the factor du/dw = x = 2 is missing.",
    (1.0, 2.0): "dl/dw is right, dl/db is twice: du/db = 1, so x belongs to dl/dw only.",
}


def _ratio_slip(ratios):
    """The message of the slip whose ratios these are, if any."""
    for pattern, message in SLIPS.items():
        if all(abs(r - p) < 1e-6 for r, p in zip(ratios, pattern)):
            return message
    return None


def check_neuron_grads(answer):
    """Compare a pair (dl/dw, dl/db) with autograd's values; print what is off."""
    if answer is None or answer is ... or not isinstance(answer, (tuple, list)):
        print("Hint: give a pair (dl_dw, dl_db). Compute u = w x + b and s = sigmoid(u) first,")
        print("then multiply the local derivatives dl/ds, ds/du and du/dw (or du/db).")
        return
    if len(answer) != 2 or any(v is None or v is ... for v in answer):
        print("Give exactly two numbers: (dl_dw, dl_db).")
        return
    given = []
    for name, value in zip(("dl/dw", "dl/db"), answer):
        try:
            given.append(float(value.detach() if torch.is_tensor(value) else value))
        except (TypeError, ValueError, RuntimeError):
            print(f"{name}: {value!r} is not a number.")
            return
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    loss = (torch.sigmoid(w * 2.0 + b) - 1.0) ** 2
    loss.backward()
    true = (w.grad.item(), b.grad.item())  # (-0.5, -0.25)
    right = [abs(g - t) <= 1e-6 for g, t in zip(given, true)]
    if all(right):
        print("Correct! Both gradients match autograd.")
        return
    if abs(given[0] - true[1]) <= 1e-6 and abs(given[1] - true[0]) <= 1e-6:
        print("The two are swapped: dl/dw has the extra factor du/dw = x = 2, dl/db has")
        print("du/db = 1, so dl/dw is the larger one in size.")
        return
    message = _ratio_slip([g / t for g, t in zip(given, true)])
    if message:
        print(message)
        return
    index = 0 if not right[0] else 1
    name = ("dl/dw", "dl/db")[index]
    print(f"{name} = {given[index]} is not right. Check the factors 2 (s - t), s (1 - s)")
    print("and, for w only, x.")
