"""Policy(execution="next_open"): a prediction from day t's data is traded at day t+1's open."""

import numpy as np
import pandas as pd
import pytest

from companion import market
from companion.backtest import Policy, run_backtest

CODE = "600000.SH"


def frame(opens, closes, start="2017-03-01", code=CODE, **extra):
    """One stock in the load_prices layout; preclose = the previous close."""
    dates = pd.bdate_range(start, periods=len(closes))
    pre = [closes[0]] + list(closes[:-1])
    return pd.DataFrame({"date": dates, "code": code, "open": opens, "high": np.maximum(opens, closes),
                         "low": np.minimum(opens, closes), "close": closes, "preclose": pre,
                         "adj_close": closes, **extra})


def signal(px, *days, code=CODE):
    probs = pd.DataFrame(0.0, index=pd.DatetimeIndex(px["date"]), columns=[code])
    probs.iloc[list(days)] = 1.0
    return probs


NEXT = Policy(threshold=0.5, execution="next_open")


def test_buys_and_sells_at_the_next_open():
    px = frame([10.0, 10.1, 10.3, 10.5, 10.6], [10.0, 10.2, 10.4, 10.6, 10.7])
    res = run_backtest(px, signal(px, 1), NEXT)
    buy, sell = res.fills.iloc[0], res.fills.iloc[1]
    assert (buy.date, buy.price) == (px.date[2], 10.3)        # decided on day 1, day 2's open
    assert (sell.date, sell.price) == (px.date[3], 10.5)      # held 1 day, sold at day 3's open
    trip = res.round_trips.iloc[0]
    assert trip.signal_date == px.date[1] and trip.buy_date == px.date[2]
    assert set(res.fills["execution"]) == {"next_open"} and res.execution == "next_open"
    assert trip.execution == "next_open"


def test_t_plus_1_is_kept_at_the_open():
    px = frame([10.0] * 6, [10.0, 10.1, 10.2, 10.3, 10.4, 10.5])
    res = run_backtest(px, signal(px, 0, 1, 2, 3), Policy(threshold=0.5, execution="next_open",
                                                           max_positions=1))
    trips = res.round_trips
    assert len(trips) >= 1 and (trips["sell_date"] > trips["buy_date"]).all()
    days = res.equity.index
    assert {days.get_loc(s) - days.get_loc(b) for b, s in zip(trips.buy_date, trips.sell_date,
                                                              strict=True)} == {1}


def test_an_open_at_limit_up_is_not_bought():
    # day 2 is a one-price limit-up day (一字涨停): open = high = low = close = 11.00
    px = frame([10.0, 10.0, 11.0, 11.2, 11.3], [10.0, 10.0, 11.0, 11.1, 11.2])
    res = run_backtest(px, signal(px, 1), NEXT)
    assert res.fills.empty and res.round_trips.empty
    assert res.rejections[["date", "reason"]].values.tolist() == [[px.date[2], "limit_up"]]
    assert "opened at limit-up" in res.rejections["message"].iloc[0]
    # at the close the same day is bought at 10.00 on day 1 (the close is not at the limit)
    assert len(run_backtest(px, signal(px, 1), Policy(threshold=0.5)).round_trips) == 1


def test_an_open_at_limit_down_cannot_sell_and_waits_for_the_next_open():
    px = frame([10.0, 10.0, 10.1, 9.09, 9.5, 9.6], [10.0, 10.1, 10.1, 9.2, 9.6, 9.7])
    res = run_backtest(px, signal(px, 1), NEXT)
    assert res.rejections[["date", "side", "reason"]].values.tolist() == [
        [px.date[3], "sell", "limit_down"]]
    assert res.round_trips.iloc[0].sell_date == px.date[4]
    assert res.round_trips.iloc[0].sell_price == 9.5


def test_the_real_one_price_limit_ups_of_april_2017_cannot_be_bought():
    px = market.load_prices("000401.SZ", "2017-03-28", "2017-04-20")
    probs = signal(px, list(px["date"]).index(pd.Timestamp("2017-04-05")), code="000401.SZ")
    res = run_backtest(px, probs, Policy(threshold=0.5, execution="next_open"))
    assert res.fills.empty
    assert res.rejections["date"].tolist() == [pd.Timestamp("2017-04-06")]
    assert "opened at limit-up" in res.rejections["message"].iloc[0]


def test_the_last_day_has_no_next_open_so_no_trade():
    px = frame([10.0] * 5, [10.0, 10.1, 10.2, 10.3, 10.4])
    res = run_backtest(px, signal(px, 4), NEXT)
    assert res.fills.empty and res.rejections.empty
    assert (res.equity == 100_000).all()


def test_equal_to_close_when_each_open_is_the_previous_close():
    """open[t+1] == close[t]: buying at the next open pays the same price as at the close."""
    rng = np.random.default_rng(1)
    closes = np.round(10 * np.cumprod(1 + rng.choice([-0.02, 0.02], 60)), 2)
    opens = np.r_[closes[0], closes[:-1]]
    px = pd.concat([frame(opens, closes, code=c, start="2017-03-01") for c in ("600000.SH", "000002.SZ")])
    probs = pd.DataFrame(rng.uniform(size=(60, 2)), index=pd.bdate_range("2017-03-01", periods=60),
                         columns=["600000.SH", "000002.SZ"])
    probs.iloc[-4:] = 0.0   # no decision whose sell would fall after the end in either mode
    for hold in (1, 3):
        at_close = run_backtest(px, probs, Policy(threshold=0.6, holding_days=hold))
        at_open = run_backtest(px, probs, Policy(threshold=0.6, holding_days=hold,
                                                 execution="next_open"))
        a, b = at_close.round_trips, at_open.round_trips
        assert len(a) > 5 and len(a) == len(b)
        for col in ("code", "shares_bought", "buy_price", "sell_price", "net_pnl"):
            assert a[col].tolist() == pytest.approx(b[col].tolist()) if col != "code" else \
                a[col].tolist() == b[col].tolist()
        assert (b["signal_date"] == a["buy_date"]).all()
        assert at_open.equity.iloc[-1] == pytest.approx(at_close.equity.iloc[-1], abs=1e-6)
        pd.testing.assert_series_equal(at_open.benchmark, at_close.benchmark)


def test_next_open_needs_an_open_column_and_a_known_execution():
    px = frame([10.0] * 4, [10.0] * 4).drop(columns="open")
    with pytest.raises(ValueError, match="open"):
        run_backtest(px, signal(px, 1), NEXT)
    with pytest.raises(ValueError, match="execution must be one of.*'next_day'"):
        Policy(execution="next_day")
