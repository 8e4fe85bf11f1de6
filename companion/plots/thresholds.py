"""Figures for chapter 07: what a weighted loss does to the logit, seen against a plain model."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def _logit(p) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float).ravel(), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def logit_shift_plot(pairs: dict[str, tuple[np.ndarray, np.ndarray]], shift: float):
    """Each prediction's logit under the weighted loss against its logit under the plain loss.

    pairs : panel title -> (p_plain, p_weighted), probabilities of the same predictions (any
    equal shapes, e.g. [samples, stock]). shift : the theoretical logit shift (-ln 1.5), drawn as a
    dashed line ``weighted = plain + shift`` beside the identity. Returns the figure.
    """
    if not pairs:
        raise ValueError("pairs is empty: give {title: (p_plain, p_weighted)}.")
    fig, axes = plt.subplots(1, len(pairs), figsize=(8, 3.6), squeeze=False)
    for ax, (title, (p_plain, p_weighted)) in zip(axes[0], pairs.items(), strict=True):
        a, b = _logit(p_plain), _logit(p_weighted)
        if a.shape != b.shape:
            raise ValueError(f"{title}: p_plain has {a.size} predictions, p_weighted {b.size}; "
                             "they must score the same stock-days.")
        ax.scatter(a, b, s=4, alpha=0.35, color="C0", label="one test stock-day")
        lo, hi = min(a.min(), b.min()), max(a.max(), b.max())
        ax.plot([lo, hi], [lo, hi], color="0.5", lw=1, label="no shift")
        ax.plot([lo, hi], [lo + shift, hi + shift], color="C3", ls="--", lw=1.5,
                label=f"shift {shift:+.3f} (theory)")
        ax.set(xlabel="logit, plain BCE", ylabel="logit, weighted BCE", title=title)
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def recall_threshold_plot(y, p, *, thresholds=None, marks: dict[str, tuple[float, float]] | None = None,
                          ax=None, title: str = ""):
    """Recall on up days and on down days of the rule "up when p >= threshold", over thresholds.

    y, p : labels and probabilities of one model, any equal shapes. marks : label ->
    (recall up, recall down) of another rule (e.g. the weighted model at 0.5), drawn as points at
    the threshold where the plain model's up-recall matches it. Returns the axes.
    """
    y, p = np.asarray(y, dtype=float).ravel(), np.asarray(p, dtype=float).ravel()
    if y.shape != p.shape:
        raise ValueError(f"y has {y.size} labels and p {p.size} probabilities; they must match.")
    if not (y == 1).any() or not (y == 0).any():
        raise ValueError("y needs both up (1) and down (0) days to measure recall on each.")
    if thresholds is None:
        thresholds = np.linspace(0.3, 0.7, 81)
    thresholds = np.asarray(thresholds, dtype=float)
    up = np.array([(p[y == 1] >= t).mean() for t in thresholds])
    down = np.array([(p[y == 0] < t).mean() for t in thresholds])
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(thresholds, up, color="C0", label="recall on up days")
    ax.plot(thresholds, down, color="C3", label="recall on down days")
    for i, (label, (r_up, r_down)) in enumerate((marks or {}).items()):
        at = thresholds[np.argmin(np.abs(up - r_up))]       # where the plain rule calls as many ups
        ax.plot([at], [r_up], "o", color="C0", mfc="none", ms=8 + 3 * i)
        ax.plot([at], [r_down], "o", color="C3", mfc="none", ms=8 + 3 * i, label=label)
    ax.set(xlabel="decision threshold on the probability", ylabel="recall (share called right)",
           title=title, ylim=(-0.02, 1.02))
    ax.legend(fontsize=7, loc="center left")
    return ax
