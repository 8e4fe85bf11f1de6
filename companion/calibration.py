"""Making probabilities honest after training, and testing whether a filter is better than chance.

- `TemperatureScaler`: temperature scaling (Guo et al., 2017). One number T,
  fitted on the *validation* set by minimising log loss; test probabilities become sigmoid(logit / T).
  T > 1 softens an over-confident model; it never changes which side of 0.5 a prediction is on.
- `filter_vs_random`: is "trade only when the uncertainty is low" better than keeping the same
  number of days at random? Wilson interval of the kept days' accuracy, and the spread of accuracy
  over many random subsets of the same size.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, logit

from companion.checks import Described, check_int, check_probabilities, check_real, refuse
from companion.metrics import wilson_interval

_EPS = 1e-6


def _flat(y, p) -> tuple[np.ndarray, np.ndarray]:
    y, p = np.asarray(y, dtype=float).ravel(), np.asarray(p, dtype=float).ravel()
    if y.shape != p.shape:
        raise ValueError(f"y and the predictions must have the same number of values, got {y.size} and {p.size}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("y must hold only 0 (down) and 1 (up)")
    return y, p


def probability_to_logit(p) -> np.ndarray:
    """ln(p / (1 - p)), clipped away from 0 and 1 so that it stays finite."""
    return logit(np.clip(np.asarray(p, dtype=float), _EPS, 1 - _EPS))


def _nll(logits: np.ndarray, y: np.ndarray, t: float) -> float:
    z = logits / t
    # log(1 + exp(-z)) for y = 1, log(1 + exp(z)) for y = 0, stable for large |z|
    return float(np.mean(np.logaddexp(0.0, np.where(y == 1, -z, z))))


def _fit(z: np.ndarray, y: np.ndarray, bounds) -> float:
    low, high = _check_bounds(bounds)
    if not np.isfinite(z).all():
        refuse("logits", "finite numbers", Described(f"{int((~np.isfinite(z)).sum())} NaN or "
               "infinite value(s)"), "Drop those samples, or clip the logits.")
    res = minimize_scalar(lambda s: _nll(z, y, float(np.exp(s))),
                          bounds=(np.log(low), np.log(high)), method="bounded",
                          options={"xatol": 1e-6})
    return float(np.exp(res.x))


def _check_bounds(bounds) -> tuple[float, float]:
    if isinstance(bounds, str) or np.ndim(bounds) != 1 or len(bounds) != 2:
        refuse("bounds", "a pair (low, high) of temperatures", bounds, "e.g. bounds=(0.05, 20.0).",
               TypeError)
    low = check_real(bounds[0], "bounds[0]", low=0, low_open=True)
    high = check_real(bounds[1], "bounds[1]", low=low, low_open=True,
                      fix="The upper temperature must be above the lower one.")
    return low, high


def _warn_if_probabilities(z: np.ndarray) -> None:
    """Logits that all lie in [0, 1] are almost surely probabilities (see TemperatureScaler.fit)."""
    if z.size and np.isfinite(z).all() and z.min() >= 0 and z.max() <= 1:
        warnings.warn(f"all {z.size} logits lie in [0, 1] ({z.min():.3g} .. {z.max():.3g}): these "
                      "look like probabilities, and read as logits every prediction says up. If "
                      "they are probabilities, use TemperatureScaler().fit_proba(p, y), or pass "
                      "probability_to_logit(p).", UserWarning, stacklevel=3)


class TemperatureScaler:
    """fit(val_logits, y_val) then transform(test_logits) -> calibrated probabilities.

    ``fit`` finds the temperature T minimising the log loss of sigmoid(logits / T) on (validation)
    data; logits and y have any equal shapes (flattened); log T is searched within ``bounds``.
    Use ``fit_proba`` / ``transform_proba`` when the model only gives probabilities.

    Probabilities passed to ``fit`` by mistake are legal logits, but they all lie in [0, 1], i.e.
    every prediction would be "up" with sigmoid between 0.5 and 0.73: then a `UserWarning` says to
    use ``fit_proba(p, y)`` or ``probability_to_logit(p)``. (``fit_proba`` converts first and never
    warns.)
    """

    def __init__(self, bounds: tuple[float, float] = (0.05, 20.0)):
        self.bounds = _check_bounds(bounds)
        self.temperature: float | None = None

    def fit(self, logits, y) -> TemperatureScaler:
        y, z = _flat(y, logits)
        _warn_if_probabilities(z)
        self.temperature = _fit(z, y, self.bounds)
        return self

    def fit_proba(self, p, y) -> TemperatureScaler:
        y, z = _flat(y, probability_to_logit(check_probabilities(p, "p")))
        self.temperature = _fit(z, y, self.bounds)
        return self

    def transform(self, logits) -> np.ndarray:
        if self.temperature is None:
            raise RuntimeError("TemperatureScaler is not fitted: call fit(val_logits, y_val) first.")
        return expit(np.asarray(logits, dtype=float) / self.temperature)

    def transform_proba(self, p) -> np.ndarray:
        return self.transform(probability_to_logit(check_probabilities(p, "p")))


def filter_vs_random(y, p, keep, *, n_draws: int = 2000, seed: int = 0,
                     level: float = 0.95) -> dict:
    """Accuracy of the days a filter keeps, against random filters keeping as many days.

    y: 0/1 outcomes; p: predicted P(up) (decision: up when p >= 0.5); keep: boolean mask, same shape.
    Returns a dict: n_kept, coverage, accuracy, low, high (Wilson interval), random_mean,
    random_low, random_high (the central ``level`` range of accuracy over ``n_draws`` random
    subsets of size n_kept), p_value (share of random subsets at least as accurate as the filter).
    """
    y, p = _flat(y, check_probabilities(p, "p"))
    n_draws, seed = check_int(n_draws, "n_draws", low=1), check_int(seed, "seed", low=0)
    level = check_real(level, "level", low=0, high=1, low_open=True, high_open=True)
    keep = np.asarray(keep, dtype=bool).ravel()
    if keep.shape != y.shape:
        raise ValueError(f"keep must have one value per prediction ({y.size}), got {keep.size}")
    correct = ((p >= 0.5) == (y == 1)).astype(float)  # a tie at 0.5 counts as up, as in metrics
    n, k = int(keep.sum()), int(correct[keep].sum())
    out = {"n_kept": n, "coverage": n / y.size}
    if n == 0:
        return out | {"accuracy": np.nan, "low": np.nan, "high": np.nan, "random_mean": np.nan,
                      "random_low": np.nan, "random_high": np.nan, "p_value": np.nan}
    low, high = wilson_interval(k, n, level)
    rng = np.random.default_rng(seed)
    # Random subsets of size n, drawn without replacement: argsort of uniform keys per draw.
    idx = np.argsort(rng.random((n_draws, y.size)), axis=1)[:, :n]
    rand_acc = correct[idx].mean(axis=1)
    acc = k / n
    tail = (1 - level) / 2
    return out | {
        "accuracy": acc, "low": low, "high": high,
        "random_mean": float(rand_acc.mean()),
        "random_low": float(np.quantile(rand_acc, tail)),
        "random_high": float(np.quantile(rand_acc, 1 - tail)),
        "p_value": float((rand_acc >= acc - 1e-12).mean()),
    }
