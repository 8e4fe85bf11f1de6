"""Causal data augmentation: more training windows without telling the model the future.

The story multiplies its ~500 trading days by five with three transformations: time scaling
(±5% by linear interpolation), small noise in calm stretches, and moving the policy-event date.
Each can leak the future if done carelessly; this module does them so that they cannot.

What is augmented
-----------------
The *window inputs* ``X [samples, stock, time, feature]`` made by `companion.windows.make_windows`,
in raw units (before the `Standardizer`), one window at a time. Each feature channel of a window
is a short path that ends on the window's last input day ``t``; every transformation here reads
only that window's own rows, so an augmented window depends on nothing after ``t``. The
functions also work on a plain price path with an ``end`` index (the chapter plots them on the
real close of 冀东水泥), and then they read nothing after ``end`` either.

Why not re-derive features from augmented prices? It needs each window's price history *before*
the window (20-day volatility, 5-day returns) and one feature computation per window and copy;
augmenting the windows directly is causal by construction and far cheaper.

The three transformations
-------------------------
``time_scale``      resample a path on a grid spaced ``factor`` days apart, anchored at the last
                    input day: the last value stays the real one, the others interpolate real
                    values of days up to ``t`` (with ``factor < 1`` a step may read a day a little
                    later than its own position, but still inside the window: the model sees the
                    whole window at ``t`` anyway). Nothing is read past ``end``.
``jitter_if_calm``  add Gaussian noise only where the *trailing* volatility (known at that day)
                    is below a threshold; volatile stretches, where the signal is, stay intact.
``shift_event``     pretend the policy event happened ``delay`` days *later*: the event clock
                    (``days_since_event``) and, when the event falls inside the window, the shock
                    rows move later. Every augmented row is a copy of the same or an earlier row.
                    Moving an event *earlier* would put news into days that had not heard it
                    yet -- information from after ``t`` -- so a negative delay is refused.

Labels
------
An augmented window keeps the real label ``y`` (and return ``ret``) of its source window: the
actual move from ``t`` to ``t + horizon``. Recomputing a label from an interpolated or shifted
path would need prices after ``t`` inside the inputs' construction (interpolating across the
prediction horizon), which is exactly the leak to avoid. Keeping the label assumes the small
perturbation does not change the outcome; the chapter's ablation measures whether that helps.

Only training windows are augmented, after `companion.windows.chronological_split`; validation
and test windows are measured as they are.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from companion.checks import check_int, check_real
from companion.features import EVENT_CAP

METHODS = ("time_scale", "jitter", "shift_event")


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def time_scale(path: np.ndarray, factor: float | np.ndarray, *, end: int | None = None,
               length: int | None = None, axis: int = -1) -> np.ndarray:
    """Stretch or compress a path in time by linear interpolation, anchored at ``end``.

    Output step ``j`` (of ``length``) is the path read at real position
    ``end - (length - 1 - j) * factor``: ``factor > 1`` compresses more history into the same
    number of steps (the market "ran faster"), ``factor < 1`` stretches it. Positions before the
    path's start are held at its first value. No position is ever later than ``end``.

    Parameters
    ----------
    path : array with time along ``axis``, e.g. a price path ``[time]`` or windows
        ``[samples, stock, time, feature]`` with ``axis=-2``.
    factor : a scalar, or one factor per sample ``[samples]`` (then ``axis`` must not be 0).
    end : index of the last input day along ``axis`` (default: the last one).
    length : number of steps returned, ending at ``end`` (default: ``end + 1``).

    Returns
    -------
    array shaped like ``path`` with ``length`` steps along ``axis``; float dtype kept.
    """
    x = np.asarray(path)
    axis = axis % x.ndim
    n = x.shape[axis]
    end = n - 1 if end is None else int(end)
    if not 0 <= end < n:
        raise ValueError(f"end must index the time axis of length {n}, got {end}")
    length = end + 1 if length is None else int(length)
    if length < 1:
        raise ValueError(f"length must be at least 1, got {length}")
    factor = np.asarray(factor, dtype=np.float64)
    if np.any(factor <= 0):
        raise ValueError(f"time-scale factors must be positive, got min {factor.min()}")
    if factor.ndim == 1:
        if axis == 0 or factor.shape[0] != x.shape[0]:
            raise ValueError(f"per-sample factors need shape [samples] = [{x.shape[0]}] and a time "
                             f"axis after the sample axis; got factor shape {factor.shape}, axis {axis}")
    elif factor.ndim > 1:
        raise ValueError(f"factor must be a scalar or shaped [samples], got shape {factor.shape}")

    xt = np.moveaxis(x, axis, -1)                          # [..., time]
    steps_back = np.arange(length - 1, -1, -1, dtype=np.float64)
    f = factor.reshape(factor.shape + (1,) * (xt.ndim - factor.ndim))  # broadcast over [..., time]
    pos = np.clip(end - steps_back * f, 0.0, end)          # never later than the last input day
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, end)                           # the right neighbour, capped at `end`
    w = (pos - lo).astype(xt.dtype if np.issubdtype(xt.dtype, np.floating) else np.float64)
    shape = xt.shape[:-1] + (length,)
    lo, hi, w = (np.broadcast_to(a, shape) for a in (lo, hi, w))
    out = (1 - w) * np.take_along_axis(xt, lo, -1) + w * np.take_along_axis(xt, hi, -1)
    return np.moveaxis(out.astype(xt.dtype, copy=False), -1, axis)


def trailing_volatility(path: np.ndarray, window: int = 20) -> np.ndarray:
    """Standard deviation of daily log returns over the last ``window`` days, known at each day.

    ``path [time]`` of positive prices -> ``[time]``; NaN until ``window`` returns exist. The
    value at day ``t`` uses prices up to and including ``t`` only (a centred window would not).
    """
    prices = np.asarray(path, dtype=np.float64)
    if prices.ndim != 1:
        raise ValueError(f"expected a price path of shape [time], got shape {prices.shape}")
    log_ret = pd.Series(np.log(prices)).diff()
    return log_ret.rolling(window, min_periods=window).std().to_numpy()


def jitter_if_calm(x: np.ndarray, volatility: np.ndarray, *, sigma: float | np.ndarray,
                   threshold: float = 0.02,
                   seed: int | np.random.Generator | None = None,
                   noise: np.ndarray | None = None) -> np.ndarray:
    """Add ``N(0, sigma^2)`` noise to ``x`` only where ``volatility < threshold``.

    Parameters
    ----------
    x : any array, e.g. a log-price path ``[time]`` or windows ``[samples, stock, time, feature]``.
    volatility : the *trailing* volatility at each step, broadcastable to ``x`` (e.g.
        `trailing_volatility`, or the ``volatility_20`` feature ``[samples, stock, time, 1]``).
        NaN counts as "not calm". Being trailing is what keeps the gate causal.
    sigma : noise scale, scalar or broadcastable to ``x``.
    noise : standard-normal draws shaped like ``x``; drawn from ``seed`` when omitted.
    """
    x = np.asarray(x)
    calm = np.broadcast_to(np.asarray(volatility) < threshold, x.shape)
    if noise is None:
        noise = _rng(seed).standard_normal(x.shape)
    elif noise.shape != x.shape:
        raise ValueError(f"noise must be shaped like x {x.shape}, got {noise.shape}")
    jittered = x + np.asarray(sigma) * noise
    return np.where(calm, jittered, x).astype(x.dtype, copy=False)


def shift_event(x: np.ndarray, delay: int | np.ndarray, *, clock: int, before: float = 0.0,
                step: float = 1.0) -> np.ndarray:
    """Pretend the policy event happened ``delay`` trading days later than it did.

    ``x [..., time, feature]``; feature ``clock`` is the event clock (``days_since_event``):
    ``before`` on days before the event, then ``0, step, 2*step, ...`` from the event day on
    (a clock capped at ``before``, like `companion.features.EVENT_CAP`, is fine: capped rows stay).

    * Event inside the window (at row ``e > 0``): rows from ``e`` on move ``delay`` rows later
      (the shock and its clock together); the ``delay`` rows before the event are replayed to
      fill the gap and the last ``delay`` rows drop out. Each output row ``j`` is input row
      ``j`` or ``j - delay``: nothing comes from a later row, let alone from after the window.
    * Event before the window: only the clock moves (``clock - delay * step``, and ``before``
      where that would fall before the event).
    * Event after the window: nothing changes -- a window cannot be told about news to come.

    ``delay`` is a non-negative integer, or one per sample ``[samples]`` for ``x [samples, ...]``.
    """
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"expected x shaped [..., time, feature], got shape {x.shape}")
    delay = np.asarray(delay)
    if not np.issubdtype(delay.dtype, np.integer):
        raise ValueError(f"delay must be whole trading days (integers), got dtype {delay.dtype}")
    if np.any(delay < 0):
        raise ValueError("shift_event only moves an event later (delay >= 0): moving it earlier "
                         "shows a window news it had not heard yet, i.e. the future.")
    if delay.ndim == 1:
        if delay.shape[0] != x.shape[0] or x.ndim < 3:
            raise ValueError(f"per-sample delays need shape [samples] = [{x.shape[0]}], "
                             f"got {delay.shape}")
        delay = delay.reshape(delay.shape + (1,) * (x.ndim - 3))   # [..., ] over leading dims
    n_time = x.shape[-2]
    c = x[..., clock]                                              # [..., time]
    started = (c != before) & ~np.isnan(c)
    # Row of the event day, counted from the window start (negative when it was before row 0):
    # the first row whose clock has started, minus the days its clock already shows. This also
    # works when `before` equals the event day's own clock value (e.g. both 0).
    any_started = started.any(-1)
    first = started.argmax(-1)
    shown = np.take_along_axis(np.nan_to_num(c), first[..., None], -1)[..., 0]
    e = np.where(any_started, first - np.round(shown / step).astype(np.int64), n_time)
    d = np.broadcast_to(delay, e.shape)
    j = np.arange(n_time)
    inside = (e > 0)[..., None]
    src = np.where(inside & (j >= e[..., None]), np.maximum(j - d[..., None], 0), j)
    out = np.take_along_axis(x, np.broadcast_to(src[..., None], x.shape), axis=-2).copy()
    # Event before the window: the rows stay, the clock runs `delay` days behind.
    behind = (e <= 0)[..., None]
    # Rows whose clock shows `before` (no event yet, or a capped "old news" value) keep it.
    old = out[..., clock]
    late_clock = np.where(old - d[..., None] * step < 0, before, old - d[..., None] * step)
    out[..., clock] = np.where(behind & (old != before), late_clock, old)
    return out.astype(x.dtype, copy=False)


def augment_windows(train, *, multiplier: int = 5, methods: tuple[str, ...] | list[str] = METHODS,
                    seed: int = 0, max_scale: float = 0.05, calm_threshold: float = 0.02,
                    jitter_scale: float = 0.1, max_delay: int = 3,
                    clock_feature: str = "days_since_event", vol_feature: str = "volatility_20",
                    clock_before: float = EVENT_CAP, clock_step: float = 1.0):
    """Training windows plus ``multiplier - 1`` augmented copies of each, in time order.

    Call it on the *training* part of `companion.windows.chronological_split`, before fitting the
    `Standardizer`. Each copy of a window applies every method in ``methods`` (in the order
    time_scale, jitter, shift_event) with its own random draw; one draw per sample is shared by
    all its stocks, so cross-stock timing (lead-lag) survives. Random numbers are drawn the
    same way whatever ``methods`` holds, so configurations of an ablation see the same draws.

    Parameters
    ----------
    train : `companion.windows.Windows` with ``X [samples, stock, time, feature]`` in raw units.
    multiplier : total copies per window, the original included (5 = five times the data).
    methods : any of ``"time_scale"``, ``"jitter"``, ``"shift_event"``; empty = copies only.
    max_scale : time-scale factors are uniform in ``[1 - max_scale, 1 + max_scale]``.
    calm_threshold : jitter where the ``vol_feature`` of that stock and day is below this.
    jitter_scale : noise std as a fraction of each feature's std within its window. The event
        clock and the volatility gate itself are not jittered.
    max_delay : event delays are uniform integers in ``[1, max_delay]`` (later only).
    clock_before, clock_step : how the event clock reads before the event and per day
        (`companion.features`: ``EVENT_CAP`` before the event and once capped, 1 per day).

    Returns
    -------
    Windows with ``multiplier * len(train)`` samples; each source window is followed by its
    copies. ``y``, ``ret`` and ``dates`` are the source window's (labels stay real).
    """
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise ValueError(f"unknown augmentation(s) {sorted(unknown)}; choose from {list(METHODS)}")
    multiplier = check_int(multiplier, "multiplier", low=1, fix="1 keeps the originals only.")
    seed, max_delay = check_int(seed, "seed", low=0), check_int(max_delay, "max_delay", low=1)
    max_scale = check_real(max_scale, "max_scale", low=0, high=1, high_open=True)
    calm_threshold = check_real(calm_threshold, "calm_threshold")
    jitter_scale = check_real(jitter_scale, "jitter_scale", low=0)
    clock_before, clock_step = check_real(clock_before, "clock_before"), check_real(clock_step, "clock_step")
    X = np.asarray(train.X)
    if X.ndim != 4:
        raise ValueError(f"expected train.X shaped [samples, stock, time, feature], got {X.shape}")
    S, N, T, F = X.shape
    k = multiplier - 1
    features = list(train.features)

    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - max_scale, 1 + max_scale, size=(S, k))
    noise = rng.standard_normal((S, k, N, T, F)).astype(X.dtype)
    delays = rng.integers(1, max_delay + 1, size=(S, k))

    aug = np.repeat(X[:, None], k, axis=1)                            # [S, k, N, T, F]
    flat = aug.reshape(S * k, N, T, F)
    if "time_scale" in methods:
        flat = time_scale(flat, factors.reshape(-1), axis=-2)
    if "jitter" in methods:
        gate = flat[..., [features.index(vol_feature)]]                # [S*k, N, T, 1], trailing
        sigma = jitter_scale * flat.std(axis=-2, keepdims=True)        # per window and feature
        keep = [features.index(f) for f in (clock_feature, vol_feature) if f in features]
        sigma[..., keep] = 0.0
        flat = jitter_if_calm(flat, gate, sigma=sigma, threshold=calm_threshold,
                              noise=noise.reshape(S * k, N, T, F))
    if "shift_event" in methods and clock_feature in features:
        flat = shift_event(flat, delays.reshape(-1), clock=features.index(clock_feature),
                           before=clock_before, step=clock_step)
    aug = flat.reshape(S, k, N, T, F)

    X_all = np.concatenate([X[:, None], aug], axis=1).reshape(S * multiplier, N, T, F)
    take = np.repeat(np.arange(S), multiplier)
    return dataclasses.replace(
        train, X=X_all.astype(X.dtype, copy=False), y=np.asarray(train.y)[take],
        ret=np.asarray(train.ret)[take], dates=pd.DatetimeIndex(train.dates)[take])
