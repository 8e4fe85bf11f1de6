"""Tests of companion.plots.augment: the ablation figures draw the numbers they are given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from companion.plots import ablation_grid, ablation_plot, event_shift_plot  # noqa: E402


def _summary():
    rows = []
    for data, base in [("synthetic", 0.52), ("real", 0.46)]:
        for i, config in enumerate(["none", "jitter", "all three"]):
            m = base + 0.01 * i
            rows.append({"data": data, "config": config, "mean": m, "low": m - 0.04,
                         "high": m + 0.04, "min": m - 0.02, "max": m + 0.02})
    return pd.DataFrame(rows)


def test_ablation_plot_points_and_baselines():
    s = _summary().query("data == 'real'")
    ax = ablation_plot(s, baselines={"always up": 0.45, "always down": 0.55})
    points = ax.containers[0].lines[0]                      # the errorbar's data line
    np.testing.assert_allclose(np.asarray(points.get_xdata(), dtype=float), s["mean"].to_numpy())
    vlines = [line.get_xdata()[0] for line in ax.get_lines() if len(set(line.get_xdata())) == 1]
    assert sorted(vlines) == [0.45, 0.55]
    top_down = sorted(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], strict=True), reverse=True)
    assert [label for _, label in top_down] == ["none", "jitter", "all three"]   # table order, top down
    plt.close("all")


def test_ablation_grid_one_panel_per_data_set_with_its_own_baselines():
    fig = ablation_grid(_summary(), {"real": {"always up": 0.45}})
    assert len(fig.axes) == 2
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert any(lbl.startswith("always up: 45.0%") for lbl in labels)
    assert not any("always" in t.get_text() for t in fig.axes[0].get_legend().get_texts())
    plt.close("all")


def test_ablation_grid_rejects_an_empty_summary():
    with pytest.raises(ValueError, match="no rows"):
        ablation_grid(_summary().iloc[:0])


def test_event_shift_plot_draws_both_windows():
    r = np.array([0.0, 0.01, 0.095, 0.095])
    c = np.array([60, 0, 1, 2])
    fig = event_shift_plot(r, np.array([0.0, 0.01, 0.0, 0.01]), c, np.array([60, 60, 60, 0]), delay=2)
    heights = [b.get_height() for b in fig.axes[0].patches[:4]]
    np.testing.assert_allclose(heights, 100 * r)
    np.testing.assert_array_equal(fig.axes[1].get_lines()[1].get_ydata(), [60, 60, 60, 0])
    with pytest.raises(ValueError, match="same length"):
        event_shift_plot(r, r[:3], c, c, delay=2)
    plt.close("all")
