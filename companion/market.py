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

from companion.codes import board_digits, normalize_code
from companion.rules import MAIN_BOARD_LIMIT, ST_LIMIT, price_limit, round_fen

STORY_CODES = ["000401.SZ", "601992.SH", "600340.SH", "601668.SH", "600585.SH", "000725.SZ"]
INDEX_CODE = "000300.SH"  # CSI 300 沪深300
XIONGAN_CODES = ["000401.SZ", "601992.SH", "600340.SH"]  # limit-up after the 2017-04-01 announcement

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


def limit_moves(prices: pd.DataFrame, limit: float = MAIN_BOARD_LIMIT,
                st_limit: float = ST_LIMIT) -> pd.DataFrame:
    """Flag the days that closed at the daily price limit (涨停 / 跌停).

    The exchange's limit price is preclose × (1 ± band) rounded to the 0.01 CNY tick, so a
    limit-up close equals that rounded price. The band is the one the rules engine uses
    (`companion.rules.price_limit`, by board and date): ``limit`` (±10%) on the main boards,
    ``st_limit`` (±5%) on rows with ``is_st`` True (baostock's isST), ±20% for ChiNext from
    2020-08-24 and STAR; pass limit=0.05 for a frame of ST stocks without ``is_st``. A
    *one-price* day (一字板) opened, traded and closed at one price: nobody who wanted to buy could.

    Returns the rows of ``prices`` with date, code, close, preclose, pct_change and the boolean
    columns limit_up, limit_down, one_price.
    """
    needed = {"date", "code", "open", "high", "low", "close", "preclose"}
    missing = needed - set(prices.columns)
    if missing:
        raise ValueError(f"limit_moves needs the columns {sorted(needed)}; missing {sorted(missing)}.")
    out = prices[["date", "code", "close", "preclose"]].copy()
    if not (0 < limit < 0.5 and 0 < st_limit < 0.5):
        raise ValueError(f"limit and st_limit are fractions (0.10 = 10%), got {limit}, {st_limit}")
    st = prices["is_st"].fillna(False).astype(bool) if "is_st" in prices else \
        pd.Series(False, index=prices.index)
    band = np.array([price_limit(c, d, s, main=limit, st_main=st_limit)
                     for c, d, s in zip(prices["code"], prices["date"], st, strict=True)], float)
    # At the limit: at the exchange's limit price (preclose x (1 ± band) rounded half-up to the
    # tick, as AShareRules.limits), or at the unrounded one (the synthetic market's prices),
    # whichever is nearer the previous close; never the tick before it.
    pre = prices["preclose"].to_numpy(float)
    up, down = pre * (1 + band), pre * (1 - band)
    with np.errstate(invalid="ignore"):
        up = np.fmin(up, round_fen(up)) - 1e-9
        down = np.fmax(down, round_fen(down)) + 1e-9
    out["pct_change"] = prices["close"] / prices["preclose"] - 1
    out["limit_up"] = prices["close"].to_numpy(float) >= up
    out["limit_down"] = prices["close"].to_numpy(float) <= down
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


