"""The dashboard recomputes its report when a control changes, without a browser."""

import matplotlib

matplotlib.use("Agg")

from companion.widgets import TradingDashboard, report_frame, trading_view  # noqa: E402
from tests.test_backtest import make_prices, oracle  # noqa: E402


def test_changing_a_control_changes_the_report():
    px = make_prices()
    probs = oracle(px) * 0.4 + 0.3          # 0.3 on down days, 0.7 on up days
    dash = TradingDashboard(px, probs, threshold=0.55, commission=0.0003)
    first = dict(dash.result.report)
    assert first["n_trades"] > 0
    assert "total_return" in dash.report.value
    dash.commission.value = 0.3              # percent: ten times the default
    assert dash.result.report["costs_paid"] > first["costs_paid"]
    dash.threshold.value = 0.8               # above every probability: nothing trades
    assert dash.result.report["n_trades"] == 0
    assert dash.result.report != first


def test_view_function_matches_dashboard_and_gate_needs_uncertainty():
    px = make_prices()
    probs = oracle(px) * 0.4 + 0.3
    dash = TradingDashboard(px, probs, holding_days=2)
    direct = trading_view(px, probs, threshold=0.55, holding_days=2)
    assert dash.result.report == direct.report
    assert dash.gate.disabled                # no uncertainty frame: the gate cannot be used
    unc = probs * 0 + 0.1
    gated = TradingDashboard(px, probs, unc, max_uncertainty=0.05)
    assert gated.result.report["n_trades"] == 0
    gated.gate.value = 0.15
    assert gated.result.report["n_trades"] > 0
    assert list(report_frame(gated.result).columns) == ["strategy", "buy and hold"]


def test_equity_curve_draws_strategy_and_benchmark():
    import matplotlib.pyplot as plt

    from companion.backtest import run_backtest
    from companion.plots import equity_curve

    px = make_prices()
    res = run_backtest(px, oracle(px))
    ax = equity_curve(res)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "strategy (after costs)" in labels and "buy and hold (equal weight)" in labels
    assert ax.get_ylabel() == "account value (CNY)"
    plotted = ax.get_lines()[0].get_ydata()
    assert plotted[-1] == res.equity.iloc[-1]
    plt.close(ax.figure)


def test_chart_is_a_png_that_changes_when_a_control_changes():
    import matplotlib.pyplot as plt

    px = make_prices()
    probs = oracle(px) * 0.4 + 0.3
    plt.close("all")
    dash = TradingDashboard(px, probs, threshold=0.55)
    first = dash.plot.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"          # an image, whatever the backend
    dash.threshold.value = 0.8                         # nothing trades: a flat equity curve
    assert dash.plot.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert dash.plot.value != first
    dash.threshold.value = 0.55                        # back: the same chart again
    assert dash.plot.value == first
    assert plt.get_fignums() == []                     # no pyplot figure left for a backend to show


def test_the_chart_says_in_words_what_it_shows():
    """Screen readers read the image's tooltip (its title): the final equities, as computed."""
    px = make_prices()
    dash = TradingDashboard(px, oracle(px) * 0.4 + 0.3)
    before = dash.plot.tooltip
    assert f"{dash.result.equity.iloc[-1]:,.0f} CNY" in before
    assert f"{dash.result.benchmark.iloc[-1]:,.0f} CNY" in before
    dash.threshold.value = 0.8  # nothing trades: the strategy keeps its cash
    assert dash.plot.tooltip != before and f"ends at {dash.result.equity.iloc[0]:,.0f} CNY" in dash.plot.tooltip


def test_dashboard_trades_at_the_policy_execution():
    from companion.backtest import Policy, run_backtest

    px = make_prices()
    px["open"] = (px["preclose"] + px["close"]) / 2   # an open between yesterday's and today's close
    probs = oracle(px) * 0.4 + 0.3
    direct = run_backtest(px, probs, Policy(threshold=0.55, execution="next_open"))
    view = trading_view(px, probs, threshold=0.55, execution="next_open")
    dash = TradingDashboard(px, probs, threshold=0.55, execution="next_open")
    assert view.execution == dash.result.execution == "next_open"
    assert view.report == dash.result.report == direct.report
    dash.holding_days.value = 2              # a control keeps the execution
    assert dash.result.execution == "next_open"
    assert dash.result.report != direct.report


def test_every_control_is_a_labelled_number_box_that_commits_each_step():
    # ipywidgets' sliders draw an unnamed role="slider" handle (axe: aria-input-field-name) in
    # JupyterLab; a number box's label names its input. Each arrow-key step must redraw.
    import ipywidgets as W
    px = make_prices()
    dash = TradingDashboard(px, oracle(px) * 0.4 + 0.3)
    for control in dash.controls:
        assert isinstance(control, (W.BoundedFloatText, W.BoundedIntText)), type(control).__name__
        assert control.description.strip() and control.step and not control.continuous_update
    assert [c.description for c in dash.controls] == [
        "threshold P(up) ≥", "uncertainty ≤", "holding days", "commission %"]


def test_the_chart_sends_the_empty_description_its_tooltip_needs():
    # JupyterLab's widget view reads `description` before showing a tooltip; a plain Image has
    # none and its view failed (an error box instead of the chart).
    px = make_prices()
    dash = TradingDashboard(px, oracle(px) * 0.4 + 0.3)
    state = dash.plot.get_state()
    assert state["description"] == "" and state["tooltip"].startswith("Equity curve from")
    assert state["_model_name"] == "ImageModel" and dash.plot.value[:8] == b"\x89PNG\r\n\x1a\n"
