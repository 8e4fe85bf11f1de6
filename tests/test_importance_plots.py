"""The importance chapter's figures draw exactly the tables they are given (companion.plots.importance)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from companion.plots import attention_mix, importance_bars, rank_agreement, ranking_grid  # noqa: E402
from companion.plots.importance import importance_ranks  # noqa: E402

FEATURES = ["ret_1", "ret_5", "range", "volume_ratio"]


def _readings():
    return pd.DataFrame({"truth": [0.3, 0.2, 0.0, 0.1], "model A": [0.1, 0.4, 0.2, 0.3],
                         "model B": [0.9, 0.5, 0.1, 0.2]}, index=FEATURES)


def test_ranking_grid_shows_each_readings_ranks_sorted_by_the_truth():
    ax = ranking_grid(_readings(), "truth")
    grid = ax.images[0].get_array()
    np.testing.assert_array_equal(grid[:, 0], [1, 2, 3, 4])             # the truth, in order
    np.testing.assert_array_equal(grid[:, 1], [4, 1, 2, 3])             # model A on those rows
    np.testing.assert_array_equal(grid[:, 2], [1, 2, 3, 4])             # model B agrees
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ret_1", "ret_5", "volume_ratio", "range"]
    assert sorted(int(t.get_text()) for t in ax.texts) == sorted([1, 2, 3, 4] * 3)
    with pytest.raises(ValueError, match="truth"):
        importance_ranks(_readings().drop(columns="truth"), "truth")
    plt.close("all")


def test_attention_mix_stacks_one_band_per_feature():
    rng = np.random.default_rng(0)
    w = rng.dirichlet(np.ones(len(FEATURES)), size=30)                  # [time, feature]
    dates = pd.bdate_range("2017-01-02", periods=30)
    ax = attention_mix(w, FEATURES, dates)
    assert len(ax.collections) == len(FEATURES)
    top = ax.collections[-1].get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"\[time, feature\]"):
        attention_mix(w.T, FEATURES, dates)
    plt.close("all")


def test_rank_agreement_draws_means_and_sds():
    summary = pd.DataFrame({"spearman_mean": [0.7, 0.1], "spearman_sd": [0.1, 0.4]},
                           index=[("static", "permutation"), ("static", "static")])
    ax = rank_agreement(summary)
    x, _ = ax.containers[0].lines[0].get_data()
    np.testing.assert_allclose(np.asarray(x, dtype=float), summary["spearman_mean"])
    segments = ax.containers[0].lines[2][0].get_segments()
    np.testing.assert_allclose([s[1][0] - s[0][0] for s in segments], 2 * summary["spearman_sd"])
    at = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()), strict=True))
    assert at[1] == "static / permutation"                                # first row on top
    with pytest.raises(ValueError, match="spearman_sd"):
        rank_agreement(summary.drop(columns="spearman_sd"))
    plt.close("all")


def test_importance_bars_match_the_table():
    imp = pd.DataFrame({"feature": FEATURES, "increase": [0.003, 0.001, 0.0, -0.0005],
                        "increase_std": [0.001, 0.0005, 0.0002, 0.0003]})
    ax = importance_bars(imp)
    np.testing.assert_allclose([b.get_width() for b in ax.patches], imp["increase"])
    with pytest.raises(ValueError, match="increase_std"):
        importance_bars(imp.drop(columns="increase_std"))
    plt.close("all")


def test_ranking_grid_numbers_stay_readable_on_their_cells():
    # light cells (rank 1 in viridis_r is yellow) need dark text, dark cells light text
    ax = ranking_grid(_readings(), "truth")
    colours = {int(t.get_text()): t.get_color() for t in ax.texts}
    assert colours[1] == "black" and colours[4] == "white"
    plt.close("all")
