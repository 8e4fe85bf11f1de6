"""An honest scorecard for "will the close rise tomorrow?" predictions.

A single accuracy number on about a hundred validation days says little. The scorecard puts beside
it what a reader needs to judge it: a 95% Wilson interval, the accuracy on up days and on down days
separately, ranking quality (ROC AUC), and how good the probabilities are (Brier score, log loss,
expected calibration error).

Every function takes ``y`` (1 = the close rose, 0 = it did not) and ``p`` (the predicted probability
of "up") of any matching shape, e.g. ``[samples, stock]``; they are flattened, so each (day, stock)
pair counts once. The metrics are written out in NumPy because the course teaches them; the tests
check each one against scikit-learn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binomtest, norm, rankdata


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion of ``k`` successes in ``n`` trials.

    Wraps ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")`` {cite}`wilson1927`.
    Unlike the textbook ``p ± 1.96 sqrt(p(1-p)/n)`` it stays inside [0, 1] and is reliable for
    small ``n``: ``wilson_interval(55, 100)`` is about (0.452, 0.644).
    """
    if not float(n).is_integer():
        raise ValueError(f"n must be a whole number of trials, got n={n!r}.")
    if not float(k).is_integer():
        hint = (f" It looks like a rate: pass the count, k = round({k!r} * {n}) = {round(k * n)}."
                if 0 < k < 1 else "")
        raise ValueError(f"k must be a whole number of successes, got k={k!r}.{hint}")
    if n <= 0:
        raise ValueError(f"n must be a positive number of trials, got n={n}.")
    if not 0 <= k <= n:
        raise ValueError(f"k must lie between 0 and n={n}, got k={k}.")
    if not 0 < level < 1:
        raise ValueError(f"level must be a probability such as 0.95, got {level}.")
    ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def wilson_bounds(k, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised Wilson interval for arrays of ``k`` and ``n`` (the closed form behind
    :func:`wilson_interval`, for long tables such as a risk-coverage curve)."""
    k, n = np.asarray(k, np.float64), np.asarray(n, np.float64)
    z2 = norm.ppf(0.5 + level / 2) ** 2
    centre = (k + z2 / 2) / (n + z2)
    half = np.sqrt(z2) / (n + z2) * np.sqrt(k * (n - k) / n + z2 / 4)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def _check(y, p) -> tuple[np.ndarray, np.ndarray]:
    """Flatten ``y`` and ``p`` to float64 vectors after checking they describe the same samples."""
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if y.shape != p.shape:
        raise ValueError(
            f"y and p must have the same shape, got y {y.shape} and p {p.shape}. "
            "Predict one probability per target, e.g. both [samples, stock]."
        )
    y, p = y.ravel(), p.ravel()
    if y.size == 0:
        raise ValueError("y and p are empty: there is nothing to score.")
    if np.isnan(y).any() or np.isnan(p).any():
        raise ValueError(
            f"y holds {int(np.isnan(y).sum())} NaN and p holds {int(np.isnan(p).sum())} NaN; "
            "drop those samples before scoring."
        )
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("y must hold only 0 (down or flat) and 1 (up).")
    if p.min() < 0 or p.max() > 1:
        raise ValueError(
            f"p must be probabilities in [0, 1], got values from {p.min():.3g} to {p.max():.3g}. "
            "Did you pass logits? Apply a sigmoid first."
        )
    return y, p


def predict_up(p, threshold: float = 0.5) -> np.ndarray:
    """The decision: up (1) when ``p >= threshold``; a tie at exactly 0.5 counts as up."""
    return (np.asarray(p) >= threshold).astype(np.float64)


def roc_auc(y, p) -> float:
    """Area under the ROC curve: the chance that a random up day gets a higher ``p`` than a random
    down day (ties count one half). Computed from ranks (the Mann-Whitney U statistic).
    NaN when ``y`` holds only one class."""
    y, p = _check(y, p)
    n_up = int(y.sum())
    n_down = y.size - n_up
    if n_up == 0 or n_down == 0:
        return float("nan")
    ranks = rankdata(p)  # average ranks for ties, which is what gives ties one half
    return float((ranks[y == 1].sum() - n_up * (n_up + 1) / 2) / (n_up * n_down))


def _bins(p: np.ndarray, n_bins: int, strategy: str) -> tuple[np.ndarray, np.ndarray]:
    """Bin edges and the bin index of each prediction (same rule as sklearn's calibration_curve)."""
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}.")
    if strategy == "quantile":
        edges = np.percentile(p, np.linspace(0, 100, n_bins + 1))
    elif strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        raise ValueError(f"strategy must be 'quantile' or 'uniform', got {strategy!r}.")
    return edges, np.searchsorted(edges[1:-1], p)


def reliability_table(y, p, n_bins: int = 5, *, strategy: str = "quantile",
                      level: float = 0.95) -> pd.DataFrame:
    """Predicted probability against observed frequency of "up", bin by bin.

    ``strategy="quantile"`` (default) makes bins holding equally many predictions: a weak model's
    probabilities crowd around 0.5, and equal-width bins would put almost all of them in one bin.
    ``"uniform"`` gives equal-width bins on [0, 1]. Empty bins are left out.
    Columns: bin, lower, upper (bin edges), n, mean_p, frac_up, frac_low, frac_high
    (a Wilson interval for frac_up).
    """
    y, p = _check(y, p)
    edges, ids = _bins(p, n_bins, strategy)
    rows = []
    for b in range(n_bins):
        in_bin = ids == b
        n = int(in_bin.sum())
        if n == 0:
            continue
        k = int(y[in_bin].sum())
        low, high = wilson_interval(k, n, level)
        rows.append({"bin": b, "lower": edges[b], "upper": edges[b + 1], "n": n,
                     "mean_p": p[in_bin].mean(), "frac_up": k / n,
                     "frac_low": low, "frac_high": high})
    return pd.DataFrame(rows)


def expected_calibration_error(y, p, n_bins: int = 5, *, strategy: str = "quantile") -> float:
    """ECE: the average gap |mean p - fraction up| over the bins, weighted by their size.

    Few bins (default 5, equal-frequency) because validation sets here hold about a hundred days:
    with 15 bins each would hold a handful of days and the ECE would mostly measure noise.
    """
    table = reliability_table(y, p, n_bins, strategy=strategy)
    return float((table["n"] * (table["mean_p"] - table["frac_up"]).abs()).sum() / table["n"].sum())


def scorecard(y, p, *, threshold: float = 0.5, n_bins: int = 5, level: float = 0.95) -> dict:
    """Every number the course reports for a set of predictions, in one dict.

    Parameters
    ----------
    y : targets of any shape, e.g. [samples, stock]; 1 = up.
    p : predicted P(up), same shape as ``y``.
    threshold : predict "up" when ``p >= threshold``.
    n_bins : equal-frequency bins for the ECE.
    level : confidence level of the Wilson interval on the accuracy.

    Returns
    -------
    dict with accuracy, accuracy_low, accuracy_high, balanced_accuracy, auc, brier, log_loss, ece,
    recall_up, recall_down, n.  Recall of a class that never occurs is NaN, as is the AUC.
    """
    y, p = _check(y, p)
    pred = predict_up(p, threshold)
    n = y.size
    correct = int((pred == y).sum())
    low, high = wilson_interval(correct, n, level)
    up, down = y == 1, y == 0
    recall_up = float(pred[up].mean()) if up.any() else float("nan")
    recall_down = float(1 - pred[down].mean()) if down.any() else float("nan")
    # Balanced accuracy: the mean recall over the classes present (so "always up" scores 0.5).
    balanced = float(np.nanmean([recall_up, recall_down]))
    # Log loss clips p away from 0 and 1 (as scikit-learn does) so one confident miss is not infinite.
    eps = np.finfo(np.float64).eps
    q = np.clip(p, eps, 1 - eps)
    log_loss = float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))
    return {
        "accuracy": correct / n,
        "accuracy_low": low,
        "accuracy_high": high,
        "balanced_accuracy": balanced,
        "auc": roc_auc(y, p),
        "brier": float(np.mean((p - y) ** 2)),
        "log_loss": log_loss,
        "ece": expected_calibration_error(y, p, n_bins),
        "recall_up": recall_up,
        "recall_down": recall_down,
        "n": n,
    }


