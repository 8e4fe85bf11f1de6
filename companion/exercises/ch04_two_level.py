"""Checks of chapter 4 (stock experts, a coordinator, lead-lag)."""

from __future__ import annotations

import numpy as np

from companion.exercises._core import Exercise, need, say, wrong

N_TESTS = 150          # 30 ordered pairs of six stocks × 5 lags


def _null_leadlag(answer, env):
    mean_hits, any_bonf = (float(v) for v in answer)
    if mean_hits < 1:
        raise wrong("{got:.3f} is a rate; the check wants a count: the mean number of the 150 tests "
                    "per market with p < 0.05.", got=mean_hits)
    if mean_hits > N_TESTS / 2:
        raise wrong("{got:.1f} of 150 is most of the tests: you counted the tests with p >= 0.05 "
                    "(those that fail).", got=mean_hits)
    if any_bonf > 6:
        raise wrong("{got:.0f} of 20 markets with a survivor is far too many for Bonferroni: count "
                    "markets where out.significant_bonferroni.any(), not out.p < 0.05.", got=any_bonf)
    if not 5.0 <= mean_hits <= 10.5:
        raise wrong("Under no relation about 5% of 150 tests, 7.5, pass by chance; {got:.1f} is "
                    "outside what 20 markets give (5 to 10.5). Are the returns independent normals, "
                    "730 days, six stocks?", got=mean_hits)
    if not 0 <= any_bonf <= 20 or any_bonf != int(any_bonf):
        raise wrong("The second number is a count of markets, from 0 to 20.")
    return say("About {hits:.1f} false hits per market, and {bonf:.0f} of 20 markets with a "
               "Bonferroni survivor: as 5% per test and at most about 5% per market predict.",
               hits=mean_hits, bonf=any_bonf)


def _parameters(answer, env):
    from companion.models import SharedExpert, StockExperts
    count = lambda m: sum(p.numel() for p in m.parameters())   # noqa: E731
    got = {int(n): tuple(int(x) for x in pair) for n, pair in dict(answer).items()}
    if set(got) != {5, 50, 300}:
        raise wrong("The check wants the counts for 5, 50 and 300 stocks; you gave {keys}.", keys=sorted(got))
    truth = {n: (count(StockExperts(n, 6, 16)), count(SharedExpert(n, 6, 16))) for n in got}
    one = count(StockExperts(1, 6, 16))
    for n, (independent, shared) in got.items():
        if (shared, independent) == truth[n] and shared != independent:
            raise wrong("The pairs are swapped: (independent, shared), the independent experts first.")
        if independent == one and n > 1:
            raise wrong("{got} is the count of one expert; {n} independent experts have {n} times as "
                        "many parameters.", got=independent, n=n)
        if (independent, shared) != truth[n]:
            raise wrong("For {n} stocks the check counts {want}; you have {got}. Count with "
                        "sum(p.numel() for p in model.parameters()).", n=n, want=truth[n],
                        got=(independent, shared))
    return say("Right: independent experts grow by {per:,} parameters per stock, the shared expert "
               "only by its embedding.", per=one)


def _logistic(answer, env):
    from sklearn.linear_model import LogisticRegression
    train_w, test_w, lead, fol, lag = need(env, "train_w", "test_w", "lead", "fol", "planted_lag")
    got = float(answer)
    if got > 1.5:
        raise wrong("{got:.1f} looks like a percentage or a count of days; the check wants the "
                    "accuracy as a fraction.", got=got)

    def accuracy(stock, back, part):
        feature = lambda p: p.X[:, stock, -back, 0:1]   # noqa: E731  [samples, 1]
        model = LogisticRegression().fit(feature(train_w), train_w.y[:, fol])
        return float((model.predict(feature(part)) == part.y[:, fol]).mean())

    want = accuracy(lead, lag, test_w)
    if np.isclose(got, want, atol=1e-6):
        return say("Accuracy {acc:.1%}: the one input that matters, handed over by someone who knows "
                   "the simulator.", acc=want)
    if np.isclose(got, accuracy(lead, 1, test_w), atol=1e-6) and lag != 1:
        raise wrong("You used the leader's last day (X[:, lead, -1, 0]); the lead is {lag} days: "
                    "X[:, lead, -{lag}, 0].", lag=lag)
    if np.isclose(got, accuracy(fol, lag, test_w), atol=1e-6):
        raise wrong("You used the follower's own return; the feature is the leader's: X[:, lead, ...].")
    if np.isclose(got, accuracy(lead, lag, train_w), atol=1e-6):
        raise wrong("You scored on the training windows; the check wants the accuracy on test_w.")
    raise wrong("The accuracy of that regression on the test windows is not {got:.3f}. Fit on "
                "train_w.X[:, lead, -3, 0:1] and train_w.y[:, fol], score on test_w.", got=got)


EXERCISES = [
    Exercise(
        "ex-04-null-leadlag",
        say("a pair (mean number of the 150 tests per market with p < 0.05, number of the 20 markets "
            "where at least one test survives Bonferroni)"),
        (say("rng = np.random.default_rng(seed); pd.DataFrame(rng.normal(0, 0.02, size=(730, 6))) is "
             "one market with no relation."),
         say("out = cross_correlations(fake) has a column p and a column significant_bonferroni."),
         say("Per seed: (out.p < 0.05).sum() and out.significant_bonferroni.any(); average the first, "
             "count the second.")),
        _null_leadlag,
    ),
    Exercise(
        "ex-04-parameters",
        say("`expert_counts`, a dict {stocks: (parameters of StockExperts, parameters of SharedExpert)} "
            "for 5, 50 and 300 stocks, hidden 16, six features"),
        (say("count(model) is defined above; StockExperts(n, 6, 16) and SharedExpert(n, 6, 16) build "
             "the experts."),
         say("from companion.models import SharedExpert.")),
        _parameters,
        (say("With about 500 days per stock, pool: try the shared expert first, and keep independent "
             "experts only if the test intervals say they help."),),
    ),
    Exercise(
        "ex-04-whole-window",
        say("your answer in words, as a string: which window's shuffling raises the follower's log "
            "loss more, and how large the rise is next to the loss itself"),
        (say("permutation_scores(models[\"two_level\"], test_w.X, test_w.y, groups, stock=fol) takes "
             "groups {name: index into (stock, time, feature)}."),
         say("(lead,) indexes the leader's whole window: every day and every feature."),
         say("Compare each rise with base_loss, and with 0.693, the log loss of a coin.")),
        points=(say("Shuffling a whole window removes everything the model reads from that stock; "
                    "compare the two rises, not one alone."),
                say("Judge a rise against the loss itself: a rise of a few thousandths of a nat on a "
                    "loss near 0.69 means the model barely uses the input."),
                say("A small rise does not mean the signal is absent: the leader's window holds it, "
                    "the trained model has not learned to use it.")),
        why_self_check="the rises come from the model trained live in the chapter and from random "
                       "shuffles; the exercise asks how to read them",
    ),
    Exercise(
        "ex-04-logistic",
        say("the accuracy (a fraction) of the one-feature logistic regression on the test windows"),
        (say("feature = lambda part: part.X[:, lead, -planted_lag, 0:1], shape [samples, 1]."),
         say("LogisticRegression().fit(feature(train_w), train_w.y[:, fol]); then compare "
             "predict(feature(test_w)) with test_w.y[:, fol].")),
        _logistic,
        (say("Not fair: it was handed the one input that matters, chosen with knowledge of the "
             "simulator; a model that must find it pays for the search with data."),),
    ),
]
