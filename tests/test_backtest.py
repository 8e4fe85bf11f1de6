"""run_backtest trades only what the rules allow, books every fee, and reacts to its policy."""

import numpy as np
import pandas as pd
import pytest

from companion.backtest import AShareRules, Policy, run_backtest


def make_prices(n_days=60, codes=("000001.SZ", "600000.SH"), seed=0):
    """A small market in the load_prices layout: random +-2% moves, tick-rounded closes."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2017-01-03", periods=n_days)
    rows = []
    for k, code in enumerate(codes):
        close = 10.0 + k
        for d in dates:
            new = round(close * (1 + rng.choice([-0.02, 0.02])), 2)
            rows.append({"date": d, "code": code, "close": new, "preclose": close,
                         "adj_close": new})
            close = new
    return pd.DataFrame(rows).sort_values(["date", "code"]).reset_index(drop=True)


def oracle(prices):
    close = prices.pivot(index="date", columns="code", values="close")
    return (close.shift(-1) > close).astype(float).fillna(0.0)


def test_no_signal_means_no_trades_and_flat_equity():
    px = make_prices()
    probs = oracle(px) * 0.0
    res = run_backtest(px, probs, Policy(threshold=0.5))
    assert res.report["n_trades"] == 0 and len(res.fills) == 0
    assert np.allclose(res.equity, 100_000.0)
    assert res.report["costs_paid"] == 0.0


def test_perfect_foresight_wins_every_trade_and_books_costs():
    px = make_prices()
    res = run_backtest(px, oracle(px), Policy(threshold=0.5, holding_days=1))
    trips = res.round_trips
    assert len(trips) > 10
    assert (trips["sell_date"] > trips["buy_date"]).all()          # T+1
    assert (res.fills["shares"] % 100 == 0).all()                   # whole lots
    assert res.report["hit_rate"] == 1.0                            # 2% moves beat ~0.2% costs
    assert res.report["costs_paid"] == pytest.approx(res.fills["fees"].sum())
    assert res.report["total_return"] > res.benchmark.iloc[-1] / res.benchmark.iloc[0] - 1
    # the round trips' net profits add up to the change in equity (nothing held at the end)
    assert res.equity.iloc[-1] - 100_000 == pytest.approx(trips["net_pnl"].sum(), abs=1e-6)


def test_higher_commission_costs_more():
    px = make_prices()
    probs = oracle(px)
    cheap = run_backtest(px, probs, Policy(threshold=0.5), rules=AShareRules(commission_rate=0.00025))
    dear = run_backtest(px, probs, Policy(threshold=0.5), rules=AShareRules(commission_rate=0.003))
    assert dear.report["costs_paid"] > cheap.report["costs_paid"]
    assert dear.equity.iloc[-1] < cheap.equity.iloc[-1]


def test_limit_up_close_is_not_bought():
    px = make_prices(n_days=10, codes=("000001.SZ",))
    px.loc[3, "close"] = round(px.loc[3, "preclose"] * 1.1, 2)     # sealed at limit-up
    px.loc[4, "preclose"] = px.loc[3, "close"]
    probs = pd.DataFrame(1.0, index=pd.DatetimeIndex(px["date"]), columns=["000001.SZ"])
    res = run_backtest(px, probs, Policy(threshold=0.5, holding_days=1))
    assert px.loc[3, "date"] not in set(res.fills.loc[res.fills.side == "buy", "date"])
    assert (res.rejections["reason"] == "limit_up").sum() == 1


def test_uncertainty_gate_and_holding_days():
    px = make_prices()
    probs = oracle(px)
    unc = probs * 0 + 0.5
    gated = run_backtest(px, probs, Policy(threshold=0.5, max_uncertainty=0.1), uncertainty=unc)
    assert gated.report["n_trades"] == 0
    open_gate = run_backtest(px, probs, Policy(threshold=0.5, max_uncertainty=0.9), uncertainty=unc)
    assert open_gate.report["n_trades"] > 0
    held = run_backtest(px, probs * 0 + 1, Policy(threshold=0.5, holding_days=3))
    days = held.equity.index
    gaps = [days.get_loc(s) - days.get_loc(b)
            for b, s in zip(held.round_trips.buy_date, held.round_trips.sell_date, strict=True)]
    assert set(gaps) == {3}


def test_bad_inputs_say_what_is_wrong():
    px = make_prices()
    with pytest.raises(ValueError, match="logits"):
        run_backtest(px, oracle(px) * 5 - 2)
    with pytest.raises(ValueError, match="no prices"):
        run_backtest(px, oracle(px).rename(columns={"000001.SZ": "XXX"}))
    with pytest.raises(ValueError, match="uncertainty"):
        run_backtest(px, oracle(px), Policy(max_uncertainty=0.1))
    with pytest.raises(ValueError, match="T\\+1"):
        Policy(holding_days=0)


def test_ex_rights_day_does_not_look_like_a_loss():
    # A 10-for-10 bonus issue halves the quoted price; the holder keeps the value.
    dates = pd.bdate_range("2017-06-01", periods=4)
    closes, precloses = [10.0, 10.2, 5.1, 5.2], [10.0, 10.0, 5.1, 5.1]   # ex-date on day 3
    px = pd.DataFrame({"date": dates, "code": "600340.SH", "close": closes, "preclose": precloses,
                       "adj_close": [10.0, 10.2, 10.2, 10.4]})
    probs = pd.DataFrame([1.0, 0.0, 0.0, 0.0], index=dates, columns=["600340.SH"])
    res = run_backtest(px, probs, Policy(threshold=0.5, holding_days=3))
    # bought at 10.0, held across the ex-date, sold at 5.2 (= 10.4 before the issue)
    trip = res.round_trips.iloc[0]
    assert trip["sell_price"] == 5.2
    assert trip["net_pnl"] > 0
    assert res.equity.iloc[2] > res.equity.iloc[0] * 0.99
    assert res.equity.iloc[-1] - 100_000 == pytest.approx(trip["net_pnl"], abs=1e-6)
