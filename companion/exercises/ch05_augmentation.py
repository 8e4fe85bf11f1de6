"""Checks of chapter 5 (causal augmentation and the ways it leaks)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from companion.exercises._core import Exercise, need, say, wrong

FACTORS = tuple(np.round(np.arange(0.90, 1.101, 0.02), 2))


def _stats(path) -> tuple[float, float]:
    r = np.diff(np.log(path))                     # daily log returns
    return float(r.std(ddof=1)), float(pd.Series(r).autocorr(lag=1))


def _scale_sweep(answer, env):
    from companion import augment
    x = need(env, "x")
    table = pd.DataFrame(answer)
    if not {"std", "ac1"} <= set(table.columns):
        raise wrong("The check wants a table indexed by the factor with the columns std and ac1.")
    factors = {round(float(f), 2) for f in table.index}
    if factors == set(FACTORS) - {1.10}:
        raise wrong("The factor 1.10 is missing: np.arange(0.90, 1.10, 0.02) stops before its end; "
                    "use np.arange(0.90, 1.101, 0.02).")
    if factors != set(FACTORS):
        raise wrong("The check wants the factors 0.90, 0.92, ..., 1.10 (eleven rows); you have {got}.",
                    got=sorted(factors))
    table.index = [round(float(f), 2) for f in table.index]
    truth = {}
    for f in FACTORS:
        length = int(np.floor((len(x) - 1) / f)) + 1
        truth[f] = _stats(augment.time_scale(x, f, length=length))
    want = pd.DataFrame(truth, index=["std", "ac1"]).T
    if (table["std"] > 0.2).any():
        raise wrong("A standard deviation above 0.2 is not one of daily returns: compute the "
                    "statistics of np.diff(np.log(path)), not of the prices.")
    if not np.allclose(table.loc[list(FACTORS), "std"], want["std"], rtol=0.02) or \
            not np.allclose(table.loc[list(FACTORS), "ac1"], want["ac1"], atol=0.01):
        raise wrong("The statistics differ from those of augment.time_scale(x, f, length=...) with "
                    "the length that covers the whole series, int((len(x) - 1) / f) + 1.")
    return say("Right: every factor other than 1.0 lowers the std and raises the lag-1 "
               "autocorrelation; none leaves both as they were.")


def _gate_check(answer, env):
    changes = {str(k): int(v) for k, v in dict(answer).items()}
    if set(changes) != {"trailing", "centred"}:
        raise wrong("The check wants a dict {\"trailing\": days changed, \"centred\": days changed}.")
    if changes["trailing"] > 0:
        raise wrong("Your trailing gate changed on {n} days up to t: your window includes day t+1. "
                    "Multiply only the prices after t (changed[t + 1:]) and compare days 0..t.",
                    n=changes["trailing"])
    if changes["centred"] == 0:
        raise wrong("Your centred gate did not change before t: rolling(20, center=True) reads ten "
                    "days ahead, so the days just before t must see the jump. Did you compare only "
                    "days long before t, or forget center=True?")
    return say("The trailing gate is unchanged up to t; the centred one changed on {n} day(s): it "
               "reads the future.", n=changes["centred"])


EXERCISES = [
    Exercise(
        "ex-05-scale-sweep",
        say("`sweep`, a table indexed by the factor (0.90, 0.92, ..., 1.10) with the columns std and "
            "ac1 (the daily log-return standard deviation and lag-1 autocorrelation)"),
        (say("return_stats(path) above gives both statistics of a price path."),
         say("augment.time_scale(x, f, length=int((len(x) - 1) / f) + 1) rescales the whole series."),
         say("np.round(np.arange(0.90, 1.101, 0.02), 2): arange stops before its end.")),
        _scale_sweep,
    ),
    Exercise(
        "ex-05-gate-check",
        say("`gate_changes`, a dict {\"trailing\": n, \"centred\": m}: on how many days up to t each "
            "gate changed"),
        (say("r = pd.Series(np.log(path)).diff(); the trailing volatility is r.rolling(20).std(), the "
             "centred one r.rolling(20, center=True).std()."),
         say("changed = x.copy(); changed[t + 1:] *= 1.5, then compare the gates on days 0..t only.")),
        _gate_check,
        (say("A feature or gate may read only days up to its own: that is what the property test "
             "checks for every augmentation."),),
    ),
]
