"""The course's figures, one module per theme; this package re-exports them.

Add one import line per plot module below; do not rewrite this file.
"""
from companion.plots.augment import ablation_plot, augmentation_panel  # noqa: F401
from companion.plots.basics import descent_curve, loss_curves, sample_heatmap  # noqa: F401
from companion.plots.calibration import reliability_diagram, risk_coverage_curve  # noqa: F401
from companion.plots.importance import attention_mix, importance_bars, rank_agreement, ranking_grid  # noqa: F401
from companion.plots.leadlag import (  # noqa: F401
    diagnosis_plot,
    lag_ablation_plot,
    learning_curve_plot,
    mean_over_seeds,
    probe_plot,
    speed_plot,
)
from companion.plots.market import limit_run_chart, oracle_chart, price_chart  # noqa: F401
from companion.plots.scorecard import (  # noqa: F401
    accuracy_intervals,
    best_of_n_histogram,
    loss_curves,
    seed_scores,
)
from companion.plots.trading import best_of_n_plot, equity_curve  # noqa: F401