def risk_coverage(y, p, *, confidence=None, threshold: float = 0.5,
                  level: float = 0.95) -> pd.DataFrame:
    """Accuracy when only the most confident predictions are acted on.

    Sort the predictions by ``confidence`` (default ``|p - 0.5|``), most confident first; row ``k``
    scores the ``k`` most confident ones. A useful confidence makes accuracy fall as coverage grows.
    Columns: coverage (k / n), accuracy, low, high (Wilson interval), n (= k), risk (1 - accuracy).
    """
    y, p = _check(y, p)
    conf = np.abs(p - 0.5) if confidence is None else np.asarray(confidence, np.float64).ravel()
    if conf.shape != p.shape:
        raise ValueError(f"confidence must have one value per prediction: expected {p.shape[0]} "
                         f"values, got shape {np.shape(confidence)}.")
    order = np.argsort(-conf, kind="stable")
    correct = (predict_up(p[order], threshold) == y[order]).astype(np.int64)
    k = np.arange(1, y.size + 1)
    hits = np.cumsum(correct)
    low, high = wilson_bounds(hits, k, level)
    accuracy = hits / k
    return pd.DataFrame({"coverage": k / y.size, "accuracy": accuracy, "low": low,
                         "high": high, "n": k, "risk": 1 - accuracy})


def area_under_risk_coverage(y, p, *, confidence=None, threshold: float = 0.5) -> float:
    """AURC: the mean risk (error rate) over all coverages; lower is better.

    A confidence that ranks predictions at random gives about the overall error rate; one that puts
    the right predictions first gives less.
    """
    return float(risk_coverage(y, p, confidence=confidence, threshold=threshold)["risk"].mean())
