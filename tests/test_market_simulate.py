"""The synthetic market and its truth (companion.simulate via companion.market)."""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from companion import market
from companion.features import FEATURES, make_features
from companion.simulate import SplitNormal, trading_calendar


@pytest.fixture(scope="module")
def sim():
    return market.simulate_market(seed=0)


def test_contract_fields(sim):
    p = sim.prices
    assert list(p.columns) == market.PRICE_COLUMNS
    assert sim.codes == ["SIM00", "SIM01", "SIM02", "SIM03", "SIM04"]
    assert (p["adj_factor"] == 1.0).all() and p["adj_close"].equals(p["close"])
    assert sim.p_up.shape == (p["date"].nunique(), 5)
    assert sim.p_up.iloc[-1].isna().all() and sim.p_up.iloc[:-1].notna().all().all()
    assert set(sim.feature_effects) == set(FEATURES)
    assert sim.informative_features == ["ret_1", "ret_5", "volume_ratio"]
    assert all(sim.feature_effects[f] == 0.0 for f in ("range", "volatility_20", "days_since_event"))
    assert sim.lead_lag == [("SIM00", "SIM01", 3)]
    assert sim.event_date == pd.Timestamp("2017-04-05") and sim.event_codes == ["SIM02", "SIM03", "SIM04"]


def test_deterministic_for_a_seed():
    a, b = market.simulate_market(seed=3, n_stocks=4), market.simulate_market(seed=3, n_stocks=4)
    pd.testing.assert_frame_equal(a.prices, b.prices)
    pd.testing.assert_frame_equal(a.p_up, b.p_up)
    c = market.simulate_market(seed=4, n_stocks=4)
    assert not np.allclose(a.prices["close"], c.prices["close"])


def test_calendar_is_the_real_exchange_calendar():
    cal = trading_calendar("2015-01-01", "2017-12-31")
    assert len(cal) == 732  # PROVENANCE.md
    assert pd.Timestamp("2017-04-04") not in cal  # Qingming holiday
    assert pd.Timestamp("2017-04-05") in cal
    real = market.load_prices(market.INDEX_CODE, "2015-01-01", "2017-12-31")["date"]
    assert cal.equals(pd.DatetimeIndex(real))
    outside = trading_calendar("2019-01-01", "2019-01-10")  # beyond the shipped data: weekdays
    assert all(d.weekday() < 5 for d in outside) and len(outside) == 8


def test_prices_are_valid_bars_within_limits(sim):
    p = sim.prices
    assert (p["low"] <= p[["open", "close"]].min(axis=1) + 1e-12).all()
    assert (p["high"] >= p[["open", "close"]].max(axis=1) - 1e-12).all()
    assert (p["low"] > 0).all() and (p["volume"] % 100 == 0).all() and (p["volume"] > 0).all()
    move = p["close"] / p["preclose"] - 1
    assert move.max() <= 0.1 + 1e-9 and move.min() >= -0.1 - 1e-9


def test_policy_shock_gives_one_price_limit_up_runs(sim):
    after = sim.prices[sim.prices["date"] >= sim.event_date]
    moves = market.limit_moves(after)
    for code in sim.event_codes:
        run = moves[moves["code"] == code].reset_index(drop=True)
        n = int((run["one_price"] & run["limit_up"]).cummin().sum())  # consecutive from the event day
        assert 3 <= n <= 7
    others = moves[~moves["code"].isin(sim.event_codes)]
    assert not (others["date"] == sim.event_date).pipe(lambda m: others[m]["one_price"]).any()


def test_make_features_reproduces_the_truth(sim):
    """mu is an exact function of make_features(prices): a model can reach the Bayes limit."""
    f = make_features(sim.prices).unstack("code")
    c = sim.coefficients
    mu = c["ret_1"] * f["ret_1"] + c["ret_5"] * f["ret_5"] + c["volume_ratio"] * (f["volume_ratio"] - 1)
    for leader, follower, lag in sim.lead_lag:
        mu[follower] = mu[follower] + 0.35 * f["ret_1"][leader].shift(lag - 1)
    ok = mu.notna() & sim.mu.notna()  # sim.mu is NaN on the last day (no tomorrow)
    np.testing.assert_allclose(mu[ok].stack(), sim.mu[ok].stack(), atol=1e-12)


