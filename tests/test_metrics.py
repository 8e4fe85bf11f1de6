"""companion.metrics against scipy and scikit-learn."""

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binomtest
from sklearn.calibration import calibration_curve

from companion import metrics


def test_wilson_interval_known_value():
    low, high = metrics.wilson_interval(55, 100)
    assert low == pytest.approx(0.452, abs=5e-4)
    assert high == pytest.approx(0.644, abs=5e-4)


def test_wilson_interval_design_fact():
    # DESIGN.md: 68/100 correct has a 95% Wilson interval of about [58%, 76%].
    low, high = metrics.wilson_interval(68, 100)
    assert round(low, 2) == 0.58 and round(high, 2) == 0.76


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
       st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_bounds_match_scipy(kn, level):
    k, n = kn
    ci = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    low, high = metrics.wilson_bounds(np.array([k]), np.array([n]), level)
    assert low[0] == pytest.approx(ci.low, abs=1e-12)
    assert high[0] == pytest.approx(ci.high, abs=1e-12)
    assert metrics.wilson_interval(k, n, level) == pytest.approx((ci.low, ci.high))


def test_wilson_interval_rejects_bad_counts():
    with pytest.raises(ValueError, match="n must be"):
        metrics.wilson_interval(0, 0)
    with pytest.raises(ValueError, match="k must lie"):
        metrics.wilson_interval(11, 10)


@st.composite
def labels_and_probs(draw):
    n = draw(st.integers(2, 300))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n).astype(float)
    # make sure both classes occur so every metric is defined
    y[0], y[1] = 0.0, 1.0
    kind = draw(st.sampled_from(["uniform", "rounded", "extreme"]))
    p = rng.uniform(0, 1, n)
    if kind == "rounded":  # many ties, and exact 0.5 values
        p = np.round(p, 1)
    elif kind == "extreme":  # exact 0s and 1s exercise the log-loss clipping
        p = rng.choice([0.0, 0.5, 1.0, 0.3], n)
    return y, p


@given(labels_and_probs())
def test_scorecard_equals_scikit_learn(data):
    y, p = data
    card = metrics.scorecard(y, p)
    pred = (p >= 0.5).astype(int)
    assert card["n"] == len(y)
    assert card["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert card["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y, pred))
    assert card["auc"] == pytest.approx(skm.roc_auc_score(y, p))
    assert card["brier"] == pytest.approx(skm.brier_score_loss(y, p))
    assert card["log_loss"] == pytest.approx(skm.log_loss(y, p, labels=[0, 1]))
    assert card["recall_up"] == pytest.approx(skm.recall_score(y, pred, pos_label=1))
    assert card["recall_down"] == pytest.approx(skm.recall_score(y, pred, pos_label=0))
    k = int((pred == y).sum())
    assert (card["accuracy_low"], card["accuracy_high"]) == pytest.approx(
        metrics.wilson_interval(k, len(y)))


@given(labels_and_probs(), st.integers(1, 10), st.sampled_from(["uniform", "quantile"]))
def test_reliability_table_matches_calibration_curve(data, n_bins, strategy):
    y, p = data
    table = metrics.reliability_table(y, p, n_bins, strategy=strategy)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    np.testing.assert_allclose(table["frac_up"], prob_true)
    np.testing.assert_allclose(table["mean_p"], prob_pred)
    assert table["n"].sum() == len(y)
    ece = metrics.expected_calibration_error(y, p, n_bins, strategy=strategy)
    assert ece == pytest.approx(
        np.sum(table["n"] * np.abs(table["mean_p"] - table["frac_up"])) / len(y))


def test_ece_of_calibrated_and_overconfident_predictions():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.2, 0.8, 20000)
    y = (rng.uniform(size=p.size) < p).astype(float)
    assert metrics.expected_calibration_error(y, p) < 0.02
    # Pushing the same probabilities away from 0.5 makes them overconfident.
    p_over = np.clip(0.5 + 2 * (p - 0.5), 0, 1)
    assert metrics.expected_calibration_error(y, p_over) > 0.1


def test_one_class_gives_nan_auc_and_recall():
    card = metrics.scorecard(np.ones(5), np.full(5, 0.7))
    assert card["accuracy"] == 1.0
    assert np.isnan(card["auc"]) and np.isnan(card["recall_down"])
    assert card["balanced_accuracy"] == 1.0


def test_scorecard_flattens_matching_shapes():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, (30, 4))
    p = rng.uniform(size=(30, 4))
    assert metrics.scorecard(y, p) == metrics.scorecard(y.ravel(), p.ravel())


@pytest.mark.parametrize(
    ("y", "p", "message"),
    [
        (np.zeros((3, 2)), np.zeros(6), "same shape"),
        (np.zeros(0), np.zeros(0), "empty"),
        (np.array([0, 1, np.nan]), np.array([0.1, 0.2, 0.3]), "NaN"),
        (np.array([0, 2]), np.array([0.1, 0.2]), "only 0"),
        (np.array([0, 1]), np.array([-1.0, 2.0]), "logits"),
    ],
)
def test_scorecard_rejects_bad_input(y, p, message):
    with pytest.raises(ValueError, match=message):
        metrics.scorecard(y, p)


def test_risk_coverage_orders_by_confidence():
    y = np.array([1, 0, 1, 0, 1, 1])
    p = np.array([0.9, 0.45, 0.15, 0.55, 0.51, 0.8])  # |p-0.5| order: 0.9, 0.15, 0.8, 0.55, 0.51, 0.45
    table = metrics.risk_coverage(y, p)
    # hits in that order: right, wrong, right, wrong, right, right
    np.testing.assert_allclose(table["accuracy"], [1, 1 / 2, 2 / 3, 2 / 4, 3 / 5, 4 / 6])
    np.testing.assert_allclose(table["coverage"], np.arange(1, 7) / 6)
    assert list(table["n"]) == [1, 2, 3, 4, 5, 6]
    assert (table["low"] <= table["accuracy"]).all() and (table["accuracy"] <= table["high"]).all()
    low, high = metrics.wilson_interval(4, 6)
    assert table["low"].iloc[-1] == pytest.approx(low)
    assert metrics.area_under_risk_coverage(y, p) == pytest.approx(table["risk"].mean())


def test_informative_confidence_lowers_aurc():
    rng = np.random.default_rng(2)
    p = rng.uniform(size=5000)
    y = (rng.uniform(size=p.size) < p).astype(float)
    useful = metrics.area_under_risk_coverage(y, p)
    shuffled = metrics.area_under_risk_coverage(y, p, confidence=rng.permutation(np.abs(p - 0.5)))
    assert useful < shuffled - 0.05
    with pytest.raises(ValueError, match="one value per prediction"):
        metrics.risk_coverage(y, p, confidence=np.ones(3))
