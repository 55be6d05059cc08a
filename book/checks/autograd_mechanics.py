"""The check of the exercise in autograd_mechanics: it prints a verdict and a hint."""

import torch
from torch import nn


def _run_frozen(freeze):
    """Freeze layer 0 of a small network with freeze and backward once: (the network, what
    freeze returned, the names of the parameters that received a gradient)."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    returned = freeze(net[0])
    net(torch.ones(5, 3)).pow(2).mean().backward()
    return net, returned, [name for name, p in net.named_parameters() if p.grad is not None]


def trained_after_freeze(freeze):
    """Freeze layer 0 of a small network with freeze, backward once: who received a gradient?"""
    return _run_frozen(freeze)[2]


def check_freeze(freeze):
    """Print whether freeze(module) freezes layer 0 and leaves layer 2 training."""
    if freeze is None or freeze is Ellipsis or not callable(freeze):
        print("No answer yet: define freeze(module) and pass the function.")
        return
    try:
        outcome = _run_frozen(freeze)
    except Exception as error:  # any mistake: report it, never raise
        outcome = error
    if not torch.is_grad_enabled():  # the learner's next cells must record again
        torch.set_grad_enabled(True)
        print(
            "Your freeze switched autograd off for everything "
            "(torch.set_grad_enabled(False)); the check switched it back on. Freeze "
            "the module's parameters, not autograd."
        )
        return
    if isinstance(outcome, Exception):
        _explain_error(outcome)
        return
    net, returned, with_grad = outcome
    layer = net[0]
    if with_grad == ["2.weight", "2.bias"]:
        print(f"Correct: only {with_grad} received a gradient; layer 0 is frozen.")
        return
    if "2.weight" not in with_grad or "2.bias" not in with_grad:
        print(f"Only {with_grad} got a gradient; the last layer must still train.")
        return
    still = [name for name in with_grad if name.startswith("0.")]
    if layer.__dict__.get("requires_grad") is False:
        print(
            "module.requires_grad = False only adds an attribute to the module, which "
            "PyTorch never reads: its parameters still require grad. Call "
            "module.requires_grad_(False), or set it on each parameter."
        )
    elif isinstance(returned, nn.Module) and returned is not layer:
        print(
            "Your freeze returned another module and left the one it was given training: "
            "change the parameters of `module` itself, in place."
        )
    elif len(still) == 1:
        print(
            f"{still[0]} still gets a gradient: freeze every parameter of the module, not "
            "only one (loop over module.parameters())."
        )
    elif not layer.training:
        print(
            "module.eval() changes what some layers compute (dropout, batch norm), not which "
            "tensors get gradients: layer 0 still gets them. Switch off requires_grad on "
            "its parameters."
        )
    else:
        print(
            "Layer 0 still gets gradients: your freeze changed nothing that autograd reads. "
            "Switch off requires_grad on each of its parameters (p.detach() or p.grad = None "
            "leave the parameter as it was)."
        )


def _explain_error(error):
    """Say what a freeze that raised most likely did."""
    text = str(error)
    if isinstance(error, AttributeError) and "generator" in text:
        print(
            "module.parameters() yields the parameters one at a time (a generator), which "
            "has no requires_grad_: loop over it, `for p in module.parameters(): ...`."
        )
    else:
        print(f"Your freeze raised {type(error).__name__}: {text}")
