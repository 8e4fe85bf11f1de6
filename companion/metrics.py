"""An honest scorecard for "will the close rise tomorrow?" predictions.

A single accuracy number on about a hundred validation days says little. The scorecard puts beside
it what a reader needs to judge it: a 95% Wilson interval, the accuracy on up days and on down days
separately, ranking quality (ROC AUC), and how good the probabilities are (Brier score, log loss,
expected calibration error).

Every function takes ``y`` (1 = the close rose, 0 = it did not) and ``p`` (the predicted probability
of "up") of any matching shape, e.g. ``[samples, stock]``; they are flattened, so each (day, stock)
pair counts once. The metrics are written out in NumPy because the course teaches them; the tests
check each one against scikit-learn.

Two functions take 0/1 outcomes instead and let the day, not the stock-day, be the unit (same-day
outcomes of different stocks are correlated): `clustered_accuracy_interval` (an accuracy interval)
and `accuracy_difference` (two models compared by a test of their difference, paired by McNemar's
test when they were scored on the same targets).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binomtest, norm, rankdata

from companion.checks import Described, check_real, refuse


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
    """ECE: the average gap ``|mean p - fraction up|`` over the bins, weighted by their size.

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


# --- comparing two models, and the day as the unit ----------------------------------------------
# Same-day outcomes of different stocks are correlated (one market moves them together), so a test
# that counts every stock-day as independent claims more certainty than the data hold. The functions
# below take the day structure as labels (one per row of a [days, stocks] array, or one per value)
# and then use day totals: the ratio (cluster-robust) variance of a mean over clustered samples.

