"""Turn daily predictions into trades under the A-share rules, and measure what is left.

`run_backtest` walks through the trading days in order. On each day it first sells the positions
whose holding period is over, then buys the stocks whose predicted probability of "up" cleared the
policy's threshold (and, optionally, whose uncertainty is below a gate), in whole lots, paying
every fee, through an `Account` that refuses whatever the exchange would refuse. When it trades is
the policy's ``execution``:

- ``"close"`` (the default): a prediction made from day t's data is traded at day t's close. Easy
  to reason about, but optimistic: the features use that same close, which a trader learns only
  when the close is set (Shenzhen's closing auction, Shanghai's last-minute VWAP).
- ``"next_open"``: it is traded at the next trading day's open, which a trader can really do.

Either way a stock at limit-up at the trade price cannot be bought (nobody sells: at the open,
e.g. a one-price limit-up day 一字涨停), one at limit-down cannot be sold and waits for the next
day; suspended stocks (no row, or volume 0) simply wait. On an ex-rights/ex-dividend day the
holder receives the bonus shares and the cash dividend (`companion.corporate_actions`); the
dividend tax for the holding period is withheld at the sale (`companion.rules`), so a holding
earns the adjusted-price return minus its costs and taxes.

The result holds the fills, the round trips, the daily equity curve, a buy-and-hold benchmark and
a report: return, volatility, maximum drawdown, turnover, costs paid, dividend tax, number of
trades, hit rate.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from companion.account import Account, OrderRejected
from companion.checks import Described, check_int, check_real, refuse
from companion.constants import TRADING_DAYS_PER_YEAR
from companion.corporate_actions import corporate_actions
from companion.rules import AShareRules, round_fen
from companion.validation import sharpe_ratio

__all__ = ["AShareRules", "Account", "OrderRejected", "Policy", "BacktestResult", "run_backtest",
           "performance", "round_fen", "EXECUTIONS", "ROUND_TRIP_COLUMNS"]

EXECUTIONS = ("close", "next_open")
ROUND_TRIP_COLUMNS = ["code", "signal_date", "buy_date", "sell_date", "shares_bought",
                      "shares_sold", "buy_price", "sell_price", "cost", "proceeds", "fees",
                      "dividends", "dividend_tax", "net_pnl", "return", "execution"]
# More than this share of prediction days without a price row is an error, fewer a warning: a
# calendar with a few holidays passes (with a warning), an index shifted by a day does not.
MAX_DAYS_WITHOUT_PRICES = 0.10


@dataclass(frozen=True)
class Policy:
    """When to buy, for how long to hold, and at which price to trade.

    Attributes
    ----------
    threshold
        buy when P(up) >= threshold.
    max_uncertainty
        buy only when the uncertainty is <= this (None: no gate; needs an
        ``uncertainty`` frame in `run_backtest`).
    holding_days
        sell this many trading days after the buy (>= 1 because of T+1), at the same
        time of day as the buy (the close, or the open).
    max_positions
        at most this many stocks held at once; each gets 1/max_positions of the equity.
        None: one slot per stock.
    execution
        "close" = the prediction of day t is traded at day t's close; "next_open" = at the
        open of the next trading day t+1, buys and sells alike (sold at the open of the exit day,
        t+1+holding_days). A prediction on the last day of the test period has no next open
        inside it and is not traded. A buy whose stock is suspended, or opens at limit-up, on day
        t+1 is dropped (not carried to t+2); a sell waits for the next open it can fill at.
    """

    threshold: float = 0.55
    max_uncertainty: float | None = None
    holding_days: int = 1
    max_positions: int | None = None
    execution: str = "close"

    def __post_init__(self):
        check_real(self.threshold, "threshold", low=0, high=1, fix="It is a probability.")
        check_int(self.holding_days, "holding_days", low=1,
                  fix="T+1 forbids selling on the day of the buy.")
        if self.max_positions is not None:
            check_int(self.max_positions, "max_positions", low=1, fix="Or None: one per stock.")
        if self.execution not in EXECUTIONS:
            refuse("execution", f"one of {EXECUTIONS}", self.execution,
                   "'close' trades at the close of the prediction's day, 'next_open' at the next "
                   "day's open.")


@dataclass
class BacktestResult:
    fills: pd.DataFrame          # one row per executed order (column execution: "close"/"next_open")
    round_trips: pd.DataFrame    # one row per buy...sell: ROUND_TRIP_COLUMNS, net of fees and tax
    rejections: pd.DataFrame     # orders the rules refused or the market could not fill, and why
    equity: pd.Series            # CNY at each close
    benchmark: pd.Series         # equal-weight buy-and-hold of the same stocks, CNY at each close
    report: dict = field(default_factory=dict)
    execution: str = "close"     # the policy's execution

    def table(self) -> pd.DataFrame:
        """The strategy's report beside the benchmark's, one row per measure."""
        bench = performance(self.benchmark)
        rows = {k: [v, bench.get(k, np.nan)] for k, v in self.report.items()}
        return pd.DataFrame(rows, index=["strategy", "buy and hold"]).T


def performance(equity: pd.Series, periods_per_year: int = TRADING_DAYS_PER_YEAR) -> dict:
    """Return, annualised volatility, Sharpe ratio (zero risk-free rate) and maximum drawdown."""
    daily = equity.pct_change().dropna()
    years = max(len(daily), 1) / periods_per_year
    total = equity.iloc[-1] / equity.iloc[0] - 1
    vol = daily.std(ddof=1) * np.sqrt(periods_per_year) if len(daily) > 1 else np.nan
    drawdown = (equity / equity.cummax() - 1).min()
    return {"total_return": float(total),
            "annual_return": float((1 + total) ** (1 / years) - 1) if total > -1 else -1.0,
            "volatility": float(vol),
            "sharpe": sharpe_ratio(daily, periods_per_year) if len(daily) > 1 else 0.0,
            "max_drawdown": float(drawdown)}


def _exchange_dates(index) -> pd.DatetimeIndex:
    """Dates without a time zone, as the exchange's calendar days (Beijing time)."""
    index = pd.DatetimeIndex(index)
    if index.tz is not None:  # e.g. UTC midnights from a data vendor: the day in Shanghai
        index = index.tz_convert("Asia/Shanghai").tz_localize(None).normalize()
    return index


