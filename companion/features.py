"""Six trailing-only features per stock and day.

A feature on day t may use day t's close and anything before it, never a later day: the model
predicts at the close of t. Each feature is computed per stock over *its own rows* (a suspended
stock has no row, so its next return spans the suspension: that is what a holder experienced),
from back-adjusted prices, so that an ex-rights day (bonus shares, dividends) is not a fake crash.

    ret_1            log(adj_close[t] / adj_close[t-1])                 1-day log return
    ret_5            log(adj_close[t] / adj_close[t-5])                 5-day log return
    range            log(adj_high[t] / adj_low[t])                      intraday range
    volume_ratio     volume[t] / mean(volume[t-19 .. t])                today's volume vs its 20-day mean
    volatility_20    std(ret_1[t-19 .. t]) (ddof = 1)                   trailing volatility
    days_since_event trading days since the event (0 on the first trading day on or after it),
                     capped at EVENT_CAP; before the event it is EVENT_CAP ("no recent event")

The synthetic market (`companion.simulate`) defines its truth on exactly these definitions, so a
model that sees ``make_features(market.prices)`` can in principle reach the Bayes limit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from companion.checks import Described, refuse
from companion.constants import EVENT_DATE

FEATURES = ["ret_1", "ret_5", "range", "volume_ratio", "volatility_20", "days_since_event"]
TRAILING_DAYS = 20  # the window of volume_ratio's mean and of volatility_20's standard deviation
EVENT_CAP = 60  # after three months a policy event is old news; before it, there is none


_LOCAL_DATES = ("Convert to the exchange's local dates without a time zone, e.g. "
                "dates.tz_convert('Asia/Shanghai').tz_localize(None).")


def check_date_column(prices: pd.DataFrame, who: str) -> None:
    """prices['date'] must be datetime64 without a time zone (the course's dates are the
    exchange's local trading days; a tz-aware or text date would compare wrongly or not at all)."""
    dates = prices["date"]
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        refuse(f"{who}: prices['date']", "dates without a time zone", Described(
            f"dtype {dates.dtype}"), "Use prices['date'].dt.tz_convert('Asia/Shanghai')"
            ".dt.tz_localize(None) for the exchange's local dates.", TypeError)
    if not pd.api.types.is_datetime64_dtype(dates):
        refuse(f"{who}: prices['date']", "datetime64 dates", Described(f"dtype {dates.dtype}"),
               "Convert it with prices['date'] = pd.to_datetime(prices['date']), or read the file "
               "with companion.market.read_price_csv.", TypeError)


def _event_timestamp(event_date) -> pd.Timestamp:
    try:
        when = pd.Timestamp(event_date)
    except (ValueError, TypeError):
        refuse("event_date", f"a date such as '{EVENT_DATE}' or None", event_date, error=TypeError)
    if when is pd.NaT:
        refuse("event_date", f"a date such as '{EVENT_DATE}' or None", event_date)
    if when.tzinfo is not None:
        refuse("event_date", "a date without a time zone", event_date, _LOCAL_DATES, TypeError)
    return when


def days_since(calendar: pd.DatetimeIndex, event_date) -> np.ndarray:
    """days_since_event for each date of a sorted trading ``calendar``: [dates] float64."""
    if event_date is None:
        return np.full(len(calendar), float(EVENT_CAP))
    calendar = pd.DatetimeIndex(calendar)
    if calendar.tz is not None:
        refuse("calendar", "dates without a time zone", Described(f"time zone {calendar.tz}"),
               _LOCAL_DATES, TypeError)
    # position of each date minus the position of the first trading day on or after the event
    first = calendar.searchsorted(_event_timestamp(event_date), side="left")
    k = np.arange(len(calendar)) - first
    return np.where(k < 0, EVENT_CAP, np.minimum(k, EVENT_CAP)).astype("float64")


def make_features(prices: pd.DataFrame, event_date=EVENT_DATE) -> pd.DataFrame:
    """The six FEATURES for every (date, code) row of ``prices``.

    Parameters
    ----------
    prices : tidy price frame (the layout of `companion.market.load_prices`): needs date, code,
        adj_high, adj_low, adj_close, volume.
    event_date : the policy event (default: the first trading day after the Xiong'an announcement).
        None means no event. days_since_event counts trading days of the frame's own calendar
        (every date on which any of its stocks traded).

    Returns
    -------
    DataFrame indexed by (date, code), columns FEATURES, one row per input row, sorted by date then
    code. NaN where a stock's history is still too short (its first 5 or 20 rows).
    """
    needed = ["date", "code", "adj_high", "adj_low", "adj_close", "volume"]
    missing = [c for c in needed if c not in prices.columns]
    if missing:
        raise ValueError(f"make_features needs the columns {needed}; missing {missing}. "
                         "Pass a frame from companion.market.load_prices or read_price_csv.")
    check_date_column(prices, "make_features")
    df = prices[needed].sort_values(["code", "date"], kind="stable").reset_index(drop=True)
    if df.duplicated(["date", "code"]).any():
        raise ValueError("prices has repeated (date, code) rows; keep one row per stock and day.")
    by = df.groupby("code", sort=False)
    log_close = np.log(df["adj_close"])
    out = pd.DataFrame(index=df.index)
    out["ret_1"] = log_close - by["adj_close"].shift(1).pipe(np.log)
    out["ret_5"] = log_close - by["adj_close"].shift(5).pipe(np.log)
    out["range"] = np.log(df["adj_high"] / df["adj_low"])
    mean_volume = by["volume"].transform(
        lambda v: v.rolling(TRAILING_DAYS, min_periods=TRAILING_DAYS).mean())
    # A zero-volume 20-day stretch has no meaningful ratio: NaN, not a division by zero.
    out["volume_ratio"] = df["volume"] / mean_volume.where(mean_volume > 0)
    out["volatility_20"] = out["ret_1"].groupby(df["code"], sort=False).transform(
        lambda r: r.rolling(TRAILING_DAYS, min_periods=TRAILING_DAYS).std(ddof=1))
    calendar = pd.DatetimeIndex(np.sort(df["date"].unique()))
    since = pd.Series(days_since(calendar, event_date), index=calendar)
    out["days_since_event"] = since.loc[df["date"]].to_numpy()
    out.index = pd.MultiIndex.from_arrays([df["date"], df["code"]], names=["date", "code"])
    return out[FEATURES].sort_index(level=["date", "code"], sort_remaining=False)
