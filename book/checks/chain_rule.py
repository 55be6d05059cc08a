# The check of exercise 1: it compares your pair with autograd and says which factor to look at.
import torch


def check_neuron_grads(answer):
    """Compare a pair (dl/dw, dl/db) with autograd's values; print what is off."""
    if answer is None or answer is ... or not isinstance(answer, (tuple, list)):
        print("Hint: give a pair (dl_dw, dl_db). Compute u = w x + b and s = sigmoid(u) first,")
        print("then multiply the local derivatives dl/ds, ds/du and du/dw (or du/db).")
        return
    if len(answer) != 2 or any(v is None or v is ... for v in answer):
        print("Give exactly two numbers: (dl_dw, dl_db).")
        return
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    loss = (torch.sigmoid(w * 2.0 + b) - 1.0) ** 2
    loss.backward()
    for name, given, true in (
        ("dl/dw", answer[0], w.grad.item()),
        ("dl/db", answer[1], b.grad.item()),
    ):
        try:
            ok = abs(float(given) - true) <= 1e-6
        except (TypeError, ValueError):
            print(f"{name}: {given!r} is not a number.")
            return
        if not ok:
            print(
                f"{name} = {given} is not right. Check the factors 2 (s - t), s (1 - s)"
                " and, for w only, x."
            )
            return
    print("Correct! Both gradients match autograd.")
