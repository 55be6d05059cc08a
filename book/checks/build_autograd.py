"""The checks of the two exercises of "Build autograd yourself", and two helpers.

Each check runs your code on a small case whose answer is known, then prints "correct" or,
in words, the first thing that is wrong, and returns True or False. A check never raises:
an error in your code is reported, not thrown.

show_graph draws the engine's own graph; below(d, bound) prints "below 1e-12" rather than
a rounding error whose last digits change from one machine to another.
"""

# Imported under names of their own: this file runs in the chapter's namespace.
from math import isclose as _isclose
from math import tanh as _tanh

import graphviz
from IPython.display import display


def verdict(what, find_problem):
    """Print "what: correct", or the problem that find_problem() returns or raises."""
    try:
        problem = find_problem()
    except NotImplementedError:
        problem = "not written yet (replace the raise)"
    except Exception as error:  # an error in the learner's code: reported, never raised
        problem = f"fails with {type(error).__name__}: {error}"
    print(f"{what}: {problem or 'correct'}")
    return problem is None


class _Node:
    """All that topo_order may look at: a node's parents (and a name, for the messages)."""

    def __init__(self, name, parents=()):
        self.name, self.parents = name, parents


def _small_graph():
    """x and a are used twice each: root = c + y, c = a * b, b = a + x, a = x * y."""
    x, y = _Node("x"), _Node("y")
    a = _Node("a = x*y", (x, y))
    b = _Node("b = a+x", (a, x))
    c = _Node("c = a*b", (a, b))
    root = _Node("root = c+y", (c, y))
    return [x, y, a, b, c, root]


def _first_too_early(order):
    """A sentence on the first node listed before one of its parents, or None."""
    for i, node in enumerate(order):
        late = [p.name for p in node.parents if p not in order[:i]]
        if late:
            return f"puts {node.name} before its parent {late[0]}"
    return None


def _parents_first(order):
    return _first_too_early(order) is None


def _breadth_first(root):
    """root, then its parents, then theirs: the order of a queue."""
    order, queue = [], [root]
    while queue:
        node = queue.pop(0)
        if node not in order:
            order.append(node)
            queue.extend(node.parents)
    return order


def _preorder(root):
    """A depth-first search that appends a node before visiting its parents."""
    order = []

    def visit(node):
        if node not in order:
            order.append(node)
            for parent in node.parents:
                visit(parent)

    visit(root)
    return order


def check_topo_order(topo_order):
    """Run topo_order on a graph in which x and a are used twice each."""
    nodes = _small_graph()
    root = nodes[-1]

    def find_problem():
        try:
            order = topo_order(root)
        except AttributeError as error:  # micrograd's node._prev, say
            return f"fails with AttributeError ({error}): a node's inputs are node.parents"
        if order is None:
            return "returns None: return the list of nodes"
        if isinstance(order, (set, frozenset, dict)):
            return f"returns a {type(order).__name__}, which has no order: return a list"
        order = list(order)
        missing = [n.name for n in nodes if n not in order]
        if missing:
            return f"misses {', '.join(missing)}: visit the parents of every node"
        twice = sorted({n.name for n in order if order.count(n) > 1})
        if twice:
            return f"lists {', '.join(twice)} more than once: skip the nodes already visited"
        if order[0] is root and _parents_first(order[::-1]):
            return "is reversed: the root goes last (backward reverses the list itself)"
        if order[0] is root:
            return "puts the root first: append a node after visiting its parents, not before"
        problem = _first_too_early(order)
        if problem and order == _breadth_first(root)[::-1]:
            return (
                f"is a breadth-first order, reversed, and {problem}: breadth-first lists a"
                " node by its shortest path from the root, not after all of its users. Use"
                " a depth-first search"
            )
        if problem and order == _preorder(root)[::-1]:
            return (
                f"is a preorder, reversed, and {problem}: reversing does not help; append a"
                " node after visiting its parents"
            )
        return problem

    return verdict("topological order", find_problem)


class _Leaf:
    """A stand-in for a Value: tanh(self) reads only self.data."""

    def __init__(self, data):
        self.data, self.parents, self.grad = data, (), 0.0


def check_tanh(tanh):
    """Call the backward rule of tanh(a) at a = 0.7 with g = 2.5."""
    a, g = 0.7, 2.5
    t = _tanh(a)
    want = g * (1 - t**2)
    slips = {
        g * (1 - t): "1 - t instead of 1 - t**2",
        1 - t**2: "g is missing (chain rule)",
        g * (1 - a**2): "a where t = tanh(a) belongs",
        -want: "the sign is wrong",
        g - t**2: "g * 1 - t**2 is (g * 1) - t**2: put 1 - t**2 in brackets",
        g * (1 - t) ** 2: "(1 - t)**2 squares 1 - t: square t alone, 1 - t**2",
        g * t**2: "t**2 is the part subtracted: the derivative is 1 - t**2",
        g * (1 - _tanh(t) ** 2): "tanh applied twice: t is already tanh(a)",
    }

    def find_problem():
        leaf = _Leaf(a)
        got = tanh(leaf).backward_fn(g)
        if leaf.grad != 0.0:
            return "changes self.grad: return the gradient, the engine adds it"
        if isinstance(got, (int, float)):
            return (
                f"returns the number {got:.6f}, not a tuple: write (g * ...,) with the comma;"
                " the engine zips the tuple with the parents"
            )
        if not isinstance(got, (tuple, list)):
            return f"returns {got!r}, not a tuple with one gradient such as (g * ...,)"
        if len(got) != 1:
            return (
                f"returns {len(got)} gradients: tanh has one parent, so return a tuple of"
                " one, (g * ...,)"
            )
        if _isclose(got[0], want, rel_tol=1e-12):
            return None
        hint = ""
        for value, slip in slips.items():
            if _isclose(got[0], value, rel_tol=1e-12):
                hint = f": {slip}"
        return f"gives {got[0]:.6f}, not g * (1 - t**2) = {want:.6f}{hint}"

    return verdict("tanh backward", find_problem)


def show_graph(nodes, labels):
    """Draw nodes (a topological order): a box per Value, a circle per operation."""
    dot = graphviz.Digraph(graph_attr={"rankdir": "TB"})
    names = {}  # a name per node, in the order drawn
    for i, node in enumerate(nodes):
        names[node] = f"v{i}"
        text = f"{labels[node]} | data {node.data:g} | grad {node.grad:g}"
        dot.node(names[node], text, shape="record")
        if node.parents:
            dot.node(f"op{i}", node.op, shape="circle")
            dot.edge(f"op{i}", names[node])
            for parent in node.parents:
                dot.edge(names[parent], f"op{i}")
    display(dot, include=["image/svg+xml"])


def below(d, bound):
    """'below 1e-12' if d is below the bound (the same on every machine), else d itself."""
    return f"below {bound}" if d < float(bound) else f"= {d:.1e}"
