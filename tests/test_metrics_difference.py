"""companion.metrics: comparing two models, and intervals with the day as the unit.

Checked against scipy (McNemar's exact test is a binomial test; the pooled z-test is the chi-square
test without continuity correction), a published example (Newcombe 1998), hand-worked numbers and
simulations of correlated days.
"""

import math
import time

import numpy as np
import pytest
from scipy.stats import binomtest, chi2, chi2_contingency

from companion.metrics import accuracy_difference, clustered_accuracy_interval, wilson_interval


def paired_table(both: int, a_only: int, b_only: int, neither: int):
    """Targets (all up) and two models' decisions with the given 2x2 table of right/wrong."""
    a = np.r_[np.ones(both), np.ones(a_only), np.zeros(b_only), np.zeros(neither)]
    b = np.r_[np.ones(both), np.zeros(a_only), np.ones(b_only), np.zeros(neither)]
    return np.ones(a.size), a, b


def correlated_days(rng, n_days=250, n_stocks=6, accuracy=0.55, icc=0.2, n_sets=1):
    """Hits [n_sets, days, stocks]: each day's chance of a right call is drawn from a beta with mean
    ``accuracy``; the hits of one day then correlate with intra-day correlation icc = 1 / (a + b + 1)."""
    total = 1 / icc - 1
    chance = rng.beta(accuracy * total, (1 - accuracy) * total, size=(n_sets, n_days, 1))
    return (rng.random((n_sets, n_days, n_stocks)) < chance).astype(np.float64)


# --- paired: McNemar and Newcombe ----------------------------------------------------------------
def test_hand_worked_paired_example():
    # 10 stock-days: both right on 5, only A on 3, only B on 1, neither on 1.
    y, a, b = paired_table(5, 3, 1, 1)
    r = accuracy_difference(y, a, b)
    assert (r["acc_a"], r["acc_b"], r["a_only"], r["b_only"], r["n"]) == (0.8, 0.6, 3, 1, 10)
    assert r["difference"] == pytest.approx(0.2)
    # Exact McNemar: 3 of the 4 discordant days favour A; P(>= 3 of 4 | p = 1/2) doubled = 10/16.
    assert r["p_value"] == pytest.approx(10 / 16)
    assert r["low"] < 0 < r["high"] and r["paired"] and r["n_days"] is None


