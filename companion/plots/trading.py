"""Figures of chapters 8 and 9: costs, trades and equity curves, and the luck of the best of N."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


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
    # beside the axes, never over a curve
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
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


def round_trip_cost_plot(values, cost_fraction, ax=None, *, mark: float | None = None,
                         mark_label: str | None = None):
    """The cost of a buy and its sale, as a share of the value traded, against that value.

    values: [n] CNY traded, increasing; cost_fraction: [n] round-trip fees / value (a fraction).
    ``mark`` draws a dashed vertical line at one value (e.g. the story's account).
    Log x-axis, because the 5 CNY minimum makes the cost fall like 1 / value.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(values, 100 * np.asarray(cost_fraction, dtype=float), color="C0",
            label="round-trip fees")
    if mark is not None:
        ax.axvline(mark, color="C3", ls="--", label=mark_label or f"{mark:,.0f} CNY")
    ax.set_xscale("log")
    ax.set_xlabel("value traded (CNY, log scale)")
    ax.set_ylabel("round-trip cost (% of value)")
    ax.set_title("The 5 CNY minimum commission dominates small trades")
    ax.legend(fontsize=8, loc="upper right")
    return ax


def trades_chart(close: pd.Series, fills: pd.DataFrame, equity: pd.Series, *, title: str | None = None):
    """Two panels for one stock: its close with the buys and sells marked, and the account value.

    close: [day] CNY; fills: rows with ``date``, ``side`` ('buy'/'sell') and ``price``;
    equity: [day] CNY. Returns the figure (two axes sharing the date axis).
    """
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 4.5), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2]})
    top.plot(close.index, close.to_numpy(), color="0.3", lw=1.2, label="close")
    for side, marker, color in (("buy", "^", "C2"), ("sell", "v", "C3")):
        rows = (fills[fills["side"] == side] if len(fills)
                else pd.DataFrame({"date": pd.to_datetime([]), "price": []}))
        top.scatter(pd.to_datetime(rows["date"]), rows["price"], marker=marker, color=color,
                    s=28, zorder=3, label=side)
    top.set_ylabel("close (CNY)")
    top.legend(fontsize=8, loc="upper left", ncol=3)
    top.set_title(title or "One stock traded by the daily loop")
    bottom.plot(equity.index, equity.to_numpy(), color="C0", lw=1.4)
    bottom.axhline(equity.iloc[0], color="k", lw=0.6)
    bottom.set_ylabel("account (CNY)")
    bottom.set_xlabel("date")
    fig.autofmt_xdate()
    return fig


def seed_returns_plot(returns, benchmark: float, ax=None, *, labels=None):
    """One dot per training seed: the strategy's total return after costs, beside buy-and-hold.

    returns: [seeds] fractions; benchmark: buy-and-hold's total return over the same days.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    returns = 100 * np.asarray(returns, dtype=float)
    # categories, not numbers: one tick per seed
    labels = [str(x) for x in labels] if labels is not None else [str(k) for k in range(len(returns))]
    ax.scatter(labels, returns, color="C0", zorder=3, label="strategy after costs, one seed each")
    ax.axhline(100 * benchmark, color="0.4", ls="--", label="buy and hold")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel("training seed")
    ax.set_ylabel("total return (%)")
    ax.set_title("The same model and rules, trained with different seeds")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, frameon=False)
    return ax
