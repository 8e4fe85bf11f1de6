"""The market: real 2014–2018 A-share prices shipped with the course, and readers' own CSV files.

Every price table in the course has one layout, *tidy* (long): one row per (date, code) on which
the security traded, sorted by date then code. Its columns are

    date (datetime64), code (str),
    open, high, low, close       raw prices in CNY, as printed by the exchange that day
    volume                       shares (股), not lots (手): 1 lot = 100 shares
    amount                       turnover in CNY (NaN when the source has none, e.g. the CSI 300)
    preclose                     the exchange's previous close (ex-rights adjusted on ex-dates)
    adj_factor                   cumulative back-adjustment factor (后复权因子)
    adj_open … adj_close         back-adjusted prices = raw × adj_factor

Raw prices are what traders saw and what price limits apply to; *returns* must come from
adjusted prices, or a 10-for-10 bonus issue looks like a -50 % crash. Suspended days have no row:
nothing is ever filled in or invented. The synthetic market (``simulate_market``) lives in
`companion.simulate` and is re-exported here.
"""

from __future__ import annotations

import functools
import io
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

STORY_CODES = ["000401.SZ", "601992.SH", "600340.SH", "601668.SH", "600585.SH", "000725.SZ"]
INDEX_CODE = "000300.SH"  # CSI 300 沪深300
XIONGAN_CODES = ["000401.SZ", "601992.SH", "600340.SH"]  # limit-up after the 2017-04-01 announcement
ANNOUNCEMENT_DATE = pd.Timestamp("2017-04-01")  # a Saturday; first trading day after: 2017-04-05

PRICE_COLUMNS = ["date", "code", "open", "high", "low", "close", "volume", "amount",
                 "preclose", "adj_factor", "adj_open", "adj_high", "adj_low", "adj_close"]
_RAW = ["open", "high", "low", "close"]


class PriceDataError(ValueError):
    """A price file or table cannot be used as it is; the message names the file, the problem and the fix."""


def _data_file(name: str):
    return resources.files("companion").joinpath("data", name)


def _load_universe() -> pd.DataFrame:
    with _data_file("securities.csv").open("r", encoding="utf-8") as f:
        table = pd.read_csv(f, dtype=str)
    return table


_SECURITIES = _load_universe()
#: Every shipped security: code, exchange (SSE/SZSE), name_zh, name_en, group
#: ("story", "index", "large_cap", "peer" = construction/cement/property, "xiongan_concept").
UNIVERSE = _SECURITIES[["code", "exchange", "name_zh", "name_en", "group"]].copy()


def _resolve_code(code: str) -> str:
    """'000401' or '000401.sz' -> '000401.SZ'; an unknown code raises a ValueError that says where to look."""
    wanted = str(code).strip().upper()
    known = _SECURITIES["code"].tolist()
    if wanted in known:
        return wanted
    matches = [c for c in known if c.split(".")[0] == wanted]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(
        f"Unknown code {code!r}: it is not in the shipped data. Valid codes look like '000401.SZ' "
        f"and are listed in companion.market.UNIVERSE (e.g. UNIVERSE.code.tolist(), "
        f"{len(known)} securities: the story's six, the CSI 300 '{INDEX_CODE}' and 68 more). "
        "For any other stock, export its prices and read them with companion.market.read_price_csv(path)."
    )


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the back-adjusted prices and put the columns in the course's order."""
    for col in _RAW:
        frame["adj_" + col] = frame[col] * frame["adj_factor"]
    frame = frame[PRICE_COLUMNS]
    return frame.astype({c: "float64" for c in PRICE_COLUMNS[2:]})


@functools.cache
def _read_shipped(code: str) -> pd.DataFrame:
    row = _SECURITIES.set_index("code").loc[code]
    with _data_file(row["file"]).open("r", encoding="utf-8") as f:
        raw = pd.read_csv(f)
    raw["date"] = pd.to_datetime(raw["date"], format="%Y-%m-%d")
    raw["code"] = code
    if "adj_factor" not in raw.columns:  # the index: no adjustment, preclose is yesterday's close
        raw["adj_factor"] = 1.0
        raw["preclose"] = raw["close"].shift(1)
    return _finish(raw)


