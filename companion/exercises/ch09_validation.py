"""Checks of chapter 9 (did it really work: intervals, purging, multiple testing)."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from companion.constants import TRADING_DAYS_PER_YEAR
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


def two_sample_p(n, one_sided: bool = False):
    """p-value of the pooled two-proportion z-test of round(0.683 n) against round(0.617 n) right
    calls, each on its own n days, for an array of n at once (the test behind
    companion.metrics.accuracy_difference with y_b; tests compare them)."""
    n = np.asarray(n, dtype=float)
    a, b = np.round(0.683 * n), np.round(0.617 * n)
    pooled = (a + b) / (2 * n)
    z = (a - b) / n / np.sqrt(pooled * (1 - pooled) * 2 / n)
    return norm.sf(z) if one_sided else 2 * norm.sf(np.abs(z))


def paired_p(n):
    """McNemar's exact p-value when both versions are scored on the same n days and every day the
    weaker one gets right the stronger one gets right too (the pairs the chapter's solution would
    make without y_b): only the round(0.683 n) - round(0.617 n) disagreements count."""
    n = np.asarray(n, dtype=float)
    return np.minimum(1.0, 2 * 0.5 ** (np.round(0.683 * n) - np.round(0.617 * n)))


def days_for_power(level_z: float, power_z: float, pooled: bool = True) -> int:
    """Days per version for a two-sided two-sample test of 61.7% against 68.3% (normal
    approximation): the pooled variance under the null, the separate ones under the alternative."""
    lo, hi = 0.617, 0.683
    spread = np.sqrt(lo * (1 - lo) + hi * (1 - hi))
    null = np.sqrt(2 * 0.65 * 0.35) if pooled else spread
    return int(np.ceil((level_z * null + power_z * spread) ** 2 / (hi - lo) ** 2))


def _how_many_days(answer, env):
    best = need(env, "best")
    values = list(answer) if isinstance(answer, tuple | list) else [answer]
    if len(values) != 4:
        raise wrong("The check wants four numbers, (n_vs_luck, n_test, n_vs_first, n_power); you "
                    "gave {n}.", n=len(values))
    n_luck, n_test, n_first, n_power = (int(v) for v in values)
    low = lambda acc, n: wilson(acc, n)[0]     # noqa: E731
    high = lambda acc, n: wilson(acc, n)[1]    # noqa: E731
    want_luck = _first_n(low(0.683, N) > float(np.mean(best)))
    want_test = _first_n(two_sample_p(N) < 0.05)
    want_first = _first_n(low(0.683, N) > high(0.617, N))
    want_power = days_for_power(norm.ppf(0.975), norm.ppf(0.8))
    # a grid in steps of 5 days (the worked solution) lands up to 5 days late; rounding may make
    # a few days look enough earlier
    close = lambda got, want: want - 5 <= got <= want + 6                       # noqa: E731
    if not close(n_luck, want_luck):
        if 0.5 < low(0.683, max(n_luck, 1)) <= float(np.mean(best)):   # beyond 50%, not beyond luck
            raise wrong("You compared with 50%; the check wants the lower end above the best-of-20 "
                        "coin-flip mean ({m:.3f}), which luck alone reaches.", m=float(np.mean(best)))
        raise wrong("About {want} days are needed before the Wilson interval of 68.3% excludes the "
                    "best-of-20 mean; you have {got}.", want=want_luck, got=n_luck)
    _judge_test(n_test, want_test, want_first, close)
    if not close(n_first, want_first):
        if 0.617 < low(0.683, max(n_first, 1)) <= high(0.617, max(n_first, 1)):
            raise wrong("You compared the interval of 68.3% with the point 61.7%; non-overlapping "
                        "intervals need the lower end of one above the upper end of the other.")
        raise wrong("About {want} days separate the intervals of 68.3% and 61.7%; you have {got}.",
                    want=want_first, got=n_first)
    _judge_power(n_power, want_power, want_test)
    return say("About {a} days to beat luck, {t} for p < 0.05 and {b} for the intervals to part; "
               "{p} days per version for 80% power: the story's hundred days are far from all of them.",
               a=want_luck, t=want_test, b=want_first, p=want_power)


def _judge_test(got: int, want: int, want_first: int, close) -> None:
    if close(got, want):
        return
    if close(got, want_first):
        raise wrong("{got} days is where the two Wilson intervals stop overlapping; the two-sample "
                    "test of the difference reaches p < 0.05 much earlier, at about {want} days.",
                    got=got, want=want)
    if close(got, _first_n(paired_p(N) < 0.05)):
        raise wrong("You scored both versions on the same days (a paired test); the exercise gives "
                    "each version its own days: pass the second version's targets as y_b.")
    if close(got, _first_n(two_sample_p(N, one_sided=True) < 0.05)):
        raise wrong("That is a one-sided test; the check wants the two-sided p-value < 0.05, reached "
                    "at about {want} days.", want=want)
    raise wrong("About {want} days give p < 0.05 in the two-sample test of 68.3% against 61.7%; you "
                "have {got}.", want=want, got=got)


def _judge_power(got: int, want: int, want_test: int) -> None:
    # the unpooled variance under the null is an accepted textbook variant of the formula
    unpooled = days_for_power(norm.ppf(0.975), norm.ppf(0.8), pooled=False)
    if min(want, unpooled) - 2 <= got <= max(want, unpooled) + 2:
        return
    if abs(got - 2 * want) <= 4:
        raise wrong("{got} days is both versions together; the check wants the days for each "
                    "version, about {want}.", got=got, want=want)
    if abs(got - days_for_power(norm.ppf(0.95), norm.ppf(0.8))) <= 2:
        raise wrong("You used the one-sided z (1.645); the test is two-sided at 5%: z = 1.96.")
    if abs(got - days_for_power(norm.ppf(0.975), 0.0)) <= 3 or abs(got - want_test) <= 6:
        raise wrong("{got} days detect a true difference only half the time (50% power): add the "
                    "power's z, norm.ppf(0.8), to the level's.", got=got)
    raise wrong("A two-sided test at 5% with 80% power needs about {want} days per version; you have "
                "{got}.", want=want, got=got)


def _more_tries(answer, env):
    V, srs, tries = need(env, "V", "srs", "tries")
    got = {int(k): dict(v) for k, v in dict(answer).items()}
    if set(got) != {5, 20}:
        raise wrong("The check wants the results for 5 and for 20 tries, keyed 5 and 20.")
    for n in (5, 20):
        sub = np.asarray(srs[:n])
        pick = tries[int(np.argmax(sub))]
        best = sub.max() * np.sqrt(TRADING_DAYS_PER_YEAR)
        deflated = V.deflated_sharpe_ratio(pick, n, sub.var(ddof=1))
        row = got[n]
        if "deflated SR" not in row or "best annual SR" not in row:
            raise wrong("Each entry needs the keys 'best annual SR' and 'deflated SR'.")
        if np.isclose(row["best annual SR"], sub.max(), rtol=1e-6):
            raise wrong("The best Sharpe ratio is daily; annualise it: times sqrt({days}).",
                        days=TRADING_DAYS_PER_YEAR)
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
        say("four numbers (n_vs_luck, n_test, n_vs_first, n_power): days until the 95% Wilson interval "
            "of 68.3% excludes the best-of-20 mean; days until 68.3% against 61.7%, each on its own "
            "days, gives p < 0.05 in a two-sample test; days until their Wilson intervals stop "
            "overlapping; days per version for 80% power at 5%"),
        (say("V.wilson_interval(round(0.683 * n), n) is the interval on n days; best.mean() is the "
             "best-of-20 mean. Search n upwards and stop at the first n where the condition holds."),
         say("The two-sample test: metrics.accuracy_difference(np.ones(n), hits_a, hits_b, "
             "y_b=np.ones(n))[\"p_value\"], each hits array right on round(acc * n) of its n days. Not "
             "overlapping: the lower end for 68.3% above the upper end for 61.7%."),
         say("Power: n = (z_level sqrt(2 p q) + z_power sqrt(p1 q1 + p2 q2))² / (p2 - p1)², with "
             "z_level = norm.ppf(0.975), z_power = norm.ppf(0.8), p the mean of the two accuracies.")),
        _how_many_days,
        (say("Overlapping intervals are no test: the test of the difference needs far fewer days than "
             "the intervals take to part, and planning for 80% power needs more than either."),),
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
             "daily Sharpe ratio with sqrt({days}).", days=TRADING_DAYS_PER_YEAR)),
        _more_tries,
        (say("Trying more coin flips finds a larger best Sharpe ratio, but the bar grows with it: the "
             "winner does not become more credible."),),
    ),
]