def _read_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else GBK/GB18030 (Chinese Excel exports)."""
    if path.is_dir():
        raise _fail(path, "is a folder, not a CSV file", "pass one file, or read a folder's files "
                    "one by one: [read_price_csv(f) for f in sorted(Path(folder).glob('*.csv'))]")
    if not path.exists():
        raise _fail(path, "the file does not exist", "check the path (relative paths start in "
                    f"the folder the notebook runs in: {Path.cwd()})")
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise _fail(path, "is not a text file in UTF-8 or GBK (Excel .xlsx, or another encoding?)",
                "save it as CSV (UTF-8) from the spreadsheet, or re-encode it to UTF-8")


_SLASHED = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"


def _slashed_dates(text: pd.Series, path, lines) -> pd.Series | None:
    """Dates written nn/nn/yyyy: day-first or month-first decided from the data, never guessed."""
    parts = text.str.extract(_SLASHED)
    if parts.isna().any(axis=None):
        return None
    a, b = parts[0].astype(int), parts[1].astype(int)
    if (a > 12).any() and (b > 12).any():
        raise _fail(path, f"the dates mix day-first and month-first (line {lines[int(np.argmax(a > 12))]}"
                    f": {text.iloc[int(np.argmax(a > 12))]!r}, line "
                    f"{lines[int(np.argmax(b > 12))]}: {text.iloc[int(np.argmax(b > 12))]!r})",
                    "write every date as YYYY-MM-DD")
    if (a == b).all() or (a > 12).any():
        day, month, how = a, b, "day-first (DD/MM/YYYY)"
        proof = int(np.argmax(a > 12))
    elif (b > 12).any():
        day, month, how = b, a, "month-first (MM/DD/YYYY)"
        proof = int(np.argmax(b > 12))
    else:
        raise _fail(path, f"dates like {text.iloc[0]!r} could be day-first or month-first and no "
                    "day above 12 tells which", "write the dates as YYYY-MM-DD (ISO 8601) in the "
                    "export, or convert them with pd.to_datetime(..., dayfirst=True) yourself")
    if not (a == b).all():
        warnings.warn(f"{path}: read the dates as {how}, because line {lines[proof]} has "
                      f"{text.iloc[proof]!r}", stacklevel=3)
    iso = parts[2] + "-" + month.astype(str).str.zfill(2) + "-" + day.astype(str).str.zfill(2)
    return pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")


# A daily export written with timestamps: every row at midnight, optionally with a UTC offset
# ("2017-01-03 00:00:00", "2017-01-03T00:00:00+08:00"). The date part is then the exchange day.
_MIDNIGHT = r"^(\d{4}-\d{1,2}-\d{1,2})[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"


def _drop_midnight(text: pd.Series) -> pd.Series:
    """Dates written as midnight timestamps become plain dates; anything else is left as it is."""
    parts = text.str.extract(_MIDNIGHT)[0]
    return parts if len(text) and parts.notna().all() else text


def _parse_dates(frame: pd.DataFrame, spec: dict, layout: str, path, lines) -> pd.Series:
    """The date column as datetimes, refusing intraday bars, weekends and unreadable dates."""
    text = _drop_midnight(frame["date"].astype(str).str.strip())
    if "time" in frame.columns or text.str.contains(r"\d{1,2}:\d{2}").any():
        raise _fail(path, "the rows are intraday bars (the dates carry times of day, or there is "
                    "a time column), but the course works on daily bars",
                    "export daily bars (baostock frequency='d'), or resample: one row per day "
                    "with the first open, max high, min low, last close and summed volume")
    dates = _slashed_dates(text, path, lines) if not spec["fmt"] else None
    short = text.str.match(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$").to_numpy()
    if short.any():
        i = int(np.argmax(short))
        raise _fail(path, f"line {lines[i]}: the date {text.iloc[i]!r} has a two-digit year, so "
                    "day, month and year cannot be told apart", "write the dates as YYYY-MM-DD")
    if dates is None:  # year first (2017-01-03, 2017/1/3, 20170103): unambiguous
        dates = pd.to_datetime(text, format=spec["fmt"], errors="coerce") if spec["fmt"] \
            else pd.to_datetime(text, errors="coerce", format="mixed", dayfirst=False)
    bad = dates.isna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise _fail(path, f"line {lines[i]}: cannot read the date {frame['date'].iloc[i]!r} "
                    f"({int(bad.sum())} bad date(s) in all)",
                    "write dates as YYYY-MM-DD" + (" (tushare: YYYYMMDD)" if layout == "tushare" else ""))
    weekend = (dates.dt.day_of_week >= 5).to_numpy()
    if weekend.any():
        i = int(np.argmax(weekend))
        raise _fail(path, f"line {lines[i]}: {dates.iloc[i].date()} is a {dates.iloc[i].day_name()}"
                    f" ({int(weekend.sum())} weekend date(s) in all); A-share markets never trade "
                    "on weekends", "check the date column (shifted by a time zone? day and month "
                    "swapped?) and export the trading days only")
    _warn_holidays(dates, path)
    return dates


def _warn_holidays(dates: pd.Series, path) -> None:
    """Flag weekdays that were exchange holidays. No trading-calendar package is installed, so
    the calendar is the shipped CSI 300 file's (2014-01-02 .. 2018-12-28); outside it, no check."""
    calendar = pd.DatetimeIndex(_read_shipped(INDEX_CODE)["date"])
    inside = dates[(dates >= calendar[0]) & (dates <= calendar[-1])]
    off = inside[~inside.isin(calendar)]
    if len(off):
        warnings.warn(f"{path}: {len(off)} date(s) are not A-share trading days (exchange "
                      f"holidays), e.g. {[str(d.date()) for d in off.iloc[:3]]}; check the export",
                      stacklevel=3)


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

    Volumes become shares and amounts CNY; a volume that is really in lots (amount / (volume x
    close) near 100) is refused. Files without an adjustment factor but with the exchange's
    preclose get the factor derived from it (with a warning naming the ex-rights days). Files with
    neither get adj_factor = 1.0, so adj_* equal the raw prices; such a file is refused when a
    close-to-close move is wider than the board's price limit allows (±10% main board, ±20%
    ChiNext/STAR, ±30% Beijing, ±30% for a code of unknown board; one tick of rounding allowed;
    the first five rows are exempt, as new listings trade without a limit for up to five days, and
    so are days before the limits began on 1996-12-16): only an ex-rights day (bonus shares,
    a split) explains such a move, and read as a return it would be a crash that never happened.
    The message names the days and the fix (export preclose or adj_factor too, or use the shipped
    data; a column adj_factor of 1.0 says the moves are real).

    Dates: ISO (YYYY-MM-DD), YYYYMMDD, YYYY/M/D; DD/MM/YYYY and MM/DD/YYYY are told apart by a day
    above 12 (with a warning saying which) and refused when nothing tells them apart; two-digit
    years, weekends and intraday bars are refused (a daily export that writes every date as a
    midnight timestamp, with or without a UTC offset, is read as its dates); weekdays that were exchange holidays in
    2014-2018 (the shipped calendar; no calendar package is installed) are flagged. Codes are
    normalised (``sz300750`` -> ``300750.SZ``). Text in UTF-8 or GBK (Chinese Excel) is read.

    Every problem raises `PriceDataError` naming the file, the problem (with the offending line,
    counting the header as line 1) and the fix: an empty file, missing columns, unparsable or
    repeated dates, missing or non-positive prices, high below low, rows out of date order. Nothing
    is dropped or repaired silently and the file is never modified. Rows out of order are refused
    unless ``sort=True`` (tushare exports newest first: pass sort=True for them).
    baostock rows with tradestatus 0 and rows of any layout with volume 0 (suspended days) are
    removed with a warning, because in the course a suspended day has no row. open or close
    outside the day's low..high is refused. baostock's isST column is kept as ``is_st``.

    Parameters
    ----------
    path : the CSV file (UTF-8, with or without a BOM, or GBK).
    code : the security's code; by default the file's code column, else the file name's stem.
    sort : sort rows by date instead of refusing a file out of order.
    """
    path = Path(path)
    raw, layout = _read_table(path)
    spec = _LAYOUTS[layout]
    frame = raw.rename(columns=spec["rename"])
    missing = [c for c in ["open", "high", "low", "close", "volume"] if c not in frame.columns]
    if missing:
        raise _fail(path, f"missing column(s) {missing} (read as the {layout} layout; the file has "
                    f"{list(raw.columns)})", "add them; the plain layout is "
                    "date,open,high,low,close,volume with volume in shares")
    lines = np.arange(len(frame)) + 2  # line numbers in the file: the header is line 1
    dates = _parse_dates(frame, spec, layout, path, lines)
    _check_repeated_dates(dates, path, lines)
    code = _code_of(frame, code, path)
    out = _prices(frame, dates, code, path, lines)
    _check_order(out, dates, path, lines, sort)
    out = _add_amount(out, frame, spec, dates, path, lines)
    _check_volume_unit(out, layout, path)
    out, frame = _drop_suspended(out, frame, layout, path)
    # out and frame share the file's row numbers as index: sort once, then align frame to it.
    out = out.sort_values("date", kind="stable")
    frame = frame.loc[out.index].reset_index(drop=True)
    out = out.reset_index(drop=True)
    _add_adjustment(out, frame, path)
    result = _finish(out)
    _add_is_st(result, frame, path)
    return result


def _read_table(path: Path, rows: bool = True) -> tuple[pd.DataFrame, str]:
    """The file as a table of text (lower-case column names) and its layout; empty files refused,
    and (``rows``) files with a header only."""
    text = _read_text(path)
    if not text.strip():
        raise _fail(path, "the file is empty", "export the prices again; the file needs a header "
                    "line and one row per trading day")
    raw = pd.read_csv(io.StringIO(text), dtype=str, skipinitialspace=True)
    raw.columns = _header_names(raw.columns)
    layout = _detect_layout(list(raw.columns))
    if rows and raw.empty:
        raise _fail(path, "the file has a header but no rows", "export a date range with trading days")
    if layout == "unknown":
        raise _fail(path, f"no date column among {list(raw.columns)}",
                    "name the columns date,open,high,low,close,volume (or use a tushare, akshare "
                    "or baostock export unchanged)")
    return raw, layout


def _header_names(columns) -> list[str]:
    """Header names as matched: stripped, without case ("Date,Open,..." works; Chinese unaffected)."""
    return [str(c).strip().lower() for c in columns]


def _check_repeated_dates(dates: pd.Series, path, lines) -> None:
    dup = dates.duplicated(keep="first").to_numpy()
    if dup.any():
        i = int(np.argmax(dup))
        first = int(np.argmax((dates == dates.iloc[i]).to_numpy()))
        raise _fail(path, f"line {lines[i]}: the date {dates.iloc[i].date()} repeats line "
                    f"{lines[first]}", "keep one row per trading day (one stock per file)")


def _code_of(frame: pd.DataFrame, code, path: Path) -> str:
    """The file's one code (argument, code column or file name), normalised."""
    if "code" in frame.columns and frame["code"].nunique() > 1:
        raise _fail(path, f"the file holds several codes {sorted(frame['code'].unique())[:5]}",
                    "split it into one file per stock")
    if code is None:
        code = str(frame["code"].iloc[0]) if "code" in frame.columns else path.stem
    return normalize_code(code)  # sh.600000, sz300750, 300750.sz -> 600000.SH, 300750.SZ


