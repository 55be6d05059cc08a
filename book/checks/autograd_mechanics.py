"""The check of the exercise in autograd_mechanics: it prints a verdict and a hint."""

import torch
from torch import nn


def trained_after_freeze(freeze):
    """Freeze layer 0 of a small network with freeze, backward once: who received a gradient?"""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    freeze(net[0])
    net(torch.ones(5, 3)).pow(2).mean().backward()
    return [name for name, p in net.named_parameters() if p.grad is not None]


def check_freeze(freeze):
    """Print whether freeze(module) freezes layer 0 and leaves layer 2 training."""
    if freeze is None or freeze is Ellipsis or not callable(freeze):
        print("No answer yet: define freeze(module) and pass the function.")
        return
    try:
        with_grad = trained_after_freeze(freeze)
    except Exception as error:  # any mistake: report it, never raise
        print(f"Your freeze raised {type(error).__name__}: {error}")
        return
    if with_grad == ["2.weight", "2.bias"]:
        print(f"Correct: only {with_grad} received a gradient; layer 0 is frozen.")
    elif with_grad == ["0.weight", "0.bias", "2.weight", "2.bias"]:
        print("Layer 0 still gets gradients. Hint: switch off requires_grad on its parameters.")
    else:
        print(f"Only {with_grad} got a gradient; the last layer must still train.")
