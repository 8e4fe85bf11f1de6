"""Lead-lag cross-correlations between stocks, with the multiple-testing correction they need.

"A rises, B follows three days later" is a claim about ``corr(r_A[t], r_B[t + lag])``. Under no
relation the sample correlation of ``n`` days has a standard error near ``1 / sqrt(n)`` (about
0.045 for 500 days), so among many pairs and lags some will look large by chance. We therefore
report, for every ordered pair and lag, the correlation, its z-score and p-value, and both a
Bonferroni-adjusted p-value (family-wise error) and a Benjamini-Hochberg q-value (false
discovery rate) over all the pairs x lags tried.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from companion.checks import check_int, check_real


def log_returns(prices: pd.DataFrame, column: str = "adj_close") -> pd.DataFrame:
    """Daily log returns ``[date x code]`` from a tidy price frame (``market.load_prices`` layout).

    A return is taken between consecutive trading days of each stock; a suspension leaves NaN on
    the day after it for that stock (the move over several days is not a daily return).
    """
    for col in ("date", "code", column):
        if col not in prices.columns:
            raise ValueError(f"prices needs a {col!r} column (market.load_prices layout)")
    wide = prices.pivot(index="date", columns="code", values=column).sort_index()
    return np.log(wide).diff()  # NaN rows of a suspension stay NaN on both sides


def cross_correlations(returns: pd.DataFrame, lags: Sequence[int] = (1, 2, 3, 4, 5),
                       pairs: Sequence[tuple[str, str]] | None = None,
                       alpha: float = 0.05) -> pd.DataFrame:
    """Correlation of leader's return on day t with follower's return on day t + lag.

    Parameters
    ----------
    returns
        ``[date x code]`` daily returns (e.g. :func:`log_returns`).
    lags
        positive lags in trading days (rows of the frame, so suspensions count as days).
    pairs
        ordered (leader, follower) pairs; default every ordered pair of different codes.
    alpha
        level of the tests after correction.

    Returns
    -------
    One row per (leader, follower, lag): corr, n (days with both returns), se = 1/sqrt(n),
    z = corr * sqrt(n), p (two-sided, normal), p_bonferroni, q_bh, and significant_bonferroni /
    significant_bh at ``alpha``. The corrections count every row of the frame as one test.
    """
    codes = list(returns.columns)
    if pairs is None:
        pairs = [(a, b) for a in codes for b in codes if a != b]
    lags = [check_int(lag, "lags") for lag in lags]
    alpha = check_real(alpha, "alpha", low=0, high=1, low_open=True, high_open=True)
    if not lags or min(lags) < 1:
        raise ValueError(f"lags must be positive (leader first), got {list(lags)}")
    rows = []
    for leader, follower in pairs:
        for lag in lags:
            lead = returns[leader].to_numpy()[:-lag]
            follow = returns[follower].to_numpy()[lag:]
            ok = ~(np.isnan(lead) | np.isnan(follow))
            n = int(ok.sum())
            corr = float(np.corrcoef(lead[ok], follow[ok])[0, 1]) if n > 2 else np.nan
            rows.append({"leader": leader, "follower": follower, "lag": lag, "corr": corr, "n": n})
    out = pd.DataFrame(rows)
    out["se"] = 1.0 / np.sqrt(out["n"])
    out["z"] = out["corr"] / out["se"]
    out["p"] = 2 * stats.norm.sf(np.abs(out["z"]))
    m = len(out)
    out["p_bonferroni"] = np.minimum(out["p"] * m, 1.0)
    out["q_bh"] = stats.false_discovery_control(out["p"].to_numpy(), method="bh")
    out["significant_bonferroni"] = out["p_bonferroni"] < alpha
    out["significant_bh"] = out["q_bh"] < alpha
    return out


__all__ = ["log_returns", "cross_correlations"]
