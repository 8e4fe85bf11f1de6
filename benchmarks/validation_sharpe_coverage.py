"""How often does a 95% Sharpe-ratio interval contain the true Sharpe ratio?

Daily returns are drawn with a known per-day Sharpe ratio of 0.05 (about 0.8 a year) from three
distributions: normal, fat-tailed (Student t with 3 degrees of freedom) and negatively skewed
(a mirrored lognormal), for 60, 250 and 1000 days. For each we count how often two intervals
cover the truth: Lo's (2002) iid-normal interval, and `companion.validation.sharpe_interval`,
which widens it with the sample skewness and kurtosis (Mertens 2002).
Run: python -m benchmarks.validation_sharpe_coverage
"""

import time

import numpy as np
import pandas as pd
from scipy import stats

from companion import validation as V
from companion.results import save_result

TRUE_SR, REPS, SIGMA = 0.05, 2000, 0.01


def draw(kind: str, rng, size):
    """Standardised noise (mean 0, sd 1) of the given kind."""
    if kind == "normal":
        return rng.standard_normal(size)
    if kind == "student t(3)":
        return rng.standard_t(3, size) / np.sqrt(3.0)
    s = 0.8  # mirrored lognormal: long left tail, like a strategy that sells crash insurance
    m, v = np.exp(s**2 / 2), (np.exp(s**2) - 1) * np.exp(s**2)
    return -(np.exp(s * rng.standard_normal(size)) - m) / np.sqrt(v)


def main():
    t0 = time.perf_counter()
    rng = np.random.default_rng(0)
    z = stats.norm.ppf(0.975)
    rows = []
    for kind in ["normal", "student t(3)", "skewed (lognormal)"]:
        for n in [60, 250, 1000]:
            r = SIGMA * (TRUE_SR + draw(kind, rng, (REPS, n)))
            sr = r.mean(1) / r.std(1, ddof=1)
            se_lo = np.sqrt((1 + sr**2 / 2) / n)
            lo_cover = np.abs(sr - TRUE_SR) <= z * se_lo
            ours = np.array([V.sharpe_interval(x, periods_per_year=1) for x in r])
            our_cover = (ours[:, 1] <= TRUE_SR) & (TRUE_SR <= ours[:, 2])
            rows.append({"distribution": kind, "days": n,
                         "coverage_lo_normal": lo_cover.mean(),
                         "coverage_skew_kurtosis": our_cover.mean(),
                         "mean_width_annual": float(np.mean(ours[:, 2] - ours[:, 1]) * np.sqrt(244)),
                         "reps": REPS})
            print(rows[-1])
    table = pd.DataFrame(rows)
    print(table.round(3).to_string(index=False))
    save_result("validation_sharpe_coverage", table, script=__file__, started=t0,
                notes=f"true per-day Sharpe {TRUE_SR}, {REPS} repetitions per cell, nominal 95%")


if __name__ == "__main__":
    main()
