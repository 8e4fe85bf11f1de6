"""make_windows says which stock's missing rows cost samples, and why none are left."""

import warnings

import numpy as np
import pytest

from companion import market
from companion.features import make_features
from companion.windows import make_windows


@pytest.fixture(scope="module")
def story():
    prices = market.load_prices()
    return make_features(prices), prices


def test_days_dropped_for_a_missing_stock_are_counted_and_named(story):
    feats, prices = story
    w = make_windows(feats, prices)
    lost = w.dropped
    assert lost.index[0] == "000401.SZ"  # suspended 2016-04-06..07-13 and 2017-11-21..2018-01-12
    assert lost.loc["000401.SZ", "samples_lost"] > 50
    assert "000401.SZ" in repr(w) and "dropped" in repr(w)
    # the count is right: with that stock removed, about that many more samples survive
    rest = [c for c in market.STORY_CODES if c != "000401.SZ"]
    w_rest = make_windows(feats, prices, codes=sorted(rest))
    alone = int(lost.loc["000401.SZ", "only_missing"])
    assert len(w_rest) - len(w) >= alone > 0


def test_warn_option_says_how_many_days_and_which_stock(story):
    feats, prices = story
    with pytest.warns(UserWarning, match=r"dropped \d+ of \d+ prediction days.*000401.SZ"):
        make_windows(feats, prices, missing="warn")
    with pytest.raises(ValueError, match="000401.SZ"):
        make_windows(feats, prices, missing="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_windows(feats, prices)  # the default reports in .dropped and repr, no warning


def test_all_75_stocks_name_the_real_cause_and_the_fix():
    prices = market.load_prices(list(market.UNIVERSE["code"]))
    with pytest.raises(ValueError, match=r"no prediction day.*all 75 stocks.*missing most.*"
                                         r"codes=.*full history") as err:
        make_windows(make_features(prices), prices)
    assert "too few" not in str(err.value)
    worst = str(err.value).split("missing most")[1]
    assert any(c in worst for c in market.UNIVERSE["code"])


def test_full_synthetic_market_loses_only_the_warm_up():
    sim = market.simulate_market(seed=0, n_stocks=3, start="2016-01-04", end="2016-12-30")
    w = make_windows(make_features(sim.prices), sim.prices, lookback=10)
    assert w.dropped.empty or (w.dropped["samples_lost"] == 0).all()
    assert np.isfinite(w.X).all()
