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


# --- years_to_detect_sharpe ------------------------------------------------------------------------
def test_years_to_detect_sharpe_closed_form_and_the_old_figure():
    from scipy import stats

    years_to_detect_sharpe = v.years_to_detect_sharpe
    z = stats.norm.ppf(0.975)
    s = 1 / np.sqrt(244)
    # At power 0.5 it is the old "(z / s)^2 days" of chapter 9 (3.84 years), plus the two small
    # terms of Lo's standard error: the s^2 / 2 of its variance and the n - 1.
    half = years_to_detect_sharpe(1.0, power=0.5)
    assert half == pytest.approx((1 + (1 + s**2 / 2) * z**2 / s**2) / 244, rel=1e-12)
    assert half == pytest.approx(z**2, abs=0.015)                      # 3.853 against 3.841
    # At power 0.8, z grows by z_0.8 = 0.8416: about 7.9 years.
    eighty = years_to_detect_sharpe(1.0)
    assert eighty == pytest.approx((1 + (1 + s**2 / 2) * (z + stats.norm.ppf(0.8)) ** 2 / s**2) / 244)
    assert eighty == pytest.approx(7.87, abs=0.01)
    assert years_to_detect_sharpe(2.0) < eighty / 3.9                  # about 1 / sr^2


def test_years_to_detect_sharpe_has_the_power_it_claims():
    # 2000 normal return series of that length with a true annual Sharpe ratio of 1: about 80% of
    # their sharpe_interval lower ends lie above zero.
    from scipy import stats

    years_to_detect_sharpe = v.years_to_detect_sharpe
    n = int(round(years_to_detect_sharpe(1.0) * 244))
    rng = np.random.default_rng(0)
    r = rng.normal(1 / np.sqrt(244), 1.0, size=(2000, n))
    sr = r.mean(axis=1) / r.std(axis=1, ddof=1)
    se = np.sqrt((1 - stats.skew(r, axis=1) * sr
                  + (stats.kurtosis(r, axis=1, fisher=False) - 1) / 4 * sr**2) / (n - 1))
    power = np.mean(sr - stats.norm.ppf(0.975) * se > 0)
    assert power == pytest.approx(0.8, abs=0.03)


def test_years_to_detect_sharpe_refuses_what_is_never_detected():
    years_to_detect_sharpe = v.years_to_detect_sharpe
    with pytest.raises(ValueError, match="sr must be a number above 0"):
        years_to_detect_sharpe(0.0)
    with pytest.raises(ValueError, match="power must be"):
        years_to_detect_sharpe(1.0, power=80)
