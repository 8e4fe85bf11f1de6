"""Interactive dashboards for JupyterLab; each has a plain function that computes what it shows.

The rendered book cannot run Python, so every chapter shows a static figure of the default setting
beside the dashboard. And because a widget is hard to test, the dashboard's work happens in
`trading_view`, a function of the controls' values; the dashboard only reads its controls, calls
it, and draws.
"""

from __future__ import annotations

import io

import ipywidgets as W
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure
from traitlets import Unicode

from companion.backtest import AShareRules, BacktestResult, Policy, run_backtest
from companion.checks import check_real
from companion.plots.trading import equity_curve


def trading_view(prices, probabilities, *, threshold: float = 0.55,
                 max_uncertainty: float | None = None, holding_days: int = 1,
                 commission: float = 0.0003, uncertainty: pd.DataFrame | None = None,
                 initial_cash: float = 100_000.0, execution: str = "close") -> BacktestResult:
    """The backtest the dashboard shows for one setting of its controls.

    ``execution`` is the `Policy`'s: "close" (the prediction day's close) or "next_open".
    """
    gate = max_uncertainty if uncertainty is not None else None
    policy = Policy(threshold=threshold, max_uncertainty=gate, holding_days=holding_days,
                    execution=execution)
    return run_backtest(prices, probabilities, policy, rules=AShareRules(commission_rate=commission),
                        uncertainty=uncertainty, initial_cash=initial_cash)


def report_frame(result: BacktestResult) -> pd.DataFrame:
    """The report as a small formatted table: strategy beside buy-and-hold."""
    table = result.table()
    pct = ["total_return", "annual_return", "volatility", "max_drawdown", "hit_rate", "exposure"]
    out = table.astype(object)
    for row in table.index:
        for col in table.columns:
            v = table.loc[row, col]
            out.loc[row, col] = "" if pd.isna(v) else (f"{v:.1%}" if row in pct else f"{v:,.2f}")
    return out


def _in_range(name: str, value, low, high, hint: str = "") -> None:
    # ipywidgets would clamp an out-of-range value silently: the dashboard would then show
    # another setting than the one asked for.
    check_real(value, name)  # a NumPy scalar is a number; text is refused by name
    if not low - 1e-12 <= value <= high + 1e-12:
        raise ValueError(f"{name}={value} is outside the dashboard's range {low} .. {high}{hint}")


def _check_start(threshold, max_uncertainty, holding_days, commission, gate_max, gated) -> None:
    """Refuse starting values that the controls cannot show."""
    _in_range("threshold", threshold, 0.5, 0.8)
    _in_range("holding_days", holding_days, 1, 10)
    if int(holding_days) != holding_days:
        raise ValueError(f"holding_days must be a whole number of days, got {holding_days}")
    commission = check_real(commission, "commission")
    if not 0 <= commission <= 0.003:
        raise ValueError(f"commission={commission} is outside the dashboard's range 0 .. 0.003: it is "
                         "a fraction of the trade value (0.0003 = 0.03%); if you meant "
                         f"{commission}%, pass {commission / 100:g}")
    if gated:
        _in_range("max_uncertainty", max_uncertainty, 0.0, gate_max,
                  "; raise gate_max to widen the range")


def equity_png(result: BacktestResult, *, figsize=(8, 3.6), dpi: int = 100) -> bytes:
    """The dashboard's equity chart as PNG bytes.

    Drawn on a `matplotlib.figure.Figure` that pyplot never sees, so the inline backend does not
    show a second copy and no figure is left open however often the controls change.
    """
    fig = Figure(figsize=figsize, dpi=dpi, facecolor="white")
    equity_curve(result, ax=fig.add_subplot())
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white", bbox_inches="tight")  # keeps the legend
    return buffer.getvalue()


def chart_description(result: BacktestResult) -> str:
    """What the equity chart shows, in words: the image's alternative text."""
    start, end = result.equity.index[0].date(), result.equity.index[-1].date()
    return (f"Equity curve from {start} to {end}: the strategy ends at "
            f"{result.equity.iloc[-1]:,.0f} CNY, buy and hold at {result.benchmark.iloc[-1]:,.0f} CNY, "
            f"from {result.equity.iloc[0]:,.0f} CNY.")


