"""The course's figures, one module per theme; this package re-exports them.

Add one import line per plot module below; do not rewrite this file.
"""
from companion.plots.augment import (  # noqa: F401
    ablation_grid,
    ablation_plot,
    augmentation_panel,
    event_shift_plot,
)
from companion.plots.calibration import (  # noqa: F401
    reliability_diagram,
    risk_coverage_curve,
    risk_coverage_panels,
    score_by_model,
)
from companion.plots.market import limit_run_chart, oracle_chart, price_chart  # noqa: F401
from companion.plots.thresholds import logit_shift_plot, recall_threshold_plot  # noqa: F401
from companion.plots.trading import best_of_n_plot, equity_curve  # noqa: F401
