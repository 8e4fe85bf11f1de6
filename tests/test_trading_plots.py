"""Figures of chapter 8: they draw what the backtest and the rules compute."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from companion.backtest import run_backtest  # noqa: E402
from companion.plots import round_trip_cost_plot, seed_returns_plot, trades_chart  # noqa: E402
from tests.test_backtest import make_prices, oracle  # noqa: E402


def test_round_trip_cost_in_percent_with_a_marked_value():
    values = np.geomspace(300, 1e5, 20)
    cost = 10.0 / values + 0.001
    ax = round_trip_cost_plot(values, cost, mark=551.8, mark_label="story")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), 100 * cost)
    assert ax.get_xscale() == "log"
    assert ax.lines[1].get_xdata()[0] == 551.8
    assert "story" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close("all")


def test_trades_chart_marks_every_fill_at_its_price():
    px = make_prices(codes=("000001.SZ",))
    res = run_backtest(px, oracle(px))
    close = px.set_index("date")["close"]
    fig = trades_chart(close, res.fills, res.equity)
    top, bottom = fig.axes
    buys, sells = top.collections
    n_buy = int((res.fills["side"] == "buy").sum())
    assert len(buys.get_offsets()) == n_buy > 0
    assert len(sells.get_offsets()) == int((res.fills["side"] == "sell").sum())
    np.testing.assert_allclose(np.asarray(buys.get_offsets())[:, 1],
                               res.fills.loc[res.fills["side"] == "buy", "price"])
    np.testing.assert_allclose(bottom.lines[0].get_ydata(), res.equity.to_numpy())
    plt.close(fig)


def test_trades_chart_without_fills_draws_the_price_only():
    px = make_prices(codes=("000001.SZ",))
    close = px.set_index("date")["close"]
    equity = pd.Series(1e5, index=close.index)
    fig = trades_chart(close, pd.DataFrame(), equity)
    assert all(len(c.get_offsets()) == 0 for c in fig.axes[0].collections)
    plt.close(fig)


def test_seed_returns_in_percent_beside_the_benchmark():
    ax = seed_returns_plot([0.02, -0.01, 0.005], 0.07, labels=[0, 1, 2])
    np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 1], [2.0, -1.0, 0.5])
    assert ax.lines[0].get_ydata()[0] == pytest.approx(7.0)
    plt.close("all")
