"""How this lesson checks that its numbers are the ones its page states.

Every number the page states is checked in one of three ways, so that the check holds on
any machine (another CPU, a GPU, other versions of PyTorch or NumPy):

- page.exact(value, expected): integers, shapes, booleans, text, and floats that IEEE
  arithmetic computes exactly on every machine (integers, and short binary fractions such
  as -2.5 or 2**-20, from such numbers by + - * and exact division);
- page.printed(value, "4.9998"): a float as the page prints it, right to half a unit of
  its last digit;
- a property, with room to spare: page.below(value, bound), page.above(value, bound),
  page.close(value, expected, rel=..., abs=...), or page.holds(condition) for any other.

When the book is built (COURSE_CHECKS=strict), a check that fails stops the build, and so
does one that another machine could fail: a printed value so near a rounding boundary that
it could print another last digit, an "exact" float that rounding made, or a property with
less than 1 % to spare (close: less than half its tolerance).

How near is too near follows from the dtype: a result may move by DRIFT units in its last
place between machines (another order of summation, other kernels, a GPU); that is far
more for float32 than for float64. Pass a tensor as it is, not its .item(): its dtype sets
the margin (a Python float counts as float64, unless float32 holds it exactly). Where the
digits matter, a lesson computes in float64.

In this notebook, each check cell runs inside `with page.check():`, which prints "✓" when
the numbers match the page, or which numbers differ, by how much, and why they may; it
never stops the notebook. (COURSE_CHECKS=audit, which `make cpu-matrix` sets, also reports
the checks another machine could fail.)
"""

# Imported under names of their own: this file runs in the chapter's namespace, which has
# its own imports (a second `import math` there would be a redefinition).
import linecache as _linecache
import math as _math
import os as _os
import re as _re
import struct as _struct
import sys as _sys
from contextlib import contextmanager as _contextmanager