def _prices(frame: pd.DataFrame, dates: pd.Series, code: str, path, lines) -> pd.DataFrame:
    """date, code, open..close and volume as numbers; missing, non-positive or impossible refused."""
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
    _check_ranges(out, dates, path, lines)
    return out


def _check_ranges(out: pd.DataFrame, dates: pd.Series, path, lines) -> None:
    """high >= low, open and close inside low..high, volume >= 0."""
    bad = (out["high"] < out["low"]).to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise _fail(path, f"line {lines[i]} ({dates.iloc[i].date()}): high {out['high'].iloc[i]} is "
                    f"below low {out['low'].iloc[i]}", "check the columns are not swapped or shifted")
    for col in ("close", "open"):
        bad = ((out[col] > out["high"] + 1e-9) | (out[col] < out["low"] - 1e-9)).to_numpy()
        if bad.any():
            i = int(np.argmax(bad))
            raise _fail(path, f"line {lines[i]} ({dates.iloc[i].date()}): {col} {out[col].iloc[i]} "
                        f"is outside the day's range low {out['low'].iloc[i]} .. high "
                        f"{out['high'].iloc[i]}", "check the columns are not swapped or shifted "
                        "(the order is date,open,high,low,close,volume)")
    if (out["volume"] < 0).any():
        i = int(np.argmax((out["volume"] < 0).to_numpy()))
        raise _fail(path, f"line {lines[i]} ({dates.iloc[i].date()}): negative volume",
                    "volumes are counts of shares, >= 0")


