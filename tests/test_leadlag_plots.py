"""Chapter 04's figures (companion.plots.leadlag) draw the numbers they are given."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402

from companion.plots import (  # noqa: E402
    diagnosis_plot,
    lag_ablation_plot,
    learning_curve_plot,
    mean_over_seeds,
    probe_plot,
    speed_plot,
)


def _curve(seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for years in (3, 12, 48):
        for s in range(5):
            bayes = 0.66 + 0.01 * rng.standard_normal()
            for model, gap in (("two_level", -0.1 / np.sqrt(years)), ("oracle", 0.0)):
                rows.append(dict(years=years, seed=s, model=model, bayes_accuracy=bayes,
                                 accuracy=bayes + gap + 0.01 * rng.standard_normal()))
    return pd.DataFrame(rows)


def test_mean_over_seeds_is_the_t_interval_of_the_mean():
    curve = _curve()
    out = mean_over_seeds(curve, ["years", "model"])
    x = curve[(curve.years == 12) & (curve.model == "two_level")].accuracy.to_numpy()
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    row = out.loc[(12, "two_level")]
    assert row["mean"] == pytest.approx(x.mean())
    assert (row["low"], row["high"]) == pytest.approx((low, high))
    assert row["n_seeds"] == 5


def test_mean_over_seeds_names_a_missing_column():
    with pytest.raises(ValueError, match="lacks the columns \\['gap'\\]"):
        mean_over_seeds(_curve(), ["years"], "gap")


def test_learning_curve_plots_the_gap_per_model():
    curve = _curve()
    axes = learning_curve_plot(curve, ["two_level", "oracle"])
    gap_line = axes[1].get_lines()[0]  # the first model's mean gaps, in order of years
    expected = (curve.accuracy - curve.bayes_accuracy)[curve.model == "two_level"].groupby(curve.years).mean()
    np.testing.assert_allclose(np.asarray(gap_line.get_ydata(), float), expected.to_numpy())
    plt.close("all")


def test_lag_ablation_panels_do_not_share_the_y_axis():
    lags = pd.DataFrame([dict(years=y, seed=s, lag=lag, increase=(0.1 if y == 48 else 0.001) * (lag == 3))
                         for y in (3, 48) for s in range(3) for lag in range(1, 6)])
    axes = lag_ablation_plot(lags, planted=3)
    assert axes[0].get_ylim()[1] < 0.01 < axes[1].get_ylim()[1]
    plt.close("all")


def test_diagnosis_probe_and_speed_plots_draw_every_row():
    d = pd.DataFrame([dict(variant=v, seed=s, val_log_loss=0.6 + 0.01 * i + 0.001 * s, accuracy=0.6,
                           bayes_accuracy=0.66) for i, v in enumerate("abc") for s in range(3)])
    ax = diagnosis_plot(d, chosen="a")
    assert [t.get_text() for t in ax[0].get_yticklabels()] == ["c", "b", "a"]  # best at the top
    probe = pd.DataFrame([dict(years=y, seed=s, model=m, part="coordinator", lag=lag, r2=0.5)
                          for y in (3, 12) for s in range(3) for m in ("two_level", "untrained")
                          for lag in (1, 2)])
    assert len(probe_plot(probe).get_lines()) == 5  # 2 models x 2 lags + the legend's key
    ratios = pd.DataFrame({"batched": [2.0, 0.5], "auto": [2.0, 1.0], "shared": [3.0, 0.8]},
                          index=pd.MultiIndex.from_tuples([("infer", 300), ("train", 5)]))
    assert len(speed_plot(ratios).patches) == 6
    plt.close("all")
