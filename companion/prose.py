"""Computed numbers for the prose: one way that the book and JupyterLab both render.

A chapter's markdown shows a number with MyST's inline ``{eval}`` role::

    The model is right on {eval}`pct(accuracy)` of the test days.

The role asks the running kernel for the value of the expression:
myst-nb does it while it builds the book (``execute_notebooks: inline``) and jupyterlab-myst does
it when the learner runs the markdown cell. Both show the result's plain-text form, and a
Python string would show with its quotes in JupyterLab, so every helper here returns a `Shown`:
text whose ``repr`` is the text itself.

The format follows Python's format mini-language, so ``show(x, ".1%")`` is ``f"{x:.1%}"``.
"""

from __future__ import annotations

import math
import re
from numbers import Integral, Real


class Shown:
    """A value as the prose shows it; ``repr`` is the text without quotes."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = str(text)

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    def __eq__(self, other) -> bool:
        return str(other) == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def _real(value, name: str = "value") -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        try:
            value = float(value)  # NumPy and torch scalars
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}") from None
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} is {value}: the prose would show a meaningless number. "
                         "Check the computation that produced it.")
    return value


def show(value, spec: str = "") -> Shown:
    """``value`` formatted with a format spec, e.g. ``show(1234.5, ",.0f")`` -> 1,235."""
    if isinstance(value, str):
        return Shown(value)
    if isinstance(value, Integral) and not isinstance(value, bool):  # NumPy integers too: 7, not 7.0
        return Shown(format(int(value), spec))
    return Shown(format(_real(value), spec))


def pct(fraction, digits: int = 1) -> Shown:
    """A fraction as a percentage: ``pct(0.5534)`` -> 55.3%."""
    return Shown(f"{_real(fraction, 'fraction'):.{digits}%}")


def interval(low, high, digits: int = 1, *, percent: bool = True) -> Shown:
    """A confidence interval in brackets: ``interval(0.522, 0.709)`` -> [52.2%, 70.9%]."""
    low, high = _real(low, "low"), _real(high, "high")
    if low > high:
        raise ValueError(f"interval({low}, {high}): the lower end is above the upper end.")
    fmt = f".{digits}%" if percent else f".{digits}f"
    return Shown(f"[{low:{fmt}}, {high:{fmt}}]")


def choose(condition: bool, if_true: str, if_false: str) -> Shown:
    """A computed word or phrase: the prose says ``if_true`` exactly when ``condition`` holds."""
    return Shown(if_true if bool(condition) else if_false)


def verdict(low, high, threshold, *, reached: str, close: str, not_reached: str,
            higher_is_better: bool = True) -> Shown:
    """A three-way conclusion decided by an interval, never by its point estimate.

    ``reached`` when the whole interval [low, high] lies past ``threshold`` (above it, or below it
    when ``higher_is_better=False``), ``not_reached`` when the whole interval falls short of it,
    and ``close`` when the interval contains it (the data cannot tell). E.g.
    ``verdict(low, high, 0.5, reached="beats a coin flip", close="cannot be told from a coin flip",
    not_reached="does worse than a coin flip")``.

    The three phrases have no defaults on purpose: the Chinese edition translates the literal
    words of a call (as for `choose`), and a default phrase would stay English there.
    """
    low, high, threshold = _real(low, "low"), _real(high, "high"), _real(threshold, "threshold")
    if low > high:
        raise ValueError(f"verdict({low}, {high}, ...): the lower end is above the upper end.")
    if not higher_is_better:   # mirror the line, so that "past the threshold" means "above it"
        low, high, threshold = -high, -low, -threshold
    if low > threshold:
        return Shown(reached)
    if high < threshold:
        return Shown(not_reached)
    return Shown(close)


COUNTS = ("{k}", "{n}")   # the placeholders a tally phrase may hold: how many, of how many


def tally(k, n, *, none: str, some: str, every: str) -> Shown:
    """How many of `n` things: ``none`` when `k` is 0, ``every`` when `k` is `n`, ``some`` between,
    with ``{k}`` and ``{n}`` in the phrase filled in, so that 0 and all read as words. E.g.
    ``tally(3, 5, none="none of the {n} seeds", some="{k} of the {n} seeds", every="all {n} seeds")``
    -> 3 of the 5 seeds; with k = 0, none of the 5 seeds.

    The Chinese edition translates the three phrases with their placeholders (values.po:
    ``"{k} of the {n} seeds"`` -> ``"{n} 个种子中有 {k} 个"``) and fills them in the same way
    (`translate_tally`).
    """
    count, total = _real(k, "k"), _real(n, "n")
    if not (count.is_integer() and total.is_integer() and 0 <= count <= total):
        raise ValueError(f"tally({k}, {n}): k must be a whole number from 0 to n, n a whole number; "
                         "pass the counts, not a share.")
    phrase = str(choose(count == 0, none, choose(count == total, every, some)))
    return Shown(phrase.format(k=int(count), n=int(total)))


def _tally_pattern(phrase: str) -> re.Pattern | None:
    """The texts `phrase` (with {k}, {n}) prints, as a pattern with the counts as groups; None for a
    phrase without placeholders."""
    if not any(p in phrase for p in COUNTS):
        return None
    pattern = re.escape(phrase)
    for name in ("k", "n"):   # the first place names the count, later places must repeat it
        placeholder = re.escape("{" + name + "}")
        pattern = pattern.replace(placeholder, f"(?P<{name}>\\d+)", 1).replace(placeholder, f"(?P={name})")
    return re.compile(pattern)


def translate_tally(text: str, translations: dict[str, str]) -> str | None:
    """`text` printed by `tally`, in the language of `translations` (English phrase with placeholders
    -> translated phrase with the same placeholders); None when no phrase printed it."""
    for phrase, translated in translations.items():
        pattern = _tally_pattern(phrase)
        match = pattern.fullmatch(text) if pattern else None
        if match:
            return translated.format(**{name: match.groupdict().get(name, "") for name in ("k", "n")})
    return None
