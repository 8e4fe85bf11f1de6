"""Property tests of companion.augment: shapes kept, causal, training-only, repeatable."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion import augment
from companion.features import EVENT_CAP

FEATURES = ["ret_1", "ret_5", "range", "volume_ratio", "volatility_20", "days_since_event"]
CLOCK, VOL = FEATURES.index("days_since_event"), FEATURES.index("volatility_20")


@dataclasses.dataclass
class FakeWindows:
    """Stand-in with the fields of companion.windows.Windows (the tests need no data layer)."""

    X: np.ndarray
    y: np.ndarray
    ret: np.ndarray
    dates: pd.DatetimeIndex
    codes: list
    features: list
    lookback: int
    horizon: int = 1


def market_path(seed: int, n_days: int, n_stocks: int = 3, event_day: int | None = None):
    """A fake daily feature path [time, stock, feature] with a volatility and an event clock."""
    rng = np.random.default_rng(seed)
    path = rng.normal(size=(n_days, n_stocks, len(FEATURES))).astype(np.float32)
    path[..., VOL] = rng.uniform(0.005, 0.04, size=(n_days, n_stocks))   # some calm, some not
    event_day = n_days // 2 if event_day is None else event_day
    k = np.arange(n_days) - event_day                          # the features' convention:
    clock = np.where(k < 0, EVENT_CAP, np.minimum(k, EVENT_CAP)).astype(np.float32)
    path[..., CLOCK] = clock[:, None]
    return path


def windows_from_path(path: np.ndarray, lookback: int) -> FakeWindows:
    """Overlapping windows: sample i holds days i .. i + lookback - 1 (its last input day)."""
    n = path.shape[0] - lookback + 1
    X = np.stack([path[i:i + lookback].transpose(1, 0, 2) for i in range(n)])
    y = (X[:, :, -1, 0] > 0).astype(np.float32)
    dates = pd.bdate_range("2016-01-04", periods=path.shape[0])[lookback - 1:]
    return FakeWindows(X=X, y=y, ret=X[:, :, -1, 0].copy(), dates=dates,
                       codes=[f"S{i}" for i in range(path.shape[1])], features=FEATURES,
                       lookback=lookback)


# --- time_scale ---------------------------------------------------------------------------

@given(seed=st.integers(0, 10_000), n=st.integers(8, 60), data=st.data(),
       factor=st.floats(0.8, 1.2), dtype=st.sampled_from([np.float32, np.float64]))
def test_time_scale_reads_nothing_after_end(seed, n, data, factor, dtype):
    rng = np.random.default_rng(seed)
    path = np.exp(np.cumsum(rng.normal(0, 0.02, n))).astype(dtype)
    end = data.draw(st.integers(0, n - 2), label="end")
    length = data.draw(st.integers(1, end + 1), label="length")
    out = augment.time_scale(path, factor, end=end, length=length)
    future = path.copy()
    future[end + 1:] = rng.uniform(100, 200, n - end - 1)     # a wildly different future
    assert out.shape == (length,) and out.dtype == dtype
    np.testing.assert_array_equal(out, augment.time_scale(future, factor, end=end, length=length))
    assert out[-1] == path[end]                               # anchored on the last input day


def test_time_scale_factor_one_is_identity_and_windows_keep_shape():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 3, 20, 6)).astype(np.float32)
    np.testing.assert_allclose(augment.time_scale(X, 1.0, axis=-2), X, rtol=0, atol=1e-6)
    factors = rng.uniform(0.95, 1.05, 7)
    out = augment.time_scale(X, factors, axis=-2)
    assert out.shape == X.shape and out.dtype == X.dtype
    np.testing.assert_array_equal(out[:, :, -1], X[:, :, -1])
    # per-sample factors act like the scalar function applied sample by sample
    np.testing.assert_allclose(out[3], augment.time_scale(X[3], factors[3], axis=-2), atol=1e-6)


def test_time_scale_interpolates_linearly_between_real_days():
    out = augment.time_scale(np.arange(10.0), 1.5, end=9, length=4)
    np.testing.assert_allclose(out, [4.5, 6.0, 7.5, 9.0])
    with pytest.raises(ValueError, match="positive"):
        augment.time_scale(np.arange(10.0), -1.0)


# --- trailing volatility and jitter -------------------------------------------------------

@given(seed=st.integers(0, 10_000), cut=st.integers(25, 70))
def test_trailing_volatility_uses_past_only(seed, cut):
    rng = np.random.default_rng(seed)
    price = np.exp(np.cumsum(rng.normal(0, 0.02, 80)))
    vol = augment.trailing_volatility(price, window=20)
    changed = price.copy()
    changed[cut + 1:] *= 3.0
    np.testing.assert_array_equal(vol[:cut + 1], augment.trailing_volatility(changed, 20)[:cut + 1])
    assert np.isnan(vol[19]) and not np.isnan(vol[20])
    np.testing.assert_allclose(vol[cut], np.std(np.diff(np.log(price[cut - 20:cut + 1])), ddof=1))


@given(seed=st.integers(0, 10_000), threshold=st.floats(0.005, 0.05))
def test_jitter_only_where_calm_and_repeatable(seed, threshold):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4, 3, 20, 6)).astype(np.float32)
    vol = rng.uniform(0.0, 0.06, size=(4, 3, 20, 1))
    vol[0, 0, 0, 0] = np.nan                                   # unknown volatility: not calm
    out = augment.jitter_if_calm(x, vol, sigma=0.5, threshold=threshold, seed=seed)
    assert out.shape == x.shape and out.dtype == x.dtype
    calm = np.broadcast_to(vol < threshold, x.shape)
    np.testing.assert_array_equal(out[~calm], x[~calm])
    assert np.all(out[calm] != x[calm])
    np.testing.assert_array_equal(
        out, augment.jitter_if_calm(x, vol, sigma=0.5, threshold=threshold, seed=seed))


# --- shift_event --------------------------------------------------------------------------

@given(event_row=st.integers(-30, 30), delay=st.integers(0, 5))
def test_shift_event_only_moves_later_and_copies_earlier_rows(event_row, delay):
    T = 20
    x = np.zeros((T, 2), dtype=np.float32)
    x[:, 0] = np.arange(T) * 10.0                              # row identity
    x[:, 1] = np.clip(np.arange(T) - event_row, 0, None)       # clock, 0 before the event
    out = augment.shift_event(x, delay, clock=1)
    src = (out[:, 0] / 10.0).astype(int)
    assert np.all(src <= np.arange(T)), "a row came from a later day"
    assert np.all(np.arange(T) - src <= delay)
    if event_row >= T or delay == 0:
        np.testing.assert_array_equal(out, x)                 # nothing to delay, or no delay
    else:
        expected_clock = np.clip(np.arange(T) - event_row - delay, 0, None)
        np.testing.assert_array_equal(out[:, 1], expected_clock)


def test_shift_event_refuses_earlier():
    x = np.zeros((20, 2))
    with pytest.raises(ValueError, match="later"):
        augment.shift_event(x, -1, clock=1)


# --- augment_windows ----------------------------------------------------------------------

@given(seed=st.integers(0, 1000), multiplier=st.integers(1, 4),
       methods=st.sets(st.sampled_from(augment.METHODS)), event_day=st.integers(0, 60))
def test_augment_windows_shapes_labels_and_seed(seed, multiplier, methods, event_day):
    w = windows_from_path(market_path(seed, 50, event_day=event_day), lookback=10)
    out = augment.augment_windows(w, multiplier=multiplier, methods=tuple(methods), seed=seed)
    n = len(w.dates) * multiplier
    assert out.X.shape == (n,) + w.X.shape[1:] and out.X.dtype == w.X.dtype
    assert out.y.shape == (n,) + w.y.shape[1:] and out.y.dtype == w.y.dtype
    np.testing.assert_array_equal(out.X[::multiplier], w.X)           # originals kept
    np.testing.assert_array_equal(out.y, np.repeat(w.y, multiplier, axis=0))  # real labels
    np.testing.assert_array_equal(out.ret, np.repeat(w.ret, multiplier, axis=0))
    assert out.dates.is_monotonic_increasing
    again = augment.augment_windows(w, multiplier=multiplier, methods=tuple(methods), seed=seed)
    np.testing.assert_array_equal(out.X, again.X)                      # same seed, same data
    if methods and multiplier > 1:
        other = augment.augment_windows(w, multiplier=multiplier, methods=("time_scale",),
                                        seed=seed + 1)
        first = augment.augment_windows(w, multiplier=multiplier, methods=("time_scale",),
                                        seed=seed)
        assert not np.array_equal(first.X, other.X)                   # the seed matters


@given(seed=st.integers(0, 1000), cut=st.integers(12, 45), event_day=st.integers(0, 60))
def test_augmented_window_depends_on_nothing_after_its_last_day(seed, cut, event_day):
    path = market_path(seed, 50, event_day=event_day)
    w = windows_from_path(path, lookback=10)
    t = w.dates[cut - 9]                                       # sample whose last input day is `cut`
    future = path.copy()
    future[cut + 1:, :, :-1] += 5.0                            # a different future (prices...)
    future[cut + 1:, :, VOL] = 0.001                           # ...calm after t...
    future[cut + 1:, :, CLOCK] = EVENT_CAP                     # ...and no event yet
    w2 = windows_from_path(future, lookback=10)
    a = augment.augment_windows(w, multiplier=3, seed=seed)
    b = augment.augment_windows(w2, multiplier=3, seed=seed)
    known = a.dates <= t
    assert known.sum() == 3 * (cut - 9 + 1)
    np.testing.assert_array_equal(a.X[known], b.X[known])


def test_validation_and_test_windows_untouched():
    w = windows_from_path(market_path(3, 120), lookback=10)
    n = len(w.dates)
    parts = [dataclasses.replace(w, X=w.X[s].copy(), y=w.y[s].copy(), ret=w.ret[s].copy(),
                                 dates=w.dates[s])
             for s in (slice(0, 70), slice(80, 90), slice(100, n))]
    train, val, test = parts
    before = [p.X.copy() for p in parts]
    aug = augment.augment_windows(train, multiplier=5, seed=0)
    for part, saved in zip(parts, before, strict=True):
        np.testing.assert_array_equal(part.X, saved)           # nothing modified in place
    assert aug.dates.max() == train.dates.max() < val.dates.min()
    assert not np.shares_memory(aug.X, train.X)


def test_augment_windows_rejects_bad_input():
    w = windows_from_path(market_path(0, 30), lookback=10)
    with pytest.raises(ValueError, match="unknown augmentation"):
        augment.augment_windows(w, methods=("mixup",))
    with pytest.raises(ValueError, match=r"\[samples, stock, time, feature\]"):
        augment.augment_windows(dataclasses.replace(w, X=w.X[0]))


@given(event_row=st.integers(-80, 30), delay=st.integers(0, 3))
def test_shift_event_with_the_capped_clock_of_companion_features(event_row, delay):
    """days_since_event is EVENT_CAP before the event and from EVENT_CAP days after it."""
    T = 20
    x = np.zeros((2, T, 2), dtype=np.float32)
    x[..., 0] = np.arange(T) * 10.0
    k = np.arange(T) - event_row
    x[..., 1] = np.where(k < 0, EVENT_CAP, np.minimum(k, EVENT_CAP))
    out = augment.shift_event(x, np.array([delay, 0]), clock=1, before=EVENT_CAP)
    np.testing.assert_array_equal(out[1], x[1])                # per-sample delays: 0 = untouched
    k_late = k - delay
    expected = np.where(k_late < 0, EVENT_CAP, np.minimum(k_late, EVENT_CAP))
    capped = k >= EVENT_CAP                                    # true age unknown once capped
    np.testing.assert_array_equal(out[0, ~capped, 1], expected[~capped])
    assert np.all((out[0, :, 0] / 10.0) <= np.arange(T))


def test_with_the_data_layer_after_a_chronological_split():
    """The real Windows of a synthetic market: train is augmented, val and test are not."""
    from companion import features, market, windows

    sim = market.simulate_market(seed=1, n_stocks=3, start="2016-06-01", end="2017-09-29")
    w = windows.make_windows(features.make_features(sim.prices, event_date=sim.event_date),
                             sim.prices, lookback=10)
    tr, va, te = windows.chronological_split(w, train=0.6, val=0.2)
    saved = [p.X.copy() for p in (tr, va, te)]
    aug = augment.augment_windows(tr, multiplier=5, seed=0)
    assert isinstance(aug, windows.Windows) and len(aug) == 5 * len(tr)
    assert aug.X.dtype == np.float32 and aug.y.dtype == tr.y.dtype
    assert aug.dates.max() < va.dates.min()
    for part, before in zip((tr, va, te), saved, strict=True):
        np.testing.assert_array_equal(part.X, before)
    # the event lies in this training part, so shift_event changed some windows
    clock = tr.features.index("days_since_event")
    seen = (tr.X[..., clock] < features.EVENT_CAP).any(axis=(1, 2))
    assert seen.any()
    shifted = augment.augment_windows(tr, multiplier=2, methods=("shift_event",), seed=0)
    changed = np.any(shifted.X[1::2] != tr.X, axis=(1, 2, 3))
    assert changed.any() and not changed[~seen].any()
