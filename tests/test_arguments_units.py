"""Arguments in the wrong unit or out of range get a clear error, never a silently wrong result."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.account import Account, OrderRejected
from companion.metrics import wilson_interval
from companion.rules import AShareRules
from companion.simulate import simulate_market
from companion.validation import sharpe_ratio, walk_forward_splits
from companion.windows import Standardizer


# --- Sharpe ratio and Wilson interval -----------------------------------------------------------
def test_sharpe_of_pct_change_ignores_the_leading_nan():
    equity = pd.Series(100 * np.cumprod(1 + np.r_[0.0, np.tile([0.02, -0.01], 50)]))
    daily = equity.pct_change()
    assert np.isnan(daily.iloc[0])
    expected = daily.iloc[1:].mean() / daily.iloc[1:].std(ddof=1) * np.sqrt(244)
    assert sharpe_ratio(daily) == pytest.approx(expected)
    assert sharpe_ratio(daily) > 1


def test_sharpe_refuses_infinite_returns_and_too_few_values():
    with pytest.raises(ValueError, match="infinite"):
        sharpe_ratio([0.01, np.inf, 0.02])
    with pytest.raises(ValueError, match="at least 2"):
        sharpe_ratio([np.nan, 0.01])


@settings(max_examples=40, deadline=None)
@given(st.floats(0.001, 0.999), st.integers(2, 1000))
def test_wilson_refuses_a_rate_where_a_count_belongs(rate, n):
    if float(rate).is_integer():
        return
    with pytest.raises(ValueError, match=rf"whole number of successes.*k = round\({rate!r} \* {n}\)"):
        wilson_interval(rate, n)


def test_wilson_refuses_fractional_trials():
    with pytest.raises(ValueError, match="whole number of trials"):
        wilson_interval(5, 10.5)


def test_wilson_accepts_numpy_integers_and_whole_floats():
    assert wilson_interval(np.int64(55), 100.0) == pytest.approx(wilson_interval(55, 100))


# --- A-share rules: fractions, not percent --------------------------------------------------------
@pytest.mark.parametrize("field,value,fraction", [
    ("stamp_duty_rate", 0.1, "0.001"), ("price_limit", 10, "0.1"), ("st_price_limit", 5, "0.05"),
    ("transfer_fee_rate", 0.002, "2e-05"), ("commission_rate", 0.03, "0.0003")])
def test_percent_instead_of_fraction_is_refused(field, value, fraction):
    with pytest.raises(ValueError, match=rf"{field} must be a fraction.*{value}%.*{fraction}"):
        AShareRules(**{field: value})


@settings(max_examples=30, deadline=None)
@given(st.floats(0.5, 100))
def test_any_price_limit_of_half_or_more_is_refused(limit):
    with pytest.raises(ValueError, match="price_limit must be a fraction"):
        AShareRules(price_limit=limit)


def test_settlement_days_2_waits_two_trading_days():
    acc = Account(100_000, AShareRules(settlement_days=2))
    acc.buy("600000.SH", 1000, 10.0, "2017-03-06", 10.0)  # a Monday
    with pytest.raises(OrderRejected, match="T\\+2"):
        acc.sell("600000.SH", 1000, 10.0, "2017-03-07", 10.0)
    assert acc.sellable("600000.SH", "2017-03-08") == 1000
    acc.sell("600000.SH", 1000, 10.0, "2017-03-08", 10.0)


def test_settlement_counts_trading_days_over_a_weekend():
    acc = Account(100_000, AShareRules(settlement_days=2))
    acc.buy("600000.SH", 1000, 10.0, "2017-03-10", 10.0)  # a Friday
    assert acc.sellable("600000.SH", "2017-03-13") == 0  # Monday: one trading day later
    assert acc.sellable("600000.SH", "2017-03-14") == 1000


# --- Account, Standardizer, walk-forward, simulation ---------------------------------------------
@pytest.mark.parametrize("cash", [math.nan, math.inf, -1.0])
def test_account_refuses_cash_that_is_not_a_finite_amount(cash):
    with pytest.raises(ValueError, match="cash must be a (finite )?number"):
        Account(cash)


@pytest.mark.parametrize("price,pre", [(math.nan, 10.0), (10.0, math.nan), (math.inf, 10.0)])
def test_orders_with_nan_prices_are_rejected(price, pre):
    acc = Account(100_000)
    with pytest.raises(OrderRejected, match="finite"):
        acc.buy("600000.SH", 100, price, "2017-03-06", pre)
    assert acc.cash == 100_000 and not acc.fills


def test_standardizer_names_the_nan_instead_of_spreading_it():
    X = np.random.default_rng(0).normal(size=(10, 2, 5, 3))
    X[4, 1, 2, 0] = np.nan
    with pytest.raises(ValueError, match=r"1 NaN.*sample 4, stock 1, time 2, feature 0"):
        Standardizer().fit(X)


@pytest.mark.parametrize("step", [0, -5])
def test_walk_forward_refuses_a_step_that_does_not_move_forward(step):
    with pytest.raises(ValueError, match="step must be a positive"):
        walk_forward_splits(100, train_size=50, test_size=10, step=step)


def test_simulate_market_refuses_zero_volatility():
    with pytest.raises(ValueError, match="volatility"):
        simulate_market(0, n_stocks=2, start="2017-01-03", end="2017-03-31", volatility=(0.0, 0.0))


@pytest.mark.parametrize("garch", [(0.2, 0.85), (0.5, 0.5), (-0.1, 0.9)])
def test_simulate_market_refuses_a_non_stationary_garch(garch):
    with pytest.raises(ValueError, match="alpha \\+ beta < 1"):
        simulate_market(0, n_stocks=2, start="2017-01-03", end="2017-03-31", garch=garch)
