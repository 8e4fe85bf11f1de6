"""The baselines every model of the course must beat, as probabilities that `metrics.scorecard` reads.

Each function learns what it needs from the training windows only and returns P(up) for the
target windows, shaped like their targets ``[samples, stock]``:

- `always_up`: bet on "up" every day;
- `momentum`: bet that tomorrow repeats today's direction (the ``ret_1`` feature of the last day);
- `logistic_regression`: scikit-learn's logistic regression on the last day's features;
- `oracle` (synthetic market only): the true probability, the best any model can do.

Pass windows that are *not* standardised to `momentum` (it reads the sign of the raw return);
`always_up` and `logistic_regression` accept either (the latter standardises on its own).

The two rules carry a probability so that the Brier score and log loss are defined: how often the
rule was right on the training windows, floored just above one half so that the rule keeps its
decision (a rule that was right less than half the time gets 0.5 + 1e-6: a coin with its decision).
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from companion.checks import check_real

_FLOOR = 0.5 + 1e-6  # just above 0.5, so that p >= 0.5 keeps the rule's decision


def _check_windows(w, name: str) -> None:
    for attr in ("X", "y", "features"):
        if not hasattr(w, attr):
            raise TypeError(f"{name} must be companion.windows.Windows (with .{attr}), "
                            f"got {type(w).__name__}.")


def always_up(train, target) -> np.ndarray:
    """P(up) = the share of up days in training (at least 0.5 + 1e-6), for every target sample.

    Returns [samples, stock], like ``target.y``.
    """
    _check_windows(train, "train")
    _check_windows(target, "target")
    rate = max(float(np.mean(train.y)), _FLOOR)
    return np.full(target.y.shape, rate, dtype=np.float64)


def momentum(train, target, *, feature: str = "ret_1") -> np.ndarray:
    """Yesterday's direction: up if the last input day's ``feature`` (the day's return) is > 0.

    The probability attached is how often "tomorrow moves like today" held in training, floored
    just above one half. Returns [samples, stock].
    """
    _check_windows(train, "train")
    _check_windows(target, "target")
    if feature not in target.features:
        raise ValueError(f"momentum needs the {feature!r} feature; the windows hold {target.features}.")
    j = target.features.index(feature)
    train_up = train.X[:, :, -1, j] > 0  # [samples, stock]
    hit_rate = max(float(np.mean(train_up == (train.y == 1))), _FLOOR)
    today_up = target.X[:, :, -1, j] > 0
    return np.where(today_up, hit_rate, 1 - hit_rate)


def last_day(w) -> tuple[np.ndarray, np.ndarray]:
    """Features of the last input day and targets, one row per (sample, stock):
    X ``[samples, stock, time, feature]`` -> ``[samples * stock, feature]``, y -> ``[samples * stock]``."""
    return w.X[:, :, -1, :].reshape(-1, w.X.shape[-1]), w.y.reshape(-1)


def logistic_regression(train, target, *, C: float = 1.0) -> np.ndarray:
    """Logistic regression on the last day's features, one model pooled over the stocks.

    The features are standardised with statistics of the training windows (inside a scikit-learn
    pipeline), ``C`` is the inverse L2 strength. Only the window's last day is used: the features
    already summarise the past (5-day return, 20-day volatility), so this asks how much the LSTM
    adds by reading the whole window. Returns [samples, stock].
    """
    _check_windows(train, "train")
    _check_windows(target, "target")
    C = check_real(C, "C", low=0, low_open=True, fix="C is the inverse L2 strength, e.g. 1.0.")
    X, y = last_day(train)
    if len(np.unique(y)) < 2:
        raise ValueError("the training targets hold only one class; logistic regression needs both.")
    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=1000))
    model.fit(X, y)
    Xt, _ = last_day(target)
    return model.predict_proba(Xt)[:, 1].reshape(target.y.shape)


def oracle(market, target) -> np.ndarray:
    """The synthetic market's true P(up) for each target sample and stock, [samples, stock].

    ``market`` is a `companion.market.SyntheticMarket`; ``target`` windows of its prices with
    horizon 1 (the oracle probability is for the next day).
    """
    _check_windows(target, "target")
    if getattr(target, "horizon", 1) != 1:
        raise ValueError(f"the oracle gives P(up tomorrow): use windows with horizon=1, "
                         f"got horizon={target.horizon}.")
    missing = sorted(set(target.codes) - set(market.p_up.columns))
    if missing:
        raise ValueError(f"codes {missing} are not in the market's p_up (it holds "
                         f"{list(market.p_up.columns)}); were the windows made from this market?")
    p = market.p_up.reindex(index=target.dates, columns=target.codes).to_numpy(dtype=np.float64)
    if np.isnan(p).any():
        raise ValueError(f"{int(np.isnan(p).any(axis=1).sum())} window dates have no oracle "
                         "probability; were the windows made from this market's prices?")
    return p
