"""Figures of chapters 8 and 9: equity curves with drawdowns, and the luck of the best of N."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def equity_curve(result, ax=None, *, title: str | None = None, others: dict | None = None):
    """The strategy's equity beside buy-and-hold (and ``others``: name -> equity Series), in CNY.

    result: a `backtest.BacktestResult`. The shaded band under the strategy is its drawdown
    from the running peak, the loss a holder would have sat through.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.8))
    eq = result.equity
    ax.plot(eq.index, eq.to_numpy(), color="C0", lw=1.6, label="strategy (after costs)")
    ax.fill_between(eq.index, eq.cummax().to_numpy(), eq.to_numpy(), color="C0", alpha=0.15,
                    label="drawdown")
    ax.plot(result.benchmark.index, result.benchmark.to_numpy(), color="0.4", lw=1.2, ls="--",
            label="buy and hold (equal weight)")
    for k, (name, series) in enumerate((others or {}).items()):
        ax.plot(series.index, series.to_numpy(), lw=1.0, color=f"C{k + 2}", label=name)
    ax.axhline(eq.iloc[0], color="k", lw=0.6)
    ax.set_xlabel("date")
    ax.set_ylabel("account value (CNY)")
    ax.set_title(title or "Equity after every fee, against buy-and-hold")
    ax.legend(fontsize=8, loc="upper left")
    ax.figure.autofmt_xdate()
    return ax


def best_of_n_plot(n_values, best_by_n: dict, n_days: int, ax=None, *, claim: float | None = None):
    """Mean and 5–95% range of the best accuracy among N coin-flip models, for each N."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    n_values = list(n_values)
    mean = [best_by_n[n].mean() for n in n_values]
    low = [np.quantile(best_by_n[n], 0.05) for n in n_values]
    high = [np.quantile(best_by_n[n], 0.95) for n in n_values]
    ax.fill_between(n_values, low, high, alpha=0.2, label="5–95% of simulations")
    ax.plot(n_values, mean, marker="o", label="mean best accuracy")
    if claim is not None:
        ax.axhline(claim, color="C3", ls="--", label=f"claimed {claim:.1%}")
    ax.axhline(0.5, color="k", lw=0.6)
    ax.set_xscale("log")
    ax.set_xlabel("number of coin-flip models tried (N)")
    ax.set_ylabel(f"best validation accuracy on {n_days} days")
    ax.set_title("The best of N useless models looks skilful")
    ax.legend(fontsize=8)
    return ax
