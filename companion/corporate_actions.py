"""Corporate actions read from a price table: bonus and transfer shares (送转), cash dividends.

On an ex-rights/ex-dividend day (除权除息日) the exchange sets the day's reference price
``preclose`` below the last close, so that a holder's wealth is unchanged:

    preclose = (last close - cash per share) / (1 + bonus shares per share)        [no rights issue]

The back-adjustment factor changes by exactly ``last close / preclose`` that day, so adjusted prices
show a holder's total return. A backtest must give the holder what the exchange gives: *shares* for
a bonus issue (which then move with the price) and *cash* for a dividend. Booking a 10-for-10 issue
as cash (the old behaviour) loses the bonus shares' move: +4.9% instead of +10.0% on 600340.SH.

The data give one number per ex-day, the ratio; splitting it into shares and cash uses, in order:
the ``name`` prefix when the table has one (XD = dividend only, XR = shares only, DR = both), else
the rule that bonus/transfer ratios are whole tenths (10送3 = 0.3 a share) and cash dividends in
China rarely exceed 9.5% of the price. A rights issue (配股) also shows as XR; it is booked as free
shares, i.e. as if the holder subscribed, which is what adjusted prices assume too.

What a backtest still differs from adjusted prices by: a cash dividend is kept as cash, while
adjusted prices reinvest it at ``preclose``; the difference is (dividend / buy price) x (the
return after the ex-day), a fraction of a basis point on the course's trades. Dividend tax is not
modelled (A-share holders of under a month paid 20% on dividends in 2015-2018).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from companion.rules import TICK

MAX_CASH_YIELD = 0.095  # above this share of the price, a gap is read as bonus shares (plus cash)
COLUMNS = ["date", "code", "prev_close", "preclose", "ratio", "bonus_per_share",
           "cash_per_share", "kind"]


def _ratios(prices: pd.DataFrame) -> pd.DataFrame:
    """Every row (sorted by code, date) with the stock's last close, preclose and the ratio."""
    g = prices.sort_values(["code", "date"])
    by = g.groupby("code", sort=False)
    prev = by["close"].shift(1)
    if "adj_factor" in g and g["adj_factor"].notna().all():
        ratio = g["adj_factor"] / by["adj_factor"].shift(1)
    else:
        ratio = prev / g["preclose"]
    name = g["name"] if "name" in g else pd.Series(None, index=g.index, dtype=object)
    return pd.DataFrame({"date": g["date"], "code": g["code"], "prev_close": prev,
                         "preclose": prev / ratio, "ratio": ratio, "name": name})


def split_ratio(prev_close: float, preclose: float, name: str | None = None) -> tuple[float, float, str]:
    """(bonus shares per share, cash per share, kind) that turn ``prev_close`` into ``preclose``.

    kind: "dividend", "bonus" (shares only) or "bonus+dividend".
    """
    ratio = prev_close / preclose
    prefix = str(name or "")[:2].upper()
    if prefix == "XD" or (prefix not in ("XR", "DR") and ratio < 1 + MAX_CASH_YIELD):
        if ratio >= 1:
            return 0.0, prev_close - preclose, "dividend"
        return ratio - 1, 0.0, "bonus"  # preclose above the last close: book as a share change
    if prefix == "XR":
        return ratio - 1, 0.0, "bonus"
    # Largest whole-tenth bonus that leaves a non-negative dividend (within the tick rounding).
    for tenths in range(int(np.floor((ratio - 1) * 10 + 1e-9)), 0, -1):
        b = tenths / 10
        cash = prev_close - preclose * (1 + b)
        if cash > TICK / 2 * (1 + b):
            return b, cash, "bonus+dividend"
        if cash >= -TICK / 2 * (1 + b):  # exactly this bonus, the rest is the tick rounding
            return ratio - 1, 0.0, "bonus"
    return ratio - 1, 0.0, "bonus"


def corporate_actions(prices: pd.DataFrame) -> pd.DataFrame:
    """Every ex-rights/ex-dividend day in a tidy price table, split into shares and cash.

    prices: tidy (date, code, close, and preclose and/or adj_factor; ``name`` optional), as
        `companion.market.load_prices` or `read_price_csv` return it.

    Returns one row per (date, code) with an action: prev_close (the stock's last close),
    preclose (the exchange's reference price), ratio = prev_close / preclose (the factor's step),
    bonus_per_share, cash_per_share and kind. Holding n shares through the day gives
    n x bonus_per_share new shares and n x cash_per_share CNY.
    """
    if "preclose" not in prices and "adj_factor" not in prices:
        return pd.DataFrame(columns=COLUMNS)
    table = _ratios(prices)
    # A step of the factor, or a preclose at least half a tick away from the last close.
    moved = table["ratio"].notna() & (
        (table["prev_close"] - table["preclose"]).abs() >= TICK / 2 - 1e-9)
    table = table[moved].reset_index(drop=True)
    split = [split_ratio(p, q, n) for p, q, n in
             zip(table["prev_close"], table["preclose"], table["name"], strict=True)]
    table["bonus_per_share"] = [s[0] for s in split]
    table["cash_per_share"] = [s[1] for s in split]
    table["kind"] = [s[2] for s in split]
    return table[COLUMNS]
