"""A cash account that only accepts orders the A-share market would accept.

Every order is checked against `AShareRules` *before* anything changes. An invalid order raises
`OrderRejected` with a message that says what is wrong and how to fix it, and leaves the account
exactly as it was; a valid one moves cash, shares and fees together. So the account never creates
or loses money: at every moment

    cash + holdings at cost + fees paid + dividend tax paid == initial cash + realised profit + income

where "holdings at cost" are the shares held valued at the prices paid for them, "realised profit"
is sell value minus the cost of the shares sold, and "income" is cash from dividends, credited in
full on the ex-day. The dividend tax on them depends on how long the shares were held, so, as
brokers do, it is withheld when they are sold (`companion.rules.dividend_tax_rate`).

Orders are accepted on trading days only: the days of ``calendar`` when one is given (a backtest
passes its price rows' dates), else the exchange's days (`companion.simulate.trading_calendar`:
the real ones in 2014-2018, weekdays outside).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from companion.checks import check_real, warn_renamed
from companion.rules import AShareRules, round_fen


class OrderRejected(ValueError):
    """The exchange or the broker would refuse this order; ``reason`` is a short key."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class Account:
    """Cash plus positions, each position kept as the tranches bought on each day (for T+1)."""

    def __init__(self, cash: float, rules: AShareRules | None = None,
                 calendar: pd.DatetimeIndex | None = None):
        """``calendar``: the trading days, on which orders are accepted and T+n is counted
        (default: the exchange's, see the module docstring)."""
        cash = check_real(cash, "cash", low=0, fix="It is the starting amount in CNY.")
        self.rules = rules or AShareRules()
        self.calendar = pd.DatetimeIndex(calendar) if calendar is not None else None
        self.initial_cash = float(cash)
        self.cash = float(cash)
        # code -> [[date, shares, price, dividends], ...] oldest first; dividends: [[ex-day, CNY],
        # ...] received on the tranche and not yet taxed
        self.tranches: dict[str, list[list]] = {}
        self.fees_paid = 0.0
        self.dividend_tax_paid = 0.0
        self.realized_pnl = 0.0
        self.income = 0.0
        self.fills: list[dict] = []
        self.last_date: pd.Timestamp | None = None

    @property
    def realised_pnl(self) -> float:
        """Deprecated spelling of ``realized_pnl``."""
        warn_renamed("Account.realised_pnl", "Account.realized_pnl")
        return self.realized_pnl

    @realised_pnl.setter
    def realised_pnl(self, value: float) -> None:
        warn_renamed("Account.realised_pnl", "Account.realized_pnl")
        self.realized_pnl = value

    # --- what the account holds --------------------------------------------------------------
    def shares(self, code: str) -> int:
        return sum(t[1] for t in self.tranches.get(code, []))

    def sellable(self, code: str, date) -> int:
        """Shares of ``code`` that may be sold on ``date``: with T+n, those bought at least
        ``settlement_days`` trading days before it."""
        day, n = pd.Timestamp(date), self.rules.settlement_days
        if n == 0:
            return self.shares(code)
        return sum(t[1] for t in self.tranches.get(code, []) if self._trading_days(t[0], day) >= n)

    def _trading_days(self, start: pd.Timestamp, end: pd.Timestamp) -> int:
        """Trading days d with start < d <= end, in the account's calendar."""
        if end <= start:
            return 0
        calendar = self._calendar(start, end)
        return int(calendar.searchsorted(end, "right") - calendar.searchsorted(start, "right"))

    def _calendar(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
        if self.calendar is not None:
            return self.calendar
        # the one exchange calendar of the package (imported here: it reads a data file)
        from companion.simulate import trading_calendar
        return trading_calendar(start, end)

    def is_trading_day(self, date) -> bool:
        """Whether the account accepts orders on ``date`` (see the module docstring)."""
        day = pd.Timestamp(date)
        return day in self._calendar(day, day)

    def cost_basis(self, code: str | None = None) -> float:
        """Holdings valued at the prices paid (fees excluded), for one code or all."""
        codes = [code] if code is not None else list(self.tranches)
        return sum(t[1] * t[2] for c in codes for t in self.tranches.get(c, []))

    def value(self, prices: dict[str, float]) -> float:
        """Cash plus holdings marked at ``prices`` (code -> price)."""
        missing = [c for c in self.tranches if self.shares(c) and c not in prices]
        if missing:
            raise ValueError(f"no price for held codes {missing}; pass the last known price")
        return self.cash + sum(self.shares(c) * prices[c] for c in self.tranches if self.shares(c))

    def conservation_error(self) -> float:
        """How far the bookkeeping identity in the module docstring is from holding (0 = exact)."""
        left = self.cash + self.cost_basis() + self.fees_paid + self.dividend_tax_paid
        right = self.initial_cash + self.realized_pnl + self.income
        return left - right

    # --- checking an order -------------------------------------------------------------------
    def check(self, side: str, code: str, shares: int, price: float, date, preclose: float) -> None:
        """Raise `OrderRejected` if the order is invalid; change nothing either way."""
        rules, day = self.rules, pd.Timestamp(date)
        if side not in ("buy", "sell"):
            raise OrderRejected("side", f"side must be 'buy' or 'sell', got {side!r}")
        if not all(isinstance(v, int | float | np.number) and math.isfinite(v)
                   for v in (price, preclose)):
            raise OrderRejected("price", f"price and preclose must be finite numbers, got price="
                                f"{price!r}, preclose={preclose!r}; a NaN price means no trade "
                                "that day (suspended or missing data)")
        if int(shares) != shares or shares <= 0:
            raise OrderRejected("shares", f"shares must be a positive whole number, got {shares!r}")
        if self.last_date is not None and day < self.last_date:
            raise OrderRejected(
                "date", f"orders must come in date order: {day.date()} is before the last "
                        f"order on {self.last_date.date()}")
        if not self.is_trading_day(day):
            where = "in the account's calendar" if self.calendar is not None else \
                "(a weekend or an exchange holiday)"
            raise OrderRejected(
                "calendar", f"date must be a trading day, got {day.date()}, which is not one "
                            f"{where}. Place the order on the next trading day.")
        if price <= 0 or abs(price / rules.tick - round(price / rules.tick)) > 1e-6:
            raise OrderRejected(
                "tick", f"price {price!r} is not a positive multiple of the {rules.tick} CNY tick")
        low, high = rules.limits(code, day, preclose)
        if not low - 1e-9 <= price <= high + 1e-9:
            raise OrderRejected(
                "limit", f"price {price:.2f} is beyond the day's limit for {code}: the previous "
                         f"close {preclose:.2f} allows {low:.2f}–{high:.2f} "
                         f"(±{rules.limit_pct(code, day):.0%}); orders outside it are refused")
        lot = rules.lot_size
        if side == "buy":
            if shares % lot:
                fewer = (shares // lot) * lot
                raise OrderRejected(
                    "odd_lot", f"odd lot: buys must be whole lots of {lot} shares, {shares} is not; "
                               f"buy {fewer or lot} or {fewer + lot} shares instead")
            value = shares * price
            need = value + rules.costs("buy", value, day)["total"]
            if need > self.cash + 1e-9:
                raise OrderRejected(
                    "cash", f"not enough cash: {shares} shares at {price:.2f} need {need:.2f} CNY "
                            f"with fees, the account holds {self.cash:.2f} CNY; buy at most "
                            f"{rules.max_buy_shares(self.cash, price, day)} shares")
            return
        held = self.shares(code)
        if shares > held:
            raise OrderRejected(
                "shares_held", f"not enough shares: selling {shares} {code} but the account "
                               f"holds {held}")
        free = self.sellable(code, day)
        if shares > free:
            raise OrderRejected(
                "t_plus_1", f"T+{rules.settlement_days}: {held - free} of the {held} shares of "
                            f"{code} were bought less than {rules.settlement_days} trading "
                            f"day(s) before {day.date()} and cannot be sold yet; sell at most "
                            f"{free} today")
        # Odd lots may only be sold all at once: the sale must leave whole lots behind.
        if shares % lot and (free - shares) % lot:
            raise OrderRejected(
                "odd_lot", f"odd lot: sells must be whole lots of {lot} shares, or include the "
                           f"whole odd remainder ({free % lot} shares) at once; {shares} does not")

    # --- filling -----------------------------------------------------------------------------
    def buy(self, code: str, shares: int, price: float, date, preclose: float) -> dict:
        """Buy ``shares`` of ``code`` at ``price`` on ``date``; returns the fill record."""
        self.check("buy", code, shares, price, date, preclose)
        day, value = pd.Timestamp(date), shares * price
        fees = self.rules.costs("buy", value, day)
        self.cash -= value + fees["total"]
        self.tranches.setdefault(code, []).append([day, int(shares), float(price), []])
        self.fees_paid += fees["total"]
        self.last_date = day
        return self._record(day, code, "buy", shares, price, value, fees, 0.0)

    def sell(self, code: str, shares: int, price: float, date, preclose: float) -> dict:
        """Sell ``shares`` of ``code`` (oldest tranches first); returns the fill record."""
        self.check("sell", code, shares, price, date, preclose)
        day, value = pd.Timestamp(date), shares * price
        fees = self.rules.costs("sell", value, day)
        cost, taxed = self._take_fifo(code, int(shares), day)
        tax = round_fen(taxed)
        self.cash += value - fees["total"] - tax
        self.fees_paid += fees["total"]
        self.dividend_tax_paid += tax
        self.realized_pnl += value - cost
        self.last_date = day
        return self._record(day, code, "sell", shares, price, value, fees, value - cost, tax)

    def _take_fifo(self, code: str, shares: int, day: pd.Timestamp) -> tuple[float, float]:
        """Remove ``shares`` of ``code``, oldest tranches first; returns (their cost, the tax on
        the dividends they received, at the rate for their holding period)."""
        left, cost, tax = shares, 0.0, 0.0
        for tranche in self.tranches[code]:  # only earlier-day tranches are ever reached (T+n)
            take = min(left, tranche[1])
            share = take / tranche[1] if tranche[1] else 0.0
            for entry in tranche[3]:  # the sold shares' part of each untaxed dividend
                part = entry[1] * share
                tax += part * self.rules.dividend_tax(entry[0], tranche[0], day)
                entry[1] -= part
            cost += take * tranche[2]
            tranche[1] -= take
            left -= take
            if left == 0:
                break
        self.tranches[code] = [t for t in self.tranches[code] if t[1] > 0]
        if not self.tranches[code]:
            del self.tranches[code]
        return cost, tax

    def corporate_action(self, code: str, date, bonus_per_share: float = 0.0,
                         cash_per_share: float = 0.0, preclose: float | None = None) -> dict:
        """Apply an ex-rights/ex-dividend day to the shares of ``code`` held (see
        `companion.corporate_actions`): ``bonus_per_share`` new shares and ``cash_per_share`` CNY
        for every share. Bonus shares join the tranche they were issued on (same buy date for T+n),
        at a lower cost per share, so the cost basis is unchanged. A fraction of a share is paid
        out in cash at ``preclose`` (cash in lieu). The cash dividend is credited in full; its
        tax is withheld when the shares are sold. Returns {"shares": new shares, "cash": CNY}.
        """
        bonus_per_share = check_real(bonus_per_share, "bonus_per_share", low=-1, low_open=True)
        cash_per_share = check_real(cash_per_share, "cash_per_share", low=0)
        added, cash, day = 0, self.shares(code) * cash_per_share, pd.Timestamp(date)
        for tranche in self.tranches.get(code, []):
            if cash_per_share:
                tranche[3].append([day, tranche[1] * cash_per_share])
            new = tranche[1] * (1 + bonus_per_share)
            whole = int(math.floor(new + 1e-6))
            if new - whole > 1e-6 and preclose is not None:
                cash += (new - whole) * preclose
            added += whole - tranche[1]
            tranche[2] = tranche[2] * tranche[1] / whole if whole else 0.0
            tranche[1] = whole
        if code in self.tranches:
            self.tranches[code] = [t for t in self.tranches[code] if t[1] > 0]
        self.cash += cash
        self.income += cash
        return {"shares": added, "cash": cash}

    def dividend(self, code: str, cash_per_share: float, date) -> float:
        """Credit a cash dividend on the shares held; returns it. Bonus shares are not cash: use
        `corporate_action`, which gives shares for them."""
        return self.corporate_action(code, date, 0.0, cash_per_share)["cash"]

    def _record(self, day, code, side, shares, price, value, fees, gross_pnl, tax=0.0) -> dict:
        fill = {"date": day, "code": code, "side": side, "shares": int(shares),
                "price": float(price), "value": value, "commission": fees["commission"],
                "stamp_duty": fees["stamp_duty"], "transfer_fee": fees["transfer_fee"],
                "fees": fees["total"], "dividend_tax": tax, "gross_pnl": gross_pnl,
                "cash_after": self.cash}
        self.fills.append(fill)
        return fill
