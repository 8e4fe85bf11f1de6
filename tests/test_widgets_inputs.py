"""The dashboard refuses a starting value its controls cannot show, instead of clamping it."""

import matplotlib
import pytest

matplotlib.use("Agg")

from companion.widgets import TradingDashboard  # noqa: E402
from tests.test_backtest import make_prices, oracle  # noqa: E402


@pytest.mark.parametrize("kwargs,match", [
    ({"threshold": 0.9}, r"threshold=0.9 is outside the dashboard's range 0.5 .. 0.8"),
    ({"threshold": 0.3}, r"threshold=0.3 is outside"),
    ({"holding_days": 20}, r"holding_days=20 is outside the dashboard's range 1 .. 10"),
    ({"commission": 0.03}, r"commission=0.03 .* fraction.*0.0003"),
    ({"max_uncertainty": 0.5, "gate_max": 0.2}, r"max_uncertainty=0.5 is outside.*gate_max"),
])
def test_out_of_range_start_values_are_refused(kwargs, match):
    px = make_prices(n_days=20)
    probs = oracle(px) * 0.4 + 0.3
    unc = probs * 0 + 0.1
    with pytest.raises(ValueError, match=match):
        TradingDashboard(px, probs, unc, **kwargs)


def test_values_at_the_edges_are_kept_exactly():
    px = make_prices(n_days=20)
    probs = oracle(px) * 0.4 + 0.3
    dash = TradingDashboard(px, probs, threshold=0.8, holding_days=10, commission=0.003)
    assert dash.settings()["threshold"] == 0.8 and dash.settings()["holding_days"] == 10
    assert dash.settings()["commission"] == pytest.approx(0.003)
