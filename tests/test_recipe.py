"""companion.recipe.prepare: the one data recipe equals the steps it replaces, field by field."""

from types import SimpleNamespace

import numpy as np
import pytest

from companion import market
from companion.features import make_features
from companion.recipe import PARTS, DataConfig, Prepared, prepare
from companion.windows import Standardizer, chronological_split, make_windows


@pytest.fixture(scope="module")
def sim():
    return market.simulate_market(seed=1, n_stocks=3)


@pytest.fixture(scope="module")
def prices():
    return market.load_prices()     # the six story stocks, 2015-2017, with suspensions


def by_hand(prices, event_date, lookback=20, horizon=1, codes=None, embargo=None, **split):
    """The recipe as the chapters and benchmarks typed it before `prepare`: raw and scaled parts."""
    w = make_windows(make_features(prices, event_date=event_date), prices, lookback=lookback,
                     horizon=horizon, codes=codes)
    raw = dict(zip(PARTS, chronological_split(w, embargo=embargo, **split), strict=True))
    scaler = Standardizer().fit(raw["train"])
    return w, raw, {name: scaler.transform(part) for name, part in raw.items()}


def assert_same_windows(got, expected):
    np.testing.assert_array_equal(got.X, expected.X)
    np.testing.assert_array_equal(got.y, expected.y)
    np.testing.assert_array_equal(got.ret, expected.ret)
    assert list(got.dates) == list(expected.dates)
    assert (got.codes, got.features) == (expected.codes, expected.features)
    assert (got.lookback, got.horizon) == (expected.lookback, expected.horizon)


def assert_equals_by_hand(data: Prepared, hand) -> None:
    windows, raw, scaled = hand
    assert_same_windows(data.windows, windows)
    for name in PARTS:
        assert_same_windows(data.raw[name], raw[name])
        assert_same_windows(data.parts[name], scaled[name])


def test_prepare_equals_the_hand_made_recipe_on_a_simulated_market(sim):
    assert_equals_by_hand(prepare(sim), by_hand(sim.prices, sim.event_date))


def test_prepare_equals_the_hand_made_recipe_on_real_prices(prices):
    assert_equals_by_hand(prepare(prices), by_hand(prices, "2017-04-05"))


def test_prepare_unpacks_into_the_standardised_parts(sim):
    data = prepare(sim)
    train, val, test = data
    assert train is data.train and val is data.val and test is data.test
    assert list(data.parts) == list(data.raw) == ["train", "val", "test"]
    assert f"train {len(train)}, val {len(val)}, test {len(test)}" in repr(data)


def test_the_scaler_is_fitted_on_the_training_windows_only(sim):
    data = prepare(sim)
    train = data.raw["train"].X.astype(np.float64)
    np.testing.assert_allclose(data.scaler.mean, train.mean(axis=(0, 2), keepdims=True))
    everything = data.windows.X.astype(np.float64).mean(axis=(0, 2), keepdims=True)
    # the check can tell the two apart: the later days have other means
    assert not np.allclose(data.scaler.mean, everything)
    varying = ~data.scaler.constant[0, :, 0, :]                    # [stock, feature]
    assert np.abs(data.train.X.mean(axis=(0, 2))[varying]).max() < 1e-4
    assert np.abs(data.test.X.mean(axis=(0, 2))[varying]).max() > 1e-2
    # the baselines' raw parts are untouched by the scaling
    for name in PARTS:
        np.testing.assert_array_equal(data.raw[name].y, data.parts[name].y)


@pytest.mark.parametrize("changes", [
    dict(lookback=10),
    dict(horizon=3),
    dict(train=0.6, val=0.2),
    dict(embargo=0),
    dict(lookback=5, embargo=40, val=0.1),
])
def test_each_field_changes_the_data_as_the_hand_made_recipe_does(sim, changes):
    data = prepare(sim, **changes)
    assert_equals_by_hand(data, by_hand(sim.prices, sim.event_date, **changes))
    assert data.config == DataConfig(**changes)


def test_lookback_is_the_length_of_each_window(sim):
    data = prepare(sim, lookback=10)
    assert data.train.X.shape[2] == data.windows.lookback == 10


def test_codes_choose_and_order_the_stock_axis(sim):
    codes = tuple(reversed(sim.codes[:2]))
    data = prepare(sim, codes=codes)
    assert data.train.codes == list(codes) and data.train.X.shape[1] == 2
    assert_equals_by_hand(data, by_hand(sim.prices, sim.event_date, codes=list(codes)))


def test_train_and_val_are_fractions_of_the_samples_in_time_order(sim):
    data = prepare(sim, train=0.5, val=0.25, embargo=0)
    n = len(data.windows)
    assert len(data.raw["train"]) == round(0.5 * n) and len(data.raw["val"]) == round(0.25 * n)
    assert data.train.dates[-1] < data.val.dates[0] < data.val.dates[-1] < data.test.dates[0]


def test_the_embargo_drops_samples_between_the_parts(sim):
    def gap(data):   # samples dropped between the last training and the first validation sample
        dates = list(data.windows.dates)
        return dates.index(data.val.dates[0]) - dates.index(data.train.dates[-1]) - 1

    assert gap(prepare(sim, embargo=0)) == 0
    assert gap(prepare(sim, embargo=7)) == 7
    assert gap(prepare(sim, lookback=10, horizon=2)) == 10 + 2 - 1    # the default


def test_a_config_and_changes_combine(sim):
    data = prepare(sim, DataConfig(lookback=10, train=0.6), train=0.5)
    assert data.config == DataConfig(lookback=10, train=0.5)


def test_the_event_date_is_the_sources_own_unless_the_config_names_one(sim, prices):
    event = "2016-01-04"
    elsewhere = SimpleNamespace(prices=sim.prices, event_date=event)   # a market with another event
    assert_equals_by_hand(prepare(elsewhere), by_hand(sim.prices, event))
    assert_equals_by_hand(prepare(sim.prices, event_date=event), by_hand(sim.prices, event))
    assert_equals_by_hand(prepare(prices, event_date=event), by_hand(prices, event))
    moved = prepare(prices, event_date=event).windows.X
    assert not np.array_equal(moved, prepare(prices).windows.X)


def test_missing_is_passed_to_make_windows(prices):
    with pytest.raises(ValueError, match="000401.SZ"):
        prepare(prices, missing="raise")


def test_an_unknown_field_names_it_and_the_known_ones(sim):
    with pytest.raises(TypeError, match=r"lookbak.*") as raised:
        prepare(sim, lookbak=10)
    assert "lookback" in str(raised.value) and "DataConfig" in str(raised.value)


@pytest.mark.parametrize("source", ["prices.csv", None, np.zeros((3, 4))])
def test_a_source_that_is_no_price_frame_is_refused(source):
    with pytest.raises(TypeError, match="source must be a price frame") as raised:
        prepare(source)
    assert "simulate_market" in str(raised.value)


def test_a_config_that_is_no_data_config_is_refused(sim):
    with pytest.raises(TypeError, match="config must be a companion.recipe.DataConfig"):
        prepare(sim, {"lookback": 10})


def test_data_config_is_frozen():
    with pytest.raises(AttributeError):
        DataConfig().lookback = 10