def _check_prices(prices: pd.DataFrame, policy: Policy) -> None:
    need = {"date", "code", "close", "preclose"} | ({"open"} if policy.execution == "next_open"
                                                   else set())
    if not need <= set(prices.columns):
        raise ValueError(f"prices needs columns {sorted(need)} (as from companion.market."
                         f"load_prices); missing {sorted(need - set(prices.columns))}")
    twice = prices.duplicated(["date", "code"])
    if twice.any():
        row = prices[twice].iloc[0]
        raise ValueError(f"prices has {int(twice.sum())} repeated (date, code) row(s), the first "
                         f"{row['code']} on {pd.Timestamp(row['date']).date()}; keep one row per "
                         "stock and day, e.g. prices.drop_duplicates(['date', 'code'])")


def _check_predictions(prices, probabilities, uncertainty, policy, rules) -> None:
    if not isinstance(probabilities, pd.DataFrame) or not isinstance(
            probabilities.index, pd.DatetimeIndex):
        raise ValueError("probabilities must be a DataFrame [date x code] with a DatetimeIndex")
    if probabilities.empty:
        raise ValueError(f"probabilities is empty (shape {probabilities.shape}): there is nothing "
                         "to trade; predict at least one day for one stock")
    if probabilities.index.has_duplicates:
        day = probabilities.index[probabilities.index.duplicated()][0]
        raise ValueError(f"probabilities has repeated dates (first: {day.date()}); keep one row per "
                         "day, e.g. probabilities[~probabilities.index.duplicated()]")
    unknown = set(probabilities.columns) - set(prices["code"])
    if unknown:
        raise ValueError(f"probabilities has codes with no prices: {sorted(unknown)}")
    values = probabilities.to_numpy(dtype=float)
    if np.nanmin(values) < 0 or np.nanmax(values) > 1:
        raise ValueError("probabilities must lie in [0, 1]; pass P(up), not logits")
    if policy.max_uncertainty is not None and uncertainty is None:
        raise ValueError("the policy has an uncertainty gate but no `uncertainty` frame was given")
    if uncertainty is not None and uncertainty.shape != probabilities.shape:
        raise ValueError(f"uncertainty must be shaped like probabilities {probabilities.shape}, "
                         f"got {uncertainty.shape}")
    if policy.holding_days < rules.settlement_days:
        raise ValueError(f"holding_days={policy.holding_days} is shorter than the rules' "
                         f"settlement_days={rules.settlement_days} (T+{rules.settlement_days}): "
                         f"shares could not be sold yet; use holding_days >= "
                         f"{rules.settlement_days}")


