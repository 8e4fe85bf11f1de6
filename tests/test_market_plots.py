"""The market chapter's figures draw what they are given (companion.plots.market)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from companion import market  # noqa: E402
from companion.plots import limit_run_chart, oracle_chart, price_chart  # noqa: E402


def test_price_chart_one_line_per_stock_and_event_line():
    p = market.load_prices(market.XIONGAN_CODES, "2017-03-01", "2017-05-31")
    ax = price_chart(p, event_date="2017-04-05")
    assert len(ax.get_lines()) == 4  # three stocks + the event line
    assert ax.get_lines()[0].get_ydata()[0] == 1.0
    plt.close("all")


def test_limit_run_chart_hatches_limit_days():
    p = market.load_prices(market.XIONGAN_CODES, "2017-03-31", "2017-04-12")
    moves = market.limit_moves(p)
    ax = limit_run_chart(moves)
    hatched = sum(1 for b in ax.patches if b.get_hatch())
    assert hatched == int(moves["limit_up"].sum())
    plt.close("all")


def test_oracle_chart():
    sim = market.simulate_market(seed=0, n_stocks=3)
    axes = oracle_chart(sim, "SIM01", "2017-01-01", "2017-06-30")
    assert axes[1].get_ylim() == (0, 1)
    plt.close("all")


def test_price_chart_legend_covers_neither_event_label_nor_data_area():
    p = market.load_prices(market.STORY_CODES, "2017-01-01", "2017-12-31")
    fig, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
    price_chart(p, event_date="2017-04-05", ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    (label,) = [t for t in ax.texts if t.get_text().startswith("event")]
    assert not legend.overlaps(label.get_window_extent(renderer)), "the legend covers the event label"
    assert not legend.overlaps(ax.get_window_extent(renderer)), "the legend lies on the data"
    plt.close("all")