def _outcomes(values, name: str, *, nan_ok: bool) -> np.ndarray:
    """``values`` as a float64 array of 0/1 (NaN too when ``nan_ok``), any shape; refused otherwise."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        refuse(name, "a non-empty array of 0/1 outcomes", Described(f"shape {arr.shape}"),
               "There is nothing to score: pass at least one day.")
    bad = ~(np.isin(arr, (0.0, 1.0)) | (np.isnan(arr) if nan_ok else False))
    if bad.any():
        what = "0/1 values or NaN (a missing stock-day)" if nan_ok else "0/1 values"
        refuse(name, what, Described(f"{int(bad.sum())} other value(s) such as {arr[bad][0]!r}"),
               "Pass decisions, not probabilities: predict_up(p) turns P(up) into 0/1.")
    return arr


def _day_codes(days, shape: tuple, name: str = "days") -> np.ndarray:
    """One integer day code per value of an array of ``shape``, flattened.

    ``days`` holds one label per row (length ``shape[0]``: the rows of [days, stocks] are days) or
    one label per value (the same shape). Labels may be dates, strings or numbers.
    """
    labels = np.asarray(days)
    if labels.shape == shape:
        flat = labels.ravel()
    elif labels.ndim == 1 and len(shape) >= 1 and labels.shape[0] == shape[0]:
        flat = np.broadcast_to(labels.reshape((-1,) + (1,) * (len(shape) - 1)), shape).ravel()
    else:
        refuse(name, f"one label per row ({shape[0] if shape else 0}) or per value {shape}",
               Described(f"shape {labels.shape}"),
               "For [days, stocks] predictions pass the dates of the rows, e.g. days=dates.")
    return np.unique(flat, return_inverse=True)[1].ravel()


def _ratio_variance(values: np.ndarray, codes: np.ndarray, centre: float) -> tuple[float, int]:
    """Variance of mean(values) when the samples of one day are correlated, and the number of days.

    The ratio estimator over day totals T_g (n_g samples each, N in all):
    var = G / (G - 1) * sum_g (T_g - centre * n_g)^2 / N^2. With one sample a day it is the usual
    variance of a mean (times G / (G - 1)); ``centre`` is the estimate, or the null value for a test.
    """
    totals = np.bincount(codes, weights=values)   # [G]
    counts = np.bincount(codes)                    # [G]
    present = counts > 0                           # a day whose every stock is missing drops out
    totals, counts = totals[present], counts[present]
    g, n = totals.size, counts.sum()
    if g < 2:
        refuse("days", "at least 2 different days", g,
               "A day-level variance needs several days; pass days=None to treat values as independent.")
    return float(g / (g - 1) * np.sum((totals - centre * counts) ** 2) / n**2), int(g)


def _wilson_effective(accuracy: float, n_eff: float, level: float) -> tuple[float, float]:
    """Wilson interval for a proportion seen on an effective number ``n_eff`` of independent trials."""
    low, high = wilson_bounds(accuracy * n_eff, n_eff, level)
    return float(low), float(high)


def clustered_accuracy_interval(hits, days=None, *, level: float = 0.95) -> dict:
    """Accuracy over stock-days with an interval that takes the day, not the stock-day, as the unit.

    On a day when the whole market falls, most stocks' predictions are right together or wrong
    together: six stocks on one day are worth fewer than six independent trials. The variance of
    the accuracy (sum of hits / number of stock-days) is estimated from the day totals (the ratio,
    or cluster-robust, estimator), and the *design effect* is that variance over the binomial
    p(1 - p) / n. The interval is Wilson's on the effective sample size n / design_effect (Korn &
    Graubard 1998), so it stays inside [0, 1]; a design effect below 1 (noise, or days whose stocks
    disagree) is taken as 1, never narrowing the interval below Wilson's.

    Parameters
    ----------
    hits : 0/1 array, 1 = the prediction was right; [days, stocks] (or [days]), or any shape with
        ``days``. NaN marks a missing stock-day (a suspension) and is left out.
    days : None (the first axis is the day), or day labels: one per row of ``hits`` or one per value.
    level : confidence level of both intervals.

    Returns
    -------
    dict with accuracy, low, high (the day-clustered interval), n (stock-days counted), n_days,
    design_effect (the estimate, not floored), wilson_low, wilson_high (the interval that treats
    every stock-day as independent, for comparison), level and method.

    The normal approximation behind it wants a few dozen days or more. 250 days x 6 stocks take
    well under a millisecond.
    """
    level = check_real(level, "level", low=0, high=1, low_open=True, high_open=True)
    arr = _outcomes(hits, "hits", nan_ok=True)
    codes = _day_codes(np.arange(arr.shape[0]) if days is None else days, arr.shape)
    flat = arr.ravel()
    seen = ~np.isnan(flat)
    if not seen.any():
        refuse("hits", "an array with at least one outcome that is not NaN", Described("only NaN"),
               "Every stock-day is missing: check the prediction period.")
    values, codes = flat[seen], codes[seen]
    n = values.size
    accuracy = float(values.mean())
    variance, n_days = _ratio_variance(values, codes, accuracy)
    binomial = accuracy * (1 - accuracy) / n
    # All right or all wrong: no spread to compare with, and Wilson's interval is the honest one.
    design_effect = variance / binomial if binomial > 0 else 1.0
    low, high = _wilson_effective(accuracy, n / max(design_effect, 1.0), level)
    wilson_low, wilson_high = _wilson_effective(accuracy, n, level)
    return {"accuracy": accuracy, "low": low, "high": high, "n": n, "n_days": n_days,
            "design_effect": float(design_effect), "wilson_low": wilson_low,
            "wilson_high": wilson_high, "level": level,
            "method": "Wilson on the effective sample size (day-level ratio variance)"}


def _hits(y, pred, days, names: tuple[str, str, str]) -> tuple[np.ndarray, np.ndarray | None]:
    """Flat 0/1 hits (pred == y) of the stock-days whose target is known, and their day codes.

    ``names`` are the argument names (targets, predictions, days) the messages use.
    """
    y_name, pred_name, days_name = names
    y, pred = _outcomes(y, y_name, nan_ok=True), _outcomes(pred, pred_name, nan_ok=False)
    if y.shape != pred.shape:
        refuse(pred_name, f"an array of the shape of {y_name} {y.shape}", Described(f"shape {pred.shape}"),
               "Give one 0/1 decision per target, e.g. both [days, stocks].")
    codes = None if days is None else _day_codes(days, y.shape, days_name)
    seen = ~np.isnan(y.ravel())
    if not seen.any():
        refuse(y_name, "an array with at least one target that is not NaN", Described("only NaN"),
               "Every stock-day is missing: check the period.")
    hits = (pred.ravel() == y.ravel())[seen].astype(np.float64)
    return hits, None if codes is None else codes[seen]


def _z(level: float) -> float:
    return float(norm.ppf(0.5 + level / 2))


def _paired_exact(hits_a: np.ndarray, hits_b: np.ndarray, level: float) -> dict:
    """McNemar's exact test and Newcombe's (1998) method 10 interval, each stock-day independent."""
    n = hits_a.size
    a_only, b_only = int(np.sum(hits_a > hits_b)), int(np.sum(hits_b > hits_a))
    both = int(np.sum(hits_a * hits_b))
    neither = n - both - a_only - b_only
    p1, p2 = (both + a_only) / n, (both + b_only) / n
    (l1, u1), (l2, u2) = wilson_interval(both + a_only, n, level), wilson_interval(both + b_only, n, level)
    # The correlation of the two models' hits, with Newcombe's continuity correction of its numerator.
    product = (both + a_only) * (b_only + neither) * (both + b_only) * (a_only + neither)
    cross = both * neither - a_only * b_only
    corrected = cross - n / 2 if cross > n / 2 else min(cross, 0)
    phi = corrected / np.sqrt(float(product)) if product > 0 else 0.0
    diff = p1 - p2
    low = diff - np.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    high = diff + np.sqrt((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    discordant = a_only + b_only
    p_value = binomtest(a_only, discordant, 0.5).pvalue if discordant else 1.0
    return {"acc_a": p1, "acc_b": p2, "difference": diff, "low": float(low), "high": float(high),
            "p_value": float(p_value), "n": n, "n_a": n, "n_b": n, "a_only": a_only, "b_only": b_only,
            "n_days": None, "design_effect": 1.0,
            "method": "McNemar exact test; Newcombe (1998) method 10 interval"}


def _paired_clustered(hits_a: np.ndarray, hits_b: np.ndarray, codes: np.ndarray, level: float) -> dict:
    """Day-clustered McNemar test (Durkalski et al. 2003) and a day-level Wald interval."""
    n = hits_a.size
    d = hits_a - hits_b                                   # +1 only A right, -1 only B right
    diff = float(d.mean())
    variance, n_days = _ratio_variance(d, codes, diff)
    independent, _ = _ratio_variance(d, np.arange(n), diff)
    # Under "no difference" each day's net count S_g has mean 0: z = sum S_g / sqrt(sum S_g^2),
    # which is McNemar's (uncorrected) statistic when every day holds one stock.
    net = np.bincount(codes, weights=d)                   # [days]
    spread = float(np.sqrt(np.sum(net**2)))
    p_value = float(2 * norm.sf(abs(net.sum()) / spread)) if spread > 0 else 1.0
    half = _z(level) * np.sqrt(variance)
    return {"acc_a": float(hits_a.mean()), "acc_b": float(hits_b.mean()), "difference": diff,
            "low": float(diff - half), "high": float(diff + half), "p_value": min(p_value, 1.0), "n": n,
            "n_a": n, "n_b": n, "a_only": int(np.sum(d > 0)), "b_only": int(np.sum(d < 0)),
            "n_days": n_days, "design_effect": float(variance / independent) if independent > 0 else 1.0,
            "method": "day-clustered McNemar test (Durkalski 2003); day-level Wald interval"}


def _two_sample_exact(hits_a: np.ndarray, hits_b: np.ndarray, level: float) -> dict:
    """Newcombe's (1998) hybrid score interval and the pooled two-proportion z-test."""
    (n1, k1), (n2, k2) = (hits_a.size, int(hits_a.sum())), (hits_b.size, int(hits_b.sum()))
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = wilson_interval(k1, n1, level), wilson_interval(k2, n2, level)
    diff = p1 - p2
    pooled = (k1 + k2) / (n1 + n2)
    se0 = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p_value = float(2 * norm.sf(abs(diff) / se0)) if se0 > 0 else 1.0
    return {"acc_a": p1, "acc_b": p2, "difference": diff,
            "low": float(diff - np.hypot(p1 - l1, u2 - p2)),
            "high": float(diff + np.hypot(u1 - p1, p2 - l2)),
            "p_value": p_value, "n": n1 + n2, "n_a": n1, "n_b": n2, "a_only": None, "b_only": None,
            "n_days": None, "design_effect": 1.0,
            "method": "pooled two-proportion z-test; Newcombe (1998) hybrid score interval"}


