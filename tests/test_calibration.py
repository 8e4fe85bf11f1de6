"""Tests of companion.calibration: temperature scaling and the random-filter comparison."""

import numpy as np
import pytest
from scipy.special import expit
from sklearn.metrics import log_loss

from companion.calibration import TemperatureScaler, filter_vs_random


def _overconfident(n=4000, t_true=2.5, seed=0):
    rng = np.random.default_rng(seed)
    true_logit = rng.normal(0, 1, n)
    y = (rng.random(n) < expit(true_logit)).astype(float)
    return true_logit * t_true, y  # logits t_true times too large


def test_temperature_recovers_the_overconfidence():
    logits, y = _overconfident()
    t = TemperatureScaler().fit(logits, y).temperature
    assert t == pytest.approx(2.5, rel=0.15)


def test_temperature_scaling_lowers_log_loss_and_keeps_decisions():
    logits, y = _overconfident(seed=1)
    val, test = slice(0, 2000), slice(2000, None)
    scaler = TemperatureScaler().fit(logits[val], y[val])
    before, after = expit(logits[test]), scaler.transform(logits[test])
    assert log_loss(y[test], after) < log_loss(y[test], before)
    np.testing.assert_array_equal(before >= 0.5, after >= 0.5)
    np.testing.assert_allclose(scaler.transform_proba(before), after, atol=1e-5)


def test_temperature_minimises_log_loss_against_a_grid():
    logits, y = _overconfident(seed=2, t_true=0.6)
    t = TemperatureScaler().fit(logits, y).temperature
    grid = np.linspace(0.2, 3, 281)  # step 0.01
    losses = [log_loss(y, expit(logits / g)) for g in grid]
    assert t == pytest.approx(grid[int(np.argmin(losses))], abs=0.011)


def test_scaler_unfitted():
    with pytest.raises(RuntimeError, match="not fitted"):
        TemperatureScaler().transform([0.0])


def test_filter_vs_random_detects_a_good_filter_and_not_a_random_one():
    rng = np.random.default_rng(0)
    n = 2000
    y = (rng.random(n) < 0.5).astype(float)
    good = rng.random(n) < 0.3                      # 30% of days where the model is always right
    p = np.where(good, np.where(y == 1, 0.8, 0.2), rng.random(n))
    res = filter_vs_random(y, p, good, n_draws=500)
    assert res["accuracy"] == 1.0 and res["p_value"] < 0.01 and res["random_high"] < res["low"]
    rand_keep = rng.random(n) < 0.3
    res2 = filter_vs_random(y, p, rand_keep, n_draws=500)
    assert res2["random_low"] <= res2["accuracy"] <= res2["random_high"]
    assert res2["n_kept"] == rand_keep.sum() and res2["coverage"] == pytest.approx(rand_keep.mean())


def test_filter_vs_random_empty_and_shape_errors():
    assert np.isnan(filter_vs_random([1, 0], [0.6, 0.4], [False, False])["accuracy"])
    with pytest.raises(ValueError, match="one value per prediction"):
        filter_vs_random([1, 0], [0.6, 0.4], [True])


def test_temperature_bounds_are_checked_when_the_scaler_is_made():
    with pytest.raises(ValueError, match="upper temperature must be above"):
        TemperatureScaler(bounds=(2.0, 1.0))
    with pytest.raises(TypeError, match="a pair"):
        TemperatureScaler(bounds="0.05-20")
    logits, y = _overconfident(t_true=2.5)
    assert TemperatureScaler(bounds=(0.05, 1.5)).fit(logits, y).temperature == pytest.approx(1.5, abs=1e-3)
