"""The check of the exercise of "Build autograd yourself: arrays", and a helper.

check_unbroadcast runs your unbroadcast on a few gradients whose sums are known, then prints
"correct" or, in words, the first thing that is wrong, and returns True or False. It never
raises: an error in your code is reported, not thrown, and a loop that never ends is
stopped after 2 s (where the system allows it: Linux, macOS, Colab).

below(d, bound) prints "below 1e-12" rather than a rounding error whose last digits change
from one machine to another.
"""

# Imported under a name of its own: this file runs in the chapter's namespace, after its
# `import numpy as np`.
import signal as _signal
import threading as _threading

import numpy as _np

# (shape of g, shape of the parameter it flows to): a bias of each kind, then the edge cases
CASES = [
    ((8, 16), (16,)),  # added in front
    ((8, 16), (1, 16)),  # stretched from 1
    ((8, 16), (8, 1)),  # stretched from 1, the other axis
    ((8, 16), (8, 16)),  # not broadcast at all
    ((8, 16), ()),  # a scalar
    ((4, 8, 16), (8, 1)),  # added and stretched
]


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


def _right(g, shape):
    """g summed to shape: over the axes added in front, then over the stretched ones."""
    added = g.ndim - len(shape)
    total = g.sum(axis=tuple(range(added)))
    stretched = tuple(axis for axis, size in enumerate(shape) if size == 1)
    return total.sum(axis=stretched, keepdims=True)


def _one_axis_slip(got, g, shape):
    """A sentence if got is g summed or averaged over one axis, the wrong way; else None."""
    added = g.ndim - len(shape)
    broadcast = list(range(added))
    broadcast += [added + a for a, size in enumerate(shape) if size == 1 and g.shape[added + a] > 1]
    for axis in range(g.ndim):
        for keepdims in (False, True):
            for reduce, verb in ((_np.sum, "sums"), (_np.mean, "averages")):
                candidate = reduce(g, axis=axis, keepdims=keepdims)
                if _np.shape(got) != candidate.shape or not _np.allclose(got, candidate):
                    continue
                if axis not in broadcast:
                    where = f"axis {broadcast[0]}" if len(broadcast) == 1 else f"axes {broadcast}"
                    return f"{verb} axis {axis}, not {where}, which broadcasting made"
                if verb == "averages":
                    return "averages: each row that used the parameter adds its share, so sum"
                if keepdims:
                    return (
                        f"keeps shape {candidate.shape}: the parameter is {shape}; sum the"
                        " axes added in front away (no keepdims)"
                    )
                return (
                    f"drops an axis, giving {candidate.shape}: the parameter is {shape}; keep"
                    " an axis of size 1 with keepdims=True"
                )
    return None


class _TooLong(Exception):
    """Raised by the alarm when unbroadcast runs for more than a second or two."""


def _within(seconds, run):
    """run(), stopped with _TooLong after `seconds` where the system has alarms (Linux,
    macOS, Colab; the main thread only); run() alone elsewhere."""
    in_main = _threading.current_thread() is _threading.main_thread()
    if not hasattr(_signal, "setitimer") or not in_main:
        return run()

    def stop(signum, frame):
        raise _TooLong

    previous = _signal.signal(_signal.SIGALRM, stop)
    _signal.setitimer(_signal.ITIMER_REAL, seconds)
    try:
        return run()
    finally:
        _signal.setitimer(_signal.ITIMER_REAL, 0)
        _signal.signal(_signal.SIGALRM, previous)


def _left_aligned(g, shape):
    """The stretched axes summed as counted from the left of g, then the added ones."""
    for axis, size in enumerate(shape):
        if size == 1:
            g = g.sum(axis=axis, keepdims=True)
    return g.sum(axis=tuple(range(g.ndim - len(shape))))


def _raised(error, case):
    """A sentence for an error that unbroadcast raised on one case."""
    text = str(error)
    if "cannot reshape" in text:
        return f"reshape cannot drop entries {case}: sum over the axes broadcasting made"
    if "broadcast" in text or "remapping" in text:
        return (
            f"np.broadcast_to stretches g further {case}: unbroadcast goes the other way, it sums"
        )
    return f"fails with {type(error).__name__}: {text} ({case})"


def check_unbroadcast(unbroadcast):
    """Run unbroadcast(g, shape) on the CASES, with integer-valued g: the sums are exact."""
    rng = _np.random.default_rng(0)

    def find_problem():
        for g_shape, shape in CASES:
            g = rng.integers(-9, 10, size=g_shape).astype(float)
            case = f"for g of shape {g_shape} and a parameter of shape {shape}"
            try:
                got = _within(2, lambda: unbroadcast(g.copy(), shape))
            except ValueError as error:
                return _raised(error, case)
            except _TooLong:
                return (
                    f"still runs after 2 s {case}: does a while loop wait for g.ndim to"
                    " shrink? keepdims=True keeps the axis, so sum the added ones without it"
                )
            want = _right(g, shape)
            if got is None:
                return "returns None: return the summed gradient"
            if _np.shape(got) == want.shape and _np.array_equal(got, want):
                continue
            if _np.shape(got) == g.shape and _np.array_equal(got, g):
                return f"returns g unchanged {case}: sum the axes broadcasting made"
            if _np.ndim(got) == 0 and got == g.sum() and shape != ():
                return f"sums every entry to one number {case}: sum only the broadcast axes"
            left = _left_aligned(g, shape)
            if _np.shape(got) == left.shape and _np.array_equal(got, left):
                return (
                    f"counts the stretched axes from the left of g {case}: a parameter's axes"
                    " line up with the last axes of g, so sum the added axes away first"
                )
            slip = _one_axis_slip(got, g, shape)
            if slip:
                return f"{slip} ({case})"
            if _np.shape(got) != want.shape:
                return f"gives shape {_np.shape(got)} {case}"
            return f"gives the right shape but other values {case}: sum, do not pick or average"
        return None

    return verdict("unbroadcast", find_problem)


def below(d, bound):
    """'below 1e-12' if d is below the bound (the same on every machine), else d itself."""
    return f"below {bound}" if d < float(bound) else f"= {d:.1e}"
