"""A holding's return in the backtest is the adjusted-price return minus costs, on every ex-day."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion import market
from companion.account import Account
from companion.backtest import AShareRules, Policy, run_backtest
from companion.corporate_actions import corporate_actions

ALL_CODES = [c for c in market.UNIVERSE["code"] if c != market.INDEX_CODE]


def _signal(px, code, day):
    """P(up) = 1 for ``code`` on ``day`` only: one buy at that close."""
    dates = pd.DatetimeIndex(sorted(px["date"].unique()))
    probs = pd.DataFrame(0.0, index=dates, columns=[code])
    probs.loc[pd.Timestamp(day), code] = 1.0
    return probs


def _check_trip(px, res, actions, k=0):
    """Trip k's net return equals the adjusted return minus its costs and the dividend tax
    withheld at the sale (see corporate_actions)."""
    trip = res.round_trips.iloc[k]
    at = pd.DatetimeIndex(px["date"]).get_indexer([trip.buy_date, trip.sell_date])
    adj, close = px["adj_close"].to_numpy(), px["close"].to_numpy()
    adjusted = adj[at[1]] / adj[at[0]] - 1
    bought = trip.shares_bought * trip.buy_price
    assert bought == pytest.approx(trip.cost)
    net = trip.net_pnl / bought
    costs = (trip.fees + trip.dividend_tax) / bought
    # tolerance: cash dividends are kept as cash, adjusted prices reinvest them at preclose;
    # a fraction of a bonus share is paid in cash at preclose
    when = actions["date"].to_numpy()
    held = (when > np.datetime64(trip.buy_date)) & (when <= np.datetime64(trip.sell_date))
    end = close[at[1]]
    cash, pre = actions["cash_per_share"].to_numpy()[held], actions["preclose"].to_numpy()[held]
    tol = 1e-6 + float(np.sum(cash / trip.buy_price * np.abs(end / pre - 1) + end / bought))
    assert net == pytest.approx(adjusted - costs, abs=tol), (trip.code, trip.buy_date)
    return adjusted, net, costs, int(held.sum())


def test_600340_bonus_issue_earns_the_adjusted_return():
    px = market.load_prices("600340.SH", "2015-04-20", "2015-05-08")
    res = run_backtest(px, _signal(px, "600340.SH", "2015-04-30"), Policy(threshold=0.5))
    trip = res.round_trips.iloc[0]
    assert trip.sell_date == pd.Timestamp("2015-05-04")
    assert res.fills.iloc[1]["shares"] == 2 * res.fills.iloc[0]["shares"]  # 10-for-10: shares
    adjusted, net, costs, _ = _check_trip(px, res, corporate_actions(px))
    assert adjusted == pytest.approx(0.100, abs=0.001)
    # fees 0.18% and the 20% tax on the 0.79 CNY dividend (held one day) 0.25%; the old cash
    # booking of the bonus shares gave about +4.9% gross
    assert trip.dividend_tax == pytest.approx(round(0.20 * trip.dividends, 2))
    assert 0.0 < costs < 0.005 and net > 0.093


@pytest.mark.parametrize("hold,codes", [(1, ALL_CODES), (3, market.STORY_CODES)])
def test_every_ex_day_in_the_shipped_data_matches_adjusted_returns(hold, codes):
    """Buy at the close before every ex-day of every shipped stock, hold across it, sell."""
    checked, ex_days = 0, 0
    for code in codes:
        full = market.load_prices(code, "2014-01-01", "2018-12-31")
        actions = corporate_actions(full)
        ex_days += len(actions)
        if actions.empty:
            continue
        # only the rows around each ex-day (the factor steps, hence the actions, are unchanged)
        at = pd.DatetimeIndex(full["date"]).get_indexer(actions["date"])
        near = np.unique(np.concatenate([np.arange(i - 2, i + hold + 3) for i in at]))
        px = full.iloc[near[(near >= 0) & (near < len(full))]].reset_index(drop=True)
        dates = pd.DatetimeIndex(px["date"])
        probs = pd.DataFrame(0.0, index=dates, columns=[code])
        before = dates.get_indexer(actions["date"]) - 1
        probs.iloc[before[before >= 0], 0] = 1.0
        res = run_backtest(px, probs, Policy(threshold=0.5, holding_days=hold, max_positions=1))
        for k in range(len(res.round_trips)):
            checked += _check_trip(px, res, actions, k)[3] > 0
    # a few buys are refused (sealed at limit-up the day before); all others were checked
    assert ex_days >= (300 if len(codes) > 6 else 26) and checked >= 0.95 * ex_days, (checked, ex_days)


def test_nan_preclose_uses_the_last_close_and_the_first_day_is_not_traded():
    px = market.load_prices(["000401.SZ"], "2017-01-03", "2017-01-20")
    px.loc[px.index[3], "preclose"] = np.nan
    px.loc[px.index[0], "preclose"] = np.nan
    probs = pd.DataFrame(1.0, index=pd.DatetimeIndex(px["date"]), columns=["000401.SZ"])
    res = run_backtest(px, probs, Policy(threshold=0.5, holding_days=2))
    assert res.fills.iloc[0]["date"] == px["date"].iloc[1]
    assert (res.rejections["reason"] == "no_preclose").sum() == 1


def test_the_index_first_day_has_no_preclose_and_does_not_crash():
    px = market.load_prices([market.INDEX_CODE], "2014-01-01", "2014-02-28")
    assert np.isnan(px["preclose"].iloc[0])
    probs = pd.DataFrame(0.7, index=pd.DatetimeIndex(px["date"]), columns=[market.INDEX_CODE])
    res = run_backtest(px, probs, Policy(threshold=0.5))
    assert len(res.equity) == len(px)


def test_empty_and_non_overlapping_predictions_are_clear_errors():
    px = market.load_prices(["000401.SZ"], "2017-01-03", "2017-01-20")
    with pytest.raises(ValueError, match="probabilities is empty"):
        run_backtest(px, pd.DataFrame(columns=["000401.SZ"], index=pd.DatetimeIndex([])))
    later = pd.DataFrame(0.6, index=pd.bdate_range("2018-01-02", periods=5), columns=["000401.SZ"])
    with pytest.raises(ValueError, match="no date in common.*2018-01-02.*2017-01-03"):
        run_backtest(px, later)


def test_duplicated_rows_are_a_clear_error():
    px = market.load_prices(["000401.SZ"], "2017-01-03", "2017-01-20")
    twice = pd.concat([px, px.iloc[[4]]]).sort_values("date")
    probs = pd.DataFrame(0.6, index=pd.DatetimeIndex(px["date"]), columns=["000401.SZ"])
    with pytest.raises(ValueError, match=r"repeated.*000401.SZ.*2017-01-09.*drop_duplicates"):
        run_backtest(twice, probs)
    with pytest.raises(ValueError, match="repeated dates"):
        run_backtest(px, pd.concat([probs, probs.iloc[[2]]]))


def _frame(code, closes, start="2021-03-01", **extra):
    dates = pd.bdate_range(start, periods=len(closes))
    pre = [closes[0]] + closes[:-1]
    return pd.DataFrame({"date": dates, "code": code, "close": closes, "preclose": pre,
                         "adj_close": closes, **extra})


def test_suspended_days_with_volume_zero_are_not_traded():
    px = _frame("600000.SH", [10.0, 10.1, 10.1, 10.1, 10.3, 10.4], volume=[1e6, 1e6, 0, 0, 1e6, 1e6])
    probs = pd.DataFrame(0.0, index=pd.DatetimeIndex(px["date"]), columns=["600000.SH"])
    probs.iloc[1:4] = 1.0  # buy on day 1, hold one day: day 2 is suspended, so sell on day 4
    res = run_backtest(px, probs, Policy(threshold=0.5, max_positions=1))
    traded = set(res.fills["date"])
    assert not traded & set(px["date"].iloc[2:4])
    assert res.round_trips.iloc[0].sell_date == px["date"].iloc[4]


def test_st_flag_in_the_data_applies_the_5pct_band():
    px = _frame("600000.SH", [10.0, 10.5, 10.6, 10.7], start="2017-03-01", is_st=[True] * 4)
    probs = pd.DataFrame(0.0, index=pd.DatetimeIndex(px["date"]), columns=["600000.SH"])
    probs.iloc[1] = 1.0  # +5.0% close: sealed at the ST limit-up
    res = run_backtest(px, probs, Policy(threshold=0.5))
    assert res.round_trips.empty
    assert res.rejections["reason"].tolist() == ["limit_up"]


def test_chinext_code_with_exchange_prefix_gets_the_20pct_band():
    px = _frame("sz300750", [100.0, 110.0, 111.0, 112.0])
    probs = pd.DataFrame(0.0, index=pd.DatetimeIndex(px["date"]), columns=["sz300750"])
    probs.iloc[1] = 1.0  # +10% close: limit-up for a main-board stock, not for ChiNext in 2021
    res = run_backtest(px, probs, Policy(threshold=0.5))
    assert len(res.round_trips) == 1


def test_holding_shorter_than_settlement_is_refused():
    px = _frame("600000.SH", [10.0, 10.1, 10.2, 10.3])
    probs = pd.DataFrame(1.0, index=pd.DatetimeIndex(px["date"]), columns=["600000.SH"])
    with pytest.raises(ValueError, match="holding_days=1.*settlement_days=2"):
        run_backtest(px, probs, Policy(threshold=0.5), rules=AShareRules(settlement_days=2))


@settings(max_examples=60, deadline=None)
@given(lots=st.integers(1, 50), tenths=st.integers(0, 20), cash=st.floats(0, 2),
       price=st.floats(3, 80))
def test_a_corporate_action_keeps_the_holders_wealth_and_the_books(lots, tenths, cash, price):
    acc = Account(1_000_000)
    price = round(price, 2)
    acc.buy("600000.SH", 100 * lots, price, "2017-06-01", price)
    bonus = tenths / 10
    preclose = (price - cash) / (1 + bonus)
    if preclose <= 0:
        return
    before = acc.value({"600000.SH": price})
    got = acc.corporate_action("600000.SH", "2017-06-02", bonus, cash, preclose)
    assert got["shares"] == round(100 * lots * bonus)
    assert acc.value({"600000.SH": preclose}) == pytest.approx(before, abs=preclose + 1e-6)
    assert abs(acc.conservation_error()) < 1e-6


def test_a_readers_file_with_only_preclose_gets_the_bonus_shares(tmp_path):
    """A plain export with the exchange's preclose and no factor: 600340.SH around 2015-05-04."""
    shipped = market.load_prices("600340.SH", "2015-04-20", "2015-05-08")
    path = tmp_path / "600340.SH.csv"
    shipped[["date", "open", "high", "low", "close", "volume", "preclose"]].to_csv(path, index=False)
    with pytest.warns(UserWarning, match="derived from preclose"):
        px = market.read_price_csv(path)
    res = run_backtest(px, _signal(px, "600340.SH", "2015-04-30"), Policy(threshold=0.5))
    adjusted, net, costs, n_actions = _check_trip(px, res, corporate_actions(px))
    assert n_actions == 1 and adjusted == pytest.approx(0.100, abs=0.001)
