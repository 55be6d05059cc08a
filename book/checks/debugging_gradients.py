"""Helpers of debugging_gradients: the figure of its deep networks, the network and the
detectors of its lab, and the check of its exercise."""

import contextlib
import math as _lab_math  # under its own name: the page imports math too
import weakref

import matplotlib.pyplot as plt
import torch

_DEVICE = "cuda" if torch.cuda.is_available() else "cpu"  # the page's device


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


def relu_mlp(depth, width):
    """A ReLU network whose weights are drawn twice as large as Kaiming's: it explodes."""
    pairs = [(torch.nn.Linear(width, width), torch.nn.ReLU()) for _ in range(depth)]
    net = torch.nn.Sequential(*[module for pair in pairs for module in pair])
    for layer in net[::2]:
        torch.nn.init.normal_(layer.weight, std=2 * _lab_math.sqrt(2 / width))
    return net.to(_DEVICE)


def make_model():
    """The lab's network, the same each time: an encoder (Linear, Tanh), then a head."""
    torch.manual_seed(0)
    layers = [torch.nn.Linear(3, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1)]
    return torch.nn.Sequential(*layers).to(_DEVICE)


def fit(loss_fn, steps=300):
    """Train a new make_model() with plain SGD on loss_fn(model); return it, and its last
    loss."""
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    for step in range(steps):
        loss = loss_fn(model)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model, loss.item()


def graph_nodes(value):
    """The backward nodes reachable from value.grad_fn (none for a constant)."""
    todo, seen = [getattr(value, "grad_fn", None)], set()
    while todo:
        node = todo.pop()
        if node is not None and node not in seen:
            seen.add(node)
            todo += [child for child, _ in node.next_functions]
    return seen


@contextlib.contextmanager
def saved_tensors():
    """Record (tensor, its version, the operation that made it) for each saved tensor."""
    saved = []

    def pack(tensor):
        saved.append((tensor, tensor._version, type(tensor.grad_fn).__name__))
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        yield saved


def stale_grads(model, loss_fn):
    """The parameters whose .grad is not the gradient of loss_fn() alone, computed now
    (a parameter with no .grad is left out: no gradient reached it)."""
    named = [(name, p) for name, p in model.named_parameters() if p.grad is not None]
    fresh = torch.autograd.grad(loss_fn(), [p for _, p in named], allow_unused=True)
    return [
        name
        for (name, p), g in zip(named, fresh)
        if g is None or not torch.allclose(p.grad, g, atol=1e-6)
    ]


def grads_are_fresh(model, loss_fn):
    """True if each .grad is the gradient of loss_fn() alone, computed now."""
    params = list(model.parameters())
    return all(p.grad is not None for p in params) and not stale_grads(model, loss_fn)


# -- The exercise: repair a training loop ---------------------------------------------------
# check_train_epoch runs the learner's train_epoch(model, optimizer, batches, features) once,
# on its own network and data (on the CPU), under the detectors above: at every step(), which
# parameters have no gradient and whose gradient is stale; whether the graph of an earlier
# batch is still alive; graph_nodes of what it returns; what it stored in features.


class _Probe:
    """Hooked on a batch's graph (on the node that made the network's output): it lives as
    long as that graph does, so a weak reference to it tells whether the graph was freed."""

    def __call__(self, *gradients):
        return None


def _exercise_setup():
    """The check's network (the lab's, seeded) and 4 batches of 16 of the lab's 64 points."""
    torch.manual_seed(0)
    x = torch.randn(64, 3)
    y = x @ torch.tensor([[1.5], [-2.0], [0.5]]) + 0.3 + 0.1 * torch.randn(64, 1)
    batches = [(x[i : i + 16], y[i : i + 16]) for i in range(0, 64, 16)]
    return make_model().cpu(), batches


def _mse(prediction, target):
    return ((prediction - target) ** 2).mean()


def _watch_train_epoch(train_epoch):
    """Run train_epoch once under the detectors; return what they saw."""
    model, batches = _exercise_setup()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    seen = {"steps": 0, "missing": {}, "stale": {}, "zero": set(), "alive": 0, "outputs": []}
    seen.update(batches=batches, features=[], probes=[], error=None, returned=None)
    checking = [False]  # True while the check computes a gradient of its own

    def on_output(module, inputs, output):  # each forward through the last layer
        if checking[0] or output.grad_fn is None:
            return
        probe = _Probe()
        output.grad_fn.register_prehook(probe)
        seen["probes"].append(weakref.ref(probe))
        seen["outputs"].append(output.detach().clone())

    def on_step(optimizer, args, kwargs):  # before each optimizer.step()
        step = seen["steps"]
        seen["steps"] += 1
        earlier = seen["probes"][:-1]  # all but the batch being stepped
        seen["alive"] = max(seen["alive"], sum(probe() is not None for probe in earlier))
        if step >= len(batches):
            return
        xb, yb = batches[step]
        named = list(model.named_parameters())
        missing = [name for name, p in named if p.grad is None]
        if missing:
            seen["missing"].setdefault(tuple(missing), step)
        if any(p.grad is not None and p.grad.any() for _, p in named):
            checking[0] = True
            try:
                stale = stale_grads(model, lambda: _mse(model(xb), yb))
            finally:
                checking[0] = False
            if stale:
                seen["stale"].setdefault(tuple(stale), step)
        elif len(missing) < len(named):
            seen["zero"].add(step)

    model[-1].register_forward_hook(on_output)
    optimizer.register_step_pre_hook(on_step)
    try:
        seen["returned"] = train_epoch(model, optimizer, batches, seen["features"])
    except Exception as error:  # the learner's loop raised: say so, never raise
        seen["error"] = error
    return seen


