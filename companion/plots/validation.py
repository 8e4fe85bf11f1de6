"""Figures of chapter 9 and the results page: accuracies with their intervals, side by side.

Every accuracy the course shows comes with a 95% Wilson interval, and a comparison is only fair
within one test period, against that period's naive baselines (always up, always down). These
functions draw exactly that, so a reader sees intervals, not ranks.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def accuracy_intervals(labels, accuracy, low, high, ax=None, *, references: dict | None = None,
                       title: str | None = None, xlabel: str = "accuracy with its 95% Wilson interval"):
    """One row per label: a dot at the accuracy and a bar over its interval.

    labels: [n] names; accuracy, low, high: [n] fractions. references: name -> accuracy drawn as
    vertical lines (e.g. the period's always-up and always-down scores). Percent on the x-axis.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(labels) + 1.6))
    acc, lo, hi = (100 * np.asarray(v, dtype=float) for v in (accuracy, low, high))
    known = ~(np.isnan(lo) | np.isnan(hi))  # NaN bounds: the point is drawn alone
    if not (np.all(lo[known] <= acc[known] + 1e-9) and np.all(acc[known] <= hi[known] + 1e-9)):
        raise ValueError("every accuracy must lie inside its interval (low <= accuracy <= high); "
                         "check that low and high are not swapped")
    y = np.arange(len(acc))[::-1]
    ax.errorbar(acc, y, xerr=[np.nan_to_num(acc - lo), np.nan_to_num(hi - acc)], fmt="o", color="C0", capsize=3)
    styles = iter([("C3", "--"), ("C2", ":"), ("0.4", "-."), ("C4", "--")])
    for name, value in (references or {}).items():
        color, ls = next(styles)
        ax.axvline(100 * value, color=color, ls=ls, lw=1.2, label=f"{name}: {value:.1%}")
    ax.axvline(50, color="k", lw=0.5)
    ax.set_yticks(y, list(labels))
    ax.set_xlabel(f"{xlabel} (%)")
    if title:
        ax.set_title(title, fontsize=10)
    if references:
        # beside the axes, so that it never covers a dot
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0,
                  frameon=False)
    return ax


def fold_accuracy_plot(starts, accuracy, low, high, ax=None, *, chance: float = 0.5):
    """Walk-forward folds: each test block's accuracy at its start date, with its interval."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    x = pd.to_datetime(pd.Series(starts))
    acc, lo, hi = (100 * np.asarray(v, dtype=float) for v in (accuracy, low, high))
    ax.errorbar(x, acc, yerr=[acc - lo, hi - acc], fmt="o", capsize=3, color="C0",
                label="accuracy of one test block, 95% Wilson interval")
    ax.axhline(100 * chance, color="k", lw=0.6, label="coin flip")
    ax.set_xlabel("start of the test block")
    ax.set_ylabel("accuracy, next-day direction (%)")
    ax.set_title("Walk-forward: one accuracy per test block")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, frameon=False)
    ax.figure.autofmt_xdate()
    return ax
