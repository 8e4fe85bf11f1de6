"""Figures for chapter 04: the learning curve against the Bayes limit, the diagnosis, the lag
ablation, the hidden-state probe and the experts' speed table.

The functions draw what they are given (tables of ``benchmarks/follower_learning_curve.py`` and
``benchmarks/experts_speed.py``); `mean_over_seeds` turns per-seed rows into the means and
intervals they draw, so the prose and the figures use the same numbers.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter
from scipy import stats


def mean_over_seeds(table: pd.DataFrame, by: list[str], column: str = "accuracy",
                    level: float = 0.95) -> pd.DataFrame:
    """Mean of ``column`` over seeds per group, with a Student-t interval of the mean.

    table : one row per seed and group (e.g. years x model x seed). Returns one row per group:
    ``mean``, ``low``, ``high`` (interval of the mean over seeds), ``sd`` and ``n_seeds``.
    A group with one seed has no interval (NaN).
    """
    missing = [c for c in [*by, column] if c not in table.columns]
    if missing:
        raise ValueError(f"table lacks the columns {missing}; it has {list(table.columns)}")
    g = table.groupby(by, sort=True)[column]
    out = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1), "n_seeds": g.count()})
    half = stats.t.ppf(0.5 + level / 2, out.n_seeds - 1) * out.sd / np.sqrt(out.n_seeds)
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out[["mean", "low", "high", "sd", "n_seeds"]]


def _errorbars(ax, x, s: pd.DataFrame, **kw):
    ax.errorbar(x, s["mean"], yerr=[s["mean"] - s["low"], s["high"] - s["mean"]], capsize=3,
                marker="o", ms=4, **kw)


def learning_curve_plot(curve: pd.DataFrame, models: list[str], *, target: float = 0.02, axes=None):
    """Left: the follower's mean test accuracy against years of history, beside the Bayes limit.
    Right: the gap to the Bayes limit (accuracy - Bayes, per seed, then averaged), with the
    ``target`` band. Error bars: 95% t-intervals of the mean over seeds.

    curve : rows years x seed x model with ``accuracy`` and ``bayes_accuracy``. Returns the axes.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    curve = curve.assign(gap=curve.accuracy - curve.bayes_accuracy)
    # the Bayes limit on the oracle's test days (the story's windows), else on the first model's
    rows = curve[curve.model == ("oracle" if (curve.model == "oracle").any() else models[0])]
    bayes = mean_over_seeds(rows, ["years"], "bayes_accuracy")
    axes[0].plot(bayes.index, bayes["mean"], "k--", lw=1.5, label="Bayes limit")
    for i, name in enumerate(models):
        part = curve[curve.model == name]
        offset = 1 + 0.03 * (i - len(models) / 2)  # spread the markers on the log axis
        acc, gap = mean_over_seeds(part, ["years"]), mean_over_seeds(part, ["years"], "gap")
        _errorbars(axes[0], acc.index * offset, acc, label=name, color=f"C{i}")
        _errorbars(axes[1], gap.index * offset, gap, label=name, color=f"C{i}")
    axes[1].axhspan(-target, 0, color="C2", alpha=0.15, label=f"within {target:.0%} of the limit")
    axes[1].axhline(0, color="k", ls="--", lw=1)
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xticks(sorted(curve.years.unique()), [str(y) for y in sorted(curve.years.unique())])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("years of simulated history (70% train, 15% validation, 15% test)")
    axes[0].set_ylabel("follower's test accuracy")
    axes[1].set_ylabel("accuracy - Bayes limit")
    axes[0].set_title("Accuracy against the Bayes limit")
    axes[1].set_title("Gap to the limit (mean over seeds)")
    axes[0].legend(fontsize=7, loc="lower right")
    return axes


