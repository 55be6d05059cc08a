"""Helpers of precision_and_compile: what a traced graph returns, the figure of the forward
and backward graphs that AOTAutograd traces, and the check of the exercise, which runs your
scaled_step on a small model and names the mistake it finds (it never raises)."""

import matplotlib.pyplot as plt
import torch

# -- traced graphs ---------------------------------------------------------------------------

# Operations that only re-label a tensor (a view, a transpose, a detached alias): the
# figure and `returned` look through them to the operation that computed the values.
_BOOKKEEPING = {"detach", "alias", "expand", "t", "view", "_unsafe_view", "transpose", "permute"}


def _op(node):
    """aten.mm.default -> "mm"."""
    return getattr(node.target, "__name__", str(node.target)).split(".")[0]


def _sources(node):
    """The nodes that computed `node`'s values: itself, or, through bookkeeping, its inputs'."""
    if node.op == "call_function" and _op(node) in _BOOKKEEPING:
        return [s for parent in node.all_input_nodes for s in _sources(parent)]
    return [node]


def _outputs(graph_module):
    (output,) = [node for node in graph_module.graph.nodes if node.op == "output"]
    return list(output.args[0])


def _name(node, input_names):
    """An input by its name in the function, anything else by the operation that made it."""
    (source,) = _sources(node)[:1]
    if source.op == "placeholder":
        inputs = [n for n in source.graph.nodes if n.op == "placeholder"]
        return input_names[inputs.index(source)]
    return _op(source)


def returned(graph_module, input_names):
    """What a forward graph returns, each named by the operation that computed it, or by
    the function's name for an input: the loss first, then what backward needs."""
    return [_name(node, input_names) for node in _outputs(graph_module)]