def _raised(error, name):
    """The bug behind an error that the learner's loop, called name, raised, in words."""
    first_line = (str(error).splitlines() or [""])[0].rstrip(".")
    text = f"train_epoch raised {type(error).__name__}: {first_line}"
    if "does not require grad" in str(error):
        return (
            f"{text}. The loss has no graph, so backward() has nothing to run through: was "
            "the loss detached (or computed under torch.no_grad())? Detach only the copy of "
            "h that you store."
        )
    if "a second time" in str(error):
        return (
            f"{text}. One graph was backwarded twice: each batch needs its own forward "
            "pass, and a loss must not add in a tensor from an earlier batch's graph."
        )
    if isinstance(error, TypeError) and str(error).startswith(f"{name}()"):
        return f"{text}. The check calls train_epoch(model, optimizer, batches, features)."
    return f"{text}. The error is in your loop: fix that line, then run the check again."


def train_epoch_bugs(train_epoch):
    """Each bug the detectors find in train_epoch, in words (none: it is right)."""
    seen = _watch_train_epoch(train_epoch)
    if seen["error"] is not None:
        return [_raised(seen["error"], getattr(train_epoch, "__name__", ""))]
    bugs, batches, returned = [], seen["batches"], seen["returned"]
    n = len(batches)
    if seen["steps"] == 0:
        return ["optimizer.step() never ran (on the optimizer passed in): nothing was trained."]
    if seen["steps"] != n:
        bugs.append(f"optimizer.step() ran {seen['steps']} times for {n} batches: once each.")
    everything = ("0.weight", "0.bias", "2.weight", "2.bias")
    if seen["zero"] or everything in seen["missing"]:
        bugs.append(
            "zero_grad in the wrong place: when step() ran, the gradients were already "
            "cleared, so it moved nothing. Call optimizer.zero_grad() before loss.backward(), "
            "not between backward() and step()."
        )
    elif ("0.weight", "0.bias") in seen["missing"]:
        bugs.append(
            "a detach in the wrong place: the encoder's parameters (0.weight, 0.bias) got no "
            "gradient, so the encoder never learns. Feed h itself to the head, and store a "
            "detached copy: features.append(h.detach())."
        )
    elif seen["missing"]:
        names = ", ".join(next(iter(seen["missing"])))
        bugs.append(f"{names} got no gradient: every parameter must be trained.")
    if seen["stale"]:
        stale, step = next(iter(seen["stale"].items()))
        bugs.append(
            f"no zero_grad: at step {step + 1} of {n}, the .grad of {', '.join(stale)} was "
            "not the gradient of that batch alone, since backward() adds into .grad. Call "
            "optimizer.zero_grad() before each loss.backward()."
        )
    nodes = len(graph_nodes(returned)) if isinstance(returned, torch.Tensor) else 0
    if seen["alive"] or nodes:
        kept = f"the value returned carries a graph of {nodes} backward nodes"
        if seen["alive"]:
            kept = (
                f"at the last step the graphs of {seen['alive']} earlier batches were still "
                f"alive" + (f", and {kept}" if nodes else "")
            )
        bugs.append(
            f"total_loss += loss keeps every batch's graph: {kept}. Add loss.item(), a "
            "number with no graph."
        )
    features = seen["features"]
    if len(features) != n:
        bugs.append(
            f"features holds {len(features)} entries for {n} batches: append each batch's "
            "hidden features h (detached) once."
        )
    elif any(getattr(f, "grad_fn", None) is not None for f in features):
        bugs.append(
            "the stored features carry a graph (their grad_fn is not None): they keep each "
            "batch's encoder graph alive. Store h.detach()."
        )
    if bugs:
        return bugs
    return _returned_bug(returned, seen["outputs"], batches)


def _returned_bug(returned, outputs, batches):
    """[] if returned is the mean of the batch losses; else what it is instead."""
    try:
        value = float(returned)
    except (TypeError, ValueError, RuntimeError):
        what = "None" if returned is None else f"a {type(returned).__name__}"
        return [
            f"train_epoch returned {what}, not the mean loss: return total_loss / "
            "len(batches), a number."
        ]
    if len(outputs) != len(batches):
        return []  # the losses cannot be matched to the batches; trust the value
    losses = [_mse(out, yb).item() for out, (_, yb) in zip(outputs, batches)]
    mean = sum(losses) / len(losses)
    if _lab_math.isclose(value, mean, rel_tol=1e-4):
        return []
    if _lab_math.isclose(value, sum(losses), rel_tol=1e-4):
        return [
            f"train_epoch returned the sum of the batch losses ({value:.4g}), not their mean: "
            "divide by len(batches)."
        ]
    if _lab_math.isclose(value, losses[-1], rel_tol=1e-4):
        return ["train_epoch returned the last batch's loss, not the mean over the batches."]
    return [f"train_epoch returned {value:.4g}, but the mean of its batch losses is {mean:.4g}."]


def check_train_epoch(train_epoch):
    """Print "Correct" or, in words, each bug that remains in train_epoch; never raise."""
    if train_epoch is None or train_epoch is Ellipsis or not callable(train_epoch):
        print("No answer yet: define train_epoch(model, optimizer, batches, features).")
        return
    try:
        bugs = train_epoch_bugs(train_epoch)
    except Exception as error:  # the check itself failed: say so, never raise
        print(f"The check could not run ({type(error).__name__}: {error}).")
        return
    if not bugs:
        print(
            "Correct: every step used that batch's gradient, every parameter learned, "
            "and no batch's graph outlived its step."
        )
        return
    if bugs[0].startswith("train_epoch raised"):  # the detectors could not finish
        print(bugs[0])
        return
    count = "1 bug remains" if len(bugs) == 1 else f"{len(bugs)} bugs remain"
    print(f"{count}:" + "".join(f"\n- {bug}" for bug in bugs))
