"""companion.baselines: each rule does what it says, shaped like the targets."""

import numpy as np
import pandas as pd
import pytest

from companion import baselines, features, market, metrics, windows
from companion.windows import Windows

FEATS = ["ret_1", "ret_5", "noise"]


def hand_windows(n=400, stocks=3, seed=0, signal=0.0):
    """Windows whose target follows the last day's ret_1 with strength ``signal``."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, stocks, 5, 3)).astype(np.float32)
    logit = signal * X[:, :, -1, 0]
    y = (rng.uniform(size=(n, stocks)) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    dates = pd.bdate_range("2016-01-04", periods=n)
    return Windows(X, y, np.zeros_like(y), dates, [f"S{i}" for i in range(stocks)], FEATS, 5, 1)


def test_always_up_uses_training_up_rate():
    train, target = hand_windows(seed=1), hand_windows(n=50, seed=2)
    train.y[:] = 0
    train.y[: int(0.6 * len(train))] = 1  # 60% up days in training
    p = baselines.always_up(train, target)
    assert p.shape == target.y.shape
    np.testing.assert_allclose(p, 0.6)
    assert metrics.scorecard(target.y, p)["recall_up"] == 1.0
    # fewer than half up: the probability stays just above one half, the decision stays "up"
    train.y[:] = 0
    p = baselines.always_up(train, target)
    assert (p > 0.5).all() and (p < 0.501).all()


def test_momentum_repeats_yesterdays_direction():
    train, target = hand_windows(seed=3, signal=3.0), hand_windows(n=80, seed=4, signal=3.0)
    p = baselines.momentum(train, target)
    assert p.shape == target.y.shape
    up_today = target.X[:, :, -1, 0] > 0
    np.testing.assert_array_equal(p >= 0.5, up_today)
    hit = np.mean((train.X[:, :, -1, 0] > 0) == (train.y == 1))
    np.testing.assert_allclose(p[up_today], hit)
    np.testing.assert_allclose(p[~up_today], 1 - hit)
    assert hit > 0.7  # the targets follow ret_1 here


def test_momentum_needs_the_return_feature():
    w = hand_windows(n=20)
    w.features = ["a", "b", "c"]
    with pytest.raises(ValueError, match="'ret_1'"):
        baselines.momentum(w, w)


def test_logistic_regression_finds_a_last_day_signal_and_ignores_noise():
    train, target = hand_windows(seed=5, signal=3.0), hand_windows(n=200, seed=6, signal=3.0)
    p = baselines.logistic_regression(train, target)
    assert p.shape == target.y.shape
    assert metrics.scorecard(target.y, p)["accuracy"] > 0.75
    noise_train, noise_target = hand_windows(seed=7), hand_windows(n=200, seed=8)
    p = baselines.logistic_regression(noise_train, noise_target)
    assert np.abs(p - 0.5).max() < 0.15  # no signal: probabilities stay near one half


def test_baselines_refuse_arrays():
    w = hand_windows(n=10)
    with pytest.raises(TypeError, match="Windows"):
        baselines.always_up(w.X, w)


@pytest.fixture(scope="module")
def synthetic():
    m = market.simulate_market(0)
    w = windows.make_windows(features.make_features(m.prices), m.prices)
    return m, w


def test_oracle_aligns_with_p_up(synthetic):
    m, w = synthetic
    part = w[100:160]
    p = baselines.oracle(m, part)
    assert p.shape == part.y.shape
    for i in (0, 17, 59):
        for s, code in enumerate(part.codes):
            assert p[i, s] == m.p_up.loc[part.dates[i], code]
    # the oracle's accuracy agrees with the Bayes limit the market reports, within sampling error
    card = metrics.scorecard(w.y, baselines.oracle(m, w))
    assert card["accuracy_low"] < m.bayes_accuracy(dates=w.dates, codes=w.codes) < card["accuracy_high"]


def test_oracle_refuses_other_horizons_and_markets(synthetic):
    m, w = synthetic
    w2 = windows.make_windows(features.make_features(m.prices), m.prices, horizon=2)
    with pytest.raises(ValueError, match="horizon=1"):
        baselines.oracle(m, w2)
    foreign = hand_windows(n=5)
    with pytest.raises(ValueError, match="not in the market"):
        baselines.oracle(m, foreign)
