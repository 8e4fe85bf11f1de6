"""Lead-lag cross-correlations: the planted lag is found, the null stays quiet, corrections are right."""

import numpy as np
import pandas as pd
from scipy import stats

from companion.leadlag import cross_correlations, log_returns


def _returns(n=500, seed=0, strength=0.5):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = rng.normal(size=n)
    b[2:] += strength * a[:-2]  # a leads b by 2 days
    c = rng.normal(size=n)
    return pd.DataFrame({"A": a, "B": b, "C": c})


def test_matches_pandas_shifted_correlation():
    r = _returns()
    out = cross_correlations(r, lags=[1, 2, 3])
    row = out[(out.leader == "A") & (out.follower == "B") & (out.lag == 2)].iloc[0]
    assert np.isclose(row["corr"], r["A"].corr(r["B"].shift(-2)))
    assert row["n"] == 498 and np.isclose(row["se"], 1 / np.sqrt(498))
    assert len(out) == 3 * 2 * 3  # ordered pairs x lags


def test_planted_lag_survives_correction_and_only_it():
    out = cross_correlations(_returns(), lags=[1, 2, 3, 4, 5])
    hits = out[out.significant_bonferroni]
    assert list(zip(hits.leader, hits.follower, hits.lag, strict=True)) == [("A", "B", 2)]


def test_corrections_agree_with_scipy_and_null_is_calibrated():
    false_hits = 0
    for seed in range(20):
        out = cross_correlations(_returns(seed=seed, strength=0.0))
        p = out["p"].to_numpy()
        assert np.allclose(out["q_bh"], stats.false_discovery_control(p))
        assert np.allclose(out["p_bonferroni"], np.minimum(p * len(p), 1))
        false_hits += int(out.significant_bonferroni.any())
    # Family-wise error at 5%: at most a few of 20 null markets show any "significant" lag.
    assert false_hits <= 4


def test_log_returns_from_tidy_prices():
    prices = pd.DataFrame({"date": pd.to_datetime(["2017-01-03", "2017-01-04", "2017-01-03",
                                                   "2017-01-04"]),
                           "code": ["X", "X", "Y", "Y"], "adj_close": [10.0, 11.0, 5.0, 4.0]})
    r = log_returns(prices)
    assert np.isclose(r.loc["2017-01-04", "X"], np.log(1.1))
    assert np.isclose(r.loc["2017-01-04", "Y"], np.log(0.8))
    assert r.iloc[0].isna().all()
