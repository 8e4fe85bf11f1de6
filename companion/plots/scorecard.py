"""Figures of the baseline chapter: loss per epoch, accuracies with intervals, scores over seeds,
and the luck of the best of many coin-flip models.

Each function draws exactly the numbers it is given (the chapter computes them with
`companion.metrics`), so a figure and the prose beside it cannot disagree. Each takes an ``ax`` so
that a chapter can put several panels side by side; legends sit outside the data.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from companion.plots.validation import accuracy_intervals

_INTERVAL_COLUMNS = ("accuracy", "accuracy_low", "accuracy_high")


def _legend_below(ax, ncol: int = 3):
    # Below the axes, so that no legend ever covers a point or an interval.
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=ncol, frameon=False)


def scorecard_intervals(card: pd.DataFrame, ax=None, *, references: dict[str, float] | None = None,
                        title: str | None = None):
    """`accuracy_intervals` for a table of `companion.metrics.scorecard` rows, one model a row.

    ``card`` is indexed by model name and has the columns accuracy, accuracy_low, accuracy_high
    (NaN bounds draw the point alone). ``references`` maps a label to an accuracy drawn as a
    vertical line, e.g. {"coin flip": 0.5}. The first row is drawn at the top. Returns the axes.
    """
    missing = [c for c in _INTERVAL_COLUMNS if c not in card.columns]
    if missing:
        raise ValueError(f"card lacks the columns {missing}: expected {list(_INTERVAL_COLUMNS)}, "
                         "e.g. a DataFrame of companion.metrics.scorecard rows")
    acc, low, high = (card[c].astype(float).to_numpy() for c in _INTERVAL_COLUMNS)
    bad = (low > acc + 1e-12) | (high < acc - 1e-12)
    if bad.any():
        raise ValueError(f"the interval does not contain the accuracy for {list(card.index[bad])}")
    return accuracy_intervals([str(i) for i in card.index], acc, low, high, ax,
                              references=references, title=title)


def seed_scores(table: pd.DataFrame, ax=None, *, value: str = "accuracy", by: str = "model",
                title: str | None = None):
    """One dot per run (e.g. per seed) of every group in ``table[by]``, and each group's mean.

    ``table`` is long: one row per run. Groups are drawn top to bottom in order of appearance.
    Returns the axes.
    """
    for column in (value, by):
        if column not in table.columns:
            raise ValueError(f"table has no column {column!r}; it has {list(table.columns)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
    groups = list(dict.fromkeys(table[by]))
    for k, group in enumerate(groups):
        y = len(groups) - 1 - k
        runs = table.loc[table[by] == group, value].astype(float).to_numpy()
        # spread the dots a little in height so that equal scores stay visible
        offsets = np.linspace(-0.15, 0.15, len(runs)) if len(runs) > 1 else np.zeros(1)
        ax.scatter(runs, y + offsets, s=18, color="tab:blue", alpha=0.7,
                   label="one seed" if k == 0 else None)
        ax.plot([runs.mean()] * 2, [y - 0.3, y + 0.3], color="black", lw=2,
                label="mean over seeds" if k == 0 else None)
    ax.set_yticks(range(len(groups))[::-1], groups)
    ax.set(xlabel=value.replace("_", " "), title=title or f"{value} over seeds")
    if value == "accuracy":
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    _legend_below(ax, ncol=2)
    return ax


def best_of_n_histogram(best, ax=None, *, claim: float | None = None, n_models: int | None = None,
                        n_days: int | None = None):
    """Histogram of the best accuracy among N coin-flip models over many repeats.

    ``best``: [repeat] accuracies; ``claim`` (e.g. the story's 0.617) is drawn as a red line,
    the mean of ``best`` as a dashed one. Returns the axes.
    """
    best = np.asarray(best, dtype=float)
    if best.ndim != 1 or best.size == 0:
        raise ValueError(f"best must be a non-empty 1-d array [repeat], got shape {best.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
    step = 1 / n_days if n_days else 0.01
    edges = np.arange(best.min() - step / 2, best.max() + step, step)
    ax.hist(best, bins=edges, color="tab:grey", rwidth=0.9, label="repeats")
    ax.axvline(best.mean(), color="black", ls="--", label=f"mean of the best, {best.mean():.1%}")
    if claim is not None:
        ax.axvline(claim, color="tab:red", label=f"claimed {claim:.1%}")
    who = f"{n_models} coin-flip models" if n_models else "coin-flip models"
    days = f" on {n_days} days" if n_days else ""
    ax.set(xlabel=f"accuracy of the best of {who}{days}", ylabel="number of repeats",
           title=f"The best of {who} often looks skilled")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    _legend_below(ax, ncol=3)
    return ax