class ChartImage(W.Image):
    """An Image widget whose ``tooltip`` works in JupyterLab: the chart's text for screen readers.

    ipywidgets' front end (8.1) shows a tooltip only after reading the widget's ``description``,
    which `W.Image` does not have: setting an Image's tooltip failed its view ("Cannot read
    properties of undefined (reading 'length')"), and JupyterLab drew an error box instead of the
    chart. An empty description, synchronised, lets the tooltip become the image's title.
    """
    description = Unicode("", help="empty: lets the front end show the tooltip").tag(sync=True)


class TradingDashboard:
    """Number boxes for threshold, uncertainty gate, holding days and commission; equity + report.

    Display it as the last expression of a cell. ``self.result`` always holds the backtest on
    screen, so tests (and curious readers) can read it without a browser.

    The controls are labelled number boxes, not sliders: ipywidgets' slider draws its handle with
    role="slider" and no accessible name (a screen reader announces an unnamed "slider"), while a
    number box's label is tied to its input. The arrow keys (or the box's spin buttons) step a box
    by its ``step`` and redraw at once; a typed value is taken on Enter or when the box loses focus.
    """

    def __init__(self, prices, probabilities, uncertainty=None, *, threshold=0.55,
                 max_uncertainty=0.05, holding_days=1, commission=0.0003, initial_cash=100_000.0,
                 gate_max=0.2, execution="close"):
        _check_start(threshold, max_uncertainty, holding_days, commission, gate_max,
                     uncertainty is not None)
        self.prices, self.probabilities, self.uncertainty = prices, probabilities, uncertainty
        self.initial_cash = initial_cash
        self.execution = Policy(execution=execution).execution   # fixed (no control); checked by Policy
        # continuous_update=False: a typed "0.7" is not taken (and clamped) at its first keystroke;
        # an arrow key or a spin button commits its step at once all the same.
        box = {"style": {"description_width": "130px"}, "layout": W.Layout(width="250px"),
               "continuous_update": False}
        self.threshold = W.BoundedFloatText(value=threshold, min=0.5, max=0.8, step=0.01,
                                            description="threshold P(up) ≥", **box)
        self.gate = W.BoundedFloatText(value=max_uncertainty, min=0.0, max=gate_max,
                                       step=gate_max / 40, description="uncertainty ≤",
                                       disabled=uncertainty is None, **box)
        self.holding_days = W.BoundedIntText(value=holding_days, min=1, max=10, step=1,
                                             description="holding days", **box)
        self.commission = W.BoundedFloatText(value=commission * 100, min=0.0, max=0.3, step=0.005,
                                             description="commission %", **box)
        # The chart is a PNG in an Image widget, not a figure shown through matplotlib's backend:
        # whatever the backend (inline, Agg, widget), the learner sees the image, and it is
        # replaced in place when a control changes.
        self.plot = ChartImage(format="png", layout=W.Layout(max_width="100%"))
        self.report = W.HTML()
        for control in self.controls:
            control.observe(self._changed, names="value")
        # chart above the report, so that both fit the book's narrow column as well as JupyterLab
        self.widget = W.VBox([W.HBox([W.VBox(self.controls[:2]), W.VBox(self.controls[2:])]),
                              self.plot, self.report])
        self.result: BacktestResult | None = None
        self.update()

    @property
    def controls(self):
        """The four number boxes, in the order they are shown."""
        return [self.threshold, self.gate, self.holding_days, self.commission]

    def settings(self) -> dict:
        return {"threshold": self.threshold.value,
                "max_uncertainty": self.gate.value if self.uncertainty is not None else None,
                "holding_days": self.holding_days.value,
                "commission": self.commission.value / 100}

    def update(self) -> BacktestResult:
        """Recompute the backtest for the current controls and redraw."""
        self.result = trading_view(self.prices, self.probabilities, uncertainty=self.uncertainty,
                                   initial_cash=self.initial_cash, execution=self.execution,
                                   **self.settings())
        self.report.value = report_frame(self.result).to_html()
        self.plot.value = equity_png(self.result)
        self.plot.tooltip = chart_description(self.result)  # the image's text for screen readers
        return self.result

    def _changed(self, _change):
        self.update()

    def _ipython_display_(self):
        display(self.widget)
