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