def _two_sample_clustered(hits_a, codes_a, hits_b, codes_b, level: float) -> dict:
    """Two day-clustered accuracies from different days: Wald interval and z-test on day totals."""
    p1, p2 = float(hits_a.mean()), float(hits_b.mean())
    diff = p1 - p2
    (var_a, days_a), (var_b, days_b) = (_ratio_variance(hits_a, codes_a, p1),
                                        _ratio_variance(hits_b, codes_b, p2))
    # The test centres both samples' day totals on the pooled accuracy, as the pooled z-test does.
    pooled = (hits_a.sum() + hits_b.sum()) / (hits_a.size + hits_b.size)
    null = _ratio_variance(hits_a, codes_a, pooled)[0] + _ratio_variance(hits_b, codes_b, pooled)[0]
    p_value = float(2 * norm.sf(abs(diff) / np.sqrt(null))) if null > 0 else 1.0
    binomial = p1 * (1 - p1) / hits_a.size + p2 * (1 - p2) / hits_b.size
    half = _z(level) * np.sqrt(var_a + var_b)
    return {"acc_a": p1, "acc_b": p2, "difference": diff, "low": float(diff - half),
            "high": float(diff + half), "p_value": p_value, "n": hits_a.size + hits_b.size, "n_a": hits_a.size,
            "n_b": hits_b.size, "a_only": None, "b_only": None, "n_days": days_a + days_b,
            "design_effect": float((var_a + var_b) / binomial) if binomial > 0 else 1.0,
            "method": "day-clustered two-sample z-test; day-level Wald interval"}