def draw_graphs(forward_graph, backward_graph, input_names):
    """The forward graph down the left, the backward graph up the right (each node beside
    the forward node it differentiates), and the saved tensors as orange arrows from one to
    the other. Bookkeeping operations (detach, t, expand) are looked through."""
    # Forward: the inputs and the operations, each a row below its deepest input.
    fw_kept = [
        n
        for n in forward_graph.graph.nodes
        if n.op == "placeholder" or (n.op == "call_function" and _op(n) not in _BOOKKEEPING)
    ]
    fw_edges, depth = [], {}
    for node in fw_kept:
        parents = [s for p in node.all_input_nodes for s in _sources(p)]
        fw_edges += [(p, node) for p in parents]
        depth[node] = 1 + max((depth[p] for p in parents), default=-1)
    bottom = max(depth.values())
    # Backward: its first inputs are the saved tensors, in the order the forward graph
    # returns them after the loss; the others are the seeds (dL/dL).
    saved = _outputs(forward_graph)[1:]
    bw_inputs = [n for n in backward_graph.graph.nodes if n.op == "placeholder"]
    saved_as = dict(zip(bw_inputs[: len(saved)], saved))
    seeds = bw_inputs[len(saved) :]
    gradient_of = {
        _sources(node)[0]: name
        for node, name in zip(_outputs(backward_graph), input_names)
        if node is not None
    }
    bw_kept = seeds + [
        n
        for n in backward_graph.graph.nodes
        if n.op == "call_function" and _op(n) not in _BOOKKEEPING
    ]
    bw_edges, saved_edges, bw_depth = [], [], {}
    for node in bw_kept:
        parents = [s for p in node.all_input_nodes for s in _sources(p)]
        inner = [p for p in parents if p not in saved_as]
        bw_edges += [(p, node) for p in inner]
        saved_edges += [(s, node) for p in parents if p in saved_as for s in _sources(saved_as[p])]
        bw_depth[node] = 1 + max((bw_depth[p] for p in inner), default=-1)
    # Places: a row per depth, the backward drawn upwards beside the forward. Forward
    # labels are short, backward ones long: the backward column is the wider.
    place = {}
    fw_rows, bw_rows = {}, {}
    for node in fw_kept:
        fw_rows.setdefault(depth[node], []).append(node)
    for node in bw_kept:
        bw_rows.setdefault(max(bottom - bw_depth[node], 0), []).append(node)
    for row, nodes in fw_rows.items():
        for i, node in enumerate(nodes):
            place[node] = (0.3 * (i + 0.5) / len(nodes), bottom - row)

    def source_x(node):  # where its saved inputs are: the farthest left goes right
        xs = [place[s][0] for s, end in saved_edges if end is node]
        return -min(xs, default=0.0)

    for row, nodes in bw_rows.items():
        for i, node in enumerate(sorted(nodes, key=source_x)):
            place[node] = (0.36 + 0.64 * (i + 0.5) / len(nodes), bottom - row)

    def label(node):
        if node in seeds:
            return "dL/dL"
        if node.op == "placeholder":
            return input_names[[n for n in fw_kept if n.op == "placeholder"].index(node)]
        text = _op(node)
        return f"{text}\n→ dL/d{gradient_of[node]}" if node in gradient_of else text

    width, _ = plt.rcParams["figure.figsize"]
    fig, ax = plt.subplots(figsize=(width, 1.1 * (bottom + 2.5)))
    ax.set(xlim=(-0.02, 1.02), ylim=(-0.5, bottom + 1.4), title="What AOTAutograd traced")
    ax.axis("off")
    box = {"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "0.3"}
    texts = {n: ax.text(*place[n], label(n), ha="center", va="center", bbox=box) for n in place}
    ax.text(0.15, bottom + 1.15, "forward ↓", ha="center", va="center")
    ax.text(0.68, bottom + 1.15, "backward ↑", ha="center", va="center")
    ax.plot([], [], color="0.45", label="computes")
    ax.plot([], [], color="C1", label="saved for backward")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0))
    arrow = {"arrowstyle": "-|>", "lw": 2, "shrinkA": 0, "shrinkB": 0}

    def connect(start, end, colour, xy=(0.5, 0.5), xycoords=None):
        ax.annotate(
            "",
            xy=xy,
            xycoords=xycoords or texts[end],
            xytext=(0.5, 0.5),
            textcoords=texts[start],
            arrowprops=arrow
            | {"color": colour, "patchA": texts[start].get_bbox_patch(), "patchB": None}
            | ({"patchB": texts[end].get_bbox_patch()} if xycoords is None else {}),
        )

    for start, end in fw_edges + bw_edges:
        connect(start, end, "0.45")
    # A saved tensor from another row goes up, over the nodes beside it, across, and down
    # onto the top of its node: the longest span highest, so that none cross.
    fig.canvas.draw()
    to_data = ax.transData.inverted()

    def extent(node):
        window = texts[node].get_bbox_patch().get_window_extent()
        return window.transformed(to_data)

    spans = sorted(saved_edges, key=lambda edge: place[edge[1]][0] - place[edge[0]][0])
    level = 0
    for start, end in spans:
        if place[start][1] == place[end][1]:
            connect(start, end, "C1")
            continue
        level += 1
        top = max(extent(start).y1, extent(end).y1) + 0.18 * level
        (x0, _), (x1, _) = place[start], place[end]
        ax.plot([x0, x0, x1], [extent(start).y1, top, top], color="C1", lw=2)
        ax.annotate(
            "",
            xy=(x1, extent(end).y1),
            xytext=(x1, top),
            arrowprops=arrow | {"color": "C1"},
        )
    plt.show()


# -- the exercise ----------------------------------------------------------------------------

_LR, _MAX_NORM = 0.1, 1.0
_X = torch.tensor([[1.0, 2.0, 3.0], [2.0, 0.0, 1.0], [0.0, 1.0, 2.0], [3.0, 1.0, 0.0]])
_Y = torch.tensor([[10.0], [6.0], [8.0], [5.0]])


