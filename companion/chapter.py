"""What a chapter's notebook needs that is not its lesson: the prose helpers and the chapter's clock.

A chapter brings both with one line in a set-up cell that the book runs but does not show (tags
`remove-input` and `remove-output`; myst-nb's inline execution skips a `remove-cell` cell) and
that JupyterLab shows collapsed, so that the code a learner reads is the lesson:

    from companion.chapter import choose, interval, pct, show, start_clock, tally, verdict  # noqa: F401
    start_clock()

and its last, equally hidden, cell prints `chapter_seconds()` (each chapter must run in under a minute
on a laptop CPU; the printed time shows it in the saved outputs).
"""

from __future__ import annotations

import time

from companion.checks import Described, refuse
from companion.prose import choose, interval, pct, show, tally, verdict

__all__ = ["chapter_seconds", "choose", "interval", "pct", "show", "start_clock", "tally", "verdict"]

_started: list[float] = []   # the clock's start, set by start_clock (a list: no `global` needed)


def start_clock() -> None:
    """Start (or restart, when the chapter is run again) the chapter's clock."""
    _started[:] = [time.perf_counter()]


def chapter_seconds() -> float:
    """Seconds since start_clock() was called."""
    if not _started:
        refuse("the chapter's clock", "started", Described("no start_clock() call"),
               "Run the chapter's set-up cells first (Run All).", RuntimeError)
    return time.perf_counter() - _started[0]
