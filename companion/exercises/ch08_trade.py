"""Checks of chapter 8 (the trade under real A-share rules and costs)."""

from __future__ import annotations

import numpy as np

from companion.exercises._core import Exercise, need, say, wrong


def _report(answer) -> dict:
    report = getattr(answer, "report", answer)     # a BacktestResult or its report
    report = dict(report)
    if "n_trades" not in report or "costs_paid" not in report:
        raise wrong("The check wants the backtest's report (a dict with n_trades, costs_paid, "
                    "total_return), e.g. run_backtest(...).report.")
    return report


def _hold_three(answer, env):
    from dataclasses import replace

    from companion.backtest import run_backtest
    prices, p_frame, policy = need(env, "prices", "p_frame", "policy")
    got = _report(answer)
    # the chapter's policy with only the holding changed: same threshold, same execution (next open)
    three = run_backtest(prices, p_frame, replace(policy, holding_days=3)).report
    one = run_backtest(prices, p_frame, replace(policy, holding_days=1)).report
    same = lambda a, b: a["n_trades"] == b["n_trades"] and np.isclose(a["costs_paid"], b["costs_paid"])  # noqa: E731
    if same(got, three):
        return say("{n3} round trips instead of {n1}, fees {c3:,.0f} instead of {c1:,.0f} CNY.",
                   n3=three["n_trades"], n1=one["n_trades"], c3=three["costs_paid"], c1=one["costs_paid"])
    if same(got, one):
        raise wrong("This is the one-day report; the check wants holding_days=3.")
    other = "close" if policy.execution != "close" else "next_open"
    if same(got, run_backtest(prices, p_frame, replace(policy, holding_days=3, execution=other)).report):
        raise wrong("This backtest trades at the {got} instead of the chapter's {want}: keep the "
                    "policy's execution, replace(policy, holding_days=3).",
                    got=other.replace("_", " "), want=policy.execution.replace("_", " "))
    raise wrong("The report differs from a backtest of p_frame with holding_days=3 and the same "
                "threshold ({t}) and execution: replace(policy, holding_days=3).", t=policy.threshold)


def _rules_2024(answer, env):
    from companion.account import Account
    story_cash = need(env, "story_cash")
    got = float(answer)

    def fees(buy_day, sell_day):
        a = Account(story_cash)
        bought = a.buy("000725.SZ", 100, 4.12, buy_day, preclose=4.12)
        sold = a.sell("000725.SZ", 100, 4.34, sell_day, preclose=4.12)
        return bought["fees"] + sold["fees"]

    old, new = fees("2017-03-01", "2017-03-02"), fees("2024-03-04", "2024-03-05")
    want = old - new
    if np.isclose(got, want, atol=0.005):
        return say("The 2024 rates save {s:.2f} CNY; the two minimum commissions stay.", s=want)
    if np.isclose(got, -want, atol=0.005):
        raise wrong("The sign is reversed: a saving is the old fees minus the new ones.")
    if np.isclose(got, new, atol=0.005):
        raise wrong("This is what the round trip costs in 2024; the check wants the difference from "
                    "the 2017 fees.")
    raise wrong("The saving is not {got:.2f} CNY: replay the trade with Account on 2017 and 2024 dates "
                "and subtract the fees.", got=got)


def _gate(answer, env):
    from companion.widgets import trading_view
    prices, p_frame, u_frame, policy = need(env, "prices", "p_frame", "u_frame", "policy")
    n, wins = (int(v) for v in answer)

    def count_at(gate, execution):
        trips = trading_view(prices, p_frame, threshold=policy.threshold, max_uncertainty=gate,
                             uncertainty=u_frame, execution=execution).round_trips
        return len(trips), int((trips["net_pnl"] > 0).sum())

    def count(gate):
        return count_at(gate, policy.execution)

    gated = count(0.01)
    if (n, wins) == gated:
        return say("{n} trades remain, {w} of them won.", n=n, w=wins)
    if (n, wins) == count(None):
        raise wrong("These are the trades without the gate: pass max_uncertainty=0.01 and "
                    "uncertainty=u_frame.")
    if wins > n:
        raise wrong("More wins than trades: the pair is (trades, winning trades).")
    if (n, wins) == count_at(0.01, "close" if policy.execution != "close" else "next_open"):
        raise wrong("These trades are filled at the wrong time: pass execution=policy.execution "
                    "({e}), as the chapter's backtests do.", e=policy.execution)
    raise wrong("With the gate at 0.01 the check counts {want}, you have {got}: trading_view(prices, "
                "p_frame, threshold=policy.threshold, max_uncertainty=0.01, uncertainty=u_frame, "
                "execution=policy.execution).", want=gated, got=(n, wins))


EXERCISES = [
    Exercise(
        "ex-08-hold-three",
        say("the backtest report with holding_days=3 (a dict with n_trades, costs_paid, total_return)"),
        (say("replace(policy, holding_days=3) (from dataclasses) keeps everything but the holding: "
             "the threshold and the execution at the next open."),
         say("run_backtest(prices, p_frame, that_policy).report is the dict.")),
        _hold_three,
        (say("Fewer round trips, fewer fees; but each trade now rides three days that a one-day model "
             "never predicted."),),
    ),
    Exercise(
        "ex-08-rules-2024",
        say("`saving_2024`, how many CNY the 2024 rules save on the 100-share trade (2017 fees minus "
            "2024 fees)"),
        (say("Account(story_cash).buy(...) and .sell(...) return a fill with its fees."),
         say("Date the same trade 2017-03-01/02 and 2024-03-04/05 and subtract the fees.")),
        _rules_2024,
        (say("The stamp duty halves; the two 5 CNY minimum commissions do not move: they are the real "
             "cost of a small account."),),
    ),
    Exercise(
        "ex-08-gate",
        say("a pair (number of trades with the gate at 0.01, number of those with a net gain)"),
        (say("trading_view(prices, p_frame, threshold=policy.threshold, max_uncertainty=0.01, "
             "uncertainty=u_frame, execution=policy.execution) returns a backtest result."),
         say("Its round_trips table has one row per trade and a net_pnl column."),
         say("Compare the hit rate's Wilson interval (metrics.wilson_interval) with the ungated hit "
             "rate.")),
        _gate,
        (say("On a few trades the Wilson interval is wide: a higher hit rate inside it is no evidence "
             "that the gate helps."),),
    ),
]
