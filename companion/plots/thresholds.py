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