def load_prices(codes: str | list[str] | None = None, start: str | pd.Timestamp = "2015-01-01",
                end: str | pd.Timestamp = "2017-12-31") -> pd.DataFrame:
    """The shipped real daily prices of ``codes`` between ``start`` and ``end`` (both included).

    Parameters
    ----------
    codes : one code, a list of codes, or None for the story's six stocks (STORY_CODES).
        Any code in UNIVERSE works, e.g. "000300.SH" for the CSI 300; "000401" is accepted too.
    start, end : dates; the shipped data covers 2014-01-02 .. 2018-12-28.

    Returns
    -------
    A tidy frame [rows = (date, code) that traded] with the columns of PRICE_COLUMNS, sorted by
    date then code. A suspended stock simply has no row that day.
    """
    if codes is None:
        codes = STORY_CODES
    if isinstance(codes, str):
        codes = [codes]
    resolved = list(dict.fromkeys(_resolve_code(c) for c in codes))
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if end < start:
        raise ValueError(f"end ({end.date()}) is before start ({start.date()}); swap them.")
    parts = [_read_shipped(c) for c in resolved]
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[(frame["date"] >= start) & (frame["date"] <= end)]
    return frame.sort_values(["date", "code"], kind="stable").reset_index(drop=True)


def limit_moves(prices: pd.DataFrame, limit: float = 0.10) -> pd.DataFrame:
    """Flag the days that closed at the daily price limit (涨停 / 跌停).

    The exchange's limit price is preclose × (1 ± limit) rounded to the 0.01 CNY tick, so a
    limit-up close equals that rounded price. A *one-price* day (一字板) opened, traded and closed
    at one price: nobody who wanted to buy could. Use limit=0.05 for ST stocks.

    Returns the rows of ``prices`` with date, code, close, preclose, pct_change and the boolean
    columns limit_up, limit_down, one_price.
    """
    needed = {"date", "code", "open", "high", "low", "close", "preclose"}
    missing = needed - set(prices.columns)
    if missing:
        raise ValueError(f"limit_moves needs the columns {sorted(needed)}; missing {sorted(missing)}.")
    out = prices[["date", "code", "close", "preclose"]].copy()
    # Within half a tick of the exact limit: catches the exchange's rounded limit price (and the
    # unrounded prices of the synthetic market) but never the tick below it.
    tol = 0.005 + 1e-9
    out["pct_change"] = prices["close"] / prices["preclose"] - 1
    out["limit_up"] = prices["close"] >= prices["preclose"] * (1 + limit) - tol
    out["limit_down"] = prices["close"] <= prices["preclose"] * (1 - limit) + tol
    out["one_price"] = (prices["open"] == prices["high"]) & (prices["low"] == prices["high"]) & (
        prices["close"] == prices["high"])
    return out


# ----------------------------------------------------------------------------------------------
# Reading a reader's own export
# ----------------------------------------------------------------------------------------------

# Each layout: the column that identifies it, how its columns map onto ours, and the unit factors
# that turn its volume into shares and its amount into CNY.
_LAYOUTS = {
    "shipped": dict(key="adj_factor", fmt="%Y-%m-%d", volume=1, amount=1,
                    rename={}),
    "tushare": dict(key="trade_date", fmt="%Y%m%d", volume=100, amount=1000,
                    rename={"trade_date": "date", "vol": "volume", "pre_close": "preclose",
                            "ts_code": "code"}),
    "akshare": dict(key="日期", fmt=None, volume=100, amount=1,
                    rename={"日期": "date", "开盘": "open", "收盘": "close", "最高": "high",
                            "最低": "low", "成交量": "volume", "成交额": "amount", "股票代码": "code"}),
    "baostock": dict(key="adjustflag", fmt="%Y-%m-%d", volume=1, amount=1, rename={}),
    "plain": dict(key="date", fmt=None, volume=1, amount=1, rename={}),
}
_UNITS_NOTE = {
    "shipped": "the course's own layout",
    "tushare": "tushare: vol in lots (x100 -> shares), amount in thousand CNY (x1000 -> CNY)",
    "akshare": "akshare: 成交量 in lots (x100 -> shares), 成交额 in CNY",
    "baostock": "baostock: volume in shares, amount in CNY",
    "plain": "plain: volume taken as shares",
}


