"""Tests of companion.plots.basics: chapter 0's figures draw the numbers they are given."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from companion.plots import descent_curve, loss_curves, sample_heatmap  # noqa: E402


def test_sample_heatmap_draws_the_block_and_labels_targets():
    x = np.arange(36.0).reshape(3, 12) - 6
    ax = sample_heatmap(x, [1, 0, 1], ["a", "b", "c"], feature="ret_1")
    np.testing.assert_array_equal(ax.images[0].get_array(), x)
    assert ax.images[0].get_clim() == (-29.0, 29.0)  # symmetric: 0 is the neutral colour
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a  y=1", "b  y=0", "c  y=1"]
    # the last column is the prediction day: labelled 0, then every 5th day before it
    assert list(ax.get_xticks()) == [1, 6, 11]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["-10", "-5", "0"]
    plt.close("all")


def test_sample_heatmap_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match=r"\[stock, time\]"):
        sample_heatmap(np.zeros((3, 4, 2)), [1, 0, 1], ["a", "b", "c"], feature="ret_1")
    with pytest.raises(ValueError, match="one target and one code per stock"):
        sample_heatmap(np.zeros((3, 4)), [1, 0], ["a", "b", "c"], feature="ret_1")


def test_descent_curve_plots_the_gap_to_the_optimum_on_a_log_axis():
    losses = np.r_[0.69 + 0.01 * 0.5 ** np.arange(10), 0.69, 0.69 - 1e-16]
    ax = descent_curve(losses, optimum=0.69)
    drawn = np.asarray(ax.lines[0].get_ydata(), dtype=float)
    np.testing.assert_allclose(drawn[:10], losses[:10] - 0.69)
    assert np.isnan(drawn[10:]).all()  # converged: rounding noise is not drawn
    assert ax.get_yscale() == "log"
    plt.close("all")


def test_descent_curve_refuses_a_diverged_run():
    with pytest.raises(ValueError, match="lower the learning rate"):
        descent_curve([0.7, math.inf])


def test_loss_curves_mark_best_and_stop_epochs():
    history = pd.DataFrame({"epoch": [1, 2, 3, 4], "train_loss": [0.70, 0.68, 0.66, 0.64],
                            "val_loss": [0.70, 0.69, 0.695, 0.70]})
    history.attrs["best_epoch"] = 2
    ax = loss_curves(history, stop_epoch=4)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), history["val_loss"])
    vertical = [line.get_xdata()[0] for line in ax.lines[3:]]
    assert vertical == [2, 4]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "best epoch (2), kept" in labels and "early stopping ends (4)" in labels
    assert ax.lines[2].get_ydata()[0] == pytest.approx(math.log(2))   # a constant 0.5's loss
    plt.close("all")


def test_loss_curves_need_the_history_columns():
    with pytest.raises(ValueError, match="val_loss"):
        loss_curves(pd.DataFrame({"epoch": [1], "train_loss": [0.7]}))
