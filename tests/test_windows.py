"""Windows, the chronological split with its embargo, and the Standardizer (companion.windows)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion import market
from companion.features import make_features
from companion.windows import Standardizer, Windows, chronological_split, make_windows


@pytest.fixture(scope="module")
def sim():
    return market.simulate_market(seed=0, n_stocks=4, start="2016-01-04", end="2017-06-30")


@pytest.fixture(scope="module")
def w(sim):
    return make_windows(make_features(sim.prices), sim.prices, lookback=10, horizon=1)


def test_shapes_and_dtypes(w):
    assert w.X.dtype == np.float32 and w.y.dtype == np.float32 and w.ret.dtype == np.float32
    assert w.X.shape[1:] == (4, 10, 6) and w.y.shape == w.ret.shape == (len(w), 4)
    assert w.codes == ["SIM00", "SIM01", "SIM02", "SIM03"] and w.lookback == 10 and w.horizon == 1
    assert np.isfinite(w.X).all() and w.dates.is_monotonic_increasing


def test_window_content_and_target_line_up(sim, w):
    f = make_features(sim.prices)
    i = 37
    t = w.dates[i]
    cal = pd.DatetimeIndex(np.sort(sim.prices["date"].unique()))
    k = cal.get_loc(t)
    days = cal[k - 9:k + 1]
    expect = f.loc[(days, "SIM02"), :].to_numpy(dtype=np.float32)
    np.testing.assert_array_equal(w.X[i, 2], expect)  # the last input day is t itself
    close = sim.prices.pivot(index="date", columns="code", values="adj_close")
    assert w.y[i, 2] == float(close.loc[cal[k + 1], "SIM02"] > close.loc[t, "SIM02"])
    assert w.ret[i, 2] == pytest.approx(np.log(close.loc[cal[k + 1], "SIM02"] / close.loc[t, "SIM02"]))
    # horizon 1 targets match the oracle's timing: p_up at t is about close[t+1] > close[t]
    p = sim.p_up.loc[w.dates, w.codes].to_numpy()
    assert ((p > 0.5) == (w.y > 0.5)).mean() > 0.55


def test_suspensions_drop_samples_instead_of_filling():
    p = market.load_prices(["000401.SZ", "601668.SH"], "2016-01-01", "2017-12-31")
    w = make_windows(make_features(p), p, lookback=5)
    suspended = pd.Timestamp("2016-05-03")  # 000401 was suspended 2016-04-06 .. 2016-07-13
    assert suspended not in w.dates and np.isfinite(w.X).all()
    gap = w.dates.to_series().diff().max()
    assert gap > pd.Timedelta(days=60)


def test_horizon_and_indexing(sim):
    f = make_features(sim.prices)
    w5 = make_windows(f, sim.prices, lookback=10, horizon=5)
    cal = pd.DatetimeIndex(np.sort(sim.prices["date"].unique()))
    assert w5.dates[-1] == cal[-6]
    part = w5[np.arange(len(w5)) % 2 == 0]
    assert isinstance(part, Windows) and len(part) == (len(w5) + 1) // 2
    assert len(w5[3]) == 1 and len(w5[:7]) == 7 and len(w5[[1, 4]]) == 2


def test_bad_arguments(sim):
    f = make_features(sim.prices)
    with pytest.raises(ValueError, match="lookback"):
        make_windows(f, sim.prices, lookback=0)
    with pytest.raises(ValueError, match="not in prices"):
        make_windows(f, sim.prices, codes=["SIM99"])
    with pytest.raises(ValueError, match=r"indexed by \(date, code\)"):
        make_windows(f.reset_index(), sim.prices)


@given(train=st.floats(0.3, 0.8), val=st.floats(0.05, 0.15), embargo=st.one_of(st.none(), st.integers(0, 12)))
def test_split_is_chronological_with_embargo(w, train, val, embargo):
    tr, va, te = chronological_split(w, train=train, val=val, embargo=embargo)
    gap = w.lookback + w.horizon - 1 if embargo is None else embargo
    cal = list(w.dates)
    assert tr.dates.max() < va.dates.min() and va.dates.max() < te.dates.min()
    # exactly `gap` samples dropped before validation and before test
    assert cal.index(va.dates[0]) - cal.index(tr.dates[-1]) - 1 == gap
    assert cal.index(te.dates[0]) - cal.index(va.dates[-1]) - 1 == gap
    assert len(tr) + len(va) + len(te) + 2 * gap == len(w)


def test_default_embargo_means_no_shared_day(sim, w):
    """No training window or target touches a day that a validation or test window uses."""
    tr, va, te = chronological_split(w)
    cal = pd.DatetimeIndex(np.sort(sim.prices["date"].unique()))
    def days_used(part):  # every input day and the target day of every sample
        used = set()
        for t in part.dates:
            k = cal.get_loc(t)
            used.update(cal[k - part.lookback + 1:k + part.horizon + 1])
        return used
    assert not days_used(tr) & days_used(va)
    assert not days_used(va) & days_used(te) and not days_used(tr) & days_used(te)
    # with no embargo the overlap is real: that is the leak the embargo removes
    tr0, va0, _ = chronological_split(w, embargo=0)
    assert days_used(tr0) & days_used(va0)


def test_split_too_small(w):
    with pytest.raises(ValueError, match="too few"):
        chronological_split(w[:20], train=0.5, val=0.2)


def test_standardizer_uses_training_statistics_only(w):
    tr, va, te = chronological_split(w)
    s = Standardizer().fit(tr.X)
    assert s.mean.shape == (1, 4, 1, 6) and s.std.shape == (1, 4, 1, 6)
    np.testing.assert_allclose(s.mean[0, :, 0], tr.X.astype(np.float64).mean(axis=(0, 2)), rtol=1e-6)
    z = s.transform(tr.X)
    np.testing.assert_allclose(z.mean(axis=(0, 2))[:, :5], 0, atol=1e-4)  # days_since_event may be constant
    # changing validation/test data does not move the fitted statistics
    poisoned = w.X.copy()
    poisoned[len(tr):] *= 1000
    s2 = Standardizer().fit(poisoned[:len(tr)])
    np.testing.assert_array_equal(s.mean, s2.mean)
    assert not np.allclose(Standardizer().fit(w.X).mean, s.mean)  # fitting on everything differs
    zw = s.transform(va)
    assert isinstance(zw, Windows) and np.array_equal(zw.y, va.y)


def test_standardizer_constant_feature_and_shape_errors():
    X = np.ones((5, 2, 3, 4), dtype=np.float32)
    z = Standardizer().fit_transform(X)
    assert np.isfinite(z).all() and (z == 0).all()
    s = Standardizer().fit(X)
    with pytest.raises(ValueError, match=r"expected X of shape \[samples, 2, time, 4\]"):
        s.transform(np.ones((5, 3, 3, 4)))
    with pytest.raises(ValueError, match="got shape"):
        s.fit(np.ones((5, 3)))
    with pytest.raises(RuntimeError, match="before fit"):
        Standardizer().transform(X)
