"""Checks of chapter 1 (the market, features, windows, leakage)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from companion.constants import EVENT_DATE
from companion.exercises._core import Exercise, say, wrong


def _as_counts(answer) -> pd.Series:
    """A learner's per-stock counts, from a dict, a Series or a one-column table, keyed by code."""
    if isinstance(answer, pd.DataFrame):
        if "limit-up closes" not in answer.columns:
            raise wrong("Give the counts as a Series or dict {code: number of limit-up closes}, or a "
                        "table with a column named 'limit-up closes'.")
        answer = answer["limit-up closes"]
    counts = pd.Series(dict(answer) if not isinstance(answer, pd.Series) else answer)
    return counts.rename(index=lambda code: str(code)[:6]).astype(float)


def _concept_truth():
    from companion import market
    concept = market.UNIVERSE[market.UNIVERSE["group"] == "xiongan_concept"]["code"].tolist()
    px = market.load_prices(concept, EVENT_DATE, "2017-04-21")
    mv = market.limit_moves(px)
    limit_up = mv.groupby("code")["limit_up"].sum().reindex(concept, fill_value=0)
    one_price = (mv["limit_up"] & mv["one_price"]).groupby(mv["code"]).sum().reindex(concept, fill_value=0)
    # the same days moved up by at least 9.9% (a "limit-up" taken as a percentage, not a price)
    rise = px.assign(r=px["close"] / px["preclose"] - 1)
    by_percent = (rise["r"] >= 0.1).groupby(rise["code"]).sum().reindex(concept, fill_value=0)
    short = lambda s: s.rename(index=lambda c: c[:6]).astype(float)   # noqa: E731
    return short(limit_up), short(one_price), short(by_percent)


def _concept_stocks(answer, env):
    got = _as_counts(answer)
    limit_up, one_price, by_percent = _concept_truth()
    if set(got.index) != set(limit_up.index):
        raise wrong("The check wants the five concept stocks {codes}; you gave {got}.",
                    codes=sorted(limit_up.index), got=sorted(got.index))
    got = got[limit_up.index]
    st_day = got.sub(limit_up).eq(1) & (got.index == "000856")   # the ST stock's +5% limit-up counted too
    if ((got == limit_up) | st_day).all():
        extra = say(" You also counted 000856's one-price +5% day on {day} (its ST limit): right.", day=EVENT_DATE) \
            if st_day.any() else say(" Now look at 000856 on {day}: it traded under an ST label.", day=EVENT_DATE)
        return say("The limit-up counts match the data ({counts}).{extra}",
                   counts=", ".join(f"{c} {int(v)}" for c, v in limit_up.items()), extra=extra)
    if (got == one_price).all() and not (one_price == limit_up).all():
        raise wrong("These are the one-price limit-up days only; the check wants every limit-up "
                    "close (one-price or not).")
    if (got == by_percent).all():
        raise wrong("You counted closes up 10% or more. A limit-up close is the limit price, rounded "
                    "to the fen, often a rise of 9.9x%: use market.limit_moves.")
    wrong_codes = [c for c in limit_up.index if got[c] != limit_up[c]]
    raise wrong("The counts of {codes} differ from the data. Count the days with limit_up in "
                "market.limit_moves(prices) between {day} and 2017-04-21.", codes=", ".join(wrong_codes),
                day=EVENT_DATE)


def _bbmg_returns():
    from companion import market
    bbmg = market.load_prices("601992.SH", "2016-01-01", "2016-12-31").set_index("date")
    return bbmg["close"].pct_change(), bbmg["adj_close"].pct_change()


def _raw_returns(answer, env):
    got = float(answer)
    raw, adjusted = _bbmg_returns()
    worst = raw.idxmin()
    want = float(raw.min())
    if np.isclose(got, 100 * want, rtol=1e-3):
        raise wrong("This is a percentage ({got:.1f}); the check wants the return as a fraction "
                    "({want:.3f}).", got=got, want=want)
    if np.isclose(got, float(adjusted[worst]), atol=1e-4):
        raise wrong("That is the adjusted return of the day; the check wants the largest drop of "
                    "the raw closes.")
    if np.isclose(got, float(adjusted.min()), atol=1e-4):
        raise wrong("That is the largest drop of the adjusted closes; the check wants the raw closes "
                    "(column close).")
    if np.isclose(got, -want, atol=1e-4):
        raise wrong("A drop is a negative return: close / previous close - 1.")
    if not np.isclose(got, want, atol=1e-4):
        raise wrong("The largest raw drop of BBMG in 2016 is not {got:.4f}. Use "
                    "close.pct_change() on 2016's prices and take the minimum.", got=got)
    return say("The raw close falls {drop:.1%} on {day}; the adjusted return that day is {adj:.1%}.",
               drop=want, day=str(worst.date()), adj=float(adjusted[worst]))


def _embargo(answer, env):
    got = int(answer)
    lookback, horizon = 10, 5
    want = lookback + horizon - 1
    if got == lookback + horizon:
        raise wrong("{got} days is safe but not the smallest: a training sample at t touches days up "
                    "to t + horizon; try one day less.", got=got)
    if got in (horizon, horizon - 1, horizon + 1):
        raise wrong("An embargo of {got} only covers the horizon: the validation window also reaches "
                    "lookback - 1 days into the past.", got=got)
    if got in (lookback, lookback - 1):
        raise wrong("An embargo of {got} only covers the lookback: the training target also reaches "
                    "horizon days into the future.", got=got)
    if got != want:
        raise wrong("{got} is not the smallest embargo with no shared day. Loop over embargo = 0, 1, "
                    "2, ... and stop at the first with days_touched(train) & days_touched(val) empty.",
                    got=got)
    return say("{want} = lookback + horizon - 1, the default, is the smallest embargo that works.",
               want=want)


EXERCISES = [
    Exercise(
        "ex-01-concept-stocks",
        say("the number of limit-up closes of each concept stock, {day} to 2017-04-21: a dict "
            "or Series {{code: count}} (or your table with a column 'limit-up closes')", day=EVENT_DATE),
        (say("market.limit_moves(prices) marks each day's limit_up and one_price."),
         say("Group by code and sum limit_up; the days with no row are the trading days of "
             "market.trading_calendar that a stock lacks."),
         say("000856 was an ST stock on {day}: its limit was 5%. Try limit_moves(..., limit=0.05) "
             "on that day.", day=EVENT_DATE)),
        _concept_stocks,
    ),
    Exercise(
        "ex-01-raw-returns",
        say("the largest raw drop of BBMG's close in 2016, as a fraction (e.g. -0.07)"),
        (say("market.load_prices(\"601992.SH\", \"2016-01-01\", \"2016-12-31\") has close and "
             "adj_close."),
         say("raw = close.pct_change(); the answer is raw.min(), and raw.idxmin() is its day.")),
        _raw_returns,
        (say("A model fed raw returns learns a crash nobody suffered: the ex-rights day of a bonus "
             "issue."),),
    ),
    Exercise(
        "ex-01-embargo",
        say("the smallest embargo (a whole number of days) for which training and validation share "
            "no day, with lookback=10, horizon=5"),
        (say("chronological_split(w5, embargo=e) for e = 0, 1, 2, ...; days_touched is defined above."),
         say("A training sample at t touches days up to t + horizon; a validation sample at t' starts "
             "at t' - lookback + 1.")),
        _embargo,
    ),
]
