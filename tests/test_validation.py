"""Splits never leak, intervals match scipy, and the best-of-N / deflated Sharpe behave as claimed."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion import validation as v


def test_walk_forward_is_in_time_order_with_embargo():
    splits = v.walk_forward_splits(100, train_size=40, test_size=10, embargo=5)
    assert len(splits) == 5
    for train, test in splits:
        assert train.max() + 5 < test.min()
        assert train.min() == 0                      # expanding window
    sliding = v.walk_forward_splits(100, train_size=40, test_size=10, expanding=False)
    assert all(len(tr) == 40 for tr, _ in sliding)
    with pytest.raises(ValueError, match="too short"):
        v.walk_forward_splits(20, train_size=15, test_size=10)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(30, 300), k=st.integers(2, 6), lookback=st.integers(1, 20),
       horizon=st.integers(1, 5), embargo=st.integers(0, 10))
def test_purged_kfold_no_training_window_touches_a_test_window(n, k, lookback, horizon, embargo):
    for train, test in v.purged_kfold_splits(n, k, lookback=lookback, horizon=horizon,
                                             embargo=embargo):
        a, b = test.min(), test.max()
        # sample i spans days [i - lookback + 1, i + horizon]; no overlap with the test block's span
        for j in train:
            assert j + horizon < a - lookback + 1 or j - lookback + 1 > b + horizon
            assert not (b < j <= b + lookback + horizon - 1 + embargo)
        assert len(np.intersect1d(train, test)) == 0


def test_wilson_matches_the_story_check():
    low, high = v.wilson_interval(68, 100)
    assert 0.57 < low < 0.59 and 0.75 < high < 0.77


def test_best_of_20_coin_flips_scores_about_59_percent():
    best = v.best_of_n_accuracy(20, 100, n_sims=4000, seed=1)
    assert 0.58 < best.mean() < 0.60
    assert v.best_of_n_accuracy(1, 100, n_sims=4000, seed=1).mean() == pytest.approx(0.5, abs=0.01)


def test_sharpe_interval_covers_truth_and_lo_formula():
    # Lo (2002): iid normal returns, se = sqrt((1 + sr^2 / 2) / n) (here with n - 1)
    assert v.sharpe_standard_error(0.1, 501) == pytest.approx(np.sqrt((1 + 0.005) / 500))
    rng = np.random.default_rng(0)
    true_sr, covered = 0.05, 0
    for _ in range(200):
        r = rng.normal(0.05 * 0.01, 0.01, size=250)
        sr, low, high = v.sharpe_interval(r, periods_per_year=1)
        covered += low <= true_sr <= high
    assert 0.9 <= covered / 200 <= 0.99


def test_deflated_sharpe_penalises_many_trials():
    rng = np.random.default_rng(0)
    r = rng.normal(0.001, 0.01, 500)
    one = v.deflated_sharpe_ratio(r, n_trials=1, sr_variance=0.002)
    many = v.deflated_sharpe_ratio(r, n_trials=100, sr_variance=0.002)
    assert one == pytest.approx(v.probabilistic_sharpe_ratio(r))
    assert many < one
    # expected max of N zero-mean Sharpe ratios against simulation
    sims = rng.normal(0, np.sqrt(0.002), size=(20000, 50)).max(axis=1).mean()
    assert v.expected_max_sharpe(50, 0.002) == pytest.approx(sims, rel=0.05)
