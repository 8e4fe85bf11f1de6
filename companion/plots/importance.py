"""Figures of the feature-importance chapter: rankings against the truth, attention weights,
agreement over seeds, and permutation importance with its spread.

Each function draws the table it is given (the chapter computes it with `companion.importance`
and the models' attention), so the figure and the prose beside it cannot disagree.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def importance_ranks(readings: pd.DataFrame, truth: str | None = None) -> pd.DataFrame:
    """Rank of every feature (rows) under every reading (columns); 1 = most important.

    Columns are ordered with ``truth`` first. Ties share the better rank.
    """
    if truth is not None and truth not in readings.columns:
        raise ValueError(f"no column {truth!r} in readings; it has {list(readings.columns)}")
    ranks = readings.rank(ascending=False, method="min")
    if truth is not None:
        ranks = ranks[[truth, *[c for c in ranks.columns if c != truth]]]
    return ranks.astype(int)


def ranking_grid(readings: pd.DataFrame, truth: str, ax=None, *, title: str | None = None):
    """Each reading's ranking of the features as a grid of numbers, beside the true ranking.

    ``readings``: one row per feature, one column per reading (larger = more important), one of
    them the ``truth``. Rows are sorted by the true ranking, so a reading that agrees with the
    truth shows 1, 2, 3... down its column. Returns the axes.
    """
    ranks = importance_ranks(readings, truth).sort_values(truth, kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.4 * len(ranks) + 1.8), layout="constrained")
    n = len(ranks)
    ax.imshow(ranks.to_numpy(), cmap="viridis_r", vmin=1, vmax=n, aspect="auto")
    for (i, j), rank in np.ndenumerate(ranks.to_numpy()):
        ax.text(j, i, str(rank), ha="center", va="center", fontsize=10,
                color="black" if rank <= n / 2 else "white")   # dark text on the light (high) ranks
    ax.set_xticks(range(ranks.shape[1]), [c.replace(" (", "\n(") for c in ranks.columns], fontsize=8)
    ax.set_yticks(range(n), ranks.index)
    ax.set(xlabel="reading (1 = ranked most important)", ylabel="feature, by true importance",
           title=title or "How each reading ranks the features")
    ax.axvline(0.5, color="white", lw=3)  # set the truth apart from the readings
    return ax


def attention_mix(weights: np.ndarray, features, dates, ax=None, *, title: str | None = None):
    """Attention weights of one stock over time as stacked bands that add up to 1.

    ``weights``: [time, feature], e.g. ``att[:, stock, -1, :]`` of an input-attention model
    ([sample, stock, time, feature]) on the last day of each window. Returns the axes.
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2 or weights.shape != (len(dates), len(features)):
        raise ValueError(f"weights must be [time, feature] = ({len(dates)}, {len(features)}), "
                         f"got {weights.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
    ax.stackplot(pd.DatetimeIndex(dates), weights.T, labels=list(features), alpha=0.85)
    ax.axhline(1 / len(features), color="black", ls=":", lw=1)
    ax.set_ylim(0, 1)
    ax.set(xlabel="date", ylabel="attention weight (sums to 1)",
           title=title or "Attention weights per day")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.tick_params(axis="x", rotation=30)
    return ax


def rank_agreement(summary: pd.DataFrame, ax=None, *, mean: str = "spearman_mean",
                   sd: str = "spearman_sd", title: str | None = None):
    """Mean ± sd over seeds of each reading's rank correlation with the truth.

    ``summary``: one row per reading (index: its name, or a (weighting, method) pair), with the
    columns ``mean`` and ``sd``. A zero line marks a random ranking. Returns the axes.
    """
    for column in (mean, sd):
        if column not in summary.columns:
            raise ValueError(f"summary has no column {column!r}; it has {list(summary.columns)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(summary) + 1.6), layout="constrained")
    rows = np.arange(len(summary))[::-1]
    ax.errorbar(summary[mean], rows, xerr=summary[sd], fmt="o", capsize=4)
    ax.axvline(0, color="grey", lw=0.8)
    names = [" / ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in summary.index]
    ax.set_yticks(rows, names, fontsize=9)
    ax.set_xlim(-1.05, 1.05)
    ax.set(xlabel="Spearman rank correlation with the true |effect| (mean ± sd over seeds)",
           title=title or "Which reading ranks the signal features first?")
    return ax


def importance_bars(importance: pd.DataFrame, ax=None, *, title: str | None = None):
    """Permutation importance per feature as bars, with the spread over repeats as error bars.

    ``importance``: the frame of `companion.importance.permutation_importance` (columns feature,
    increase, increase_std). Returns the axes.
    """
    missing = {"feature", "increase", "increase_std"} - set(importance.columns)
    if missing:
        raise ValueError(f"importance lacks the columns {sorted(missing)}: pass the frame of "
                         "companion.importance.permutation_importance")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
    rows = np.arange(len(importance))[::-1]
    ax.barh(rows, importance["increase"], xerr=importance["increase_std"], capsize=3,
            color="tab:blue")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(rows, importance["feature"])
    ax.set(xlabel="rise of the log loss when shuffled (nats; bar: ± sd over repeats)",
           title=title or "Permutation importance")
    return ax
