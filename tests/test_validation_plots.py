"""Figures of chapter 9 and the results page: accuracies drawn with their intervals."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from companion.plots import accuracy_intervals, fold_accuracy_plot  # noqa: E402


def test_accuracy_intervals_draws_each_interval_and_the_references():
    acc, low, high = [0.52, 0.48], [0.47, 0.43], [0.57, 0.53]
    ax = accuracy_intervals(["model", "baseline"], acc, low, high,
                            references={"always up": 0.47, "always down": 0.53})
    bars = ax.collections[0].get_segments()            # the horizontal error bars, top row first
    np.testing.assert_allclose([seg[:, 0] for seg in bars], [[47, 57], [43, 53]])
    rows = {t.get_text(): y for t, y in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)}
    assert rows["model"] > rows["baseline"]             # the first label is the top row
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["always up: 47.0%", "always down: 53.0%"]
    plt.close("all")


def test_accuracy_intervals_refuses_swapped_bounds():
    with pytest.raises(ValueError, match="inside its interval"):
        accuracy_intervals(["m"], [0.5], [0.6], [0.4])
    plt.close("all")


def test_fold_accuracy_plot_in_percent():
    ax = fold_accuracy_plot(["2016-01-04", "2016-04-01"], [0.5, 0.55], [0.45, 0.5], [0.55, 0.6])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [50, 55])
    assert ax.get_ylabel().endswith("(%)")
    plt.close("all")
