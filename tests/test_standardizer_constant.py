"""A feature constant in the training windows must not reach a model as a huge value later.

Chapters 2-8 keep days_since_event, which equals its cap on every training day of 2015-2017 and
runs down to about -50 standard units in validation after the April 2017 event: an input far out of
distribution, fed through weights that never got a gradient. The Standardizer sets such a column to
0 everywhere, so validation and test see what training saw.
"""

import numpy as np
import pytest

from companion import features, market, windows


def _windows_with_event_after_training():
    prices = market.load_prices(market.STORY_CODES[:3], start="2015-01-01", end="2017-11-17")
    w = windows.make_windows(features.make_features(prices), prices)
    return windows.chronological_split(w)


def test_a_column_constant_in_training_is_zero_in_every_part():
    train, val, test = _windows_with_event_after_training()
    clock = train.features.index("days_since_event")
    assert np.ptp(train.X[..., clock]) == 0, "the premise: the event clock is constant in training"
    assert np.ptp(val.X[..., clock]) > 0, "the premise: it moves in validation"
    scaler = windows.Standardizer().fit(train)
    for part in (train, val, test):
        z = scaler.transform(part.X)
        assert np.all(z[..., clock] == 0), "a training-constant column must not move later"
        others = [f for f in range(z.shape[-1]) if f != clock]
        assert np.abs(z[..., others]).max() < 60  # the informative columns are scaled as before
    assert scaler.constant_features == ["days_since_event"]


def test_a_near_constant_column_is_frozen_too():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2, 5, 3))
    X[..., 1] = 7.0 + 1e-11 * rng.normal(size=(50, 2, 5))  # std 1e-11: rounding noise, not signal
    scaler = windows.Standardizer().fit(X)
    later = X.copy()
    later[..., 1] = 7.01
    assert np.abs(scaler.transform(later)[..., 1]).max() == 0  # was about 1e9 before
    assert scaler.constant_features == [1]  # no names without Windows: feature positions


def test_only_the_constant_stock_feature_pairs_are_frozen():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3, 4, 2))
    X[:, 0, :, 1] = 3.0  # constant for stock 0 only
    scaler = windows.Standardizer().fit(X)
    Z = scaler.transform(X + 1.0)
    assert np.all(Z[:, 0, :, 1] == 0)
    assert np.abs(Z[:, 1:, :, 1]).min() > 0
    assert scaler.constant_features == []  # not constant for every stock
    assert scaler.constant.shape == (1, 3, 1, 2) and scaler.constant.sum() == 1
    assert "constant in training" in repr(scaler)


def test_transform_before_fit_says_what_to_do():
    with pytest.raises(RuntimeError, match="before fit"):
        windows.Standardizer().transform(np.zeros((1, 1, 1, 1)))