def _check_prediction_days(probabilities: pd.DataFrame, price_dates: pd.DatetimeIndex) -> None:
    """Refuse (or, for a few, warn about) prediction days that have no price row: they would be
    dropped, and an index shifted by a day would lose a fifth of the test silently."""
    missing = probabilities.index[~probabilities.index.isin(price_dates)]
    if not len(missing):
        return
    share = len(missing) / len(probabilities.index)
    first = [str(d.date()) for d in missing[:3]]
    text = (f"{len(missing)} of the {len(probabilities.index)} prediction days have no price row "
            f"(e.g. {first}) and would not be traded. A weekend or holiday among them means the "
            "index is shifted or not the exchange's calendar: index the predictions by the price "
            "table's dates; to drop those days on purpose, pass "
            "probabilities[probabilities.index.isin(prices['date'])]")
    if share > MAX_DAYS_WITHOUT_PRICES:
        refuse("probabilities", "indexed by days that have prices",
               Described(f"{share:.0%} of its days without a price row"), text)
    warnings.warn(text, UserWarning, stacklevel=4)  # the caller of run_backtest


def _market_arrays(prices: pd.DataFrame, probabilities: pd.DataFrame, codes: list[str],
                   execution: str) -> dict:
    """[date x code] arrays of the test period: the trade price (close or open), preclose,
    tradeable, ST, adjusted close, and the corporate actions.

    A missing preclose (a file without that column, an index's first day) is the stock's previous
    close; a day with volume 0 (or no trade price) is a suspension: no trade, the price only
    carries the value on.
    """
    px = prices[prices["code"].isin(codes)].sort_values(["code", "date"])
    pre = px["preclose"].fillna(px.groupby("code")["close"].shift(1))
    px = px.assign(preclose=pre)
    start, end = probabilities.index.min(), probabilities.index.max()
    inside = px[(px["date"] >= start) & (px["date"] <= end)]
    if inside.empty:
        raise ValueError(
            f"prices and probabilities have no date in common: probabilities run "
            f"{start.date()}..{end.date()}, prices {px['date'].min().date()}.."
            f"{px['date'].max().date()}; predict days that the price table covers")
    _check_prediction_days(probabilities, pd.DatetimeIndex(px["date"].unique()))

    cols = {"close": np.nan, "open": np.nan, "preclose": np.nan, "volume": 1.0, "is_st": 0.0,
            "adj_close": np.nan}
    table = inside[["date", "code"]].assign(
        **{c: (inside[c].astype(float) if c in inside else fill) for c, fill in cols.items()})
    wide = table.pivot(index="date", columns="code", values=list(cols))  # one pivot for all

    def grid(col):
        return wide[col].reindex(columns=codes).to_numpy(float)

    close = wide["close"].reindex(columns=codes)
    price = grid("open" if execution == "next_open" else "close")
    return {"dates": close.index, "close": close.to_numpy(float), "price": price,
            "preclose": grid("preclose"),
            "tradeable": np.isfinite(price) & ~(grid("volume") <= 0),
            "st": np.nan_to_num(grid("is_st")) > 0,
            "adj": wide["adj_close"].reindex(columns=codes) if "adj_close" in inside else close,
            "actions": {(a.date, a.code): a for a in corporate_actions(px).itertuples()}}


def _signals(probabilities, uncertainty, dates, codes, policy) -> tuple[np.ndarray, np.ndarray]:
    """(P(up), buy?) [day x code] by the day the order is EXECUTED: for "next_open" the
    prediction of day t is acted on at day t+1, so the rows move down one trading day (the first
    day has none, the last prediction none to act on)."""
    prob = probabilities.reindex(index=dates, columns=codes).to_numpy(float)
    ok = prob >= policy.threshold
    if uncertainty is not None and policy.max_uncertainty is not None:
        unc = uncertainty.reindex(index=dates, columns=codes).to_numpy(float)
        ok &= unc <= policy.max_uncertainty
    if policy.execution == "next_open":
        prob = np.vstack([np.full((1, len(codes)), np.nan), prob[:-1]])
        ok = np.vstack([np.zeros((1, len(codes)), bool), ok[:-1]])
    return prob, ok


