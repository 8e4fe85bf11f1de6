"""Figures of the market chapter: prices around an event, limit-up runs, the oracle of the lab.

Labels are in English (code and English name): a reader's matplotlib may have no Chinese font.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from companion.checks import warn_renamed

# Six colours that stay apart from each other (matplotlib's own sixth, brown, is close to its red).
_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "black"]


def _label(code: str) -> str:
    from companion.market import UNIVERSE

    names = UNIVERSE.set_index("code")["name_en"]
    return f"{code} {names[code]}" if code in names.index else code


def price_chart(prices: pd.DataFrame, codes: list[str] | None = None, event_date=None,
                normalize: bool = True, ax=None, title: str | None = None, *,
                normalise: bool | None = None):
    """Adjusted closes of ``codes`` over time, optionally (``normalize``) as multiples of the
    first close. ``normalise`` is the deprecated spelling of ``normalize``.

    A dashed vertical line marks ``event_date``. Suspended days have no row, so a line simply
    jumps over them (nothing is drawn that did not trade). Returns the matplotlib Axes.
    """
    if normalise is not None:
        warn_renamed("price_chart(normalise=...)", "price_chart(normalize=...)")
        normalize = normalise
    ax = ax or plt.subplots(figsize=(8, 4.2), layout="constrained")[1]
    codes = codes or list(dict.fromkeys(prices["code"]))
    for code, color in zip(codes, _COLORS * (len(codes) // len(_COLORS) + 1), strict=False):
        one = prices[prices["code"] == code].set_index("date")["adj_close"]
        ax.plot(one.index, one / one.iloc[0] if normalize else one, lw=1.2, label=_label(code),
                color=color)
    if event_date is not None:
        ax.axvline(pd.Timestamp(event_date), color="k", ls="--", lw=1)
        ax.annotate(f"event {pd.Timestamp(event_date).date()}", (pd.Timestamp(event_date), 1),
                    xycoords=("data", "axes fraction"), xytext=(4, -12), textcoords="offset points",
                    fontsize=9)
    ax.set_xlabel("date")
    ax.set_ylabel("adjusted close / first close" if normalize else "adjusted close (CNY)")
    ax.set_title(title or "Adjusted closes")
    # Below the axes: inside, six names would cover the lines and the event label.
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, frameon=False)
    return ax


def limit_run_chart(moves: pd.DataFrame, ax=None, title: str | None = None):
    """Daily % change per stock as grouped bars; limit-up days hatched, one-price days starred.

    ``moves`` is the frame of `companion.market.limit_moves` for a short period.
    """
    ax = ax or plt.subplots(figsize=(8, 3.8), layout="constrained")[1]
    dates = sorted(moves["date"].unique())
    codes = list(dict.fromkeys(moves["code"]))
    width = 0.8 / len(codes)
    x = np.arange(len(dates))
    for k, code in enumerate(codes):
        one = moves[moves["code"] == code].set_index("date").reindex(dates)
        pos = x + (k - (len(codes) - 1) / 2) * width
        bars = ax.bar(pos, 100 * one["pct_change"], width, label=_label(code))
        for bar, lim, single in zip(bars, one["limit_up"], one["one_price"], strict=True):
            if pd.notna(lim) and bool(lim):
                bar.set_hatch("//")
            if pd.notna(single) and bool(single):
                ax.plot(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.4, "k*", ms=5)
    ax.axhline(10, color="r", lw=0.8, ls=":")
    ax.set_xticks(x, [pd.Timestamp(d).strftime("%m-%d") for d in dates], rotation=45, fontsize=8)
    ax.set_ylabel("close vs previous close (%)")
    ax.set_xlabel("trading day (missing bar = suspended)")
    ax.set_title(title or "Daily moves; hatched = limit-up, * = one-price day, red line = +10 % limit")
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3, frameon=False)
    return ax


def oracle_chart(market, code: str, start=None, end=None, axes=None):
    """A synthetic stock's close (top) and the oracle's p_up (bottom), with the 0.5 line."""
    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=(8, 4.5), sharex=True, height_ratios=[2, 1],
                               layout="constrained")
    p = market.p_up[code].loc[start:end]
    close = market.prices[market.prices["code"] == code].set_index("date")["close"].loc[start:end]
    axes[0].plot(close.index, close, lw=1.2)
    axes[0].set_ylabel("close (CNY)")
    axes[0].set_title(f"{code}: price and the true probability that it closes up the next day")
    axes[1].plot(p.index, p, lw=0.8, color="C2")
    axes[1].axhline(0.5, color="k", lw=0.8)
    axes[1].set_ylim(0, 1)
    axes[1].set_ylabel("p_up")
    axes[1].set_xlabel("date")
    if start is None or pd.Timestamp(start) <= market.event_date <= pd.Timestamp(end or "2100"):
        for a in axes:
            a.axvline(market.event_date, color="k", ls="--", lw=1)
    return axes
