"""The A-share trading rules of 2017, and the dates on which the relevant ones changed.

A model that predicts "up" is not yet a trade: the exchange decides how many shares you may buy,
when you may sell them, at which prices an order can fill, and how much of the profit the broker,
the tax office and the clearing house keep. This module writes those rules down, with the dates
they changed, so that a backtest of 2017 uses the 2017 rules and a backtest of 2024 the 2024 ones.

Sources: SSE/SZSE trading rules (2015 and 2018 editions) for lots, T+1 and price limits; Ministry
of Finance announcements for the stamp duty; China Securities Depository and Clearing (CSDC)
notices for the transfer fee; Caishui [2012] 85 and [2015] 101 for the dividend tax by holding
period. This module is the one home of the market's rules and constants (price bands by board and
date, tick, lot, fee and tax schedules); the rest of the package imports them. Commissions are set
by each broker; 0.025%–0.03% with a 5 CNY minimum per order was typical for online retail accounts
in 2017.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from companion.checks import check_fraction, check_int, check_real
from companion.codes import board_digits, normalize_code

# Prices are quoted in steps of one fen; buys are whole lots (一手).
TICK = 0.01
LOT_SIZE = 100

# (first day in force, rate). Stamp duty is charged on the value of SELLS only since 2008-09-19;
# it was halved on 2023-08-28. Earlier regimes (both sides, 0.3%) are not encoded: asking for a
# date before the first entry raises an error instead of silently using the wrong rule.
STAMP_DUTY_SCHEDULE: tuple[tuple[str, float], ...] = (
    ("2008-09-19", 0.001),
    ("2023-08-28", 0.0005),
)

# Transfer fee (过户费) on the value traded, both sides, both exchanges, since CSDC unified it on
# 2015-08-01 (0.02‰); halved to 0.01‰ on 2022-04-29. Before 2015-08-01 Shanghai charged 0.6‰ of
# *face value* and Shenzhen folded the fee into its exchange charges; that older regime is
# approximated by the 2015 rate (an error of well under 1 CNY on the trades of this course).
TRANSFER_FEE_SCHEDULE: tuple[tuple[str, float], ...] = (
    ("2008-09-19", 0.00002),
    ("2022-04-29", 0.00001),
)

# Daily price bands around the previous close. ChiNext (创业板, codes 300xxx/301xxx) moved to ±20%
# on 2020-08-24; the STAR market (科创板, 688xxx) opened with ±20% in 2019. The main boards (this
# course's stocks) stayed at ±10%, ±5% for ST stocks.
MAIN_BOARD_LIMIT = 0.10
ST_LIMIT = 0.05
GROWTH_BOARD_LIMIT = 0.20
CHINEXT_20PCT_FROM = "2020-08-24"

# Dividend tax on individuals (差别化红利税), withheld when the shares are sold: (first day in
# force, ((held at most this long, rate), ..., (None, rate for longer))). Caishui [2005] 102 taxed
# half the dividend at 20% (10%) from 2005-06-13; Caishui [2012] 85 made it depend on the holding
# period from 2013-01-01; Caishui [2015] 101 exempts holdings of more than a year from 2015-09-08.
DIVIDEND_TAX_SCHEDULE: tuple[tuple[str, tuple[tuple[str | None, float], ...]], ...] = (
    ("2005-06-13", ((None, 0.10),)),
    ("2013-01-01", (("1M", 0.20), ("1Y", 0.10), (None, 0.05))),
    ("2015-09-08", (("1M", 0.20), ("1Y", 0.10), (None, 0.0))),
)
_PERIODS = {"1M": pd.DateOffset(months=1), "1Y": pd.DateOffset(years=1)}


def price_limit(code: str, date, st: bool = False, *, main: float = MAIN_BOARD_LIMIT,
                st_main: float = ST_LIMIT) -> float:
    """The daily price band of ``code`` on ``date`` as a fraction of the previous close.

    The one place the package decides a stock's band (`AShareRules.limit_pct` and
    `market.limit_moves` both ask here). ``code`` in any spelling (``sz300750`` too). ChiNext from
    2020-08-24 and STAR stocks: ±20%, ST or not. Main boards: ``main`` (±10%), ``st_main`` (±5%)
    for a stock under special treatment that day (``st=True``).
    """
    digits = board_digits(code)
    if digits.startswith("688") or (
        digits[:3] in ("300", "301") and pd.Timestamp(date) >= pd.Timestamp(CHINEXT_20PCT_FROM)
    ):
        return GROWTH_BOARD_LIMIT
    return st_main if st else main


def dividend_tax_rate(dividend_date, bought, sold) -> float:
    """The tax rate withheld on a cash dividend paid on ``dividend_date`` on shares ``bought`` on
    one day and ``sold`` on another.

    The holding period runs from the buy day to the day before the sale (the rule's wording): it
    is "one month or less" when ``sold <= bought + 1 month``, "one year or less" when
    ``sold <= bought + 1 year``. The regime is the one in force on the dividend's ex-day (the
    rule dates it by the record day, the trading day before; only an ex-day on 2015-09-08 itself
    could differ). Example: bought 2017-06-15, sold 2017-06-16 -> 20%.
    """
    bought, sold = pd.Timestamp(bought), pd.Timestamp(sold)
    bands = _rate_on(DIVIDEND_TAX_SCHEDULE, dividend_date, "dividend tax",
                     "dividends before then were taxed 20% in full.")
    for period, rate in bands:
        if period is None or sold <= bought + _PERIODS[period]:
            return rate
    raise AssertionError("the last band of a dividend tax regime has no limit")


def _rate_on(schedule: tuple, date, what: str,
             fix: str = "the rules of that era differ (stamp duty on both sides). Pass an explicit "
                        "rate to AShareRules."):
    day = pd.Timestamp(date)
    first = pd.Timestamp(schedule[0][0])
    if day < first:
        raise ValueError(f"{what} before {first.date()} is not encoded (asked for {day.date()}); "
                         f"{fix}")
    rate = schedule[0][1]
    for start, value in schedule:
        if day >= pd.Timestamp(start):
            rate = value
    return rate


def round_fen(amount):
    """Round a CNY amount half-up to the fen (0.01 CNY), as brokers and exchanges do; a float for
    a number, an array for an array."""
    fen = round(1 / TICK)  # 100 fen to the yuan; dividing by it keeps 24.81 exact (not x 0.01)
    out = np.floor(np.asarray(amount, dtype=float) * fen + 0.5 + 1e-9) / fen
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class AShareRules:
    """The rules an A-share order must obey, with 2017 defaults.

    Rates that changed over time (stamp duty, transfer fee) are looked up by date unless given
    explicitly here; ``commission_rate`` and ``min_commission`` are the broker's and fixed.

    Attributes
    ----------
    lot_size: buys must be whole multiples of this (一手 = 100 shares).
    price_limit, st_price_limit: the daily band around the previous close (±10%, ±5% for ST).
    commission_rate, min_commission: broker commission on each order, at least 5 CNY.
    stamp_duty_rate, transfer_fee_rate: ``None`` = the rate in force on the trade's date.
    settlement_days: 1 for T+1 (shares bought on day t can be sold on the next trading day).
    tick: prices are quoted in steps of 0.01 CNY.
    """

    lot_size: int = LOT_SIZE
    price_limit: float = MAIN_BOARD_LIMIT
    st_price_limit: float = ST_LIMIT
    commission_rate: float = 0.0003
    min_commission: float = 5.0
    stamp_duty_rate: float | None = None
    transfer_fee_rate: float | None = None
    settlement_days: int = 1
    tick: float = TICK
    st_codes: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self):
        # frozen dataclass: store the checked values as plain Python numbers
        def put(name, value):
            object.__setattr__(self, name, value)

        put("lot_size", check_int(self.lot_size, "lot_size", low=1))
        put("settlement_days", check_int(self.settlement_days, "settlement_days", low=0,
                                         fix="1 means T+1."))
        put("min_commission", check_real(self.min_commission, "min_commission", low=0,
                                         fix="It is in CNY."))
        put("tick", check_real(self.tick, "tick", low=0, low_open=True, fix="It is in CNY."))
        # Rates are fractions. The upper bounds are far above any rate in force since 1990, so a
        # value beyond them is almost surely a percentage typed as a number (0.1 for 0.1%).
        for name, upper, zero_ok in (("price_limit", 0.5, False), ("st_price_limit", 0.5, False),
                                     ("commission_rate", 0.01, True),
                                     ("stamp_duty_rate", 0.01, True),
                                     ("transfer_fee_rate", 0.001, True)):
            if getattr(self, name) is not None:
                put(name, check_fraction(getattr(self, name), name, upper=upper, zero_ok=zero_ok))

    # --- rates by date -------------------------------------------------------------------------
    def stamp_duty(self, date) -> float:
        """Stamp duty rate on sells on ``date`` (0.1% in 2017, 0.05% from 2023-08-28)."""
        if self.stamp_duty_rate is not None:
            return self.stamp_duty_rate
        return _rate_on(STAMP_DUTY_SCHEDULE, date, "stamp duty")

    def transfer_fee(self, date) -> float:
        """Transfer fee rate on the value traded on ``date``, both sides."""
        if self.transfer_fee_rate is not None:
            return self.transfer_fee_rate
        return _rate_on(TRANSFER_FEE_SCHEDULE, date, "transfer fee")

    def limit_pct(self, code: str, date, st: bool = False) -> float:
        """The daily price band of ``code`` on ``date`` as a fraction of the previous close
        (`price_limit`, with this object's main-board bands).

        ``code`` in any spelling (``sz300750`` too); ``st=True`` (or ``code`` in ``st_codes``) for a
        stock under special treatment that day. ChiNext/STAR ST stocks keep ±20%.
        """
        st = bool(st or code in self.st_codes or normalize_code(code) in self.st_codes)
        return price_limit(code, date, st, main=self.price_limit, st_main=self.st_price_limit)

    def limits(self, code: str, date, preclose: float, st: bool = False) -> tuple[float, float]:
        """(limit-down, limit-up) prices: the previous close ± the band, rounded to the tick."""
        pct = self.limit_pct(code, date, st)
        return round_fen(preclose * (1 - pct)), round_fen(preclose * (1 + pct))

    def dividend_tax(self, dividend_date, bought, sold) -> float:
        """The dividend tax rate withheld at the sale (`dividend_tax_rate`)."""
        return dividend_tax_rate(dividend_date, bought, sold)

    # --- costs ---------------------------------------------------------------------------------
    def costs(self, side: str, value: float, date) -> dict[str, float]:
        """Fees of one order of ``value`` CNY: commission, stamp duty (sells only), transfer fee."""
        if side not in ("buy", "sell"):
            raise ValueError(f"side must be 'buy' or 'sell', got {side!r}")
        commission = max(round_fen(value * self.commission_rate), self.min_commission)
        stamp = round_fen(value * self.stamp_duty(date)) if side == "sell" else 0.0
        transfer = round_fen(value * self.transfer_fee(date))
        return {"commission": commission, "stamp_duty": stamp, "transfer_fee": transfer,
                "total": round_fen(commission + stamp + transfer)}

    def max_buy_shares(self, cash: float, price: float, date) -> int:
        """The largest whole number of lots that ``cash`` pays for at ``price``, fees included."""
        cash = check_real(cash, "cash", low=0, fix="It is the CNY available for the buy.")
        price = check_real(price, "price", low=0, low_open=True,
                           fix="A price of 0 or less is no quote (suspended or missing data).")
        lots = int(cash // (price * self.lot_size))
        while lots > 0:
            value = lots * self.lot_size * price
            if value + self.costs("buy", value, date)["total"] <= cash + 1e-9:
                return lots * self.lot_size
            lots -= 1
        return 0
