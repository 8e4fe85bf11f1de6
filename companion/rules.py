"""The A-share trading rules of 2017, and the dates on which the relevant ones changed.

A model that predicts "up" is not yet a trade: the exchange decides how many shares you may buy,
when you may sell them, at which prices an order can fill, and how much of the profit the broker,
the tax office and the clearing house keep. This module writes those rules down, with the dates
they changed, so that a backtest of 2017 uses the 2017 rules and a backtest of 2024 the 2024 ones.

Sources: SSE/SZSE trading rules (2015 and 2018 editions) for lots, T+1 and price limits; Ministry
of Finance announcements for the stamp duty; China Securities Depository and Clearing (CSDC)
notices for the transfer fee. Commissions are set by each broker; 0.025%–0.03% with a 5 CNY
minimum per order was typical for online retail accounts in 2017.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from companion.codes import board_digits, normalise_code

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

# ChiNext (创业板, codes 300xxx) moved to ±20% on 2020-08-24; STAR market (科创板, 688xxx) opened
# with ±20% in 2019. The main boards (this course's stocks) stayed at ±10% (±5% for ST).
CHINEXT_20PCT_FROM = "2020-08-24"


def _rate_on(schedule: tuple[tuple[str, float], ...], date, what: str) -> float:
    day = pd.Timestamp(date)
    first = pd.Timestamp(schedule[0][0])
    if day < first:
        raise ValueError(
            f"{what} before {first.date()} is not encoded (asked for {day.date()}); the rules of "
            "that era differ (stamp duty on both sides). Pass an explicit rate to AShareRules."
        )
    rate = schedule[0][1]
    for start, value in schedule:
        if day >= pd.Timestamp(start):
            rate = value
    return rate


def round_fen(amount: float) -> float:
    """Round a CNY amount half-up to the fen (0.01 CNY), as brokers and exchanges do."""
    return math.floor(amount * 100 + 0.5 + 1e-9) / 100


def _check_fraction(name: str, value, upper: float, zero_ok: bool) -> None:
    """Refuse a rate outside [0, upper), saying what the value would mean as a percentage."""
    if value is None:
        return
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number (a fraction), got {value!r}")
    if (value < 0 or (value == 0 and not zero_ok)) or value >= upper:
        raise ValueError(
            f"{name} is a fraction of the price or value, not a percentage: got {value}, which "
            f"would mean {value:.4g} x 100 = {value * 100:.4g}%. If you meant {value:g}%, pass "
            f"{value / 100:g}. Allowed: {'0' if zero_ok else 'above 0'} up to {upper:g}.")


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

    lot_size: int = 100
    price_limit: float = 0.10
    st_price_limit: float = 0.05
    commission_rate: float = 0.0003
    min_commission: float = 5.0
    stamp_duty_rate: float | None = None
    transfer_fee_rate: float | None = None
    settlement_days: int = 1
    tick: float = 0.01
    st_codes: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self):
        if int(self.lot_size) != self.lot_size or self.lot_size < 1:
            raise ValueError(f"lot_size must be a whole number >= 1, got {self.lot_size}")
        if int(self.settlement_days) != self.settlement_days or self.settlement_days < 0:
            raise ValueError(f"settlement_days must be a whole number >= 0 (1 = T+1), got "
                             f"{self.settlement_days}")
        if not (math.isfinite(self.min_commission) and self.min_commission >= 0):
            raise ValueError(f"min_commission is in CNY and >= 0, got {self.min_commission}")
        if not (math.isfinite(self.tick) and self.tick > 0):
            raise ValueError(f"tick is in CNY and > 0, got {self.tick}")
        # Rates are fractions. The upper bounds are far above any rate in force since 1990, so a
        # value beyond them is almost surely a percentage typed as a number (0.1 for 0.1%).
        for name, upper, low_ok in (("price_limit", 0.5, False), ("st_price_limit", 0.5, False),
                                    ("commission_rate", 0.01, True),
                                    ("stamp_duty_rate", 0.01, True),
                                    ("transfer_fee_rate", 0.001, True)):
            _check_fraction(name, getattr(self, name), upper, low_ok)

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
        """The daily price band of ``code`` on ``date`` as a fraction of the previous close.

        ``code`` in any spelling (``sz300750`` too); ``st=True`` (or ``code`` in ``st_codes``) for a
        stock under special treatment that day. ChiNext/STAR ST stocks keep ±20%.
        """
        digits = board_digits(code)
        if digits.startswith("688") or (
            digits[:3] in ("300", "301") and pd.Timestamp(date) >= pd.Timestamp(CHINEXT_20PCT_FROM)
        ):
            return 0.20
        if st or code in self.st_codes or normalise_code(code) in self.st_codes:
            return self.st_price_limit
        return self.price_limit

    def limits(self, code: str, date, preclose: float, st: bool = False) -> tuple[float, float]:
        """(limit-down, limit-up) prices: the previous close ± the band, rounded to the tick."""
        pct = self.limit_pct(code, date, st)
        return round_fen(preclose * (1 - pct)), round_fen(preclose * (1 + pct))

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
        lots = int(cash // (price * self.lot_size))
        while lots > 0:
            value = lots * self.lot_size * price
            if value + self.costs("buy", value, date)["total"] <= cash + 1e-9:
                return lots * self.lot_size
            lots -= 1
        return 0