class _Page:
    MODE = _os.environ.get("COURSE_CHECKS", "")  # "strict" in the build
    BUILT_WITH = {"torch": "2.13.0", "numpy": "2.4.6"}  # as pinned in requirements.txt
    SPARE = 0.01  # a property holds with 1 % of its bound to spare
    EPS = {"float16": 2.0**-10, "bfloat16": 2.0**-7, "float32": 2.0**-23, "float64": 2.0**-52}
    DRIFT = 64  # units in the last place a result may move between machines
    SHOWN = _re.compile(r"^([+-]?)(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?(%?)$")

    def __init__(self):
        self.cell = None  # [number of checks, differences] of the check cell running now

    # -- the checks ------------------------------------------------------------------------

    def exact(self, value, expected):
        """value == expected, exactly: integers, shapes, booleans, text, IEEE-exact floats."""
        got, want = _Page._plain(value), _Page._plain(expected)
        rounded = [x for x in _Page._numbers(want) if isinstance(x, float) and not _Page._short(x)]
        guard = None
        if rounded:
            guard = f"{rounded[0]!r} is a float that rounding made: use printed() or close()"
        self._verdict(got == want, f"{got!r}, the page says {want!r}", guard)

    def printed(self, value, shown):
        """value, printed as the page shows it ("4.9998", "2.8e-07", "64%"), is `shown`."""
        match = self.SHOWN.match(shown.replace(",", "").strip())
        if not match:
            raise ValueError(f"page.printed(): {shown!r} is not a number as a page prints one")
        sign, whole, decimals, exponent, percent = match.groups()
        decimals, scale = decimals or "", 10.0 ** int(exponent or 0)
        unit = 10.0 ** -len(decimals)  # of the printed mantissa, as are `off` and `drift`
        number = _Page._scalar(value) * (100 if percent else 1)
        off = abs(number / scale - float(f"{sign}{whole}.{decimals or 0}"))
        # How far the value may move on another machine, against how far it is from
        # printing another last digit.
        drift = max(unit * 1e-3, self.DRIFT * _Page._eps(value) * abs(number / scale))
        room = unit / 2 - off
        guard = None
        if drift >= unit / 2:
            guard = f"{shown} has more digits than its dtype keeps on every machine"
        elif room < drift:
            guard = f"{number!r} nearly prints another last digit than {shown}: print fewer"
        again = f"{number:.{len(decimals)}{'e' if exponent else 'f'}}{percent}"
        detail = f"{again}, the page shows {shown} (off by {off * scale:.1g})"
        self._verdict(off <= unit / 2 * (1 + 1e-9), detail, guard)

    def below(self, value, bound):
        """value < bound, with 1 % to spare in the build."""
        number = _Page._scalar(value)
        guard = None
        if number > bound - self.SPARE * max(abs(bound), abs(number)):
            guard = f"{number!r} is within {self.SPARE:.0%} of {bound:g}"
        self._verdict(number < bound, f"{number:.3g}, the page says below {bound:g}", guard)

    def above(self, value, bound):
        """value > bound, with 1 % to spare in the build."""
        number = _Page._scalar(value)
        guard = None
        if number < bound + self.SPARE * max(abs(bound), abs(number)):
            guard = f"{number!r} is within {self.SPARE:.0%} of {bound:g}"
        self._verdict(number > bound, f"{number:.3g}, the page says above {bound:g}", guard)

    def close(self, value, expected, rel=0.0, abs=0.0):  # noqa: A002 (_math.isclose's names)
        """Each number of value within abs + rel * |expected| of expected (one number, or
        as many as value has), with half of that to spare in the build."""
        got = list(_Page._numbers(_Page._plain(value)))
        want = list(_Page._numbers(_Page._plain(expected)))
        if len(want) == 1:
            want *= len(got)
        if len(got) != len(want) or not got:
            self._verdict(False, f"{len(got)} numbers, the page has {len(want)}")
            return
        worst = 0.0  # the largest difference, in tolerances
        for g, w in zip(got, want):
            miss, tolerance = _math.fabs(g - w), abs + rel * _math.fabs(w)
            if _math.isnan(miss) or (miss and not tolerance):
                worst = _math.inf
            elif miss:
                worst = max(worst, miss / tolerance)
        guard = f"the difference is {worst:.0%} of the tolerance" if worst > 0.5 else None
        self._verdict(worst <= 1, f"off by {worst:.2g} times the tolerance", guard)

    def holds(self, condition):
        """A property none of the above states (isfinite, a set of names, an order)."""
        self._verdict(bool(condition), "does not hold")

    # -- what a check says -----------------------------------------------------------------

    def _verdict(self, ok, detail, guard=None):
        """Record one check. In the build, raise on a failure, and on a pass that another
        machine could fail (`guard` says why)."""
        frame = _sys._getframe(2)  # the check cell: _verdict <- exact, printed, ... <- it
        source = _linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
        if self.MODE == "strict":
            if not ok:
                raise AssertionError(f"{source}\n  {detail}")
            if guard:
                raise AssertionError(f"{source}\n  passes here, but could fail elsewhere: {guard}")
            return
        if self.cell is None:  # a check run in a cell of one's own
            if not ok:
                print(f"✗ {source}: {detail}")
            return
        self.cell[0] += 1
        if not ok:
            self.cell[1].append(f"{source}: {detail}")
        elif guard and self.MODE == "audit":
            self.cell[1].append(f"{source}: passes, but could fail elsewhere: {guard}")

    @_contextmanager
    def check(self):
        """Run one check cell: print what matches the page and what differs; never raise."""
        self.cell, failed = [0, []], None
        try:
            yield
        except Exception as error:  # a cell above was changed or did not run: say so, go on
            if self.MODE == "strict":
                raise
            failed = error
        finally:
            (checks, differences), self.cell = self.cell, None
        if differences:
            print(f"✗ {len(differences)} of {checks} numbers differ from the page:")
            for difference in differences:
                print(f"  • {difference}")
            print(f"Likely reasons: {self._likely_reasons()}.")
        elif checks and failed is None:
            print(f"✓ the numbers match the page ({checks} checks)")
        if failed is not None:
            print(
                f"? this check could not run ({type(failed).__name__}: {failed}): a cell "
                "above was changed, skipped or stopped with an error. Run the notebook "
                "from the top."
            )

    def _likely_reasons(self):
        reasons = ["a number you changed in a cell above"]
        here = {
            name: _sys.modules[name].__version__.split("+")[0]
            for name in self.BUILT_WITH
            if name in _sys.modules
        }
        if any(version != self.BUILT_WITH[name] for name, version in here.items()):
            ours = ", ".join(f"{name} {version}" for name, version in here.items())
            page = ", ".join(f"{name} {version}" for name, version in self.BUILT_WITH.items())
            reasons.append(f"other versions (here {ours}; the page: {page})")
        torch = _sys.modules.get("torch")
        if torch is not None and torch.cuda.is_available():
            reasons.append("a GPU, which rounds differently from the CPU the page was built on")
        return "; ".join(reasons)

    # -- helpers (inside the class: a chapter's own names cannot shadow them) ------

    @staticmethod
    def _plain(value):
        """Tensors and arrays as nested lists of Python numbers, tuples as lists."""
        if hasattr(value, "detach"):
            value = value.detach().cpu()
        if hasattr(value, "tolist"):
            value = value.tolist()
        if isinstance(value, (list, tuple)):
            return [_Page._plain(item) for item in value]
        return value

    @staticmethod
    def _numbers(value):
        """Every int and float in `value` (as _plain gives it), in order."""
        if isinstance(value, list):
            for item in value:
                yield from _Page._numbers(item)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield value

    @staticmethod
    def _short(x):
        """True for a float that IEEE arithmetic can give exactly on every machine: an integer,
        or a number of at most 20 significant bits (-2.5, 0.375, 2**-20). A result that rounding
        made has all 24 bits of a float32, or 53 of a float64 (0.1, 1.9)."""
        if not _math.isfinite(x) or (x.is_integer() and abs(x) < 2.0**53):
            return True
        return (_math.frexp(x)[0] * 2.0**20).is_integer()

    @staticmethod
    def _scalar(value):
        return float(value.item() if hasattr(value, "item") else value)

    @staticmethod
    def _eps(value):
        """The relative rounding unit of `value`'s type. A Python float that float32 holds
        exactly is taken for a float32 result (.item() of a float32 tensor): a float64 result
        lands on one by chance once in 2**29 times."""
        name = str(getattr(value, "dtype", "")).rsplit(".", 1)[-1]
        if name in _Page.EPS:
            return _Page.EPS[name]
        if "int" in name or isinstance(value, int):
            return 0.0  # an integer is what it is
        number = _Page._scalar(value)
        try:
            as_float32 = _struct.unpack("f", _struct.pack("f", number))[0]
        except OverflowError:
            return _Page.EPS["float64"]
        return _Page.EPS["float32" if as_float32 == number else "float64"]


page = _Page()