def diagnosis_plot(diagnosis: pd.DataFrame, chosen: str, *, ax=None):
    """One row per training variant: mean validation log loss (the choice) and test gap to Bayes.

    diagnosis : rows variant x seed with ``val_log_loss``, ``accuracy``, ``bayes_accuracy``.
    Returns the two axes.
    """
    if ax is None:
        _, ax = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    d = diagnosis.assign(gap=diagnosis.accuracy - diagnosis.bayes_accuracy)
    val = mean_over_seeds(d, ["variant"], "val_log_loss").sort_values("mean", ascending=False)
    gap = mean_over_seeds(d, ["variant"], "gap").loc[val.index]
    y = np.arange(len(val))
    for a, s, label in ((ax[0], val, "validation log loss of the follower (nats)"),
                        (ax[1], gap, "test accuracy - Bayes limit")):
        colours = ["C3" if v == chosen else "C0" for v in s.index]
        a.errorbar(s["mean"], y, xerr=[s["mean"] - s["low"], s["high"] - s["mean"]], fmt="none",
                   ecolor="0.4", capsize=3)
        a.scatter(s["mean"], y, c=colours, zorder=3)
        a.set_xlabel(label)
    ax[0].set_yticks(y, val.index)
    ax[1].axvline(0, color="k", ls="--", lw=1)
    ax[0].set_title("Chosen on validation (red: lowest)")
    ax[1].set_title("Scored once on test")
    return ax


def lag_ablation_plot(lags: pd.DataFrame, planted: int, *, axes=None):
    """Rise of the follower's log loss when the leader's input on one window day is shuffled.

    lags : rows history (``years``) x seed x lag with ``increase``; one panel per history, each
    with its own y-axis (a long history's rises would flatten a short one's). Bars: mean over
    seeds, whiskers: standard deviation. Returns the axes.
    """
    years = sorted(lags.years.unique())
    if axes is None:
        _, axes = plt.subplots(1, len(years), figsize=(min(8.0, 1.8 * len(years)), 2.8))
    for ax, y in zip(np.atleast_1d(axes), years, strict=True):
        s = lags[lags.years == y].groupby("lag")["increase"].agg(["mean", "std"])
        colours = ["C3" if lag == planted else "C0" for lag in s.index]
        ax.bar(s.index, s["mean"], yerr=s["std"], color=colours, capsize=3)
        ax.axhline(0, color="0.5", lw=0.8)
        ax.set_title(f"{y} years")
        ax.set_xticks(s.index)
        ax.set_xlabel("lag (days)")
    np.atleast_1d(axes)[0].set_ylabel("rise of log loss (nats)")
    return axes


def probe_plot(probe: pd.DataFrame, *, ax=None):
    """R^2 of a linear probe for the leader's return ``lag`` days back, read from the coordinator's
    last state, against years of history; one line per (model, lag). Returns the axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.4))
    p = probe[probe.part == "coordinator"]
    for i, (model, ls) in enumerate((("two_level", "-"), ("untrained", ":"))):
        for lag in sorted(p.lag.unique()):
            s = mean_over_seeds(p[(p.model == model) & (p.lag == lag)], ["years"], "r2")
            ax.plot(s.index, s["mean"], ls=ls, marker="o", ms=3, color=f"C{lag - 1}",
                    label=f"lag {lag}" if i == 0 else None)
    ax.plot([], [], "k:", label="untrained model")
    ax.set_xscale("log")
    ax.set_xticks(sorted(p.years.unique()), [str(y) for y in sorted(p.years.unique())])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("years of simulated history")
    ax.set_ylabel("probe R² on test windows")
    ax.legend(fontsize=7, ncol=2)
    return ax


def speed_plot(ratios: pd.DataFrame, paths=("batched", "auto", "shared"), *, ax=None):
    """Speed-up over the loop (loop time / path time, log scale) per mode and number of stocks.

    ratios : index (mode, stocks), one column per path. Bars above the line at 1 are faster than
    the loop. Returns the axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.2))
    x = np.arange(len(ratios))
    width = 0.8 / len(paths)
    for i, path in enumerate(paths):
        ax.bar(x + (i - (len(paths) - 1) / 2) * width, ratios[path], width, label=path, color=f"C{i}")
    ax.axhline(1, color="k", lw=1, ls="--")
    ax.set_yscale("log")
    ax.set_xticks(x, [f"{mode}\n{n} stocks" for mode, n in ratios.index])
    ax.set_ylabel("speed-up over the loop (×)")
    ax.legend(fontsize=8)
    return ax
