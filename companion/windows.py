"""From a table of features to the tensors a model trains on, without leaking the future.

A *sample* is one prediction moment t (a close): its input is the last ``lookback`` days of
every stock's features up to and including t, X[t] of shape [stock, time, feature], and its target
is whether each stock's adjusted close is higher ``horizon`` trading days later, y[t] of shape [stock].

Three leaks are closed here:

- look-ahead: inputs end at t, targets start after t;
- overlap across the split: consecutive samples share lookback - 1 days of input, and a target
  lies ``horizon`` days ahead, so `chronological_split` drops ``embargo`` samples between the parts;
- statistics from the future: `Standardizer` is fitted on the training windows only.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from companion.checks import check_int, check_real
from companion.features import check_date_column


@dataclass
class Windows:
    """A stack of samples.

    X : float32 [samples, stocks, time, features]
    y : float32 [samples, stocks]   1.0 when adj_close[t + horizon] > adj_close[t]
    ret : float32 [samples, stocks] log(adj_close[t + horizon] / adj_close[t])
    dates : the prediction day t of each sample (the last input day)
    """

    X: np.ndarray
    y: np.ndarray
    ret: np.ndarray
    dates: pd.DatetimeIndex
    codes: list[str]
    features: list[str]
    lookback: int
    horizon: int
    #: per stock, prediction days lost because *it* had no row (see `make_windows`); empty when
    #: nothing was lost to a missing stock. Subsets made by indexing do not carry it.
    dropped: pd.DataFrame = field(default_factory=lambda: _lost_table([], np.zeros((0, 0), bool)))

    def __len__(self) -> int:
        return len(self.X)

    def __getitem__(self, index) -> Windows:
        if isinstance(index, int | np.integer):
            index = [int(index)]
        index = np.asarray(index) if not isinstance(index, slice) else index
        return Windows(self.X[index], self.y[index], self.ret[index], self.dates[index],
                       list(self.codes), list(self.features), self.lookback, self.horizon)

    def __repr__(self) -> str:
        span = f"{self.dates[0].date()} .. {self.dates[-1].date()}" if len(self) else "empty"
        lost = self.dropped[self.dropped["samples_lost"] > 0]
        note = "" if lost.empty else (
            "; days dropped because a stock had no row: "
            + ", ".join(f"{c} {n}" for c, n in lost["samples_lost"].iloc[:3].items())
            + (", ..." if len(lost) > 3 else "") + " (see .dropped)")
        return (f"Windows({len(self)} samples, {len(self.codes)} stocks, lookback {self.lookback}, "
                f"{len(self.features)} features, horizon {self.horizon}; {span}{note})")


def _lost_table(codes: list[str], missing: np.ndarray) -> pd.DataFrame:
    """Per stock: samples it was missing from while some other stock was complete
    (samples_lost), and of those, the ones where it was the only stock missing (only_missing).

    missing: bool [samples, stock], True where the stock lacks an input or target value.
    """
    partial = missing & ~missing.all(axis=1, keepdims=True)
    alone = missing & (missing.sum(axis=1, keepdims=True) == 1)
    table = pd.DataFrame({"samples_lost": partial.sum(axis=0).astype(int),
                          "only_missing": alone.sum(axis=0).astype(int)},
                         index=pd.Index(codes, name="code"))
    return table[table["samples_lost"] > 0].sort_values("samples_lost", ascending=False)


def _report_missing(table: pd.DataFrame, n_days: int, n_kept: int, n_codes: int, how: str,
                    rows_per_code: pd.Series) -> None:
    """Say what the missing rows cost: nothing, a warning, an error, as ``how`` asks."""
    fix = ("restrict codes= to stocks with a full history (e.g. those with a row on every "
           "calendar day), or fill suspended days yourself and add a flag feature for them; "
           "make_windows never fills anything in")
    if n_kept == 0:
        worst = rows_per_code.sort_values(ascending=False).iloc[:5]
        raise ValueError(
            f"no prediction day has complete data for all {n_codes} stocks: a sample needs every "
            f"stock's row on each of its days, and suspensions differ from stock to stock. The "
            f"stocks missing most days: {', '.join(f'{c} ({n} missing)' for c, n in worst.items())}"
            f". Fix: {fix}, e.g. n = prices.groupby('code').size(); "
            "codes = sorted(n[n == n.max()].index).")
    if table.empty or how == "drop":
        return
    message = (f"make_windows dropped {n_days - n_kept} of {n_days} prediction days; stocks "
               "without a row cost " + ", ".join(f"{c}: {n} days" for c, n in
                                                 table["samples_lost"].iloc[:5].items())
               + f". To keep them: {fix}.")
    if how == "raise":
        raise ValueError(message)
    warnings.warn(message, stacklevel=3)


def make_windows(features: pd.DataFrame, prices: pd.DataFrame, lookback: int = 20, horizon: int = 1,
                 codes: list[str] | None = None, missing: str = "drop") -> Windows:
    """Cut ``features`` into samples of ``lookback`` days and label them with ``horizon``-day moves.

    Parameters
    ----------
    features : DataFrame indexed by (date, code), e.g. `companion.features.make_features(prices)`;
        every column is used as a feature, in order.
    prices : the tidy price frame the features came from (for adj_close, the target).
    lookback, horizon : days of input per sample; trading days ahead of the target.
    codes : the stocks, in the order of the stock axis (default: sorted codes of ``prices``).
    missing : what to say about samples dropped because one stock lacked a row: "drop" records
        it in ``windows.dropped`` (per stock) and in the repr; "warn" also warns; "raise" refuses.
        When no sample is left at all, a ValueError names the stocks missing most days and the fix.

    Notes
    -----
    The trading calendar is every date in ``prices``. A sample is dropped when any stock lacks a
    feature value on any of its input days (history too short, suspension) or its target
    (suspended at t or t + horizon). Nothing is filled in.
    """
    if missing not in ("drop", "warn", "raise"):
        raise ValueError(f"missing must be 'drop', 'warn' or 'raise', got {missing!r}")
    lookback = check_int(lookback, "lookback", low=1, fix="lookback is days of input per sample.")
    horizon = check_int(horizon, "horizon", low=1, fix="horizon is trading days ahead of the target.")
    if not isinstance(features.index, pd.MultiIndex) or list(features.index.names) != ["date", "code"]:
        raise ValueError("features must be indexed by (date, code), as make_features returns it; "
                         f"got index names {list(features.index.names)}")
    check_date_column(prices, "make_windows")
    codes = sorted(prices["code"].unique()) if codes is None else list(codes)
    unknown = sorted(set(codes) - set(prices["code"]))
    if unknown:
        raise ValueError(f"codes {unknown} are not in prices; prices holds {sorted(prices['code'].unique())}")
    calendar = pd.DatetimeIndex(np.sort(prices["date"].unique()))
    names = list(features.columns)
    # Dense [date, stock, feature] and [date, stock] arrays on the calendar: NaN = no row.
    grid = pd.MultiIndex.from_product([calendar, codes], names=["date", "code"])
    F = features.reindex(grid).to_numpy(dtype="float64").reshape(len(calendar), len(codes), len(names))
    close = (prices.set_index(["date", "code"])["adj_close"].reindex(grid)
             .to_numpy(dtype="float64").reshape(len(calendar), len(codes)))
    n_t = len(calendar) - lookback + 1 - horizon  # prediction days t with a full window and a target
    if n_t <= 0:
        raise ValueError(f"only {len(calendar)} trading days: too few for lookback {lookback} + "
                         f"horizon {horizon}; load a longer period.")
    # X[i] = F[i : i + lookback], the sample's prediction day is t = i + lookback - 1.
    X = np.lib.stride_tricks.sliding_window_view(F, lookback, axis=0)[:n_t]  # [s, stock, feat, time]
    X = X.transpose(0, 1, 3, 2)
    t = np.arange(n_t) + lookback - 1
    now, later = close[t], close[t + horizon]
    ret = np.log(later / now)
    gaps = ~np.isfinite(X).all(axis=(2, 3)) | ~np.isfinite(ret)  # [sample, stock]
    keep = ~gaps.any(axis=1)
    lost = _lost_table(codes, gaps)
    rows = prices[prices["code"].isin(codes)].groupby("code").size().reindex(codes, fill_value=0)
    _report_missing(lost, n_t, int(keep.sum()), len(codes), missing, len(calendar) - rows)
    return Windows(
        X=np.ascontiguousarray(X[keep], dtype=np.float32),
        y=(later[keep] > now[keep]).astype(np.float32),
        ret=ret[keep].astype(np.float32),
        dates=calendar[t[keep]],
        codes=codes, features=names, lookback=lookback, horizon=horizon, dropped=lost,
    )


def chronological_split(w: Windows, train: float = 0.7, val: float = 0.15,
                        embargo: int | None = None) -> tuple[Windows, Windows, Windows]:
    """Split samples in time order into (train, val, test), with ``embargo`` samples dropped between.

    The first ``train`` fraction of samples trains, the next ``val`` fraction validates, the rest
    tests. ``embargo`` samples (default lookback + horizon - 1) are dropped at the start of the
    validation and of the test part: a training sample's inputs and target then end before the
    first validation sample's input window begins, and likewise for validation and test.
    """
    train, val = check_real(train, "train"), check_real(val, "val")
    if not (0 < train < 1 and 0 <= val < 1 and train + val <= 1):
        raise ValueError(f"need 0 < train < 1, 0 <= val and train + val <= 1; got train={train}, val={val}")
    embargo = w.lookback + w.horizon - 1 if embargo is None else check_int(embargo, "embargo")
    if embargo < 0:
        raise ValueError(f"embargo must be >= 0, got {embargo}")
    n = len(w)
    n_train, n_val = int(round(n * train)), int(round(n * val))
    val_start = min(n_train + embargo, n_train + n_val)
    test_start = min(n_train + n_val + embargo, n)
    parts = (w[:n_train], w[val_start:n_train + n_val], w[test_start:])
    if min(len(p) for p in parts[:2]) == 0 or (train + val < 1 and len(parts[2]) == 0):
        raise ValueError(f"{n} samples are too few for train={train}, val={val} with an embargo of "
                         f"{embargo} samples: parts of size {[len(p) for p in parts]}. Use more days "
                         "or a shorter lookback.")
    return parts


class Standardizer:
    """Scale each (stock, feature) to mean 0 and std 1, with statistics from the training windows only.

    fit(X) takes X [samples, stocks, time, features] (or a Windows) and keeps mean and std of shape
    [1, stocks, 1, features] over samples and time.

    A (stock, feature) that is constant in training (its std is below ``RELATIVE_TOLERANCE`` times
    its size) carries no information there, so the model's weights for it never learn. Dividing by
    its tiny std would turn any later change into a huge input (the event clock of 2015-2017 ends
    about 50 standard units away in validation), fed through those untrained weights. Such a column
    is therefore set to 0 in every part, training, validation and test alike: ``constant`` marks
    them, ``constant_features`` names the features constant for every stock.
    """

    RELATIVE_TOLERANCE = 1e-8

    def __init__(self) -> None:
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.constant: np.ndarray | None = None  # bool [1, stocks, 1, features]
        self.feature_names: list | None = None

    def __repr__(self) -> str:
        if self.mean is None:
            return "Standardizer(not fitted)"
        frozen = self.constant_features
        note = f"; constant in training, set to 0: {', '.join(map(str, frozen))}" if frozen else ""
        partly = int(self.constant.sum()) - len(frozen) * self.constant.shape[1]
        note += f"; {partly} more (stock, feature) pairs constant in training" if partly else ""
        return f"Standardizer({self.mean.shape[1]} stocks, {self.mean.shape[3]} features{note})"

    @property
    def constant_features(self) -> list:
        """The features constant in training for every stock (names when fitted on Windows)."""
        if self.constant is None:
            return []
        names = self.feature_names or list(range(self.constant.shape[3]))
        return [names[f] for f in np.flatnonzero(self.constant.all(axis=(0, 1, 2)))]

    @staticmethod
    def _array(X) -> np.ndarray:
        X = X.X if isinstance(X, Windows) else np.asarray(X)
        if X.ndim != 4:
            raise ValueError(f"expected X of shape [samples, stocks, time, features], got shape {X.shape}")
        return X

    def fit(self, X) -> Standardizer:
        self.feature_names = list(X.features) if isinstance(X, Windows) else None
        X = self._array(X).astype(np.float64)
        bad = ~np.isfinite(X)
        if bad.any():  # one NaN would turn the whole (stock, feature) column into NaN
            s, k, t, f = (int(i) for i in np.argwhere(bad)[0])
            raise ValueError(f"X holds {int(bad.sum())} NaN or infinite value(s), the first at "
                             f"sample {s}, stock {k}, time {t}, feature {f}; drop those samples "
                             "(make_windows never makes any) or fill them before fitting.")
        self.mean = X.mean(axis=(0, 2), keepdims=True)
        std = X.std(axis=(0, 2), keepdims=True)
        self.constant = std <= self.RELATIVE_TOLERANCE * np.maximum(1.0, np.abs(self.mean))
        self.std = np.where(self.constant, 1.0, std)
        return self

    def transform(self, X):
        if self.mean is None:
            raise RuntimeError("Standardizer.transform called before fit: fit it on the training windows.")
        arr = self._array(X)
        if arr.shape[1] != self.mean.shape[1] or arr.shape[3] != self.mean.shape[3]:
            raise ValueError(f"expected X of shape [samples, {self.mean.shape[1]}, time, "
                             f"{self.mean.shape[3]}] (as fitted), got shape {arr.shape}")
        Z = np.where(self.constant, 0.0, (arr - self.mean) / self.std).astype(np.float32)
        if isinstance(X, Windows):
            return Windows(Z, X.y, X.ret, X.dates, list(X.codes), list(X.features), X.lookback, X.horizon)
        return Z

    def fit_transform(self, X):
        return self.fit(X).transform(X)

