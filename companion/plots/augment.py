"""Figures for chapter 05: what each augmentation does to a real price path, and the ablation."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def augmentation_panel(dates: pd.DatetimeIndex, original: np.ndarray, variants: dict[str, np.ndarray],
                       *, ax=None, title: str = "", ylabel: str = "adjusted close (CNY)",
                       shade: np.ndarray | None = None, shade_label: str = "calm (trailing vol.)"):
    """One real path and its augmented versions, all ending on the same last input day.

    dates, original : ``[time]``; variants : name -> ``[time]`` (same length, same last day).
    shade : optional bool ``[time]``; shaded days (e.g. where jitter may act).
    Returns the axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    if shade is not None:
        ymin, ymax = np.nanmin(original), np.nanmax(original)
        ax.fill_between(dates, ymin, ymax, where=shade, color="0.9", step="mid", label=shade_label)
    ax.plot(dates, original, color="black", lw=2, label="real")
    for name, values in variants.items():
        ax.plot(dates, values, lw=1.2, label=name)
    ax.axvline(dates[-1], color="0.4", ls=":", lw=1)
    locator = mdates.AutoDateLocator(maxticks=6)       # few, short date labels: no overlap at book width
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("trading day")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="best")
    return ax


def ablation_plot(summary: pd.DataFrame, *, ax=None, title: str = "",
                  baselines: dict[str, float] | None = None):
    """Mean test accuracy per configuration with its 95% interval and the spread over seeds.

    summary : one row per configuration with columns ``config``, ``mean``, ``low``, ``high``
    (interval of the mean accuracy) and ``min``, ``max`` (over seeds).
    baselines : optional name -> accuracy of a rule that needs no model on the SAME test period
    (e.g. "always up"), drawn as labelled vertical lines: a model is read against these.
    Returns the axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    y = np.arange(len(summary))[::-1]
    ax.errorbar(summary["mean"], y, xerr=[summary["mean"] - summary["low"],
                                          summary["high"] - summary["mean"]],
                fmt="o", capsize=3, color="C0", label="mean, 95% Wilson interval")
    ax.scatter(summary["min"], y, marker="|", s=120, color="C3", label="min / max over seeds")
    ax.scatter(summary["max"], y, marker="|", s=120, color="C3")
    styles = iter([("0.35", "--"), ("0.35", ":"), ("0.6", "-.")])
    for name, value in (baselines or {}).items():
        color, ls = next(styles)
        ax.axvline(value, color=color, ls=ls, lw=1.2, label=f"{name}: {value:.1%}")
    ax.set_yticks(y, summary["config"])
    ax.set_ylim(-0.7, len(summary) - 0.3)
    ax.set_xlabel("test accuracy (share of stock-days called right)")
    ax.set_title(title)
    return ax


def ablation_grid(summary: pd.DataFrame, baselines: dict[str, dict[str, float]] | None = None,
                  *, panel: str = "data", titles: dict[str, str] | None = None):
    """One `ablation_plot` panel per data set (each on its own accuracy scale), one legend below.

    summary : rows of `ablation_plot`'s columns plus a ``panel`` column (e.g. "synthetic", "real").
    baselines : panel value -> {name: accuracy}, the no-model rules of that panel's test period.
    titles : panel value -> title (default: the value). Returns the figure.
    """
    names = list(dict.fromkeys(summary[panel]))
    if not names:
        raise ValueError(f"summary has no rows: nothing to draw (column {panel!r} is empty).")
    fig, axes = plt.subplots(1, len(names), figsize=(8, 3.9), sharey=True, squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        ablation_plot(summary[summary[panel] == name], ax=ax, title=(titles or {}).get(name, name),
                      baselines=(baselines or {}).get(name))
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    fig.tight_layout()
    return fig


def event_shift_plot(ret_real: np.ndarray, ret_shifted: np.ndarray, clock_real: np.ndarray,
                     clock_shifted: np.ndarray, *, delay: int):
    """A window before and after `augment.shift_event`: daily returns (left), event clock (right).

    All four arrays are ``[time]`` of one window, the last entry being the last input day.
    Returns the figure.
    """
    n = len(ret_real)
    if not all(len(a) == n for a in (ret_shifted, clock_real, clock_shifted)):
        raise ValueError("ret_real, ret_shifted, clock_real and clock_shifted must have the same "
                         f"length (one window); got {[len(a) for a in (ret_real, ret_shifted, clock_real, clock_shifted)]}.")
    later = f"event {delay} days later"
    days = np.arange(-n + 1, 1)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.4))
    axes[0].bar(days - 0.2, 100 * np.asarray(ret_real), width=0.4, color="0.2", label="real")
    axes[0].bar(days + 0.2, 100 * np.asarray(ret_shifted), width=0.4, color="C1", label=later)
    axes[0].set(xlabel="trading day relative to the last input day", ylabel="daily log return (%)",
                title="the shock moves later")
    axes[1].step(days, clock_real, where="mid", color="0.2", label="real")
    axes[1].step(days, clock_shifted, where="mid", color="C1", ls="--", label=later)
    axes[1].set(xlabel="trading day relative to the last input day",
                ylabel="days_since_event (days)", title="and so does the event clock")
    axes[0].legend(fontsize=8, loc="upper left")
    axes[1].legend(fontsize=8, loc="center left")   # the clock's upper left holds the capped value
    fig.tight_layout()
    return fig
