"""The shipped real data and the CSV reader (companion.market)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from companion import market
from companion.market import PriceDataError, load_prices, read_price_csv

# ---------------------------------------------------------------- shipped data


def test_load_prices_story_six_layout_and_order():
    p = load_prices()
    assert list(p.columns) == market.PRICE_COLUMNS
    assert sorted(p["code"].unique()) == sorted(market.STORY_CODES)
    assert p["date"].dtype.kind == "M"
    assert p["date"].min() >= pd.Timestamp("2015-01-01") and p["date"].max() <= pd.Timestamp("2017-12-31")
    # sorted by date then code, one row per (date, code)
    assert p.equals(p.sort_values(["date", "code"]).reset_index(drop=True))
    assert not p.duplicated(["date", "code"]).any()
    # row counts for 2015-2017 from PROVENANCE.md (732 trading days minus suspensions)
    counts = p.groupby("code").size().to_dict()
    assert counts == {"000401.SZ": 633, "601992.SH": 716, "600340.SH": 715, "601668.SH": 732,
                      "600585.SH": 732, "000725.SZ": 728}


def test_adjusted_is_raw_times_factor_and_ex_rights_day_is_no_crash():
    p = load_prices("600340.SH", "2015-04-28", "2015-05-08")
    np.testing.assert_allclose(p["adj_close"], p["close"] * p["adj_factor"])
    day = p.set_index("date")
    raw = day["close"].pct_change().loc["2015-05-04"]
    adj = day["adj_close"].pct_change().loc["2015-05-04"]
    assert raw < -0.4  # the 10-for-10 bonus issue halves the raw price
    assert abs(adj) < 0.11  # the adjusted return is an ordinary day's move


def test_known_prints():
    idx = load_prices(market.INDEX_CODE, "2015-01-05", "2017-12-29").set_index("date")
    assert idx.loc["2015-01-05", "close"] == pytest.approx(3641.54)
    assert idx.loc["2017-12-29", "close"] == pytest.approx(4030.85)
    assert idx["adj_factor"].eq(1.0).all() and idx["amount"].isna().all()
    boe = load_prices("000725.SZ", "2017-11-20", "2017-11-30").set_index("date")["close"]
    assert boe.loc["2017-11-21"] == pytest.approx(6.67) and boe.min() == pytest.approx(5.22)


def test_suspended_days_have_no_row():
    p = load_prices("000401.SZ", "2017-04-10", "2017-04-20")
    dates = set(p["date"].dt.strftime("%Y-%m-%d"))
    assert "2017-04-13" not in dates and "2017-04-14" not in dates and "2017-04-12" in dates
    assert not p.isna().any().any()


def test_universe_lists_every_shipped_security_and_loads_them():
    u = market.UNIVERSE
    assert list(u.columns) == ["code", "exchange", "name_zh", "name_en", "group"]
    assert len(u) == 75 and u["code"].is_unique
    assert set(u["group"]) == {"story", "index", "large_cap", "peer", "xiongan_concept"}
    assert u.set_index("code").loc["000401.SZ", "name_zh"] == "冀东水泥"
    assert u.notna().all().all()
    p = load_prices(u["code"].tolist(), "2017-12-27", "2017-12-29")
    assert set(p["code"]) <= set(u["code"]) and p["code"].nunique() > 60


def test_unknown_code_error_says_where_to_look():
    with pytest.raises(ValueError, match="UNIVERSE") as err:
        load_prices(["000401.SZ", "999999.SZ"])
    assert "999999.SZ" in str(err.value) and "read_price_csv" in str(err.value)
    assert load_prices("000401", "2017-04-05", "2017-04-05")["code"].tolist() == ["000401.SZ"]


def test_xiongan_limit_up_run_counted_from_data():
    p = load_prices(market.XIONGAN_CODES, "2017-04-05", "2017-04-12")
    moves = market.limit_moves(p)
    one_price = moves[moves["one_price"] & moves["limit_up"]].groupby("code").size().to_dict()
    assert one_price == {"000401.SZ": 6, "601992.SH": 6, "600340.SH": 4}


def test_limit_moves_does_not_flag_the_tick_below_the_limit():
    row = pd.DataFrame({"date": [pd.Timestamp("2017-01-03")] * 2, "code": ["A", "B"],
                        "open": [10.0, 10.0], "high": [11.0, 10.99], "low": [10.0, 10.0],
                        "close": [11.0, 10.99], "preclose": [10.0, 10.0]})
    assert market.limit_moves(row)["limit_up"].tolist() == [True, False]


# ---------------------------------------------------------------- read_price_csv: layouts


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_layout(tmp_path):
    path = write(tmp_path, "MYSTOCK.csv", "date,open,high,low,close,volume\n"
                 "2017-01-03,10,10.5,9.9,10.2,1000\n2017-01-04,10.2,10.4,10.0,10.1,2000\n")
    p = read_price_csv(path)
    assert list(p.columns) == market.PRICE_COLUMNS
    assert p["code"].tolist() == ["MYSTOCK", "MYSTOCK"]
    assert p["adj_factor"].eq(1.0).all() and p["adj_close"].equals(p["close"])
    assert np.isnan(p["preclose"].iloc[0]) and p["preclose"].iloc[1] == 10.2
    assert read_price_csv(path, code="X")["code"].iloc[0] == "X"


def test_tushare_layout_converts_units_and_sorts_on_request(tmp_path):
    text = ("ts_code,trade_date,open,high,low,close,pre_close,change,pct_chg,vol,amount\n"
            "000401.SZ,20170406,16.92,16.92,16.92,16.92,15.38,1.54,10.01,3095.5,5237.59\n"
            "000401.SZ,20170405,15.38,15.38,15.38,15.38,13.98,1.40,10.01,5551.0,8537.44\n")
    path = write(tmp_path, "t.csv", text)
    with pytest.raises(PriceDataError, match="newest first"):
        read_price_csv(path)
    p = read_price_csv(path, sort=True)
    assert p["date"].tolist() == [pd.Timestamp("2017-04-05"), pd.Timestamp("2017-04-06")]
    assert p["code"].iloc[0] == "000401.SZ"
    assert p["volume"].iloc[0] == pytest.approx(555100)  # lots -> shares
    assert p["amount"].iloc[0] == pytest.approx(8537440)  # thousand CNY -> CNY
    assert p["preclose"].tolist() == [13.98, 15.38]  # the rows' own pre_close, after sorting
    assert path.read_text(encoding="utf-8") == text  # the file is untouched


def test_akshare_layout(tmp_path):
    path = write(tmp_path, "000725.SZ.csv", "日期,开盘,收盘,最高,最低,成交量,成交额,振幅\n"
                 "2017-11-20,6.20,6.27,6.35,6.10,100,62700,4.0\n"
                 "2017-11-21,6.30,6.67,6.80,6.25,200,133400,8.8\n")
    p = read_price_csv(path)
    assert p["code"].iloc[0] == "000725.SZ"
    assert p["close"].tolist() == [6.27, 6.67] and p["high"].tolist() == [6.35, 6.80]
    assert p["volume"].tolist() == [10000, 20000]


def test_baostock_layout_drops_suspended_rows_with_a_warning(tmp_path):
    path = write(tmp_path, "b.csv", "date,code,open,high,low,close,preclose,volume,amount,adjustflag,tradestatus\n"
                 "2017-04-12,sz.000401,24.77,24.77,24.77,24.77,22.52,100,2477,3,1\n"
                 "2017-04-13,sz.000401,24.77,24.77,24.77,24.77,24.77,0,0,3,0\n"
                 "2017-04-17,sz.000401,25.0,26.0,24.0,25.5,24.77,300,7650,3,1\n")
    with pytest.warns(UserWarning, match="tradestatus 0"):
        p = read_price_csv(path)
    assert p["date"].dt.strftime("%m-%d").tolist() == ["04-12", "04-17"]
    assert p["code"].iloc[0] == "000401.SZ" and p["preclose"].tolist() == [22.52, 24.77]


def test_shipped_layout_round_trips(tmp_path):
    src = market.resources.files("companion").joinpath("data", "600340.SH.csv").read_text(encoding="utf-8")
    path = write(tmp_path, "600340.SH.csv", src)
    p = read_price_csv(path)
    ref = load_prices("600340.SH", "2014-01-01", "2018-12-31")
    pd.testing.assert_frame_equal(p, ref)


# ---------------------------------------------------------------- read_price_csv: errors


HEADER = "date,open,high,low,close,volume\n"
GOOD = "2017-01-03,10,10.5,9.9,10.2,1000\n"


@pytest.mark.parametrize("body, problem, fix", [
    ("", "the file is empty", "export the prices again"),
    (HEADER, "has a header but no rows", "trading days"),
    ("date,open,high,low,volume\n" + "2017-01-03,10,10.5,9.9,1000\n", r"missing column\(s\) \['close'\]", "add them"),
    ("when,open,high,low,close,volume\n" + GOOD, "no date column", "name the columns date,open"),
    (HEADER + GOOD + "2017-13-45,10,10.5,9.9,10.2,1000\n", r"line 3: cannot read the date '2017-13-45'", "YYYY-MM-DD"),
    (HEADER + GOOD + GOOD, "line 3: the date 2017-01-03 repeats line 2", "one row per trading day"),
    (HEADER + GOOD + "2017-01-04,10,10.5,9.9,0,1000\n", r"line 3 \(2017-01-04\): close = 0.0 is not positive", "prices must be > 0"),
    (HEADER + GOOD + "2017-01-04,10,10.5,-9.9,10,1000\n", r"line 3 \(2017-01-04\): low = -9.9 is not positive", "export raw prices"),
    (HEADER + GOOD + "2017-01-04,10,9.5,9.9,9.7,1000\n", r"line 3 \(2017-01-04\): high 9.5 is below low 9.9", "swapped"),
    (HEADER + GOOD + "2017-01-04,10,,9.9,9.7,1000\n", r"line 3 \(2017-01-04\): high is missing", "fill in the value"),
    (HEADER + "2017-01-05,10,10.5,9.9,10.2,1000\n" + GOOD + "2017-01-06,10,10.5,9.9,10.2,1000\n",
     r"line 3 \(2017-01-03\) comes after line 2 \(2017-01-05\): rows are not in date order", "sort=True"),
])
def test_bad_files_raise_one_clear_error(tmp_path, body, problem, fix):
    path = write(tmp_path, "bad.csv", body)
    with pytest.raises(PriceDataError, match=problem) as err:
        read_price_csv(path)
    message = str(err.value)
    assert message.startswith(str(path)) and "Fix:" in message
    assert fix.replace("\\", "") in message
    assert path.read_text(encoding="utf-8") == body  # never modified


def test_header_case_is_ignored_and_empty_amount_is_unknown(tmp_path):
    path = write(tmp_path, "X.csv", "Date,Open,High,Low,Close,Volume,Amount\n"
                 "2017-01-03,10,10.5,9.9,10.2,1000,\n2017-01-04,10.2,10.4,10.0,10.1,2000,20200\n")
    p = read_price_csv(path)
    assert np.isnan(p["amount"].iloc[0]) and p["amount"].iloc[1] == 20200


def test_amount_that_is_not_a_number(tmp_path):
    path = write(tmp_path, "X.csv", HEADER.strip() + ",amount\n" + "2017-01-03,10,10.5,9.9,10.2,1000,abc\n")
    with pytest.raises(PriceDataError, match=r"line 2 \(2017-01-03\): amount 'abc' is not a number"):
        read_price_csv(path)


def test_several_codes_in_one_file(tmp_path):
    path = write(tmp_path, "two.csv", "ts_code,trade_date,open,high,low,close,vol,amount\n"
                 "000401.SZ,20170405,1,1,1,1,1,1\n600340.SH,20170406,1,1,1,1,1,1\n")
    with pytest.raises(PriceDataError, match="several codes"):
        read_price_csv(path)


def test_missing_file_and_price_data_error_is_value_error(tmp_path):
    assert issubclass(PriceDataError, ValueError)
    with pytest.raises(PriceDataError, match="does not exist"):
        read_price_csv(tmp_path / "nope.csv")


def test_adjusted_baostock_export_warns(tmp_path):
    path = write(tmp_path, "b.csv", "date,code,open,high,low,close,volume,amount,adjustflag\n"
                 "2017-04-12,sh.600000,1,1,1,1,100,100,2\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_price_csv(path)
    assert any("already adjusted" in str(w.message) for w in caught)
