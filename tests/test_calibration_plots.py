"""Tests of companion.plots.calibration: the figures draw what the metrics compute."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from companion.metrics import reliability_table, risk_coverage  # noqa: E402
from companion.plots import reliability_diagram, risk_coverage_curve  # noqa: E402


def _data(seed=0, n=600):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.2, 0.8, n)
    return (rng.random(n) < p).astype(float), p


def test_reliability_diagram_points_and_one_diagonal():
    y, p = _data()
    ax = reliability_diagram(y, p, label="a")
    reliability_diagram(y, np.clip(p + 0.1, 0, 1), ax=ax, label="b")
    table = reliability_table(y, p, 5)
    x_drawn = np.asarray(ax.lines[0].get_xdata(), dtype=float)
    np.testing.assert_allclose(x_drawn, table["mean_p"].to_numpy())
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels.count("calibrated") == 1 and "a" in labels and "b" in labels
    plt.close("all")


def test_risk_coverage_curve_matches_table():
    y, p = _data(1)
    ax = risk_coverage_curve(y, p, label="m", min_n=10)
    rc = risk_coverage(y, p)
    rc = rc[rc["n"] >= 10]
    np.testing.assert_allclose(np.asarray(ax.lines[0].get_ydata(), dtype=float), rc["accuracy"].to_numpy())
    plt.close("all")


def test_risk_coverage_panels_one_panel_each_and_refuses_crowding():
    import pytest

    from companion.plots import risk_coverage_panels

    y, p = _data(2)
    q = np.clip(p + 0.05, 0, 1)
    fig = risk_coverage_panels(y, {"by |p - 0.5|": {"a": (p, None), "b": (q, None)},
                                   "by spread": {"c": (p, -np.abs(p - 0.5))}})
    assert len(fig.axes) == 2
    rc = risk_coverage(y, q)
    rc = rc[rc["n"] >= 10]
    drawn = [line for line in fig.axes[0].get_lines() if line.get_label() == "b"][0]
    np.testing.assert_allclose(np.asarray(drawn.get_ydata(), dtype=float), rc["accuracy"].to_numpy())
    with pytest.raises(ValueError, match="at most 4 curves"):
        risk_coverage_panels(y, {"crowded": {str(i): (p, None) for i in range(5)}})
    plt.close("all")


def test_score_by_model_draws_the_mean_over_seeds():
    import pandas as pd
    import pytest

    from companion.plots import score_by_model

    # three seeds with a skewed spread: the mean (0.04, 0.11) differs from the median (0.03, 0.10)
    table = pd.DataFrame({"data": ["real"] * 6, "model": ["a"] * 3 + ["b"] * 3, "seed": [0, 1, 2] * 2,
                          "ece": [0.02, 0.03, 0.07, 0.10, 0.10, 0.13],
                          "ece_ts": [0.05, 0.05, 0.05, 0.07, 0.07, 0.07]})
    fig = score_by_model(table, {"ece": "ECE", "ece_ts": "ECE after T"})
    first = fig.axes[0].containers[0].lines[0]
    np.testing.assert_allclose(np.asarray(first.get_xdata(), dtype=float), [0.04, 0.11])
    with pytest.raises(ValueError, match="lacks the columns"):
        score_by_model(table, {"brier": "Brier"})
    plt.close("all")
