"""The baseline chapter's figures draw exactly the numbers they are given (companion.plots.scorecard)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from companion.metrics import scorecard  # noqa: E402
from companion.plots import best_of_n_histogram, scorecard_intervals, seed_scores  # noqa: E402


def _card():
    rng = np.random.default_rng(0)
    y = (rng.random((80, 5)) < 0.55).astype(float)
    rows = {"good": np.clip(y * 0.3 + 0.35 + rng.normal(0, 0.1, y.shape), 0, 1),
            "coin": rng.random(y.shape), "always up": np.full(y.shape, 0.55)}
    return pd.DataFrame([{"model": m, **scorecard(y, p)} for m, p in rows.items()]).set_index("model")


def test_scorecard_intervals_draw_each_point_and_its_wilson_interval():
    card = _card()
    ax = scorecard_intervals(card, references={"coin flip": 0.5, "Bayes limit": 0.6})
    container = ax.containers[0]
    x, y = container.lines[0].get_data()
    np.testing.assert_allclose(np.asarray(x, dtype=float), 100 * card["accuracy"])   # percent
    assert list(np.asarray(y)) == [2, 1, 0]                                 # first row on top
    segments = container.lines[2][0].get_segments()
    np.testing.assert_allclose([s[0][0] for s in segments], 100 * card["accuracy_low"])
    np.testing.assert_allclose([s[1][0] for s in segments], 100 * card["accuracy_high"])
    at = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()), strict=True))
    assert [at[k] for k in (2, 1, 0)] == ["good", "coin", "always up"]
    drawn = {line.get_label(): line.get_xdata()[0] for line in ax.lines if line.get_label().endswith("%")}
    assert drawn["coin flip: 50.0%"] == 50 and drawn["Bayes limit: 60.0%"] == 60
    plt.close("all")


def test_scorecard_intervals_legend_stays_off_the_data():
    ax = scorecard_intervals(_card(), references={"coin flip": 0.5})
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert not ax.get_legend().get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
    plt.close("all")


def test_scorecard_intervals_draw_a_point_without_interval():
    card = _card()
    card.loc["coin", ["accuracy_low", "accuracy_high"]] = np.nan   # e.g. an oracle's expected score
    ax = scorecard_intervals(card)
    x, _ = ax.containers[0].lines[0].get_data()
    np.testing.assert_allclose(np.asarray(x, dtype=float), 100 * card["accuracy"])
    plt.close("all")


def test_scorecard_intervals_refuse_bad_tables():
    card = _card()
    with pytest.raises(ValueError, match="accuracy_low"):
        scorecard_intervals(card.drop(columns="accuracy_low"))
    broken = card.copy()
    broken.loc["coin", "accuracy_low"] = broken.loc["coin", "accuracy"] + 0.1
    with pytest.raises(ValueError, match="coin"):
        scorecard_intervals(broken)
    plt.close("all")


def test_seed_scores_one_dot_per_run_and_the_group_means():
    table = pd.DataFrame({"model": ["a"] * 5 + ["b"] * 5,
                          "accuracy": [0.5, 0.52, 0.55, 0.51, 0.49, 0.6, 0.58, 0.61, 0.57, 0.62]})
    ax = seed_scores(table)
    dots = np.vstack([c.get_offsets() for c in ax.collections])
    np.testing.assert_allclose(np.sort(dots[:, 0]), np.sort(table["accuracy"]))
    means = sorted(line.get_xdata()[0] for line in ax.lines)
    np.testing.assert_allclose(means, sorted(table.groupby("model")["accuracy"].mean()))
    with pytest.raises(ValueError, match="seed"):
        seed_scores(table, by="seed")
    plt.close("all")


def test_best_of_n_histogram_counts_every_repeat():
    best = np.random.default_rng(0).binomial(100, 0.5, size=(500, 20)).max(axis=1) / 100
    ax = best_of_n_histogram(best, claim=0.617, n_models=20, n_days=100)
    assert sum(p.get_height() for p in ax.patches) == len(best)
    assert {round(line.get_xdata()[0], 6) for line in ax.lines} == {round(best.mean(), 6), 0.617}
    with pytest.raises(ValueError, match="1-d"):
        best_of_n_histogram(best.reshape(50, 10))
    plt.close("all")
