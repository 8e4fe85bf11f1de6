"""Issue 25: what the trading side used to get wrong silently, each checked here."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from companion import market
from companion.account import Account, OrderRejected
from companion.backtest import Policy, run_backtest
from companion.rules import AShareRules, dividend_tax_rate, price_limit

PACKAGE = Path(__file__).resolve().parents[1] / "companion"


def one_stock(code="601668.SH", start="2017-01-03", end="2017-04-28"):
    px = market.load_prices(code, start, end)
    probs = pd.DataFrame(0.6, index=pd.DatetimeIndex(px["date"]), columns=[code])
    return px, probs


# --- 2. prediction days without a price row ------------------------------------------------------
def test_predictions_shifted_by_a_calendar_day_are_refused():
    px, probs = one_stock("000725.SZ", "2017-09-01", "2017-11-30")
    shifted = probs.set_axis(probs.index + pd.Timedelta(days=1))
    with pytest.raises(ValueError, match=r"probabilities must be indexed by days that have prices"
                                         r".*1[0-9] of the 6[0-9] prediction days have no price row"):
        run_backtest(px, shifted)


def test_a_few_prediction_days_without_prices_warn_with_the_count():
    px, probs = one_stock("000725.SZ", "2017-09-01", "2017-11-30")
    with_holiday = pd.concat([probs, probs.iloc[[0]].set_axis([pd.Timestamp("2017-10-02")])])
    with pytest.warns(UserWarning, match=r"1 of the .* prediction days .*2017-10-02"):
        res = run_backtest(px, with_holiday.sort_index())
    assert len(res.equity) == len(probs)


# --- 4. cash 0, time zones, price 0, non-trading days --------------------------------------------
def test_initial_cash_of_zero_is_refused():
    px, probs = one_stock()
    with pytest.raises(ValueError, match="initial_cash must be a number above 0, got 0"):
        run_backtest(px, probs, initial_cash=0)


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "UTC"])
def test_a_time_zone_aware_index_is_read_as_exchange_dates(tz):
    px, probs = one_stock()
    naive = run_backtest(px, probs, Policy(threshold=0.5))
    aware = probs.set_axis(probs.index.tz_localize(tz))
    got = run_backtest(px, aware, Policy(threshold=0.5))
    pd.testing.assert_series_equal(got.equity, naive.equity)
    assert len(got.round_trips) == len(naive.round_trips) > 0


def test_max_buy_shares_at_price_zero_says_so():
    with pytest.raises(ValueError, match="price must be a number above 0, got 0"):
        AShareRules().max_buy_shares(10_000, 0, "2017-03-01")


@pytest.mark.parametrize("day", ["2017-10-01", "2017-10-02", "2017-09-30", "2017-01-30"])
def test_account_refuses_weekends_and_exchange_holidays(day):
    acc = Account(100_000)
    with pytest.raises(OrderRejected, match=f"date must be a trading day, got {day}") as err:
        acc.buy("601668.SH", 100, 9.5, day, 9.5)
    assert err.value.reason == "calendar" and acc.cash == 100_000
    acc.buy("601668.SH", 100, 9.5, "2017-09-29", 9.5)   # the Friday before the holiday
    assert acc.is_trading_day("2017-10-09") and not acc.is_trading_day(day)


# --- 5. NumPy scalars are numbers ----------------------------------------------------------------
def test_numpy_scalars_pass_as_numbers():
    rules = AShareRules(commission_rate=np.float32(3e-4), lot_size=np.int64(100),
                        min_commission=np.float64(5))
    assert rules.commission_rate == pytest.approx(3e-4) and rules.lot_size == 100
    acc = Account(np.int64(100_000), rules)
    assert acc.cash == 100_000.0 and isinstance(acc.cash, float)
    Policy(threshold=np.float64(0.6), holding_days=np.int64(2), max_positions=np.int32(3))
    acc.buy("601668.SH", np.int64(100), np.float64(9.5), "2017-03-01", np.float64(9.5))


# --- 6. one home for each market rule and constant -----------------------------------------------
def test_limit_moves_and_the_rules_engine_agree_on_every_shipped_stock_day():
    codes = [c for c in market.UNIVERSE["code"] if c != market.INDEX_CODE]
    px = market.load_prices(codes, "2014-01-01", "2018-12-31").dropna(subset=["preclose"])
    moves = market.limit_moves(px)
    rules = AShareRules()
    bands = [rules.limits(c, d, p) for c, d, p in zip(px["code"], px["date"], px["preclose"],
                                                       strict=True)]
    down, up = np.array(bands).T
    assert (moves["limit_up"].to_numpy() == (px["close"].to_numpy() >= up - 1e-9)).all()
    assert (moves["limit_down"].to_numpy() == (px["close"].to_numpy() <= down + 1e-9)).all()
    assert moves["limit_up"].sum() > 100  # the check saw limit days, not only quiet ones


@pytest.mark.parametrize("day,close,up", [("2020-08-21", 11.0, True), ("2020-08-24", 11.0, False),
                                          ("2020-08-24", 12.0, True), ("2020-08-21", 9.0, False)])
def test_chinext_band_is_the_same_in_limit_moves_and_the_rules(day, close, up):
    row = pd.DataFrame({"date": [pd.Timestamp(day)], "code": ["300750.SZ"], "open": [close],
                        "high": [close], "low": [close], "close": [close], "preclose": [10.0]})
    assert bool(market.limit_moves(row)["limit_up"].iloc[0]) == up
    engine_up = close >= AShareRules().limits("300750.SZ", day, 10.0)[1]
    assert engine_up == up
    assert price_limit("300750.SZ", day) == (0.10 if day < "2020-08-24" else 0.20)


CONSTANTS = ["TRADING_DAYS_PER_YEAR", "EVENT_DATE", "TICK", "LOT_SIZE", "MAIN_BOARD_LIMIT",
             "ST_LIMIT", "GROWTH_BOARD_LIMIT", "CHINEXT_20PCT_FROM", "DIVIDEND_TAX_SCHEDULE",
             "STAMP_DUTY_SCHEDULE", "TRANSFER_FEE_SCHEDULE"]
# the values that used to be repeated, as literals in code (comments and docstrings aside)
LITERALS = {r"\b244\b": "constants.py", r"2017-04-05": "constants.py", r"2020-08-24": "rules.py",
            r"(?i)tick\w*\s*=\s*0\.01\b": "rules.py", r"(?i)lot\w*\s*(:[^=]*)?=\s*100\b": "rules.py"}


def _code_lines(path: Path) -> list[str]:
    text = re.sub(r'"""[\s\S]*?"""', '""', path.read_text(encoding="utf-8"))
    return [line.split("#")[0] for line in text.splitlines()]


def test_each_market_constant_is_defined_once_in_the_package():
    files = sorted(PACKAGE.rglob("*.py"))
    for name in CONSTANTS:
        homes = [f.name for f in files for line in _code_lines(f)
                 if re.match(rf"\s*{name}\s*(:[^=]*)?=", line)]
        assert len(homes) == 1, (name, homes)
    for pattern, home in LITERALS.items():
        found = {f.name for f in files for line in _code_lines(f) if re.search(pattern, line)}
        assert found <= {home}, (pattern, found)


# --- 8. dividend tax by holding period -----------------------------------------------------------
def test_601668_dividend_held_one_day_pays_20_percent():
    acc = Account(100_000)
    acc.buy("601668.SH", 10_100, 9.54, "2017-06-15", 9.52)
    got = acc.corporate_action("601668.SH", "2017-06-16", 0.0, 0.21, 9.33)
    assert got["cash"] == pytest.approx(2_121.0)
    sell = acc.sell("601668.SH", 10_100, 9.20, "2017-06-16", 9.33)
    assert sell["dividend_tax"] == pytest.approx(424.20)
    assert got["cash"] - sell["dividend_tax"] == pytest.approx(1_696.80)  # what reaches the account
    assert abs(acc.conservation_error()) < 1e-6


def test_the_backtest_books_the_tax_in_fills_round_trips_and_report():
    px = market.load_prices("601668.SH", "2017-06-12", "2017-06-20")
    probs = pd.DataFrame(0.0, index=pd.DatetimeIndex(px["date"]), columns=["601668.SH"])
    probs.loc["2017-06-15"] = 1.0
    res = run_backtest(px, probs, Policy(threshold=0.5))
    trip = res.round_trips.iloc[0]
    assert trip.dividends == pytest.approx(trip.shares_bought * 0.21, abs=0.01)
    assert trip.dividend_tax == pytest.approx(round(0.2 * trip.dividends, 2))
    assert res.fills["dividend_tax"].sum() == res.report["dividend_tax"] == trip.dividend_tax
    assert res.equity.iloc[-1] - 100_000 == pytest.approx(trip.net_pnl, abs=1e-6)


@pytest.mark.parametrize("ex_day,bought,sold,rate", [
    ("2017-06-16", "2017-06-15", "2017-06-16", 0.20),
    ("2017-06-16", "2017-05-16", "2017-06-16", 0.20),   # exactly one month: still "a month or less"
    ("2017-06-16", "2017-05-15", "2017-06-16", 0.10),
    ("2017-06-16", "2016-06-16", "2017-06-16", 0.10),   # exactly one year
    ("2017-06-16", "2016-06-15", "2017-06-16", 0.0),    # more than a year: exempt since 2015-09-08
    ("2015-09-07", "2014-01-06", "2015-09-10", 0.05),   # the day before the 2015 rule: 5%
    ("2015-09-08", "2014-01-06", "2015-09-10", 0.0),
])
def test_dividend_tax_rate_by_holding_period_and_date(ex_day, bought, sold, rate):
    assert dividend_tax_rate(ex_day, bought, sold) == rate


def test_a_holding_of_more_than_a_year_pays_no_tax():
    acc = Account(100_000)
    acc.buy("601668.SH", 1_000, 9.50, "2016-06-01", 9.50)
    acc.corporate_action("601668.SH", "2017-06-16", 0.0, 0.21, 9.33)
    assert acc.sell("601668.SH", 1_000, 9.20, "2017-06-19", 9.20)["dividend_tax"] == 0.0


# --- 9. round trips over a bonus issue -----------------------------------------------------------
def test_round_trip_columns_are_self_consistent_over_a_bonus_issue():
    px = market.load_prices("600340.SH", "2015-04-20", "2015-05-08")
    probs = pd.DataFrame(0.0, index=pd.DatetimeIndex(px["date"]), columns=["600340.SH"])
    probs.loc["2015-04-30"] = 1.0
    trip = run_backtest(px, probs, Policy(threshold=0.5)).round_trips.iloc[0]
    assert (trip.shares_bought, trip.shares_sold) == (1_600, 3_200)   # 10-for-10
    assert trip.cost == pytest.approx(trip.shares_bought * trip.buy_price)
    assert trip.proceeds == pytest.approx(trip.shares_sold * trip.sell_price)
    assert trip.net_pnl == pytest.approx(trip.proceeds - trip.cost - trip.fees + trip.dividends
                                         - trip.dividend_tax)
    assert trip["return"] == pytest.approx(trip.net_pnl / trip.cost)
    assert 0.09 < trip["return"] < 0.10    # 3,200 x 62.05 as the cost would give +4.7%