class _Scaler(torch.amp.GradScaler):
    """A GradScaler that writes down what is called, in order (not its own inner calls)."""

    def __init__(self, calls):
        super().__init__("cpu")
        self.calls, self.inside_step = calls, False

    def scale(self, outputs):
        self.calls.append("scale")
        return super().scale(outputs)

    def unscale_(self, optimizer):
        if not self.inside_step:  # scaler.step unscales by itself if you did not
            self.calls.append("unscale_")
        return super().unscale_(optimizer)

    def step(self, optimizer, *args, **kwargs):
        self.calls.append("scaler.step")
        self.inside_step = True
        try:
            return super().step(optimizer, *args, **kwargs)
        finally:
            self.inside_step = False

    def update(self, new_scale=None):
        self.calls.append("update")
        return super().update(new_scale)


class _SGD(torch.optim.SGD):
    def __init__(self, params, calls, scaler):
        super().__init__(params, lr=_LR)
        self.calls, self.scaler = calls, scaler

    def step(self, closure=None):
        if not self.scaler.inside_step:
            self.calls.append("optimizer.step")
        return super().step(closure)

    def zero_grad(self, set_to_none=True):
        self.calls.append("zero_grad")
        return super().zero_grad(set_to_none)


class _Model(torch.nn.Linear):
    def __init__(self, calls):
        super().__init__(3, 1)
        self.calls = calls
        with torch.no_grad():  # from zero: a step is exactly -lr times what it used
            self.weight.zero_()
            self.bias.zero_()

    def zero_grad(self, set_to_none=True):
        self.calls.append("zero_grad")
        return super().zero_grad(set_to_none)


def _reference_step(model, optimizer, scaler, loss, max_norm):
    optimizer.zero_grad()
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    _CLIP(model.parameters(), max_norm)
    scaler.step(optimizer)
    scaler.update()


_CLIP = torch.nn.utils.clip_grad_norm_
# The three batches: a normal one, one whose gradients overflow (an input of 1e30), another
# normal one.
_BATCHES = [(_X, _Y), (_X * 1e30, _Y), (_X.flip(0), _Y)]


def _run(step):
    """Three steps of `step` on a fresh model: the calls of each step, the seed backward
    started from, the parameters and the scale after each, and the error it raised."""
    calls = []
    scaler = _Scaler(calls)
    model = _Model(calls)
    optimizer = _SGD(model.parameters(), calls, scaler)
    steps, seeds, states, error = [], [], [], None

    def record_clip(parameters, max_norm, *args, **kwargs):
        calls.append("clip")
        return _CLIP(parameters, max_norm, *args, **kwargs)

    torch.nn.utils.clip_grad_norm_ = record_clip
    try:
        for x, y in _BATCHES:
            calls.clear()
            loss = ((model(x) - y) ** 2).mean()
            seed = []
            loss.register_hook(seed.append)  # what backward starts from: 1, or the scale
            try:
                step(model, optimizer, scaler, loss, _MAX_NORM)
            except Exception as raised:  # your code's error, said in words below
                error = raised
            steps.append(list(calls))
            seeds.append(seed[0].item() if seed else None)
            params = torch.cat([p.detach().flatten() for p in model.parameters()]).clone()
            states.append((params, scaler.get_scale()))
            if error is not None:
                break
    finally:
        torch.nn.utils.clip_grad_norm_ = _CLIP
    return steps, seeds, states, error


def _same(got, want):
    (p, s), (q, t) = got, want
    return s == t and torch.allclose(p, q, rtol=1e-5, atol=1e-7, equal_nan=False)


