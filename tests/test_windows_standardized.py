"""standardized_split: the split, then statistics of the training part only."""

import numpy as np

from companion import features, market, windows


def test_standardized_split_uses_training_statistics_only():
    m = market.simulate_market(seed=1, n_stocks=3)
    w = windows.make_windows(features.make_features(m.prices, event_date=m.event_date), m.prices)
    tr, va, te = windows.chronological_split(w)
    s_tr, s_va, s_te = windows.standardized_split(w)
    scaler = windows.Standardizer().fit(tr.X)
    for raw, scaled in ((tr, s_tr), (va, s_va), (te, s_te)):
        np.testing.assert_allclose(scaled.X, scaler.transform(raw.X), rtol=1e-6)
        np.testing.assert_array_equal(scaled.y, raw.y)
        assert list(scaled.dates) == list(raw.dates)
    # training inputs are centred; the later parts are not forced to be
    assert np.abs(s_tr.X.mean(axis=(0, 2))).max() < 1e-4