class _Trader:
    """One backtest's state from day to day: the account, the open positions, what happened.

    ``m`` is `_market_arrays`' dict; ``m["price"]`` is the price orders execute at (the close, or
    the open for execution="next_open").
    """

    def __init__(self, m: dict, codes: list[str], policy: Policy, rules: AShareRules,
                 cash: float):
        self.m, self.codes, self.policy, self.rules = m, codes, policy, rules
        self.dates = m["dates"]
        self.account = Account(cash, rules, calendar=self.dates)
        self.open: dict[str, dict] = {}   # code -> the buy and what it received since
        self.trips: list[dict] = []
        self.rejections: list[dict] = []
        self.last_price: dict[str, float] = {}
        self.traded_value = 0.0
        self.slots = policy.max_positions or len(codes)
        self.at_open = policy.execution == "next_open"

    def day(self, i: int, prob: np.ndarray, ok: np.ndarray) -> float:
        """Trade day ``i``; returns the equity at its close."""
        self._corporate_actions(i)
        self._sell_due(i)
        self._mark(self.m["price"][i])   # the budget is set at the trade price
        self._buy(i, prob[i], ok[i])
        if self.at_open:
            self._mark(self.m["close"][i])
        return self._value()

    def _reject(self, i, code, side, reason, message):
        self.rejections.append({"date": self.dates[i], "code": code, "side": side,
                                "reason": reason, "message": message})

    def _mark(self, row: np.ndarray) -> None:
        for j, code in enumerate(self.codes):
            if np.isfinite(row[j]):
                self.last_price[code] = float(row[j])

    def _value(self) -> float:
        return self.account.value({c: self.last_price[c] for c in self.open})

    def _corporate_actions(self, i: int) -> None:
        """Ex-rights/dividend day: bonus shares and cash to the holder, as the exchange does."""
        for code, trade in self.open.items():
            action = self.m["actions"].get((self.dates[i], code))
            if action is not None:
                got = self.account.corporate_action(code, self.dates[i], action.bonus_per_share,
                                                    action.cash_per_share, action.preclose)
                trade["dividends"] += got["cash"]

    def _sell_due(self, i: int) -> None:
        """Sell what has been held long enough, if the stock trades and is not at limit-down."""
        m, day, when = self.m, self.dates[i], "opened" if self.at_open else "sealed"
        for code, trade in list(self.open.items()):
            j = self.codes.index(code)
            if i < trade["exit_index"] or not m["tradeable"][i, j]:
                continue
            price, pre = m["price"][i, j], m["preclose"][i, j]
            if price <= self.rules.limits(code, day, pre, m["st"][i, j])[0]:
                self._reject(i, code, "sell", "limit_down", f"{when} at limit-down")
                continue
            try:
                fill = self.account.sell(code, self.account.sellable(code, day), price, day, pre)
            except OrderRejected as err:
                self._reject(i, code, "sell", err.reason, str(err))
                continue
            self.traded_value += fill["value"]
            self.trips.append(self._round_trip(code, trade, fill))
            del self.open[code]

    def _round_trip(self, code: str, trade: dict, fill: dict) -> dict:
        """One row of ROUND_TRIP_COLUMNS: net_pnl = proceeds - cost - fees + dividends - tax and
        return = net_pnl / cost, whatever bonus shares changed the number of shares."""
        fees = trade["fees"] + fill["fees"]
        net = fill["value"] - trade["cost"] - fees + trade["dividends"] - fill["dividend_tax"]
        return {"code": code, "signal_date": trade["signal_date"], "buy_date": trade["date"],
                "sell_date": fill["date"], "shares_bought": trade["shares"],
                "shares_sold": fill["shares"], "buy_price": trade["price"],
                "sell_price": fill["price"], "cost": trade["cost"], "proceeds": fill["value"],
                "fees": fees, "dividends": trade["dividends"],
                "dividend_tax": fill["dividend_tax"], "net_pnl": net,
                "return": net / trade["cost"], "execution": self.policy.execution}

    def _buy(self, i: int, prob: np.ndarray, ok: np.ndarray) -> None:
        """Buy the confident predictions, most confident first, into the free slots."""
        m, day, rules = self.m, self.dates[i], self.rules
        when = "opened" if self.at_open else "sealed"
        equity_now = self._value()
        for j in sorted(np.flatnonzero(ok), key=lambda j: -prob[j]):
            code = self.codes[j]
            if code in self.open or len(self.open) >= self.slots or not m["tradeable"][i, j]:
                continue
            if i + self.policy.holding_days >= len(self.dates):
                break  # no day left to sell on within the test period
            price, pre = float(m["price"][i, j]), float(m["preclose"][i, j])
            if not np.isfinite(pre):
                self._reject(i, code, "buy", "no_preclose", "no previous close known: the day's "
                             "price limits cannot be checked, so it is not traded")
                continue
            if price >= rules.limits(code, day, pre, m["st"][i, j])[1]:
                self._reject(i, code, "buy", "limit_up", f"{when} at limit-up")
                continue
            budget = min(self.account.cash, equity_now / self.slots)
            shares = rules.max_buy_shares(budget, price, day)
            try:
                fill = self.account.buy(code, shares or rules.lot_size, price, day, pre)
            except OrderRejected as err:
                self._reject(i, code, "buy", err.reason, str(err))
                continue
            self.traded_value += fill["value"]
            self.open[code] = {"signal_date": self.dates[i - 1] if self.at_open else day,
                               "date": day, "price": price, "shares": fill["shares"],
                               "cost": fill["value"], "fees": fill["fees"], "dividends": 0.0,
                               "exit_index": i + self.policy.holding_days}


