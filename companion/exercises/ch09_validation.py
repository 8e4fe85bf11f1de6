"""Checks of chapter 9 (did it really work: intervals, purging, multiple testing)."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from companion.exercises._core import Exercise, need, say, wrong

N = np.arange(20, 20_000)                   # the numbers of days searched, from the chapter's 20


def wilson(accuracy: float, n):
    """95% Wilson interval of round(accuracy * n) successes in n, for an array of n at once: the
    formula behind companion.validation.wilson_interval (tests compare them), so that a search
    over thousands of n stays well under a second."""
    n = np.asarray(n, dtype=float)
    z, p = norm.ppf(0.975), np.round(accuracy * n) / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def _first_n(holds: np.ndarray) -> int:
    return int(N[np.argmax(holds)])


def _how_many_days(answer, env):
    best = need(env, "best")
    n_luck, n_first = (int(v) for v in answer)
    low = lambda acc, n: wilson(acc, n)[0]     # noqa: E731
    high = lambda acc, n: wilson(acc, n)[1]    # noqa: E731
    want_luck = _first_n(low(0.683, N) > float(np.mean(best)))
    want_first = _first_n(low(0.683, N) > high(0.617, N))
    # a grid in steps of 5 days (the worked solution) lands up to 5 days late; rounding may make
    # a few days look enough earlier
    close = lambda got, want: want - 5 <= got <= want + 6                       # noqa: E731
    if not close(n_luck, want_luck):
        if 0.5 < low(0.683, max(n_luck, 1)) <= float(np.mean(best)):   # beyond 50%, not beyond luck
            raise wrong("You compared with 50%; the check wants the lower end above the best-of-20 "
                        "coin-flip mean ({m:.3f}), which luck alone reaches.", m=float(np.mean(best)))
        raise wrong("About {want} days are needed before the Wilson interval of 68.3% excludes the "
                    "best-of-20 mean; you have {got}.", want=want_luck, got=n_luck)
    if not close(n_first, want_first):
        if 0.617 < low(0.683, max(n_first, 1)) <= high(0.617, max(n_first, 1)):
            raise wrong("You compared the interval of 68.3% with the point 61.7%; non-overlapping "
                        "intervals need the lower end of one above the upper end of the other.")
        raise wrong("About {want} days separate the intervals of 68.3% and 61.7%; you have {got}.",
                    want=want_first, got=n_first)
    return say("About {a} and {b} days: the story's hundred days are far from either.",
               a=want_luck, b=want_first)


def _more_tries(answer, env):
    V, srs, tries = need(env, "V", "srs", "tries")
    got = {int(k): dict(v) for k, v in dict(answer).items()}
    if set(got) != {5, 20}:
        raise wrong("The check wants the results for 5 and for 20 tries, keyed 5 and 20.")
    for n in (5, 20):
        sub = np.asarray(srs[:n])
        pick = tries[int(np.argmax(sub))]
        best = sub.max() * np.sqrt(244)
        deflated = V.deflated_sharpe_ratio(pick, n, sub.var(ddof=1))
        row = got[n]
        if "deflated SR" not in row or "best annual SR" not in row:
            raise wrong("Each entry needs the keys 'best annual SR' and 'deflated SR'.")
        if np.isclose(row["best annual SR"], sub.max(), rtol=1e-6):
            raise wrong("The best Sharpe ratio is daily; annualise it: times sqrt(244).")
        if not np.isclose(row["best annual SR"], best, rtol=1e-4):
            raise wrong("For {n} tries the best annual Sharpe ratio is {want:.2f}, you have {got:.2f}: "
                        "take the first {n} of srs.", n=n, want=best, got=float(row["best annual SR"]))
        if n == 5 and np.isclose(row["deflated SR"], V.deflated_sharpe_ratio(pick, 20, sub.var(ddof=1))):
            raise wrong("For the best of 5 you deflated as if 20 strategies were tried: pass n_tries=5.")
        if not np.isclose(row["deflated SR"], deflated, atol=1e-4):
            raise wrong("For {n} tries the deflated Sharpe ratio is {want:.3f}, you have {got:.3f}.",
                        n=n, want=deflated, got=float(row["deflated SR"]))
    return say("Right: more tries find a larger best Sharpe ratio and raise the bar it must clear.")


EXERCISES = [
    Exercise(
        "ex-09-how-many-days",
        say("a pair (days until the 95% Wilson interval of 68.3% excludes the best-of-20 mean, days "
            "until the intervals of 68.3% and 61.7% no longer overlap)"),
        (say("V.wilson_interval(round(0.683 * n), n) is the interval on n days; best.mean() is the "
             "best-of-20 mean."),
         say("Search n upwards and stop at the first n where the condition holds."),
         say("Not overlapping: the lower end for 68.3% above the upper end for 61.7%.")),
        _how_many_days,
    ),
    Exercise(
        "ex-09-embargo",
        say("your answer in words, as a string: which matters more, the embargo or the purge, and why "
            "K-fold in time order already removes most of the leak"),
        (say("V.purged_kfold_splits(n5, 5, lookback=20, horizon=5, embargo=0) and "
             "list(KFold(5).split(np.arange(n5))) give the two schemes; cv_accuracy scores them."),
         say("Which test samples have a training neighbour whose window overlaps theirs, in contiguous "
             "folds and in shuffled folds?")),
        points=(say("With contiguous folds only the samples at the edges of each test block overlap "
                    "training windows: a few dozen of hundreds, so the leak is small."),
                say("Purging removes exactly those overlapping neighbours; the embargo adds a margin "
                    "for serial dependence beyond the windows."),
                say("Shuffled folds put an overlapping neighbour next to every test sample: that is "
                    "the large leak.")),
        why_self_check="the question is why; the numbers differ little and depend on the model",
    ),
    Exercise(
        "ex-09-more-tries",
        say("`more_tries`, a dict {5: {...}, 20: {...}} with the keys 'best annual SR' and "
            "'deflated SR' for the best of the first 5 and of all 20 tries"),
        (say("srs holds the daily Sharpe ratio of each try; srs[:n] are the first n."),
         say("V.deflated_sharpe_ratio(returns_of_the_best, n, srs[:n].var(ddof=1)); annualise a "
             "daily Sharpe ratio with sqrt(244).")),
        _more_tries,
        (say("Trying more coin flips finds a larger best Sharpe ratio, but the bar grows with it: the "
             "winner does not become more credible."),),
    ),
]