def _check_order(out: pd.DataFrame, dates: pd.Series, path, lines, sort: bool) -> None:
    """Rows out of date order are refused unless sort=True. Checked after the values so that the
    message points at a real ordering problem."""
    order_bad = (np.diff(out["date"].to_numpy()) < np.timedelta64(0)).nonzero()[0]
    if len(order_bad) and not sort:
        i = int(order_bad[0]) + 1
        newest_first = bool((np.diff(out["date"].to_numpy()) < np.timedelta64(0)).all())
        raise _fail(path, f"line {lines[i]} ({dates.iloc[i].date()}) comes after line {lines[i - 1]} "
                    f"({dates.iloc[i - 1].date()}): rows are not in date order"
                    + (" (newest first, as tushare exports)" if newest_first else ""),
                    "pass sort=True to read_price_csv to sort the rows by date (the file is not "
                    "changed), or sort the file oldest first")


def _add_amount(out: pd.DataFrame, frame: pd.DataFrame, spec: dict, dates, path, lines) -> pd.DataFrame:
    """Volume in shares and amount in CNY (NaN when the file has none)."""
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
    return out


def _drop_suspended(out: pd.DataFrame, frame: pd.DataFrame, layout: str, path):
    """Remove suspended days (baostock tradestatus 0, volume 0) with a warning; flag adjusted
    baostock prices."""
    if layout == "baostock" and "tradestatus" in frame.columns:
        halted = (pd.to_numeric(frame["tradestatus"], errors="coerce") == 0).to_numpy()
        if halted.any():
            warnings.warn(f"{path}: removed {int(halted.sum())} baostock row(s) with tradestatus 0 "
                          "(suspended days); in the course a suspended day has no row.", stacklevel=3)
            out, frame = out[~halted], frame[~halted]
    idle = (out["volume"] == 0).to_numpy()  # a day without a single trade is a suspension
    if idle.any():
        warnings.warn(f"{path}: removed {int(idle.sum())} row(s) with volume 0 (suspended days, "
                      f"e.g. {out['date'][idle].iloc[0].date()}); in the course a suspended day "
                      "has no row, so nothing trades on it.", stacklevel=3)
        out, frame = out[~idle], frame[~idle]
    if layout == "baostock" and "adjustflag" in frame.columns and \
            (frame["adjustflag"].astype(str).str.strip() != "3").any():
        warnings.warn(f"{path}: baostock adjustflag is not 3, so the prices are already adjusted "
                      "(1 = back, 2 = forward); open..close then hold adjusted, not raw, prices and "
                      "price-limit checks are approximate. Export with adjustflag='3' for raw prices.",
                      stacklevel=3)
    return out, frame


