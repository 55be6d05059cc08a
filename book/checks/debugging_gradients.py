"""Helpers of debugging_gradients: the figure of its deep networks, and the three detectors
of its lab."""

import contextlib

import matplotlib.pyplot as plt
import torch


def plot_layer_norms(norms):
    """The weight-gradient norm of each layer, log scale: tanh layers above, ReLU layers
    below, each with the default initialisation and with the one made for it."""
    width, height = plt.rcParams["figure.figsize"]
    # One above the other: side by side, each would be half as wide on a phone.
    fig, axes = plt.subplots(2, 1, sharex=True, sharey=True, figsize=(width, 2 * height))
    for ax, activation, match in zip(axes, ["tanh", "ReLU"], ["Xavier", "Kaiming"]):
        for init, colour in [("default", "C1"), (match, "C0")]:
            g = norms[f"{activation}, {init}"]
            layers = range(1, len(g) + 1)
            ax.semilogy(layers, g, color=colour, marker=".", label=f"{init} init")
        ax.set(title=f"{activation} layers", ylabel="weight-gradient norm")
        ax.set_ylim(1e-12, 1e2)  # room for the legend, below the curves
        ax.legend(loc="lower right")
    axes[1].set(xlabel="layer (1 = next to the input)")
    plt.show()


def graph_nodes(value):
    """The backward nodes reachable from value.grad_fn (none for a constant)."""
    todo, seen = [getattr(value, "grad_fn", None)], set()
    while todo:
        node = todo.pop()
        if node is not None and node not in seen:
            seen.add(node)
            todo += [child for child, _ in node.next_functions]
    return seen


def grads_are_fresh(model, loss_fn):
    """True if each .grad is the gradient of loss_fn() alone, computed now."""
    params = list(model.parameters())
    fresh = torch.autograd.grad(loss_fn(), params)
    return all(torch.allclose(p.grad, g, atol=1e-6) for p, g in zip(params, fresh))


@contextlib.contextmanager
def saved_tensors():
    """Record (tensor, its version, the operation that made it) for each saved tensor."""
    saved = []

    def pack(tensor):
        saved.append((tensor, tensor._version, type(tensor.grad_fn).__name__))
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        yield saved
