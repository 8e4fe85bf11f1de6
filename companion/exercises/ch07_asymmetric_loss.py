"""Checks of chapter 7 (a cost-weighted loss and decision thresholds)."""

from __future__ import annotations

import numpy as np

from companion.exercises._core import Exercise, need, say, wrong


def _small_position(answer, env):
    payoff, round_trip_cost = need(env, "payoff", "round_trip_cost")
    got = float(answer)
    g, loss = payoff["real"]["G"], payoff["real"]["L"]
    cost = round_trip_cost(550)
    want = (loss + cost) / (g + loss)
    if np.isclose(got, want, rtol=1e-3):
        return say("p* = {p:.2f}: two minimum commissions make the round trip cost {c:.2%} of 550 CNY.",
                   p=want, c=cost)
    if np.isclose(got, payoff["real"]["p*"], rtol=1e-3):
        raise wrong("That is p* of the chapter's position; the check wants the cost of a 550 CNY "
                    "position: round_trip_cost(550).")
    if np.isclose(got, loss / (g + loss), rtol=1e-3):
        raise wrong("That is p* without costs: add the round-trip cost to L in (L + c) / (G + L).")
    if np.isclose(got, (loss + 100 * cost) / (g + loss), rtol=1e-3):
        raise wrong("The cost went in as a percentage; (L + c) / (G + L) needs c as a fraction.")
    raise wrong("p* for 550 CNY is not {got:.3f}: p* = (L + c) / (G + L) with G and L from "
                "payoff[\"real\"] and c = round_trip_cost(550).", got=got)


def _weight_for_threshold(answer, env):
    payoff = need(env, "payoff")
    got = float(answer)
    t = payoff["real"]["p*"]
    want = t / (1 - t)
    if np.isclose(got, want, rtol=1e-6):
        return say("down_weight = p* / (1 - p*) = {w:.3f}; the story's 1.5 is the threshold 0.6.", w=want)
    if np.isclose(got, (1 - t) / t, rtol=1e-6):
        raise wrong("The ratio is upside down: the threshold is down / (up + down), so down_weight = "
                    "p* / (1 - p*).")
    if np.isclose(got, t, rtol=1e-6):
        raise wrong("That is the threshold p* itself; the check wants the down_weight that encodes it.")
    raise wrong("AsymmetricBCE(1.0, {got:.3f}).equivalent_threshold() is not p* = {t:.3f}. Solve "
                "p* = down / (1 + down) for down.", got=got, t=t)


EXERCISES = [
    Exercise(
        "ex-07-small-position",
        say("the cost threshold p* (a probability) for a 550 CNY position on the real stocks"),
        (say("round_trip_cost(550) is defined above; payoff[\"real\"] has G and L."),
         say("p* = (L + c) / (G + L), as in eq-07-cost-threshold.")),
        _small_position,
        (say("Two 5 CNY minimum commissions on 550 CNY cost about as much as an average day's move: "
             "no one-day trade of that size can be expected to pay."),),
    ),
    Exercise(
        "ex-07-weight-for-threshold",
        say("`down_weight`, the weight (with up_weight = 1) whose decision at 0.5 equals the threshold "
            "p* on calibrated probabilities"),
        (say("AsymmetricBCE(up, down).equivalent_threshold() is down / (up + down)."),
         say("Solve p* = down / (1 + down) for down.")),
        _weight_for_threshold,
    ),
]