def _benchmark(m: dict, rules: AShareRules, initial_cash: float) -> pd.Series:
    """Equal-weight buy-and-hold of the stocks at the first close, adjusted prices."""
    adj, dates = m["adj"], m["dates"]
    growth = (adj.ffill() / adj.bfill().iloc[0]).mean(axis=1)
    entry_cost = rules.commission_rate + rules.transfer_fee(dates[0])
    return pd.Series(initial_cash * (1 - entry_cost) * growth.to_numpy(), index=dates,
                     name="buy and hold")


def _result(trader: _Trader, equity: list[float], initial_cash: float) -> BacktestResult:
    dates, account, policy = trader.dates, trader.account, trader.policy
    equity = pd.Series(equity, index=dates, name="strategy")
    fills = pd.DataFrame(account.fills)
    fills["execution"] = policy.execution
    trips = pd.DataFrame(trader.trips, columns=ROUND_TRIP_COLUMNS)
    report = performance(equity)
    years = max(len(dates) - 1, 1) / TRADING_DAYS_PER_YEAR
    report.update({
        "costs_paid": float(account.fees_paid),
        "dividend_tax": float(account.dividend_tax_paid),
        "n_trades": len(trips),
        "hit_rate": float((trips["net_pnl"] > 0).mean()) if len(trips) else np.nan,
        "turnover": float(trader.traded_value / np.mean(equity) / years),
        # share of the slot-days that held a position (0 = never in the market)
        "exposure": float(sum(dates.get_loc(t.sell_date) - dates.get_loc(t.buy_date)
                              for t in trips.itertuples()) / (len(dates) * trader.slots)),
        "n_rejected": len(trader.rejections),
    })
    rejections = pd.DataFrame(trader.rejections,
                              columns=["date", "code", "side", "reason", "message"])
    return BacktestResult(fills, trips, rejections, equity, _benchmark(trader.m, trader.rules,
                          initial_cash), report, policy.execution)


def run_backtest(prices: pd.DataFrame, probabilities: pd.DataFrame, policy: Policy | None = None,
                 *, rules: AShareRules | None = None, uncertainty: pd.DataFrame | None = None,
                 initial_cash: float = 100_000.0) -> BacktestResult:
    """Trade ``probabilities`` under ``policy`` and ``rules``; see the module docstring.

    Ex-rights/ex-dividend days (`companion.corporate_actions`) give the holder bonus shares and
    cash (taxed at the sale), so a holding earns the adjusted-price return minus its costs. A day
    with volume 0 is a suspension and is not traded; ``is_st`` rows trade in the ST band (±5%).

    Parameters
    ----------
    prices
        tidy frame (date, code, close, preclose; open for execution="next_open"; adj_close,
        adj_factor, volume, is_st optional) as `market.load_prices` or `market.read_price_csv`
        return it.
    probabilities
        [date x code] P(close rises after the date), known at that date's close,
        indexed by the price table's dates (more than 10% of days without a price row is an
        error, fewer a warning). A time-zone-aware index is read as Beijing dates.
    uncertainty
        [date x code], same shape, lower = more confident (used by the gate).
    initial_cash
        CNY, > 0.
    """
    policy, rules = policy or Policy(), rules or AShareRules()
    initial_cash = check_real(initial_cash, "initial_cash", low=0, low_open=True,
                              fix="It is the CNY the account starts with, e.g. 100_000.")
    prices = prices.assign(date=_exchange_dates(prices["date"])) if "date" in prices else prices
    _check_prices(prices, policy)
    if isinstance(probabilities, pd.DataFrame) and isinstance(probabilities.index,
                                                              pd.DatetimeIndex):
        probabilities = probabilities.set_axis(_exchange_dates(probabilities.index))
    if uncertainty is not None and isinstance(uncertainty.index, pd.DatetimeIndex):
        uncertainty = uncertainty.set_axis(_exchange_dates(uncertainty.index))
    _check_predictions(prices, probabilities, uncertainty, policy, rules)
    codes = list(probabilities.columns)
    m = _market_arrays(prices, probabilities, codes, policy.execution)
    prob, ok = _signals(probabilities, uncertainty, m["dates"], codes, policy)
    trader = _Trader(m, codes, policy, rules, initial_cash)
    equity = [trader.day(i, prob, ok) for i in range(len(m["dates"]))]
    return _result(trader, equity, initial_cash)