def _add_adjustment(out: pd.DataFrame, frame: pd.DataFrame, path) -> None:
    """preclose and adj_factor: from the file, derived from preclose, or 1.0 when the file has
    neither (then a move no price limit allows is refused: see `_check_unexplained_gaps`)."""
    if "preclose" in frame.columns:
        out["preclose"] = pd.to_numeric(frame["preclose"], errors="coerce").to_numpy(dtype="float64")
        if (out["preclose"] <= 0).any():
            i = int(np.argmax((out["preclose"] <= 0).to_numpy()))
            raise _fail(path, f"{out['date'].iloc[i].date()}: preclose {out['preclose'].iloc[i]} is "
                        "not positive", "leave the cell empty if unknown, or fix the value")
    else:  # without the exchange's preclose, yesterday's close is the best we know
        out["preclose"] = out["close"].shift(1)
    if "adj_factor" not in frame.columns and "preclose" in frame.columns:
        out["adj_factor"] = _factor_from_preclose(out, path)
    elif "adj_factor" in frame.columns:
        out["adj_factor"] = pd.to_numeric(frame["adj_factor"], errors="coerce").to_numpy(dtype="float64")
        if out["adj_factor"].isna().any() or (out["adj_factor"] <= 0).any():
            i = int(np.argmax((out["adj_factor"].isna() | (out["adj_factor"] <= 0)).to_numpy()))
            raise _fail(path, f"{out['date'].iloc[i].date()}: adj_factor is missing or not positive",
                        "export the adjustment factor for every day, or drop the column")
    else:
        _check_unexplained_gaps(out, path)
        out["adj_factor"] = 1.0


def _add_is_st(result: pd.DataFrame, frame: pd.DataFrame, path) -> None:
    if "isst" in frame.columns:  # baostock: 1 = under special treatment that day (±5% band)
        result["is_st"] = (pd.to_numeric(frame["isst"], errors="coerce") == 1).to_numpy()
        if result["is_st"].any():
            warnings.warn(f"{path}: {int(result['is_st'].sum())} row(s) are ST (isST = 1): the "
                          "column is_st keeps them, and limit_moves and run_backtest apply the "
                          "±5% band on those days.", stacklevel=3)


# The widest daily band a board has had (ChiNext was ±10% before 2020-08-24: ±20% never flags a
# real move there). A code of unknown board gets the widest A-share band.
_PRICE_LIMITS_SINCE = pd.Timestamp("1996-12-16")
_LISTING_ROWS = 5  # new listings may trade without a limit for their first five days


