"""Right answers on real-world inputs, round two (issue 25): ex-rights gaps in plain files, a price
limit that breaks the simulation, NumPy scalars, constant returns, probabilities passed as logits,
impossible sigmas, layouts and devices. Each test was seen red before its fix."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from companion import features, market, train, validation, windows
from companion.calibration import TemperatureScaler, probability_to_logit
from companion.device import resolve_device
from companion.losses import HeteroscedasticBCE, gaussian_nll
from companion.market import PriceDataError, read_price_csv, units_note
from companion.simulate import simulate_market
from tests.toy_training import ToyNet, toy_data

CAL = pd.DatetimeIndex(market.load_prices(market.INDEX_CODE, "2014-01-01", "2018-12-31")["date"])
HEADER = "date,open,high,low,close,volume\n"
# Numbers as a learner's code hands them over: Python and NumPy, ints and floats.
NUMPY_KINDS = [int, float, np.int32, np.int64, np.float32, np.float64]


def _price_file(tmp_path, closes, dates, extra=None, code="600340.SH"):
    """A plain export: one-price days at ``closes``; ``extra`` = {column: values} added."""
    cols = HEADER.strip() + "".join("," + k for k in (extra or {}))
    lines = [cols]
    for i, (d, c) in enumerate(zip(dates, closes, strict=True)):
        more = "".join(f",{v[i]}" for v in (extra or {}).values())
        lines.append(f"{d.date()},{c:.2f},{c:.2f},{c:.2f},{c:.2f},1000{more}")
    path = tmp_path / f"{code}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _bonus_path(n, ex_day, ratio, seed=0):
    """Closes with small daily moves and one ex-rights day: price / (1 + ratio) that morning."""
    rng = np.random.default_rng(seed)
    closes = 20 * np.cumprod(1 + rng.uniform(-0.03, 0.03, n))
    closes[ex_day:] /= 1 + ratio
    return np.round(closes, 2)


# --- 1. a bonus issue in a plain file ---------------------------------------------------------
def test_a_ten_for_ten_bonus_in_a_plain_file_is_refused_with_the_date_and_the_fix(tmp_path):
    dates = CAL[(CAL >= "2015-04-01")][:30]
    closes = _bonus_path(30, 20, 1.0)  # 10-for-10: the price halves on the ex-day
    path = _price_file(tmp_path, closes, dates)
    with pytest.raises(PriceDataError, match=rf"beyond the ±10% price limit: {dates[20].date()} "
                       r"\(-5\d\.\d%\).*Fix: export .*preclose.*adj_factor.*load_prices"):
        read_price_csv(path)


def test_the_same_file_with_preclose_or_an_explicit_factor_is_read(tmp_path):
    dates = CAL[(CAL >= "2015-04-01")][:30]
    closes = _bonus_path(30, 20, 1.0)
    preclose = np.r_[closes[0], closes[:-1]]
    preclose[20] = round(closes[19] / 2, 2)  # the exchange's ex-rights previous close
    with pytest.warns(UserWarning, match="derived from preclose"):
        got = read_price_csv(_price_file(tmp_path, closes, dates, {"preclose": preclose}))
    assert got["adj_close"].pct_change().abs().max() < 0.11
    ones = read_price_csv(_price_file(tmp_path, closes, dates, {"adj_factor": np.ones(30)}))
    assert ones["close"].tolist() == list(closes)  # "the moves are real": read as they are


@settings(max_examples=15, deadline=None)
@given(ratio=st.sampled_from([0.3, 0.5, 1.0, 1.5, 2.0]), ex_day=st.integers(5, 38),
       board=st.sampled_from(["600340.SH", "000725.SZ", "300750.SZ", "688981.SH"]),
       seed=st.integers(0, 10))
def test_ex_rights_gaps_in_plain_files_are_refused_and_ordinary_moves_are_not(
        tmp_path_factory, ratio, ex_day, board, seed):
    """A price file with a corporate action: refused (naming the day) exactly when the gap is
    wider than the board's limit; the same file without the action is read unchanged."""
    dates = CAL[(CAL >= "2016-01-01")][:40]
    band = 0.20 if board[:3] in ("300", "688") else 0.10
    closes = _bonus_path(40, ex_day, ratio, seed)
    path = _price_file(tmp_path_factory.mktemp("b"), closes, dates, code=board)
    gap = closes[ex_day] / closes[ex_day - 1] - 1
    if abs(gap) > band + 0.01 / closes[ex_day - 1]:
        with pytest.raises(PriceDataError, match=rf"{dates[ex_day].date()}.*preclose"):
            read_price_csv(path)
    else:
        assert len(read_price_csv(path)) == 40
    plain = _bonus_path(40, 40, 0.0, seed)  # no action: every move within ±3%
    got = read_price_csv(_price_file(tmp_path_factory.mktemp("p"), plain, dates, code=board))
    assert got["close"].tolist() == list(plain)


