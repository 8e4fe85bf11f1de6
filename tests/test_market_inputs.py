"""read_price_csv on the files readers really have: other encodings, day-first dates, lots,
suspensions, ST flags, prefixed codes, intraday bars, impossible prices, ex-rights gaps."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion import market
from companion.market import PriceDataError, read_price_csv

HEADER = "date,open,high,low,close,volume\n"
CAL = market.load_prices(market.INDEX_CODE, "2014-01-01", "2018-12-31")["date"]


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows(dates, fmt="%Y-%m-%d", close=10.0):
    return "".join(f"{d.strftime(fmt)},{close},{close + 0.2},{close - 0.2},{close},1000\n"
                   for d in dates)


# --- dates ---------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.integers(0, len(CAL) - 40), st.integers(2, 40), st.sampled_from(["/", ".", "-"]))
def test_day_first_dates_are_read_right_or_refused(tmp_path_factory, start, n, sep):
    dates = pd.DatetimeIndex(CAL.iloc[start:start + n])
    path = write(tmp_path_factory.mktemp("d"), "d.csv", HEADER + rows(dates, f"%d{sep}%m{sep}%Y"))
    if (dates.day <= 12).all() and (dates.day != dates.month).any():
        with pytest.raises(PriceDataError, match="day-first or month-first.*YYYY-MM-DD"):
            read_price_csv(path)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = read_price_csv(path)
    assert got["date"].tolist() == list(dates)


def test_month_first_dates_are_read_as_month_first(tmp_path):
    dates = pd.DatetimeIndex(CAL[(CAL >= "2017-01-03") & (CAL <= "2017-01-20")])
    with pytest.warns(UserWarning, match="month-first"):
        got = read_price_csv(write(tmp_path, "m.csv", HEADER + rows(dates, "%m/%d/%Y")))
    assert got["date"].tolist() == list(dates)


def test_weekend_dates_are_refused(tmp_path):
    body = HEADER + rows(pd.DatetimeIndex(["2017-01-05", "2017-01-06", "2017-01-07"]))
    with pytest.raises(PriceDataError, match=r"line 4: 2017-01-07 is a Saturday"):
        read_price_csv(write(tmp_path, "w.csv", body))


def test_exchange_holidays_are_flagged(tmp_path):
    body = HEADER + rows(pd.DatetimeIndex(["2017-09-29", "2017-10-02", "2017-10-09"]))
    with pytest.warns(UserWarning, match=r"1 date\(s\) are not A-share trading days.*2017-10-02"):
        read_price_csv(write(tmp_path, "h.csv", body))


def test_intraday_bars_are_refused(tmp_path):
    body = ("date,open,high,low,close,volume\n2017-01-03 09:35,10,10.1,9.9,10,100\n"
            "2017-01-03 09:40,10,10.1,9.9,10,100\n")
    with pytest.raises(PriceDataError, match="intraday bars.*daily"):
        read_price_csv(write(tmp_path, "i.csv", body))
    body = "date,time,code,open,high,low,close,volume,amount,adjustflag\n" \
           "2017-01-03,20170103093500000,sh.600000,10,10.1,9.9,10,100,1000,3\n"
    with pytest.raises(PriceDataError, match="intraday bars"):
        read_price_csv(write(tmp_path, "b.csv", body))


# --- files ---------------------------------------------------------------------------------------
def test_gbk_encoded_export_is_read(tmp_path):
    body = ("日期,开盘,收盘,最高,最低,成交量,成交额\n2017-11-20,6.20,6.27,6.35,6.10,100,62700\n"
            "2017-11-21,6.30,6.67,6.80,6.25,200,133400\n")
    got = read_price_csv(write(tmp_path, "000725.SZ.csv", body, "gbk"))
    assert got["close"].tolist() == [6.27, 6.67]


def test_undecodable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x00\xff\xfe\x81" * 50)
    with pytest.raises(PriceDataError, match="not a text file.*UTF-8 or GBK"):
        read_price_csv(path)


def test_a_directory_is_a_clear_error(tmp_path):
    with pytest.raises(PriceDataError, match="is a folder.*glob"):
        read_price_csv(tmp_path)


# --- prices and units ----------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.floats(0.01, 5), st.sampled_from(["close", "open"]), st.booleans())
def test_open_or_close_outside_the_days_range_is_refused(tmp_path_factory, excess, col, above):
    vals = {"open": 10.0, "high": 10.5, "low": 9.5, "close": 10.0}
    vals[col] = round(10.5 + excess if above else 9.5 - excess / 10, 2)
    if not 9.5 > vals[col] > 0 and not above:
        return
    body = HEADER + "2017-01-03,10,10.5,9.5,10,1000\n" + \
        f"2017-01-04,{vals['open']},10.5,9.5,{vals['close']},1000\n"
    with pytest.raises(PriceDataError, match=rf"line 3 \(2017-01-04\): {col} .* outside"):
        read_price_csv(write(tmp_path_factory.mktemp("p"), "p.csv", body))


def test_volume_in_lots_is_detected(tmp_path):
    body = ("date,open,high,low,close,volume,amount\n2017-01-03,10,10.5,9.5,10,1000,1000000\n"
            "2017-01-04,10,10.5,9.5,10,2000,2000000\n")
    with pytest.raises(PriceDataError, match=r"volume looks like lots.*about 100.*x 100"):
        read_price_csv(write(tmp_path, "l.csv", body))


def test_suspended_rows_with_volume_zero_are_removed_with_a_warning(tmp_path):
    body = HEADER + "2017-01-03,10,10.5,9.5,10,1000\n2017-01-04,10,10,10,10,0\n" \
        "2017-01-05,10,10.5,9.5,10.2,1000\n"
    with pytest.warns(UserWarning, match=r"removed 1 row\(s\) with volume 0.*2017-01-04"):
        got = read_price_csv(write(tmp_path, "s.csv", body))
    assert len(got) == 2 and got["preclose"].iloc[1] == 10


def test_baostock_is_st_is_kept_and_used(tmp_path):
    body = ("date,code,open,high,low,close,preclose,volume,amount,adjustflag,tradestatus,isST\n"
            "2017-03-01,sh.600000,10,10,10,10,10,100,1000,3,1,1\n"
            "2017-03-02,sh.600000,10.5,10.5,10.5,10.5,10,100,1050,3,1,1\n")
    with pytest.warns(UserWarning, match="ST"):
        got = read_price_csv(write(tmp_path, "st.csv", body))
    assert got["is_st"].tolist() == [True, True]
    flags = market.limit_moves(got)
    assert bool(flags["limit_up"].iloc[1])  # +5%: the ST limit


@pytest.mark.parametrize("raw", ["sz300750", "SZ300750", "sz.300750", "300750.sz", "300750"])
def test_prefixed_codes_are_normalised(tmp_path, raw):
    body = "date,code,open,high,low,close,volume\n2021-03-01," + raw + ",10,10.5,9.5,10,100\n"
    assert read_price_csv(write(tmp_path, "c.csv", body))["code"].iloc[0] == "300750.SZ"


def test_an_ex_rights_gap_in_preclose_becomes_an_adjustment_factor(tmp_path):
    body = ("date,open,high,low,close,volume,preclose\n2015-04-30,61,62.5,60.5,62.05,1000,61\n"
            "2015-05-04,31,33.7,30.6,33.69,1000,30.63\n2015-05-05,33,34,32.5,33.0,1000,33.69\n")
    with pytest.warns(UserWarning, match=r"adjustment factor.*1 ex-rights day.*2015-05-04"):
        got = read_price_csv(write(tmp_path, "x.csv", body))
    moves = got["adj_close"].pct_change()
    assert moves.iloc[1] == pytest.approx(33.69 / 30.63 - 1)  # +10%, not -46%
    assert got["close"].tolist() == [62.05, 33.69, 33.0]  # raw prices untouched
    assert np.isclose(got["adj_factor"].iloc[0], 1.0)


def test_year_first_dates_in_other_spellings_still_read(tmp_path):
    body = HEADER + "2017/1/3,10,10.2,9.8,10,1000\n20170104,10,10.2,9.8,10,1000\n"
    got = read_price_csv(write(tmp_path, "y.csv", body))
    assert got["date"].dt.strftime("%Y-%m-%d").tolist() == ["2017-01-03", "2017-01-04"]


def test_two_digit_years_are_refused(tmp_path):
    with pytest.raises(PriceDataError, match="two-digit year"):
        read_price_csv(write(tmp_path, "t.csv", HEADER + "03/01/17,10,10.2,9.8,10,1000\n"))


def test_non_positive_preclose_is_refused(tmp_path):
    body = "date,open,high,low,close,volume,preclose\n2017-01-03,10,10.2,9.8,10,1000,0\n"
    with pytest.raises(PriceDataError, match="preclose 0.0 is not positive"):
        read_price_csv(write(tmp_path, "z.csv", body))