def _widest_band(code: str) -> float:
    digits = board_digits(code)
    if not digits or digits[0] in "48" or digits.startswith("92"):
        return 0.30  # Beijing Stock Exchange, or a board we cannot tell
    if digits.startswith(("300", "301", "688", "689")):
        return 0.20  # ChiNext, STAR
    return 0.10


def _check_unexplained_gaps(out: pd.DataFrame, path) -> None:
    """Refuse close-to-close moves wider than any price limit in a file without preclose or
    adj_factor: only an ex-rights day (bonus shares, a split) explains them, and read as returns
    they would be crashes (10-for-10 bonus: -50%) that never happened."""
    band = _widest_band(str(out["code"].iloc[0]))
    prev = out["close"].shift(1)
    move = out["close"] / prev - 1
    beyond = (move.abs() > band + 0.01 / prev + 1e-9)  # one 0.01 CNY tick of limit rounding
    beyond &= (out["date"] >= _PRICE_LIMITS_SINCE) & (np.arange(len(out)) >= _LISTING_ROWS)
    if not beyond.any():
        return
    days = [f"{d.date()} ({m:+.1%})" for d, m in zip(out["date"][beyond], move[beyond], strict=True)]
    raise _fail(path, f"{len(days)} close-to-close move(s) beyond the ±{band:.0%} price limit: "
                f"{', '.join(days[:5])}{' ...' if len(days) > 5 else ''}. The file has no preclose "
                "or adj_factor column, and only an ex-rights day (bonus shares, a split) explains "
                "such a move: read as a return it is a crash or jump that never happened",
                "export the exchange's previous close (preclose; tushare pre_close) or the "
                "adjustment factor (adj_factor) with the prices, or use the shipped data "
                "(companion.market.load_prices). If the moves are real (no limit applied), add a "
                "column adj_factor filled with 1.0 to say so")


def _check_volume_unit(out: pd.DataFrame, layout: str, path) -> None:
    """Volume must be in shares: amount / (volume x close) is then about 1, about 100 for lots."""
    ok = (out["volume"] > 0) & out["amount"].notna() & (out["amount"] > 0)
    if ok.sum() == 0:
        return
    ratio = float((out["amount"][ok] / (out["volume"][ok] * out["close"][ok])).median())
    if 30 < ratio < 300:
        raise _fail(path, f"volume looks like lots (手) of 100 shares, not shares: amount / (volume x "
                    f"close) is about {ratio:.0f}, where shares give about 1 (read as the {layout} "
                    "layout)", "multiply the volume column by 100 (x 100 -> shares), or export "
                    "volume in shares")


def _factor_from_preclose(out: pd.DataFrame, path) -> np.ndarray:
    """The back-adjustment factor implied by the exchange's preclose (f *= last close / preclose
    on each ex-rights day), so that a bonus issue is not read as a crash."""
    prev = out["close"].shift(1)
    step = (prev / out["preclose"]).where((prev - out["preclose"]).abs() >= 0.005 - 1e-9, 1.0)
    step = step.fillna(1.0)
    days = out["date"][step != 1.0]
    if len(days):
        warnings.warn(f"{path}: no adjustment factor in the file, but preclose shows "
                      f"{len(days)} ex-rights day(s) (e.g. {[str(d.date()) for d in days.iloc[:3]]}); "
                      "the adjustment factor (adj_factor) was derived from preclose, so adj_* "
                      "prices and returns are right across them.", stacklevel=4)
    return step.cumprod().to_numpy(dtype="float64")


def units_note(path: str | Path) -> str:
    """Which layout `read_price_csv` sees in a file, and the unit conversions it applies.

    The layout is detected exactly as `read_price_csv` detects it (same header rules, same
    encodings); a file it cannot read raises the same `PriceDataError`.
    """
    path = Path(path)
    _raw, layout = _read_table(path, rows=False)
    return _UNITS_NOTE[layout]


# The synthetic market lives in its own module; it is part of this module's public face.
from companion.simulate import SyntheticMarket, simulate_market, trading_calendar  # noqa: E402

__all__ = ["STORY_CODES", "INDEX_CODE", "XIONGAN_CODES", "PRICE_COLUMNS",
           "UNIVERSE", "PriceDataError", "load_prices", "read_price_csv", "limit_moves",
           "units_note", "SyntheticMarket", "simulate_market", "trading_calendar"]
