"""Argument checks with one message form, for every public function of the package.

Modelled on scikit-learn's ``check_scalar``: a value straight out of a DataFrame (a NumPy scalar)
is a number like any other, and a refused value gets one sentence that says what was expected,
what came, and how to fix it::

    {name} must be {what}, got {value!r}. {fix}

Every function here either returns the value in a plain Python type or raises ``ValueError`` /
``TypeError``. This module imports nothing from the rest of the package, so any module may use it.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np

__all__ = ["check_real", "check_int", "check_fraction", "check_probabilities",
           "refuse", "Described", "warn_renamed"]


def refuse(name: str, what: str, got, fix: str = "", error: type[Exception] = ValueError):
    """Raise ``error`` with the package's one message form.

    ``got`` is the offending value (shown with repr, shortened) or a `Described` text such as
    ``Described("shape (2, 3)")``, shown as it is.
    """
    shown = str(got) if isinstance(got, Described) else _short(got)
    raise error(f"{name} must be {what}, got {shown}. {fix}".strip())


def warn_renamed(old: str, new: str, stacklevel: int = 3) -> None:
    """Warn that ``old`` is a deprecated spelling of ``new`` (the package spells names the American
    way, CONTRIBUTING.md); the old name still works, for code written before the rename."""
    warnings.warn(f"{old} is deprecated: use {new}, the same thing under its new name.",
                  DeprecationWarning, stacklevel=stacklevel)


class Described(str):
    """A description of a refused value ("shape (2, 3)"), shown without quotes."""


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_real(value, name: str, *, low: float | None = None, high: float | None = None,
               low_open: bool = False, high_open: bool = False, fix: str = "") -> float:
    """``value`` as a finite float within [low, high] (either end open or absent).

    Python and NumPy numbers pass; bool does not (``True`` is rarely a price).
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real | np.number):
        refuse(name, "a number", value, fix, TypeError)
    number = float(value)
    if not math.isfinite(number):
        refuse(name, "a finite number", value, fix)
    if low is not None and (number < low or (low_open and number == low)):
        refuse(name, _range_words(low, high, low_open, high_open), value, fix)
    if high is not None and (number > high or (high_open and number == high)):
        refuse(name, _range_words(low, high, low_open, high_open), value, fix)
    return number


def check_int(value, name: str, *, low: int | None = None, high: int | None = None,
              fix: str = "") -> int:
    """``value`` as an int within [low, high]; 3.0 passes as 3, 3.5 does not."""
    if isinstance(value, bool | np.bool_):
        refuse(name, "a whole number", value, fix, TypeError)
    if isinstance(value, Integral | np.integer):
        number = int(value)
    elif isinstance(value, Real | np.floating) and float(value).is_integer():
        number = int(value)
    else:
        refuse(name, "a whole number", value, fix, TypeError)
    if (low is not None and number < low) or (high is not None and number > high):
        refuse(name, _range_words(low, high, False, False, whole=True), value, fix)
    return number


def check_fraction(value, name: str, *, upper: float = 1.0, zero_ok: bool = True) -> float:
    """A rate given as a fraction (0.0003), not a percentage (0.03 meaning 0.03%)."""
    number = check_real(value, name)
    if number < 0 or (number == 0 and not zero_ok) or number >= upper:
        refuse(name, f"a fraction {'from 0' if zero_ok else 'above 0'} up to {upper:g} "
               "(not a percentage)", value,
               f"{number:g} would mean {number * 100:.4g}%. If you meant {number:g}%, pass "
               f"{number / 100:g}.")
    return number


def check_probabilities(p, name: str = "p", *, fix: str = "") -> np.ndarray:
    """A float64 array of probabilities in [0, 1]; logits (values outside) are refused by name."""
    arr = np.asarray(p, dtype=np.float64)
    if arr.size and not np.isfinite(arr).all():
        refuse(name, "finite probabilities", Described(f"{int((~np.isfinite(arr)).sum())} NaN or infinite "
               "value(s)"), fix or "Drop or fill them first.")
    if arr.size and (arr.min() < 0 or arr.max() > 1):
        refuse(name, "probabilities in [0, 1]", Described(f"values from {arr.min():.3g} to {arr.max():.3g}"),
               fix or "These look like logits: pass torch.sigmoid(logits), or use the function "
               "that takes logits.")
    return arr


def _range_words(low, high, low_open, high_open, whole=False) -> str:
    kind = "a whole number" if whole else "a number"
    if low is not None and high is not None:
        return (f"{kind} {'above' if low_open else 'from'} {low:g} "
                f"{'and below' if high_open else 'up to'} {high:g}")
    if low is not None:
        return f"{kind} {'above' if low_open else 'of at least'} {low:g}"
    return f"{kind} {'below' if high_open else 'of at most'} {high:g}"
