"""Turn daily predictions into trades under the A-share rules, and measure what is left.

`run_backtest` walks through the trading days in order. At each close it first sells the
positions whose holding period is over, then buys the stocks whose predicted probability of "up"
clears the policy's threshold (and, optionally, whose uncertainty is below a gate), in whole lots,
paying every fee, through an `Account` that refuses whatever the exchange would refuse. A stock
sealed at limit-up cannot be bought at the close (nobody sells), one sealed at limit-down cannot
be sold; suspended stocks (no row, or volume 0) simply wait. On an ex-rights/ex-dividend day the
holder receives the bonus shares and the cash dividend (`companion.corporate_actions`), so a
holding earns the adjusted-price return minus its costs.

The result holds the fills, the round trips, the daily equity curve, a buy-and-hold benchmark and
a report: return, volatility, maximum drawdown, turnover, costs paid, number of trades, hit rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from companion.account import Account, OrderRejected
from companion.corporate_actions import corporate_actions
from companion.rules import AShareRules, round_fen
from companion.validation import sharpe_ratio

__all__ = ["AShareRules", "Account", "OrderRejected", "Policy", "BacktestResult", "run_backtest",
           "performance", "round_fen"]

TRADING_DAYS = 244  # A-share trading days per year (243–245 in 2014–2018)


@dataclass(frozen=True)
class Policy:
    """When to buy and for how long to hold.

    threshold: buy when P(up) >= threshold.
    max_uncertainty: buy only when the uncertainty is <= this (None: no gate; needs an
        ``uncertainty`` frame in `run_backtest`).
    holding_days: sell at the close this many trading days after the buy (>= 1 because of T+1).
    max_positions: at most this many stocks held at once; each gets 1/max_positions of the equity.
        None: one slot per stock.
    """

    threshold: float = 0.55
    max_uncertainty: float | None = None
    holding_days: int = 1
    max_positions: int | None = None

    def __post_init__(self):
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold is a probability in [0, 1], got {self.threshold}")
        if self.holding_days < 1:
            raise ValueError(f"holding_days must be >= 1 (T+1 forbids selling on the day of the "
                             f"buy), got {self.holding_days}")
        if self.max_positions is not None and self.max_positions < 1:
            raise ValueError(f"max_positions must be >= 1 or None, got {self.max_positions}")


@dataclass
class BacktestResult:
    fills: pd.DataFrame          # one row per executed order
    round_trips: pd.DataFrame    # one row per buy...sell, with its net profit after all fees
    rejections: pd.DataFrame     # orders the rules refused or the market could not fill, and why
    equity: pd.Series            # CNY at each close
    benchmark: pd.Series         # equal-weight buy-and-hold of the same stocks, CNY at each close
    report: dict = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """The strategy's report beside the benchmark's, one row per measure."""
        bench = performance(self.benchmark)
        rows = {k: [v, bench.get(k, np.nan)] for k, v in self.report.items()}
        return pd.DataFrame(rows, index=["strategy", "buy and hold"]).T


def performance(equity: pd.Series, periods_per_year: int = TRADING_DAYS) -> dict:
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


def _check_inputs(prices: pd.DataFrame, probabilities: pd.DataFrame, uncertainty, policy, rules):
    need = {"date", "code", "close", "preclose"}
    if not need <= set(prices.columns):
        raise ValueError(f"prices needs columns {sorted(need)} (as from companion.market."
                         f"load_prices); missing {sorted(need - set(prices.columns))}")
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
    twice = prices.duplicated(["date", "code"])
    if twice.any():
        row = prices[twice].iloc[0]
        raise ValueError(f"prices has {int(twice.sum())} repeated (date, code) row(s), the first "
                         f"{row['code']} on {pd.Timestamp(row['date']).date()}; keep one row per "
                         "stock and day, e.g. prices.drop_duplicates(['date', 'code'])")
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


def _market_arrays(prices: pd.DataFrame, probabilities: pd.DataFrame, codes: list[str]) -> dict:
    """[date x code] arrays of the test period: close, preclose, tradeable, ST, adjusted close.

    A missing preclose (a file without that column, an index's first day) is the stock's previous
    close; a day with volume 0 is a suspension (no trade, the price only carries the value on).
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

    cols = {"close": np.nan, "preclose": np.nan, "volume": 1.0, "is_st": 0.0, "adj_close": np.nan}
    table = inside[["date", "code"]].assign(
        **{c: (inside[c].astype(float) if c in inside else fill) for c, fill in cols.items()})
    wide = table.pivot(index="date", columns="code", values=list(cols))  # one pivot for all

    def grid(col):
        return wide[col].reindex(columns=codes)

    close = grid("close")
    return {"dates": close.index, "close": close.to_numpy(float),
            "preclose": grid("preclose").to_numpy(float),
            "tradeable": np.isfinite(close.to_numpy(float)) & ~(grid("volume").to_numpy() <= 0),
            "st": grid("is_st").fillna(0).to_numpy() > 0,
            "adj": grid("adj_close") if "adj_close" in inside else close,
            "actions": {(a.date, a.code): a for a in corporate_actions(px).itertuples()}}


def _reject(rejections, day, code, side, reason, message):
    rejections.append({"date": day, "code": code, "side": side, "reason": reason,
                       "message": message})


def run_backtest(prices: pd.DataFrame, probabilities: pd.DataFrame, policy: Policy | None = None,
                 *, rules: AShareRules | None = None, uncertainty: pd.DataFrame | None = None,
                 initial_cash: float = 100_000.0) -> BacktestResult:
    """Trade ``probabilities`` under ``policy`` and ``rules``; see the module docstring.

    prices: tidy frame (date, code, close, preclose; adj_close, adj_factor, volume, is_st
        optional) as `market.load_prices` or `market.read_price_csv` return it.
    probabilities: [date x code] P(close rises after the date), known at that date's close.
    uncertainty: [date x code], same shape, lower = more confident (used by the gate).

    Ex-rights/ex-dividend days (`companion.corporate_actions`) give the holder bonus shares and
    cash, so a holding earns the adjusted-price return minus its costs. A day with volume 0 is a
    suspension and is not traded; ``is_st`` rows trade in the ST band (±5%).
    """
    policy, rules = policy or Policy(), rules or AShareRules()
    _check_inputs(prices, probabilities, uncertainty, policy, rules)
    codes = list(probabilities.columns)
    m = _market_arrays(prices, probabilities, codes)
    dates, adj = m["dates"], m["adj"]
    close_a, pre_a = m["close"], m["preclose"]
    prob_a = probabilities.reindex(index=dates, columns=codes).to_numpy(float)
    unc_a = (uncertainty.reindex(index=dates, columns=codes).to_numpy(float)
             if uncertainty is not None else None)
    slots = policy.max_positions or len(codes)

    account = Account(initial_cash, rules, calendar=dates)
    open_trades: dict[str, dict] = {}   # code -> entry info
    trips, rejections, equity = [], [], []
    last_close: dict[str, float] = {}
    traded_value = 0.0

    for i, day in enumerate(dates):
        # 1. Ex-rights/dividend day: bonus shares and cash to the holder, as the exchange does.
        for code in open_trades:
            action = m["actions"].get((day, code))
            if action is not None:
                got = account.corporate_action(code, day, action.bonus_per_share,
                                               action.cash_per_share, action.preclose)
                open_trades[code]["dividends"] += got["cash"]
        # 2. Sell what has been held long enough, at the close, if the stock trades and is not
        #    sealed at limit-down.
        for code, trade in list(open_trades.items()):
            j = codes.index(code)
            if i < trade["exit_index"] or not m["tradeable"][i, j]:
                continue
            price, pre = close_a[i, j], pre_a[i, j]
            if price <= rules.limits(code, day, pre, m["st"][i, j])[0]:
                _reject(rejections, day, code, "sell", "limit_down", "sealed at limit-down")
                continue
            try:
                fill = account.sell(code, account.sellable(code, day), price, day, pre)
            except OrderRejected as err:
                _reject(rejections, day, code, "sell", err.reason, str(err))
                continue
            traded_value += fill["value"]
            trips.append({"code": code, "buy_date": trade["date"], "sell_date": day,
                          "shares": fill["shares"], "buy_price": trade["price"],
                          "sell_price": price, "fees": trade["fees"] + fill["fees"],
                          "net_pnl": fill["value"] - fill["fees"] - trade["outlay"]
                          + trade["dividends"]})
            del open_trades[code]
        for j, code in enumerate(codes):
            if np.isfinite(close_a[i, j]):
                last_close[code] = float(close_a[i, j])
        equity_now = account.value({c: last_close[c] for c in open_trades})
        # 3. Buy the confident predictions, most confident first, into the free slots.
        ok = prob_a[i] >= policy.threshold
        if unc_a is not None and policy.max_uncertainty is not None:
            ok &= unc_a[i] <= policy.max_uncertainty
        for j in sorted(np.flatnonzero(ok), key=lambda j: -prob_a[i, j]):
            code = codes[j]
            if code in open_trades or len(open_trades) >= slots or not m["tradeable"][i, j]:
                continue
            if i + policy.holding_days >= len(dates):
                break  # no day left to sell on within the test period
            price, pre = float(close_a[i, j]), float(pre_a[i, j])
            if not np.isfinite(pre):
                _reject(rejections, day, code, "buy", "no_preclose", "no previous close known: "
                        "the day's price limits cannot be checked, so it is not traded")
                continue
            if price >= rules.limits(code, day, pre, m["st"][i, j])[1]:
                _reject(rejections, day, code, "buy", "limit_up", "sealed at limit-up")
                continue
            budget = min(account.cash, equity_now / slots)
            shares = rules.max_buy_shares(budget, price, day)
            try:
                fill = account.buy(code, shares or rules.lot_size, price, day, pre)
            except OrderRejected as err:
                _reject(rejections, day, code, "buy", err.reason, str(err))
                continue
            traded_value += fill["value"]
            open_trades[code] = {"date": day, "price": price, "fees": fill["fees"],
                                 "outlay": fill["value"] + fill["fees"], "dividends": 0.0,
                                 "exit_index": i + policy.holding_days}
        equity.append(account.value({c: last_close[c] for c in open_trades}))

    equity = pd.Series(equity, index=dates, name="strategy")
    first = adj.bfill().iloc[0]
    growth = (adj.ffill() / first).mean(axis=1)
    entry_cost = rules.commission_rate + rules.transfer_fee(dates[0])
    benchmark = pd.Series(initial_cash * (1 - entry_cost) * growth.to_numpy(), index=dates,
                          name="buy and hold")
    fills = pd.DataFrame(account.fills)
    trips = pd.DataFrame(trips, columns=["code", "buy_date", "sell_date", "shares", "buy_price",
                                         "sell_price", "fees", "net_pnl"])
    report = performance(equity)
    years = max(len(dates) - 1, 1) / TRADING_DAYS
    report.update({
        "costs_paid": float(account.fees_paid),
        "n_trades": len(trips),
        "hit_rate": float((trips["net_pnl"] > 0).mean()) if len(trips) else np.nan,
        "turnover": float(traded_value / np.mean(equity) / years),
        # share of the slot-days that held a position (0 = never in the market)
        "exposure": float(sum(dates.get_loc(t.sell_date) - dates.get_loc(t.buy_date)
                              for t in trips.itertuples()) / (len(dates) * slots)),
        "n_rejected": len(rejections),
    })
    rejections = pd.DataFrame(rejections, columns=["date", "code", "side", "reason", "message"])
    return BacktestResult(fills, trips, rejections, equity, benchmark, report)
