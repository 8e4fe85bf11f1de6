"""Did it really work? Splits that do not leak, intervals, and the cost of trying many models.

- `walk_forward_splits`: train on the past, test on the next block, roll forward (never the reverse).
- `purged_kfold_splits`: K-fold over time where training samples whose input or target window
  overlaps the test block are *purged*, and those just after it *embargoed*
  (López de Prado 2018, ch. 7).
- `sharpe_ratio`, `sharpe_interval`: the Sharpe ratio and its standard error, which grows with
  skewness and fat tails (Lo 2002; Mertens 2002).
- `best_of_n_accuracy`: simulate N coin-flip models and keep the best, as a researcher who tries
  N models and reports one does.
- `expected_max_sharpe`, `probabilistic_sharpe_ratio`, `deflated_sharpe_ratio`: how good the best
  of N tries looks by luck alone, and the probability that a Sharpe ratio beats that
  (Bailey & López de Prado 2014).
- `years_to_detect_sharpe`: how many years of returns a true Sharpe ratio needs before its interval
  excludes zero with a given power.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from companion.checks import check_int, check_real
from companion.metrics import wilson_interval  # noqa: F401 (re-exported: chapter 9 uses it from here)

EULER_GAMMA = 0.5772156649015329


# --- splits ------------------------------------------------------------------------------------
def walk_forward_splits(n: int, *, train_size: int, test_size: int, step: int | None = None,
                        embargo: int = 0, expanding: bool = True):
    """Index pairs (train, test) over ``n`` time-ordered samples, each test block after its train.

    expanding=True grows the training set from the start; False slides a window of ``train_size``.
    ``embargo`` samples are dropped between the end of training and the test block (use
    lookback + horizon - 1 for windowed samples, so no training target peeks into the test inputs).
    """
    if min(train_size, test_size) < 1 or embargo < 0 or n < 1:
        raise ValueError("train_size and test_size must be >= 1 and embargo >= 0")
    step = test_size if step is None else step
    if int(step) != step or step < 1:
        raise ValueError(f"step must be a positive whole number of samples (how far each split "
                         f"moves forward), got step={step}; None moves by test_size={test_size}.")
    splits, start = [], train_size + embargo
    while start + test_size <= n:
        train_end = start - embargo
        train_start = 0 if expanding else train_end - train_size
        splits.append((np.arange(train_start, train_end), np.arange(start, start + test_size)))
        start += step
    if not splits:
        raise ValueError(f"n={n} is too short for train_size={train_size} + embargo={embargo} "
                         f"+ test_size={test_size}")
    return splits


def purged_kfold_splits(n: int, n_splits: int = 5, *, lookback: int = 1, horizon: int = 1,
                        embargo: int = 0):
    """K contiguous test blocks; training samples that share any day with a test sample are purged.

    Sample ``i`` uses days ``[i - lookback + 1, i + horizon]`` (its inputs and its target).
    A training sample ``j`` overlaps the test block ``[a, b]`` when
    ``a - lookback - horizon + 1 <= j <= b + horizon + lookback - 1``: those are purged. The next
    ``embargo`` samples after that are dropped too, because serial correlation lets information
    leak a little further than the windows themselves.
    """
    if n_splits < 2 or n < n_splits:
        raise ValueError(f"need 2 <= n_splits <= n, got n_splits={n_splits}, n={n}")
    reach = lookback + horizon - 1
    idx = np.arange(n)
    splits = []
    for block in np.array_split(idx, n_splits):
        a, b = block[0], block[-1]
        keep = (idx < a - reach) | (idx > b + reach + embargo)
        splits.append((idx[keep], block))
    return splits


# --- accuracy and Sharpe ratio -----------------------------------------------------------------
def sharpe_ratio(returns, periods_per_year: int = 244) -> float:
    """Annualised Sharpe ratio of per-period returns (zero risk-free rate).

    NaN values are dropped first: ``equity.pct_change()`` starts with one, and a single NaN would
    otherwise make the mean NaN. Infinite returns (a price of 0 somewhere) are refused.
    A series with no variation has a Sharpe ratio of 0 here.
    """
    r = np.asarray(returns, dtype=float).ravel()
    if np.isinf(r).any():
        raise ValueError(f"returns hold {int(np.isinf(r).sum())} infinite value(s): a price or "
                         "equity of 0 somewhere; fix the series before computing a Sharpe ratio.")
    r = r[~np.isnan(r)]
    if len(r) < 2:
        raise ValueError(f"a Sharpe ratio needs at least 2 returns that are not NaN, got {len(r)}.")
    sd = r.std(ddof=1)
    return float(r.mean() / sd * np.sqrt(periods_per_year)) if sd > 0 else 0.0


def sharpe_standard_error(sr: float, n: int, skew: float = 0.0, kurtosis: float = 3.0) -> float:
    """Standard error of a per-period Sharpe ratio estimated from ``n`` returns.

    With normal iid returns (skew 0, kurtosis 3) this is Lo's (2002) sqrt((1 + sr^2/2) / n);
    negative skew and fat tails (kurtosis > 3, not excess) widen it (Mertens 2002).
    """
    var = 1 - skew * sr + (kurtosis - 1) / 4 * sr**2
    return float(np.sqrt(var / (n - 1)))


def sharpe_interval(returns, level: float = 0.95, periods_per_year: int = 244):
    """(annualised Sharpe ratio, low, high): a normal interval with the non-normal standard error."""
    r = np.asarray(returns, dtype=float)
    sr = r.mean() / r.std(ddof=1)
    se = sharpe_standard_error(sr, len(r), stats.skew(r), stats.kurtosis(r, fisher=False))
    z, scale = stats.norm.ppf(0.5 + level / 2), np.sqrt(periods_per_year)
    return float(sr * scale), float((sr - z * se) * scale), float((sr + z * se) * scale)


# --- the best of many tries --------------------------------------------------------------------
def best_of_n_accuracy(n_models: int, n_days: int, *, p: float = 0.5, n_sims: int = 10_000,
                       seed: int = 0) -> np.ndarray:
    """Accuracy of the best of ``n_models`` models that are right with probability ``p`` each day.

    Returns ``n_sims`` simulated best accuracies, shape [n_sims]. With p = 0.5 every model is a
    coin flip: whatever the best one scores above 50% is luck, selected.
    """
    rng = np.random.default_rng(seed)
    correct = rng.binomial(n_days, p, size=(n_sims, n_models))
    return correct.max(axis=1) / n_days


def expected_max_sharpe(n_trials: int, sr_variance: float) -> float:
    """Expected maximum of ``n_trials`` Sharpe ratios whose true value is 0 (per-period units).

    The extreme-value approximation of Bailey & López de Prado (2014), eq. for SR_0.
    """
    if n_trials < 1:
        raise ValueError(f"n_trials must be >= 1, got {n_trials}")
    if n_trials == 1:
        return 0.0
    z1 = stats.norm.ppf(1 - 1 / n_trials)
    z2 = stats.norm.ppf(1 - 1 / (n_trials * np.e))
    return float(np.sqrt(sr_variance) * ((1 - EULER_GAMMA) * z1 + EULER_GAMMA * z2))


def probabilistic_sharpe_ratio(returns, sr_benchmark: float = 0.0) -> float:
    """P(true per-period Sharpe ratio > ``sr_benchmark``) given the observed ``returns``."""
    r = np.asarray(returns, dtype=float)
    sr = r.mean() / r.std(ddof=1)
    se = sharpe_standard_error(sr, len(r), stats.skew(r), stats.kurtosis(r, fisher=False))
    return float(stats.norm.cdf((sr - sr_benchmark) / se))


def deflated_sharpe_ratio(returns, n_trials: int, sr_variance: float) -> float:
    """The probabilistic Sharpe ratio against the best that ``n_trials`` lucky tries would show.

    returns: per-period returns of the strategy that was finally chosen.
    n_trials: how many strategies (models, settings, seeds) were tried before choosing it.
    sr_variance: the variance of the per-period Sharpe ratios across those trials.
    """
    return probabilistic_sharpe_ratio(returns, expected_max_sharpe(n_trials, sr_variance))


# --- how long before a Sharpe ratio shows -------------------------------------------------------
def years_to_detect_sharpe(sr: float, *, power: float = 0.8, level: float = 0.95,
                           periods_per_year: int = 244, skew: float = 0.0,
                           kurtosis: float = 3.0) -> float:
    """Years of returns before a true annual Sharpe ratio ``sr`` is detected with chance ``power``.

    Detected: the two-sided ``level`` interval of `sharpe_interval` lies above zero. The estimate
    is taken as normal around the true per-period ratio s = sr / sqrt(periods_per_year) with the
    standard error of `sharpe_standard_error`, se(n) = sqrt(v / (n - 1)), v = 1 - skew s +
    (kurtosis - 1) / 4 s^2. It clears z_level se with probability ``power`` when
    s = (z_level + z_power) se, so

        n = 1 + v (z_level + z_power)^2 / s^2 returns,   years = n / periods_per_year.

    "Its interval excludes zero after n days" is the ``power=0.5`` case: half of the strategies
    with that true Sharpe ratio would still look unproven. Returns the years, not rounded.
    """
    sr = check_real(sr, "sr", low=0, low_open=True,
                    fix="A Sharpe ratio of 0 or below is never detected as positive.")
    power = check_real(power, "power", low=0, high=1, low_open=True, high_open=True)
    level = check_real(level, "level", low=0, high=1, low_open=True, high_open=True)
    periods = check_int(periods_per_year, "periods_per_year", low=1)
    per_period = sr / np.sqrt(periods)
    v = 1 - skew * per_period + (kurtosis - 1) / 4 * per_period**2
    z = stats.norm.ppf(0.5 + level / 2) + stats.norm.ppf(power)
    return float((1 + v * z**2 / per_period**2) / periods)