def _detect_layout(columns: list[str]) -> str:
    cols = set(columns)
    for name in ("tushare", "akshare", "baostock", "shipped", "plain"):
        if _LAYOUTS[name]["key"] in cols:
            return name
    return "unknown"


def _fail(path, problem: str, fix: str) -> PriceDataError:
    return PriceDataError(f"{path}: {problem}. Fix: {fix}")


def read_price_csv(path: str | Path, code: str | None = None, *, sort: bool = False) -> pd.DataFrame:
    """Read one stock's daily prices from a CSV export into the course's tidy layout.

    Recognised layouts (by their columns):

    - tushare ``pro.daily``: ts_code, trade_date (YYYYMMDD), open, high, low, close, pre_close,
      vol (lots), amount (thousand CNY); an ``adj_factor`` column is used when present.
    - akshare ``stock_zh_a_hist``: 日期, 开盘, 收盘, 最高, 最低, 成交量 (lots), 成交额 (CNY).
    - baostock ``query_history_k_data_plus``: date, code, open, high, low, close, preclose,
      volume (shares), amount (CNY), adjustflag (3 = raw), tradestatus (0 = suspended).
    - plain: date, open, high, low, close, volume (shares) [, amount].
    - the course's shipped layout (``companion/data/*.csv``).

    Volumes become shares and amounts CNY. Files without an adjustment factor get
    adj_factor = 1.0, so adj_* equal the raw prices (returns across an ex-rights day are then wrong:
    export the factor too if the stock paid bonus shares).

    Every problem raises `PriceDataError` naming the file, the problem (with the offending line,
    counting the header as line 1) and the fix: an empty file, missing columns, unparsable or
    repeated dates, missing or non-positive prices, high below low, rows out of date order. Nothing
    is dropped or repaired silently and the file is never modified. Rows out of order are refused
    unless ``sort=True`` (tushare exports newest first: pass sort=True for them).
    baostock rows with tradestatus 0 (suspended days, volume 0) are removed with a warning,
    because in the course a suspended day has no row.

    Parameters
    ----------
    path : the CSV file (UTF-8, with or without a BOM).
    code : the security's code; by default the file's code column, else the file name's stem.
    sort : sort rows by date instead of refusing a file out of order.
    """
    path = Path(path)
    if not path.exists():
        raise _fail(path, "the file does not exist", "check the path (relative paths start in "
                    f"the folder the notebook runs in: {Path.cwd()})")
    text = path.read_bytes().decode("utf-8-sig")
    if not text.strip():
        raise _fail(path, "the file is empty", "export the prices again; the file needs a header "
                    "line and one row per trading day")
    raw = pd.read_csv(io.StringIO(text), dtype=str, skipinitialspace=True)
    # Header names are matched without case ("Date,Open,..." works); Chinese headers are unaffected.
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    layout = _detect_layout(list(raw.columns))
    if raw.empty:
        raise _fail(path, "the file has a header but no rows", "export a date range with trading days")
    if layout == "unknown":
        raise _fail(path, f"no date column among {list(raw.columns)}",
                    "name the columns date,open,high,low,close,volume (or use a tushare, akshare "
                    "or baostock export unchanged)")
    spec = _LAYOUTS[layout]
    frame = raw.rename(columns=spec["rename"])
    missing = [c for c in ["open", "high", "low", "close", "volume"] if c not in frame.columns]
    if missing:
        raise _fail(path, f"missing column(s) {missing} (read as the {layout} layout; the file has "
                    f"{list(raw.columns)})", "add them; the plain layout is "
                    "date,open,high,low,close,volume with volume in shares")
    lines = np.arange(len(frame)) + 2  # line numbers in the file: the header is line 1

    # Dates -----------------------------------------------------------------------------------
    dates = pd.to_datetime(frame["date"], format=spec["fmt"], errors="coerce") if spec["fmt"] \
        else pd.to_datetime(frame["date"], errors="coerce", format="mixed")
    bad = dates.isna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise _fail(path, f"line {lines[i]}: cannot read the date {frame['date'].iloc[i]!r} "
                    f"({int(bad.sum())} bad date(s) in all)",
                    "write dates as YYYY-MM-DD" + (" (tushare: YYYYMMDD)" if layout == "tushare" else ""))
    dup = dates.duplicated(keep="first").to_numpy()
    if dup.any():
        i = int(np.argmax(dup))
        first = int(np.argmax((dates == dates.iloc[i]).to_numpy()))
        raise _fail(path, f"line {lines[i]}: the date {dates.iloc[i].date()} repeats line "
                    f"{lines[first]}", "keep one row per trading day (one stock per file)")

    # Codes ---------------------------------------------------------------------------------
    if "code" in frame.columns and frame["code"].nunique() > 1:
        raise _fail(path, f"the file holds several codes {sorted(frame['code'].unique())[:5]}",
                    "split it into one file per stock")
    if code is None:
        code = str(frame["code"].iloc[0]) if "code" in frame.columns else path.stem
        if layout == "baostock" and code[:3] in ("sh.", "sz."):  # sh.600000 -> 600000.SH
            code = f"{code[3:]}.{code[:2].upper()}"

    # Numbers ---------------------------------------------------------------------------------
    out = pd.DataFrame({"date": dates.to_numpy(), "code": code})
    for col in _RAW + ["volume"]:
        values = pd.to_numeric(frame[col], errors="coerce")
        nan = values.isna().to_numpy()
        if nan.any():
            i = int(np.argmax(nan))
            raise _fail(path, f"line {lines[i]} ({dates.iloc[i].date()}): {col} is missing or not a "
                        f"number ({frame[col].iloc[i]!r})", "fill in the value from another source "
                        "or delete the day's row (a day without a row counts as a suspension)")
        out[col] = values.to_numpy(dtype="float64")
    for col in _RAW:
        bad = (out[col] <= 0).to_numpy()
        if bad.any():
            i = int(np.argmax(bad))
            raise _fail(path, f"line {lines[i]} ({dates.iloc[i].date()}): {col} = {out[col].iloc[i]} "
                        "is not positive", "prices must be > 0; check the export (forward-adjusted "
                        "前复权 prices of old data can turn negative: export raw prices and the "
                        "adj_factor instead)")
    bad = (out["high"] < out["low"]).to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise _fail(path, f"line {lines[i]} ({dates.iloc[i].date()}): high {out['high'].iloc[i]} is "
                    f"below low {out['low'].iloc[i]}", "check the columns are not swapped or shifted")
    if (out["volume"] < 0).any():
        i = int(np.argmax((out["volume"] < 0).to_numpy()))
        raise _fail(path, f"line {lines[i]} ({dates.iloc[i].date()}): negative volume",
                    "volumes are counts of shares, >= 0")

    # Order: checked after the values so that the message points at a real ordering problem.
    order_bad = (np.diff(out["date"].to_numpy()) < np.timedelta64(0)).nonzero()[0]
    if len(order_bad) and not sort:
        i = int(order_bad[0]) + 1
        newest_first = bool((np.diff(out["date"].to_numpy()) < np.timedelta64(0)).all())
        raise _fail(path, f"line {lines[i]} ({dates.iloc[i].date()}) comes after line {lines[i - 1]} "
                    f"({dates.iloc[i - 1].date()}): rows are not in date order"
                    + (" (newest first, as tushare exports)" if newest_first else ""),
                    "pass sort=True to read_price_csv to sort the rows by date (the file is not "
                    "changed), or sort the file oldest first")

    # Units and optional columns --------------------------------------------------------------
    out["volume"] *= spec["volume"]
    if "amount" in frame.columns:
        amount = pd.to_numeric(frame["amount"], errors="coerce")
        bad = (amount.isna() & frame["amount"].notna()).to_numpy()  # text that is not a number
        if bad.any():
            i = int(np.argmax(bad))
            raise _fail(path, f"line {lines[i]} ({dates.iloc[i].date()}): amount "
                        f"{frame['amount'].iloc[i]!r} is not a number", "leave the cell empty if "
                        "the turnover is unknown, or fix the value")
        out["amount"] = amount.to_numpy(dtype="float64") * spec["amount"]
    else:
        out["amount"] = np.nan
    if layout == "baostock" and "tradestatus" in frame.columns:
        halted = (pd.to_numeric(frame["tradestatus"], errors="coerce") == 0).to_numpy()
        if halted.any():
            warnings.warn(f"{path}: removed {int(halted.sum())} baostock row(s) with tradestatus 0 "
                          "(suspended days); in the course a suspended day has no row.", stacklevel=2)
            out, frame = out[~halted], frame[~halted]
    if layout == "baostock" and "adjustflag" in frame.columns and \
            (frame["adjustflag"].astype(str).str.strip() != "3").any():
        warnings.warn(f"{path}: baostock adjustflag is not 3, so the prices are already adjusted "
                      "(1 = back, 2 = forward); open..close then hold adjusted, not raw, prices and "
                      "price-limit checks are approximate. Export with adjustflag='3' for raw prices.",
                      stacklevel=2)
    # out and frame share the file's row numbers as index: sort once, then align frame to it.
    out = out.sort_values("date", kind="stable")
    frame = frame.loc[out.index].reset_index(drop=True)
    out = out.reset_index(drop=True)
    if "preclose" in frame.columns:
        out["preclose"] = pd.to_numeric(frame["preclose"], errors="coerce").to_numpy(dtype="float64")
    else:  # without the exchange's preclose, yesterday's close is the best we know
        out["preclose"] = out["close"].shift(1)
    if "adj_factor" in frame.columns:
        out["adj_factor"] = pd.to_numeric(frame["adj_factor"], errors="coerce").to_numpy(dtype="float64")
        if out["adj_factor"].isna().any() or (out["adj_factor"] <= 0).any():
            i = int(np.argmax((out["adj_factor"].isna() | (out["adj_factor"] <= 0)).to_numpy()))
            raise _fail(path, f"{out['date'].iloc[i].date()}: adj_factor is missing or not positive",
                        "export the adjustment factor for every day, or drop the column")
    else:
        out["adj_factor"] = 1.0
    return _finish(out)


def units_note(path: str | Path) -> str:
    """Which layout `read_price_csv` sees in a file, and the unit conversions it applies."""
    header = Path(path).read_bytes().decode("utf-8-sig").splitlines()[0].split(",")
    return _UNITS_NOTE.get(_detect_layout([h.strip() for h in header]), "unknown layout")


# The synthetic market lives in its own module; it is part of this module's public face.
from companion.simulate import SyntheticMarket, simulate_market, trading_calendar  # noqa: E402

__all__ = ["STORY_CODES", "INDEX_CODE", "XIONGAN_CODES", "ANNOUNCEMENT_DATE", "PRICE_COLUMNS",
           "UNIVERSE", "PriceDataError", "load_prices", "read_price_csv", "limit_moves",
           "units_note", "SyntheticMarket", "simulate_market", "trading_calendar"]
