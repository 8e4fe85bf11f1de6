"""Security codes in one spelling: ``300750.SZ``.

Exports spell the same stock many ways: ``sz300750`` (邢不行 / Sina), ``sz.300750`` (baostock),
``SZ300750``, ``300750.sz``, or just ``300750``. The rules that depend on the board (ChiNext ±20%
from 2020-08-24, STAR ±20%) read the six digits, so a code that keeps its prefix would silently get
the main-board ±10%. Codes that are not A-share codes (``SIM00`` of the synthetic market, an index
name) are returned unchanged.
"""

from __future__ import annotations

import re

from companion.checks import warn_renamed

_PREFIXED = re.compile(r"^(SH|SZ|BJ)\.?(\d{6})$")
_SUFFIXED = re.compile(r"^(\d{6})\.(SH|SZ|BJ|SS)$")
_DIGITS = re.compile(r"^\d{6}$")


def exchange_of(digits: str) -> str:
    """The exchange of a six-digit A-share code: 6/9 -> SH, 0/2/3 -> SZ, 4/8 -> BJ."""
    return {"6": "SH", "9": "SH", "4": "BJ", "8": "BJ"}.get(digits[0], "SZ")


def normalize_code(code) -> str:
    """``'sz300750'``, ``'sz.300750'``, ``'300750.sz'``, ``'300750'`` -> ``'300750.SZ'``.

    Anything that is not a six-digit A-share code is returned stripped but otherwise unchanged.
    """
    text = str(code).strip()
    upper = text.upper()
    if m := _PREFIXED.match(upper):
        return f"{m.group(2)}.{m.group(1)}"
    if m := _SUFFIXED.match(upper):
        return f"{m.group(1)}.{'SH' if m.group(2) == 'SS' else m.group(2)}"
    if _DIGITS.match(upper):
        return f"{upper}.{exchange_of(upper)}"
    return text


def board_digits(code) -> str:
    """The six digits of a code in any spelling ('' when it is not an A-share code)."""
    norm = normalize_code(code)
    return norm[:6] if _SUFFIXED.match(norm) else ""


def normalise_code(code) -> str:
    """Deprecated spelling of `normalize_code`."""
    warn_renamed("companion.codes.normalise_code", "companion.codes.normalize_code")
    return normalize_code(code)