def test_newcombe_method_10_by_its_formula():
    # Newcombe (1998) method 10, written out: Wilson limits, phi with the continuity-corrected
    # numerator max(AD - BC - n/2, 0), and the square-and-add with the correlation term.
    both, a_only, b_only, neither = 36, 12, 2, 0
    n = 50
    p1, p2 = 48 / n, 38 / n
    l1, u1 = wilson_interval(48, n)
    l2, u2 = wilson_interval(38, n)
    phi = min(both * neither - a_only * b_only, 0) / math.sqrt(48 * 2 * 38 * 12)
    low = p1 - p2 - math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    high = p1 - p2 + math.sqrt((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    r = accuracy_difference(*paired_table(both, a_only, b_only, neither))
    assert (r["low"], r["high"]) == pytest.approx((low, high), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_mcnemar_is_scipy_binomial_test_on_the_discordant_days(seed):
    rng = np.random.default_rng(seed)
    y, a, b = (rng.integers(0, 2, (60, 6)) for _ in range(3))
    r = accuracy_difference(y, a, b)
    hit_a, hit_b = a == y, b == y
    only_a, only_b = int((hit_a & ~hit_b).sum()), int((hit_b & ~hit_a).sum())
    assert (r["a_only"], r["b_only"]) == (only_a, only_b)
    assert r["p_value"] == pytest.approx(binomtest(only_a, only_a + only_b, 0.5).pvalue, rel=1e-12)
    assert r["acc_a"] - r["acc_b"] == pytest.approx(r["difference"])


def test_no_discordant_days_gives_p_one():
    r = accuracy_difference(*paired_table(7, 0, 0, 3))
    assert r["p_value"] == 1.0 and r["difference"] == 0 and r["low"] < 0 < r["high"]


def test_paired_interval_covers_the_true_difference():
    # 400 data sets of 300 independent stock-days, true accuracies 0.56 and 0.52, correlated models.
    rng = np.random.default_rng(1)
    covered = 0
    for _ in range(400):
        shared = rng.random(300)
        a = (shared < 0.56).astype(float)
        b = np.where(rng.random(300) < 0.6, shared < 0.52, rng.random(300) < 0.52).astype(float)
        r = accuracy_difference(np.ones(300), a, b)
        covered += r["low"] <= 0.04 <= r["high"]
    assert abs(covered / 400 - 0.95) <= 0.025


# --- two samples ---------------------------------------------------------------------------------
def test_newcombe_hybrid_score_published_example():
    # Newcombe (1998), Statist. Med. 17: 873-890, example 56/70 - 48/80: method 10 gives
    # 0.0524 to 0.3339.
    r = accuracy_difference(np.ones(70), np.arange(70) < 56, np.arange(80) < 48, y_b=np.ones(80))
    assert r["difference"] == pytest.approx(0.2)
    assert (round(r["low"], 4), round(r["high"], 4)) == (0.0524, 0.3339)
    assert not r["paired"] and r["a_only"] is None and (r["n_a"], r["n_b"], r["n"]) == (70, 80, 150)


def test_pooled_z_test_is_the_uncorrected_chi_square_test():
    # By hand: 110/200 against 100/200; pooled 0.525, se = sqrt(.525 * .475 * 2 / 200) = 0.049937,
    # z = 0.05 / 0.049937 = 1.00125, two-sided p = 0.3167.
    r = accuracy_difference(np.ones(200), np.arange(200) < 110, np.arange(200) < 100, y_b=np.ones(200))
    assert r["p_value"] == pytest.approx(math.erfc(0.05 / math.sqrt(0.525 * 0.475 / 100) / math.sqrt(2)))
    assert r["p_value"] == pytest.approx(0.3167, abs=1e-4)
    table = [[110, 90], [100, 100]]
    assert r["p_value"] == pytest.approx(chi2_contingency(table, correction=False).pvalue, rel=1e-10)


# --- the day as the unit -------------------------------------------------------------------------
def test_clustered_interval_keeps_its_coverage_where_wilson_does_not():
    # 1000 data sets of 250 days x 6 stocks, intra-day correlation 0.2, true accuracy 0.55: the
    # design effect is 1 + 5 * 0.2 = 2, so Wilson's interval is sqrt(2) times too narrow.
    rng = np.random.default_rng(7)
    sets = correlated_days(rng, n_sets=1000)
    results = [clustered_accuracy_interval(hits) for hits in sets]
    clustered = np.mean([r["low"] <= 0.55 <= r["high"] for r in results])
    wilson = np.mean([r["wilson_low"] <= 0.55 <= r["wilson_high"] for r in results])
    assert abs(clustered - 0.95) <= 0.02, clustered
    assert wilson < 0.88, wilson
    assert np.median([r["design_effect"] for r in results]) == pytest.approx(2.0, abs=0.15)


def test_clustered_interval_is_fast():
    hits = correlated_days(np.random.default_rng(0))[0]
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        clustered_accuracy_interval(hits)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.05


def test_day_labels_flat_or_per_row_and_missing_stock_days():
    hits = correlated_days(np.random.default_rng(3), n_days=40)[0]   # [40, 6]
    hits[5, 2] = np.nan   # a suspension
    by_rows = clustered_accuracy_interval(hits)
    dates = np.datetime64("2017-01-02") + np.arange(40)
    assert clustered_accuracy_interval(hits, dates) == by_rows
    assert clustered_accuracy_interval(hits.ravel(), np.repeat(dates, 6)) == by_rows
    assert clustered_accuracy_interval(hits, np.repeat(dates, 6).reshape(40, 6)) == by_rows
    assert by_rows["n"] == 239 and by_rows["n_days"] == 40
    assert by_rows["accuracy"] == pytest.approx(np.nanmean(hits))
    assert (by_rows["wilson_low"], by_rows["wilson_high"]) == pytest.approx(
        wilson_interval(int(np.nansum(hits)), 239))


def test_independent_stock_days_have_a_design_effect_near_one():
    hits = correlated_days(np.random.default_rng(4), icc=1e-6)[0]
    r = clustered_accuracy_interval(hits)
    assert r["design_effect"] == pytest.approx(1.0, abs=0.15)
    # A design effect below 1 never narrows the interval below Wilson's.
    assert r["high"] - r["low"] >= r["wilson_high"] - r["wilson_low"] - 1e-12


def test_one_stock_a_day_makes_the_clustered_mcnemar_the_plain_one():
    rng = np.random.default_rng(5)
    y, a, b = (rng.integers(0, 2, 300) for _ in range(3))
    r = accuracy_difference(y, a, b, days=np.arange(300))
    only_a, only_b = r["a_only"], r["b_only"]
    assert r["p_value"] == pytest.approx(chi2.sf((only_a - only_b) ** 2 / (only_a + only_b), 1))
    assert r["design_effect"] == pytest.approx(1.0) and r["n_days"] == 300


def test_clustered_paired_test_holds_its_level_where_mcnemar_does_not():
    # Two equally good models whose edge swings from day to day (one market mood favours A, the
    # next B): under "no difference" a 5% test should reject about 5% of the time.
    rng = np.random.default_rng(11)
    rejected = {"days": 0, "independent": 0}
    for _ in range(400):
        swing = rng.normal(0, 0.15, size=(120, 1))            # [days, 1]
        a = rng.random((120, 6)) < 0.55 + swing
        b = rng.random((120, 6)) < 0.55 - swing
        y = np.ones((120, 6))
        rejected["days"] += accuracy_difference(y, a, b, days=np.arange(120))["p_value"] < 0.05
        rejected["independent"] += accuracy_difference(y, a, b)["p_value"] < 0.05
    assert abs(rejected["days"] / 400 - 0.05) <= 0.025, rejected
    assert rejected["independent"] / 400 > 0.12, rejected


def test_clustered_two_samples_widen_with_the_design_effect():
    rng = np.random.default_rng(6)
    first, second = correlated_days(rng, n_sets=2)
    y = np.ones_like(first)
    plain = accuracy_difference(y, first, second, y_b=y)
    days = accuracy_difference(y, first, second, y_b=y, days=np.arange(250), days_b=np.arange(250))
    assert days["difference"] == pytest.approx(plain["difference"])
    assert days["design_effect"] > 1.4 and days["n_days"] == 500
    assert days["high"] - days["low"] > 1.15 * (plain["high"] - plain["low"])


# --- refused input -------------------------------------------------------------------------------
@pytest.mark.parametrize(("call", "message"), [
    (lambda: accuracy_difference(np.ones(4), np.ones(4), np.ones(5)), r"pred_b must be an array of the shape"),
    (lambda: accuracy_difference(np.ones(4), np.full(4, 0.7), np.ones(4)), r"pred_a must be 0/1 values.*predict_up"),
    (lambda: accuracy_difference([], [], []), r"y must be a non-empty array"),
    (lambda: accuracy_difference(np.ones(4), np.ones(4), np.ones(4), days=[1, 2]), r"days must be one label per row"),
    (lambda: accuracy_difference(np.ones(4), np.ones(4), np.ones(4), days_b=np.arange(4)), r"days_b must be None"),
    (lambda: accuracy_difference(np.ones(4), np.ones(4), np.ones(3), y_b=np.ones(3), days=np.arange(4)),
     r"days_b must be given together"),
    (lambda: accuracy_difference(np.ones(4), np.ones(4), np.ones(4), days=np.zeros(4)), r"at least 2 different days"),
    (lambda: accuracy_difference(np.ones(4), np.ones(4), np.ones(4), level=95), r"level must be a number"),
    (lambda: clustered_accuracy_interval(np.full((3, 2), np.nan)), r"hits must be an array with at least one"),
    (lambda: clustered_accuracy_interval(np.array([[0, 2], [1, 1]])), r"hits must be 0/1 values or NaN"),
])
def test_bad_input_is_refused_with_a_fix(call, message):
    with pytest.raises(ValueError, match=message):
        call()