def _scaled_step_problem(scaled_step):
    steps, seeds, states, error = _run(scaled_step)
    if isinstance(error, NotImplementedError):
        raise error
    _, _, reference, _ = _run(_reference_step)
    if error is None and all(_same(g, w) for g, w in zip(states, reference)):
        return None
    first, scale = steps[0], f"{reference[0][1]:,.0f}"
    completed = steps if error is None else steps[:-1]
    text = f"{type(error).__name__}: {error}" if error is not None else ""
    if "unscale_() has already been called" in text and steps[-1].count("unscale_") > 1:
        return (
            "scaler.unscale_(optimizer) ran twice in one step, and PyTorch refused the "
            f"second ({text.splitlines()[0]}): the gradients were already divided by the "
            "scale. Unscale once, before clipping"
        )
    if any("update" not in calls for calls in completed):
        return (
            f"scaler.update() is missing: without it the scale never changes ({scale} after "
            "a step whose gradients hold inf, where it should halve), and the scaler "
            "refuses to unscale or step again. Call it last"
        )
    if any("optimizer.step" in calls for calls in steps):
        after = "nan" if not torch.isfinite(states[-1][0]).all() else "wrong"
        return (
            "optimizer.step() was called instead of scaler.step(optimizer): it steps even "
            "when the gradients hold inf or nan, so the bad step was not skipped and the "
            f"parameters are now {after}"
        )
    if seeds[0] == 1.0 or (completed and "scale" not in first):
        return (
            "backward ran on the loss itself, not on scaler.scale(loss): the gradients "
            "were never multiplied by the scale, so small ones underflow in float16, and "
            f"unscaling divides them {scale} times too small"
        )
    if error is not None and not completed:  # the first step raised
        return f"fails with {text.splitlines()[0]}"
    moved, reference_moved = states[0][0].norm().item(), reference[0][0].norm().item()
    factor = f"{reference_moved / moved:,.0f}" if moved > 0 else "infinitely"
    if "clip" in first and "unscale_" not in first:
        return (
            "scaler.unscale_(optimizer) is missing: clip_grad_norm_ saw the scaled "
            f"gradients, {scale} times too large, and clipped {factor} times too hard "
            "(scaler.step unscaled them only afterwards). Unscale before clipping"
        )
    if "clip" in first and first.index("clip") < first.index("unscale_"):
        return (
            "clipping came before scaler.unscale_: clip_grad_norm_ saw the scaled "
            f"gradients, {scale} times too large, so it clipped {factor} times too hard "
            "and the step was that much too small. Unscale first, then clip"
        )
    stepped = "scaler.step" in first and "clip" in first
    if stepped and first.index("clip") > first.index("scaler.step"):
        return (
            "clipping came after scaler.step: the step had already used the unclipped "
            "gradients. Clip between scaler.unscale_ and scaler.step"
        )
    if error is not None:
        return f"fails with {text.splitlines()[0]}"
    if "clip" not in first:
        return (
            "clip_grad_norm_ never ran (or ran under another name): the step used the "
            "unclipped gradients. Clip after scaler.unscale_, before scaler.step"
        )
    if not any("zero_grad" in calls for calls in steps):
        return (
            "the gradients were never zeroed: each backward added to the last one's, "
            "and the inf of the bad step stayed in .grad, so every later step was skipped "
            "too. Zero them with optimizer.zero_grad() before the backward"
        )
    (got, got_scale), (want, want_scale) = states[-1], reference[len(states) - 1]
    return (
        f"after {len(states)} steps the scale is {got_scale:,.0f} (the reference: "
        f"{want_scale:,.0f}) and the parameters differ by up to "
        f"{(got - want).abs().max():.2e}: compare your order with scale, backward, "
        "unscale_, clip, step, update"
    )


def check_scaled_step(scaled_step):
    """Run scaled_step on a small model for a normal step, a step whose gradients hold inf,
    and a normal step; compare with the reference; print what is off. Never raises."""
    try:
        problem = _scaled_step_problem(scaled_step)
    except NotImplementedError as error:
        problem = f"not written yet ({error})"
    except Exception as error:  # anything your code raised, said in words
        problem = f"fails with {type(error).__name__}: {str(error).splitlines()[0]}"
    finally:
        torch.nn.utils.clip_grad_norm_ = _CLIP
    done = "correct: the bad step skipped, the scale halved, every step clipped"
    print(f"scaled step: {problem or done}")
    return problem is None
