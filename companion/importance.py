"""Permutation importance: how much worse does the model get when one input is scrambled?

Raw weights can be rescaled without changing a model (see `companion.layers.weighting`), so they
do not measure importance. Permutation importance measures it on the *outputs*: shuffle one part
of the input across samples (which keeps its distribution but breaks its link with the target),
and record how much the loss rises. The same tool reads a planted lag back out of a model: scramble
the leader's input on one day of the window and watch the follower's loss.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import log_loss

from companion.checks import check_int
from companion.predict import predict_proba


def _loss(y: np.ndarray, p: np.ndarray, stock: int | None) -> float:
    if stock is not None:
        y, p = y[:, stock], p[:, stock]
    return float(log_loss(np.ravel(y), np.clip(np.ravel(p), 1e-7, 1 - 1e-7), labels=[0, 1]))


def permutation_scores(model: torch.nn.Module, X: np.ndarray, y: np.ndarray,
                       groups: dict[str, tuple], *, stock: int | None = None, n_repeats: int = 5,
                       seed: int = 0) -> pd.DataFrame:
    """Rise of the log loss when each group of inputs is shuffled across samples.

    Parameters
    ----------
    X, y
        ``[sample, stock, time, feature]`` inputs and ``[sample, stock]`` 0/1 targets (use held-out
        windows: importance on training data also rewards memorised noise).
    groups
        name -> index into the non-sample axes ``(stock, time, feature)`` of the part to shuffle,
        e.g. ``(slice(None), slice(None), 2)`` for feature 2 of every stock and day.
    stock
        score the loss of this stock only (``None``: all stocks).

    Returns
    -------
    A frame: group, increase (mean over repeats), increase_std, base_loss.

    Notes
    -----
    The probabilities are `companion.predict.predict_proba`'s, so every model of the course works,
    heads whose forward returns a (mean, spread) pair included; the model is left in eval mode.
    """
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y)
    if X.ndim != 4 or y.shape != X.shape[:2]:
        raise ValueError(f"expected X [sample, stock, time, feature] and y [sample, stock], "
                         f"got X {list(X.shape)} and y {list(y.shape)}")
    n_repeats = check_int(n_repeats, "n_repeats", low=1)
    seed = check_int(seed, "seed", low=0)
    if stock is not None:
        stock = check_int(stock, "stock", low=0, high=X.shape[1] - 1,
                          fix="stock is an index on the stock axis; None scores all stocks.")
    rng = np.random.default_rng(seed)
    base = _loss(y, predict_proba(model, X), stock)
    rows = []
    for name, index in groups.items():
        index = index if isinstance(index, tuple) else (index,)
        rises = []
        for _ in range(n_repeats):
            Xp = X.copy()
            perm = rng.permutation(len(X))
            Xp[(slice(None), *index)] = X[perm][(slice(None), *index)]
            rises.append(_loss(y, predict_proba(model, Xp), stock) - base)
        rows.append({"group": name, "increase": float(np.mean(rises)),
                     "increase_std": float(np.std(rises, ddof=1)) if n_repeats > 1 else 0.0,
                     "base_loss": base})
    return pd.DataFrame(rows)


def permutation_importance(model: torch.nn.Module, X: np.ndarray, y: np.ndarray,
                           features: Sequence[str], **kwargs) -> pd.DataFrame:
    """One row per feature: the loss rise when that feature (all stocks, all days) is shuffled.

    Sorted from most to least important; ``kwargs`` go to :func:`permutation_scores`.
    """
    if len(features) != np.shape(X)[-1]:
        raise ValueError(f"got {len(features)} feature names for X with {np.shape(X)[-1]} features")
    groups = {name: (slice(None), slice(None), k) for k, name in enumerate(features)}
    out = permutation_scores(model, X, y, groups, **kwargs).rename(columns={"group": "feature"})
    return out.sort_values("increase", ascending=False, ignore_index=True)


def lag_importance(model: torch.nn.Module, X: np.ndarray, y: np.ndarray, *, source: int,
                   target: int, lags: Sequence[int] = (1, 2, 3, 4, 5), **kwargs) -> pd.DataFrame:
    """Loss rise of stock ``target`` when stock ``source``'s inputs on one window day are shuffled.

    Lag ``l`` is the window day ``time = -l``: the last input day is lag 1 (its return is one day
    before the predicted day), so a leader that moves its follower 3 days later shows at lag 3.
    """
    n_time, n_stocks = np.shape(X)[2], np.shape(X)[1]
    source = check_int(source, "source", low=0, high=n_stocks - 1)
    target = check_int(target, "target", low=0, high=n_stocks - 1)
    lags = [check_int(lag, "lags", low=1, high=n_time) for lag in lags]
    if max(lags) > n_time or min(lags) < 1:
        raise ValueError(f"lags must lie in 1..{n_time} (the window length), got {list(lags)}")
    groups = {lag: (source, n_time - lag) for lag in lags}
    out = permutation_scores(model, X, y, groups, stock=target, **kwargs)
    return out.rename(columns={"group": "lag"})


__all__ = ["permutation_scores", "permutation_importance", "lag_importance"]
