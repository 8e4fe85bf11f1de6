"""Trailing-only features (companion.features)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion import market
from companion.features import EVENT_CAP, FEATURES, days_since, make_features


@pytest.fixture(scope="module")
def prices():
    return market.simulate_market(seed=2, n_stocks=3, start="2016-06-01", end="2017-06-30").prices


def test_shape_index_and_warm_up(prices):
    f = make_features(prices)
    assert list(f.columns) == FEATURES
    assert list(f.index.names) == ["date", "code"] and len(f) == len(prices)
    first = f.xs("SIM00", level="code")
    assert first["ret_1"].isna().sum() == 1 and first["ret_5"].isna().sum() == 5
    assert first["volume_ratio"].isna().sum() == 19 and first["volatility_20"].isna().sum() == 20
    assert first.iloc[25:].notna().all().all()


def test_definitions_against_pandas_by_hand(prices):
    one = prices[prices["code"] == "SIM01"].set_index("date")
    f = make_features(prices).xs("SIM01", level="code")
    r1 = np.log(one["adj_close"]).diff()
    pd.testing.assert_series_equal(f["ret_1"], r1, check_names=False)
    pd.testing.assert_series_equal(f["ret_5"], np.log(one["adj_close"] / one["adj_close"].shift(5)),
                                   check_names=False)
    pd.testing.assert_series_equal(f["volatility_20"], r1.rolling(20).std(), check_names=False)
    pd.testing.assert_series_equal(f["volume_ratio"], one["volume"] / one["volume"].rolling(20).mean(),
                                   check_names=False)


def test_days_since_event():
    cal = pd.bdate_range("2017-03-27", periods=80)
    d = days_since(cal, "2017-04-01")  # a Saturday: the first trading day after counts as 0
    assert d[cal.get_loc(pd.Timestamp("2017-03-31"))] == EVENT_CAP
    assert d[cal.get_loc(pd.Timestamp("2017-04-03"))] == 0 and d[cal.get_loc(pd.Timestamp("2017-04-05"))] == 2
    assert d.max() == EVENT_CAP and (days_since(cal, None) == EVENT_CAP).all()


def test_ex_rights_day_is_not_a_crash():
    p = market.load_prices("601992.SH", "2016-06-01", "2016-07-29")  # 10-for-10 bonus on 2016-07-06
    f = make_features(p).xs("601992.SH", level="code")
    assert abs(f.loc["2016-07-06", "ret_1"]) < 0.1


def test_suspension_has_no_row_and_next_return_spans_it():
    p = market.load_prices("000401.SZ", "2017-03-01", "2017-04-30")
    f = make_features(p).xs("000401.SZ", level="code")
    assert pd.Timestamp("2017-04-13") not in f.index
    close = p.set_index("date")["adj_close"]
    assert f.loc["2017-04-17", "ret_1"] == pytest.approx(np.log(close["2017-04-17"] / close["2017-04-12"]))


def test_missing_columns_error():
    with pytest.raises(ValueError, match="missing"):
        make_features(pd.DataFrame({"date": [], "code": []}))


_SMALL = market.simulate_market(seed=0, n_stocks=3, start="2016-06-01", end="2017-06-30").prices


@settings(max_examples=15)
@given(cut=st.integers(min_value=30, max_value=200), seed=st.integers(0, 10_000),
       scale=st.floats(0.2, 5.0))
def test_future_changes_never_move_past_features(cut, seed, scale):
    """Perturb (or delete) every row after day t: features up to t stay exactly the same."""
    p = _SMALL
    dates = np.sort(p["date"].unique())
    t = dates[cut]
    rng = np.random.default_rng(seed)
    later = p["date"] > t
    changed = p.copy()
    for col in ["open", "high", "low", "close", "adj_open", "adj_high", "adj_low", "adj_close", "volume"]:
        changed.loc[later, col] = changed.loc[later, col] * scale * rng.uniform(0.5, 1.5, later.sum())
    changed.loc[later, "adj_high"] = changed.loc[later, ["adj_high", "adj_low"]].max(axis=1)
    before = make_features(p).loc[:t]
    pd.testing.assert_frame_equal(make_features(changed).loc[:t], before)
    pd.testing.assert_frame_equal(make_features(p[~later]).loc[:t], before)


@pytest.mark.parametrize("cut", ["2016-04-05", "2017-04-12", "2017-11-20"])
def test_real_data_truncated_after_a_day_gives_the_same_past(cut):
    """On real prices with suspensions and ex-rights days: features up to t ignore all rows after t."""
    p = market.load_prices(market.STORY_CODES, "2015-06-01", "2017-12-31")
    full = make_features(p).loc[:cut]
    pd.testing.assert_frame_equal(make_features(p[p["date"] <= cut]), full)
