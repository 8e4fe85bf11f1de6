"""The course's figures, one module per theme; this package re-exports them.

Add one import line per plot module below; do not rewrite this file.
"""
from companion.plots.augment import (  # noqa: F401
    ablation_grid,
    ablation_plot,
    augmentation_panel,
    event_shift_plot,
)
from companion.plots.basics import descent_curve, loss_curves, sample_heatmap  # noqa: F401
from companion.plots.calibration import (  # noqa: F401
    reliability_diagram,
    risk_coverage_curve,
    risk_coverage_panels,
    score_by_model,
)
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
from companion.plots.scorecard import best_of_n_histogram, scorecard_intervals, seed_scores  # noqa: F401
from companion.plots.thresholds import logit_shift_plot, recall_threshold_plot  # noqa: F401
from companion.plots.trading import (  # noqa: F401
    best_of_n_plot,
    equity_curve,
    round_trip_cost_plot,
    seed_returns_plot,
    trades_chart,
)
from companion.plots.validation import accuracy_intervals, fold_accuracy_plot  # noqa: F401