def accuracy_difference(y, pred_a, pred_b, *, y_b=None, days=None, days_b=None,
                        level: float = 0.95) -> dict:
    """Two models' accuracies and a test of their difference, acc_a - acc_b.

    Judge two models by this test, never by whether their two accuracy intervals overlap (far too
    strict). Four cases, by whether the models were scored on the same targets and whether the
    day is the unit:

    ========================  ============================================  ==========================
    case                      p-value                                       interval
    ========================  ============================================  ==========================
    paired                    McNemar's exact test: the b stock-days only   Newcombe (1998) method 10
                              A got right against the c only B got right,   (Wilson limits of both
                              two-sided binomial with p = 0.5               accuracies, corrected for
                                                                            their correlation)
    paired, ``days``          day-clustered McNemar (Durkalski et al.       Wald, with the day-level
                              2003): z = sum of the days' (b - c) / the     ratio variance of the
                              root of their sum of squares                  per-stock-day differences
    two samples               pooled two-proportion z-test (the same        Newcombe (1998) hybrid
                              p-value as a chi-square test without          score interval
                              continuity correction)
    two samples, ``days``     z-test on the day totals, centred on the      Wald, day-level variance
                              pooled accuracy                               of each accuracy
    ========================  ============================================  ==========================

    A p-value is the chance of a difference at least this large if the models were equally
    accurate; it is not the probability that they are.

    Parameters
    ----------
    y : 0/1 targets (1 = up), any shape, e.g. [days, stocks]; NaN marks a missing stock-day, left out.
    pred_a, pred_b : 0/1 decisions of models A and B (``predict_up(p)``). ``pred_a`` has the shape
        of ``y``; ``pred_b`` too when the models are *paired* (scored on the same targets).
    y_b : the targets of ``pred_b`` when it was scored on other days (two independent samples).
    days : day labels of ``y`` (one per row, or one per value; see `clustered_accuracy_interval`).
        Given, the day is the unit: same-day outcomes of different stocks may be correlated.
        None: every stock-day counts as independent.
    days_b : day labels of ``y_b`` (two samples with ``days`` only).
    level : confidence level of the interval.

    Returns
    -------
    dict with acc_a, acc_b, difference (acc_a - acc_b), low, high, p_value, n (stock-days: paired,
    scored by both; two samples, n_a + n_b), n_a, n_b, a_only and b_only (paired: stock-days only
    A, or only B, got right; None for two samples), n_days (days counted, both samples together;
    None without ``days``), design_effect (the difference's variance over its variance with
    independent stock-days; 1.0 without ``days``), paired, level and method.
    """
    level = check_real(level, "level", low=0, high=1, low_open=True, high_open=True)
    paired = y_b is None
    if paired and days_b is not None:
        refuse("days_b", "None when the models share the targets y", Described("day labels"),
               "Pass y_b (pred_b's own targets) for two samples, or leave days_b out.")
    if not paired and (days is None) != (days_b is None):
        refuse("days_b" if days_b is None else "days", "given together with the other",
               Described("only one of days and days_b"),
               "Two samples are compared day by day only when both have day labels.")
    hits_a, codes_a = _hits(y, pred_a, days, ("y", "pred_a", "days"))
    hits_b, codes_b = _hits(y if paired else y_b, pred_b, days if paired else days_b,
                            ("y" if paired else "y_b", "pred_b", "days" if paired else "days_b"))
    if paired:
        result = (_paired_exact(hits_a, hits_b, level) if days is None
                  else _paired_clustered(hits_a, hits_b, codes_a, level))
    else:
        result = (_two_sample_exact(hits_a, hits_b, level) if days is None
                  else _two_sample_clustered(hits_a, codes_a, hits_b, codes_b, level))
    return {**result, "paired": paired, "level": level}
