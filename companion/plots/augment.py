"""Figures for chapter 05: what each augmentation does to a real price path, and the ablation."""

from __future__ import annotations

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
    ax.set_xlabel("trading day")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="best")
    return ax


def ablation_plot(summary: pd.DataFrame, *, ax=None, title: str = ""):
    """Mean test accuracy per configuration with its 95% interval and the spread over seeds.

    summary : one row per configuration with columns ``config``, ``mean``, ``low``, ``high``
    (interval of the mean accuracy) and ``min``, ``max`` (over seeds). Returns the axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    y = np.arange(len(summary))[::-1]
    ax.errorbar(summary["mean"], y, xerr=[summary["mean"] - summary["low"],
                                          summary["high"] - summary["mean"]],
                fmt="o", capsize=3, color="C0", label="mean, 95% Wilson interval")
    ax.scatter(summary["min"], y, marker="|", s=120, color="C3", label="min / max over seeds")
    ax.scatter(summary["max"], y, marker="|", s=120, color="C3")
    ax.axvline(0.5, color="0.5", ls=":", lw=1)
    ax.set_yticks(y, summary["config"])
    ax.set_xlabel("test accuracy (share of stock-days called right)")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="lower right")
    return ax
