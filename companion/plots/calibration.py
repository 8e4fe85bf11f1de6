"""Figures for chapters 06 and 07: reliability diagrams and risk-coverage curves.

Both draw from `companion.metrics` (reliability_table, risk_coverage), so the figure and the
numbers in the text come from the same code. Each takes an ``ax`` to draw several models side by side.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from companion.metrics import reliability_table, risk_coverage


def reliability_diagram(y, p, *, n_bins: int = 5, label: str | None = None, ax=None,
                        strategy: str = "quantile", color=None):
    """Observed fraction of up days against the mean predicted probability, bin by bin.

    y, p: any equal shapes, e.g. [samples, stock]. Equal-frequency bins by default (probabilities
    of weak models crowd near 0.5). Vertical bars: 95% Wilson intervals of each bin's fraction.
    A calibrated model sits on the diagonal. Returns the axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    table = reliability_table(y, p, n_bins, strategy=strategy)
    err = np.vstack([table["frac_up"] - table["frac_low"], table["frac_high"] - table["frac_up"]])
    ax.errorbar(table["mean_p"], table["frac_up"], yerr=err, marker="o", capsize=3,
                label=label, color=color)
    # One diagonal per axes, however many models are drawn on it; it spans everything drawn so far.
    lo = min(table["mean_p"].min(), table["frac_low"].min(), 0.3, *getattr(ax, "_diag_span", ()))
    hi = max(table["mean_p"].max(), table["frac_high"].max(), 0.7, *getattr(ax, "_diag_span", ()))
    if getattr(ax, "_diag_line", None) is None:
        (ax._diag_line,) = ax.plot([lo, hi], [lo, hi], ls="--", color="grey", lw=1, label="calibrated")
    else:
        ax._diag_line.set_data([lo, hi], [lo, hi])
    ax._diag_span = (lo, hi)
    ax.set_xlabel("mean predicted P(up) in bin")
    ax.set_ylabel("observed fraction of up days")
    ax.set_title("Reliability diagram")
    if label:
        ax.legend(fontsize=8)
    return ax


def risk_coverage_curve(y, p, *, confidence=None, label: str | None = None, ax=None,
                        band: bool = True, min_n: int = 10, color=None):
    """Accuracy of the most confident predictions against the fraction of them kept.

    y, p: any equal shapes; confidence: same size (default ``|p - 0.5|``), higher = trade first.
    Shaded band: 95% Wilson interval. Points scoring fewer than ``min_n`` predictions are not drawn
    (their intervals span most of [0, 1]). A dotted line marks the accuracy of keeping everything.
    Returns the axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4))
    rc = risk_coverage(y, p, confidence=confidence)
    rc = rc[rc["n"] >= min_n]
    (line,) = ax.plot(rc["coverage"], rc["accuracy"], label=label, color=color)
    if band:
        ax.fill_between(rc["coverage"], rc["low"], rc["high"], alpha=0.15, color=line.get_color())
    ax.axhline(rc["accuracy"].iloc[-1], ls=":", color=line.get_color(), lw=1)
    ax.axhline(0.5, ls="--", color="grey", lw=1)
    ax.set_xlabel("coverage (fraction of predictions acted on)")
    ax.set_ylabel("accuracy of those acted on")
    ax.set_title("Risk-coverage: trade only the most confident")
    ax.set_xlim(0, 1)
    if label:
        ax.legend(fontsize=8)
    return ax


def risk_coverage_panels(y, panels: dict, *, title: str = "", min_n: int = 10):
    """Small multiples of risk-coverage curves: at most a few curves per panel, one y scale.

    y : true labels, any shape. panels : panel title -> {curve label -> (p, confidence)}, with p
    shaped like y and confidence None (rank by ``|p - 0.5|``) or shaped like y (higher = trade first).
    The first curve of each panel carries its 95% Wilson band. Returns the figure.
    """
    if not panels:
        raise ValueError("panels is empty: give at least one {title: {label: (p, confidence)}}.")
    crowded = {t: len(c) for t, c in panels.items() if len(c) > 4}
    if crowded:
        raise ValueError(f"at most 4 curves per panel stay readable; got {crowded}. Split them.")
    fig, axes = plt.subplots(1, len(panels), figsize=(8, 3.8), sharey=True, squeeze=False)
    for ax, (panel_title, curves) in zip(axes[0], panels.items(), strict=True):
        for i, (label, (p, conf)) in enumerate(curves.items()):
            risk_coverage_curve(y, p, confidence=conf, ax=ax, label=label, band=i == 0, min_n=min_n,
                                color="black" if "oracle" in label else None)
        ax.set_title(panel_title, fontsize=10)
        ax.legend(fontsize=7, loc="upper right")
    for ax in axes[0][1:]:
        ax.set_ylabel("")
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def score_by_model(table, columns: dict[str, str], *, model: str = "model", panel: str = "data",
                   xlabel: str = "", lower_is_better: bool = True):
    """Per model: the mean of each score over seeds with its 95% t-interval, one panel per data set.

    table : one row per (panel, model, seed) run, e.g. benchmarks/results/uncertainty_heads.csv.
    columns : score column -> legend label (e.g. {"ece": "ECE", "ece_ts": "ECE after T"}).
    Returns the figure.
    """
    from scipy.stats import t as student_t

    missing = [c for c in [model, panel, *columns] if c not in table.columns]
    if missing:
        raise ValueError(f"table lacks the columns {missing}; it has {list(table.columns)}.")
    names = list(dict.fromkeys(table[panel]))
    models = list(dict.fromkeys(table[model]))
    fig, axes = plt.subplots(1, len(names), figsize=(8, 3.4), sharey=True, squeeze=False)
    offsets = np.linspace(-0.15, 0.15, len(columns)) if len(columns) > 1 else [0.0]
    for ax, name in zip(axes[0], names, strict=True):
        part = table[table[panel] == name]
        for (col, label), dy in zip(columns.items(), offsets, strict=True):
            stats = part.groupby(model)[col].agg(["mean", "std", "count"]).reindex(models)
            half = student_t.ppf(0.975, stats["count"] - 1) * stats["std"] / np.sqrt(stats["count"])
            ax.errorbar(stats["mean"], np.arange(len(models)) + dy, xerr=half, fmt="o", capsize=3,
                        label=f"{label} (mean, 95% interval over seeds)")
        ax.set_yticks(np.arange(len(models)), models)
        ax.invert_yaxis()
        ax.set_title(f"{name} test set", fontsize=10)
        ax.set_xlabel(xlabel + (" (lower is better)" if lower_is_better else " (higher is better)"))
    axes[0][0].legend(fontsize=7, loc="upper center", bbox_to_anchor=(1.0, -0.25), ncol=2,
                      frameon=False)
    fig.tight_layout()
    return fig