def test_split_normal_is_standardised_and_skewed():
    d = SplitNormal(1.4)
    pdf = lambda x: np.gradient(d.cdf(x), x)  # noqa: E731
    x = np.linspace(-12, 12, 200001)
    dens = pdf(x)
    assert integrate.trapezoid(x * dens, x) == pytest.approx(0, abs=1e-4)
    assert integrate.trapezoid(x**2 * dens, x) == pytest.approx(1, abs=1e-3)
    assert d.cdf(-2.0) > stats.norm.cdf(-2.0) > 1 - d.cdf(2.0)  # fatter down tail
    u = np.array([0.01, 0.3, 0.5, 0.9, 0.999])
    np.testing.assert_allclose(d.cdf(d.ppf(u)), u, atol=1e-12)


def test_p_up_is_calibrated_against_realised_moves():
    """Large market: the oracle's probabilities match the frequencies (it is the truth).

    correlation=0 makes the stocks' moves independent given the past, so binomial errors apply.
    """
    m = market.simulate_market(seed=1, n_stocks=60, correlation=0.0)
    close = m.prices.pivot(index="date", columns="code", values="close")
    up = (close.shift(-1) > close).to_numpy()[:-1].ravel()
    p = m.p_up.to_numpy()[:-1].ravel()
    # binned: each bin's frequency lies within 4 standard errors of its mean probability
    bins = np.quantile(p, np.linspace(0, 1, 6))
    which = np.clip(np.digitize(p, bins[1:-1]), 0, 4)
    for b in range(5):
        sel = which == b
        mean_p, freq, n = p[sel].mean(), up[sel].mean(), sel.sum()
        assert abs(freq - mean_p) < 4 * np.sqrt(mean_p * (1 - mean_p) / n)
    assert abs((up == (p > 0.5)).mean() - m.bayes_accuracy()) < 0.01


def test_bayes_accuracy_is_realistic_but_learnable(sim):
    ordinary = sim.bayes_accuracy(ordinary=True)
    assert 0.56 <= ordinary <= 0.62
    follower = sim.bayes_accuracy(codes=["SIM01"], ordinary=True)
    assert follower > sim.bayes_accuracy(codes=["SIM00"], ordinary=True)  # the lead-lag helps
    dates = sim.p_up.index[:100]
    assert sim.bayes_accuracy(dates=dates) == pytest.approx(
        np.maximum(sim.p_up.loc[dates], 1 - sim.p_up.loc[dates]).to_numpy().mean())


def test_oracle_knows_the_run_has_started_but_not_its_length(sim):
    cal = sim.p_up.index
    i = cal.get_loc(sim.event_date)
    for code in sim.event_codes:
        assert 0 < sim.p_up[code].iloc[i - 1] < 1  # the evening before: the announcement is unknown
        assert sim.p_up[code].iloc[i] == pytest.approx(1.0)  # runs last at least 3 days
        assert not sim.ordinary[code].iloc[i - 1] and sim.ordinary[code].iloc[i + 20]


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_stocks"):
        market.simulate_market(n_stocks=0)
    with pytest.raises(ValueError, match="exact only"):
        market.simulate_market(coefficients={"range": 0.1})


def test_scales_to_hundreds_of_stocks():
    m = market.simulate_market(seed=0, n_stocks=120)
    assert m.codes[0] == "SIM000" and len(m.codes) == 120
    assert len(m.lead_lag) == 24 and m.prices.shape[0] == 120 * 732  # 2015-01-05 .. 2017-12-29, no suspensions


def test_simulate_market_names_missing_coefficients():
    # A partial dict once failed deep inside with KeyError: 'ret_5'.
    with pytest.raises(ValueError, match=r"lacks \['ret_5', 'volume_ratio'\].*0\.0 for no effect"):
        market.simulate_market(seed=0, coefficients={"ret_1": 0.01})