def test_the_first_rows_may_be_a_new_listing(tmp_path):
    dates = CAL[(CAL >= "2017-01-03")][:10]
    closes = np.r_[10.0, 14.4, 15.8, 17.4, 19.1, np.full(5, 19.5)]  # listing days: no limit
    assert len(read_price_csv(_price_file(tmp_path, closes, dates))) == 10


# --- units_note and read_price_csv share one layout detector --------------------------------
def test_units_note_sees_the_layout_read_price_csv_reads(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Date,Open,High,Low,Close,Volume\n2017-01-03,10,10.2,9.8,10,100\n")
    assert len(read_price_csv(path)) == 1
    assert units_note(path).startswith("plain")


def test_units_note_of_an_empty_or_foreign_file_says_what_is_wrong(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("")
    with pytest.raises(PriceDataError, match="the file is empty"):
        units_note(path)
    path.write_text("when,price\n2017-01-03,10\n")
    with pytest.raises(PriceDataError, match="no date column"):
        units_note(path)


# --- 3. simulate_market's limit -------------------------------------------------------------
@pytest.mark.parametrize("limit", [1.5, 1.0, 0.0, -0.1, 10])
def test_simulate_market_refuses_a_limit_outside_0_1(limit):
    with pytest.raises(ValueError, match="limit must be a fraction"):
        simulate_market(0, n_stocks=2, start="2017-01-03", end="2017-02-28", limit=limit)


# --- 7. sharpe, temperature, sigmas, devices ------------------------------------------------
@pytest.mark.parametrize("n,value", [(10, 0.01), (50, 0.001), (244, -0.002)])
def test_sharpe_of_constant_returns_is_nan_with_a_warning(n, value):
    # before: 8.5e16 for (10, 0.01), from the rounding noise of the standard deviation
    with pytest.warns(RuntimeWarning, match="constant.*undefined"):
        assert np.isnan(validation.sharpe_ratio(np.full(n, value)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert validation.sharpe_ratio(np.zeros(50)) == 0.0  # never traded: no return, no risk


def test_temperature_fit_warns_on_probabilities_and_fit_proba_does_not():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.3, 0.9, 200)
    y = (rng.random(200) < p).astype(float)
    with pytest.warns(UserWarning, match="look like probabilities.*fit_proba"):
        TemperatureScaler().fit(p, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TemperatureScaler().fit_proba(np.clip(p, 0.5, 0.7), y)  # logits in [0, 0.85]: no warning
        TemperatureScaler().fit(probability_to_logit(p), y)


def test_heteroscedastic_bce_refuses_a_negative_sigma():
    mean, y = torch.zeros(4, 2), torch.ones(4, 2)
    with pytest.raises(ValueError, match="HeteroscedasticBCE sigma must be non-negative.*softplus"):
        HeteroscedasticBCE()((mean, torch.full((4, 2), -0.5)), y)
    assert torch.isfinite(HeteroscedasticBCE()((mean, torch.zeros(4, 2)), y))


@pytest.mark.parametrize("value", [0.0, -1.0])
def test_gaussian_nll_refuses_a_sigma_that_is_not_positive(value):
    with pytest.raises(ValueError, match="gaussian_nll sigma must be positive"):
        gaussian_nll((torch.zeros(3), torch.full((3,), value)), torch.zeros(3))


def test_fit_on_cuda_without_cuda_says_what_to_do(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="CUDA is not available here.*device=None or 'cpu'.*get_device"):
        train.fit(ToyNet(), *toy_data(), epochs=1, device="cuda", progress=False)
    with pytest.raises(ValueError, match="device must be one of"):
        resolve_device("gpu")


# --- property-based: one per input class ----------------------------------------------------
def _seeded_net():
    torch.manual_seed(0)  # the same initial weights for both calls
    return ToyNet()


def _call_with(value):
    """Each public scalar argument, given ``value`` in place of a moderate number."""
    return {
        "sharpe periods_per_year": lambda: validation.sharpe_ratio([0.01, -0.02, 0.005], value),
        "simulate limit": lambda: simulate_market(0, n_stocks=2, start="2017-01-03",
                                                  end="2017-03-31", limit=value).prices["close"].sum(),
        "simulate seed": lambda: simulate_market(value, n_stocks=2, start="2017-01-03",
                                                 end="2017-03-31").prices["close"].sum(),
        "HeteroscedasticBCE n_samples": lambda: HeteroscedasticBCE(value).n_samples,
        "walk_forward test_size": lambda: len(validation.walk_forward_splits(
            100, train_size=50, test_size=value)),
        "fit lr": lambda: float(train.fit(_seeded_net(), *toy_data(n=56), epochs=1, lr=value,
                                          device="cpu", progress=False)["train_loss"].iloc[0]),
    }


# A valid value per argument: whole numbers may come as any kind, fractions as float kinds.
VALID = {"sharpe periods_per_year": 244, "simulate limit": 0.1, "simulate seed": 3,
         "HeteroscedasticBCE n_samples": 20, "walk_forward test_size": 10, "fit lr": 0.01}


@settings(max_examples=30, deadline=None)
@given(which=st.sampled_from(sorted(VALID)), kind=st.sampled_from(NUMPY_KINDS))
def test_numpy_scalars_are_numbers_everywhere(which, kind):
    """A valid number gives the same answer as a Python number, whatever its NumPy type."""
    number = VALID[which]
    if isinstance(number, float) and kind in (int, np.int32, np.int64):
        kind = np.float64  # a fraction has no whole-number spelling
    plain, typed = _call_with(number)[which](), _call_with(kind(number))[which]()
    assert typed == pytest.approx(plain, rel=1e-5)  # float32 rounding of the argument


@settings(max_examples=40, deadline=None)
@given(which=st.sampled_from(sorted(VALID)),
       bad=st.sampled_from([np.nan, np.inf, -np.inf, "0.1", True, None, [0.1], -5, np.float64(-5)]))
def test_bad_numbers_get_the_one_message_form(which, bad):
    with pytest.raises((ValueError, TypeError), match=r" must be .*, got "):
        _call_with(bad)[which]()


@settings(max_examples=30, deadline=None)
@given(p=st.lists(st.floats(0, 1), min_size=5, max_size=60),
       outside=st.floats(1.01, 20) | st.floats(-20, -0.01), seed=st.integers(0, 5))
def test_probabilities_passed_as_logits_are_flagged_and_logits_are_not(p, outside, seed):
    p = np.array(p)
    y = (np.random.default_rng(seed).random(len(p)) < 0.5).astype(float)
    with pytest.warns(UserWarning, match="look like probabilities"):
        TemperatureScaler().fit(p, y)
    logits = np.r_[p, outside]  # one value outside [0, 1]: cannot be probabilities
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = TemperatureScaler().fit(logits, np.r_[y, 1.0]).temperature
        TemperatureScaler().fit_proba(p, y)
    assert 0.05 <= t <= 20.0


@pytest.fixture(scope="module")
def two_stocks():
    return market.load_prices(["000401.SZ", "601992.SH"], "2017-01-01", "2017-06-30")


@settings(max_examples=12, deadline=None)
@given(tz=st.sampled_from([None, "Asia/Shanghai", "UTC", "America/New_York"]),
       as_text=st.booleans())
def test_date_columns_with_a_time_zone_or_as_text_are_refused_by_name(two_stocks, tz, as_text):
    px = two_stocks.copy()
    if tz is not None:
        px["date"] = px["date"].dt.tz_localize(tz)
    if as_text:
        px["date"] = px["date"].astype(str)
    if tz is None and not as_text:
        f = features.make_features(px)
        assert len(windows.make_windows(f, px)) > 0
        return
    what = "datetime64 dates" if as_text else "dates without a time zone"
    with pytest.raises(TypeError, match=rf"make_features: prices\['date'\] must be {what}"):
        features.make_features(px)


@settings(max_examples=10, deadline=None)
@given(tz=st.sampled_from(["Asia/Shanghai", "UTC"]), day=st.integers(0, 100))
def test_a_tz_aware_event_date_is_refused_and_a_naive_one_counts(two_stocks, tz, day):
    when = pd.Timestamp(np.sort(two_stocks["date"].unique())[day])
    f = features.make_features(two_stocks, when)
    assert (f.xs(when, level="date")["days_since_event"] == 0).all()
    with pytest.raises(TypeError, match="event_date must be a date without a time zone"):
        features.make_features(two_stocks, when.tz_localize(tz))


@settings(max_examples=12, deadline=None)
@given(stamp=st.sampled_from([" 00:00:00", "T00:00:00+08:00", " 00:00", "T00:00:00Z",
                              "T00:00:00.000+0800", " 09:35:00", "T16:00:00Z"]),
       start=st.integers(0, len(CAL) - 10))
def test_daily_dates_written_as_midnight_timestamps_are_days_and_other_times_are_bars(
        tmp_path_factory, stamp, start):
    dates = CAL[start:start + 5]
    body = HEADER + "".join(f"{d.date()}{stamp},10,10.2,9.8,10,1000\n" for d in dates)
    path = tmp_path_factory.mktemp("t") / "t.csv"
    path.write_text(body, encoding="utf-8")
    if stamp.lstrip("T ").startswith("00:00"):
        assert read_price_csv(path)["date"].tolist() == list(dates)
    else:
        with pytest.raises(PriceDataError, match="intraday bars"):
            read_price_csv(path)
