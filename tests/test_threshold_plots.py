"""Tests of companion.plots.thresholds: the logit-shift figure draws the logits it is given."""

import matplotlib

matplotlib.use("Agg")

import math  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from companion.plots import logit_shift_plot  # noqa: E402


def test_logit_shift_plot_points_sit_on_the_shifted_line():
    p = np.linspace(0.3, 0.7, 50)
    z = np.log(p / (1 - p))
    weighted = 1 / (1 + np.exp(-(z - math.log(1.5))))
    fig = logit_shift_plot({"toy": (p, weighted)}, -math.log(1.5))
    xy = fig.axes[0].collections[0].get_offsets()
    np.testing.assert_allclose(xy[:, 1] - xy[:, 0], -math.log(1.5), atol=1e-9)
    theory = fig.axes[0].get_lines()[1]
    np.testing.assert_allclose(np.diff(theory.get_ydata()), np.diff(theory.get_xdata()))
    assert theory.get_ydata()[0] - theory.get_xdata()[0] == pytest.approx(-math.log(1.5))
    plt.close("all")


def test_logit_shift_plot_refuses_mismatched_predictions():
    with pytest.raises(ValueError, match="same stock-days"):
        logit_shift_plot({"bad": (np.full(5, 0.5), np.full(4, 0.5))}, -0.4)


def test_recall_threshold_plot_draws_the_recalls_of_each_threshold():
    from companion.plots import recall_threshold_plot

    rng = np.random.default_rng(0)
    p = rng.uniform(0.3, 0.7, 400)
    y = (rng.random(400) < p).astype(float)
    thresholds = np.array([0.4, 0.5, 0.6])
    ax = recall_threshold_plot(y, p, thresholds=thresholds, marks={"other rule at 0.5": (0.5, 0.5)})
    up, down = ax.get_lines()[0].get_ydata(), ax.get_lines()[1].get_ydata()
    np.testing.assert_allclose(up, [(p[y == 1] >= t).mean() for t in thresholds])
    np.testing.assert_allclose(down, [(p[y == 0] < t).mean() for t in thresholds])
    assert (np.diff(up) <= 0).all() and (np.diff(down) >= 0).all()   # a higher line: fewer ups
    with pytest.raises(ValueError, match="both up"):
        recall_threshold_plot(np.ones(5), np.full(5, 0.5))
    plt.close("all")
