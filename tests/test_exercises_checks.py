"""Every coded check: a right answer passes, and typical wrong answers fail with a message that
names the mistake. The chapters' variables are stood in for by small made-up ones (the checks read
only what the chapter would hand them), so each case runs in well under a second; the chapters'
hidden cells check the real worked solutions against the same checks."""

from __future__ import annotations

import copy
from functools import cache
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

import companion.exercises as ex
from companion.exercises import ch01_market, ch02_baseline


def gradient_descent(x, y, lr, steps):
    # the chapter's function: x [rows, feature], y [rows] -> w, b, losses
    w, b, losses = torch.zeros(x.shape[1], dtype=x.dtype), torch.zeros((), dtype=x.dtype), []
    for _ in range(steps):
        error = torch.sigmoid(x @ w + b) - y
        w, b = w - lr * x.T @ error / len(y), b - lr * error.mean()
        z = x @ w + b
        losses.append(float((z.clamp(min=0) - y * z + torch.log1p(torch.exp(-z.abs()))).mean()))
    return w, b, losses


@cache
def env00():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 3, generator=g, dtype=torch.float64)
    y = (x[:, 0] + torch.randn(200, generator=g, dtype=torch.float64) > 0).double()
    optimum = min(gradient_descent(x, y, 1.0, 3000)[2])
    X = torch.randn(10, 3, 20, 6, generator=g)                       # [sample, stock, time, feature]
    return {"gradient_descent": gradient_descent, "x_train": x, "y_train": y, "optimum_loss": optimum,
            "X": X, "k": 0}


def gaps(sign=1.0, plus=0.0):
    e = env00()
    return {r: sign * (gradient_descent(e["x_train"], e["y_train"], r, 300)[2][-1] - e["optimum_loss"]) + plus
            for r in (0.1, 1.0, 4.0, 20.0)}


def windows(n, stocks=3, signal_stock=None, lag=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, stocks, 20, 6)).astype(np.float32)        # [sample, stock, time, feature]
    y = (rng.random((n, stocks)) < 0.5).astype(np.float32)            # [sample, stock]
    if signal_stock is not None:
        y[:, 1] = (X[:, signal_stock, -lag, 0] + 0.5 * rng.normal(size=n) > 0)
    return SimpleNamespace(X=X, y=y, codes=[f"S{i}" for i in range(stocks)])


@cache
def env02():
    val = windows(120, seed=1)
    p = np.random.default_rng(2).random(val.y.shape)
    train, sval = windows(300, signal_stock=1, seed=3), windows(100, signal_stock=1, seed=4)
    return {"data": {"real": ({"val": val},), "synthetic": ({"train": train, "val": sval},)},
            "probs": {"real": {"TinyLSTM": p}}}


def per_stock_table(kind="wilson"):
    from companion.metrics import scorecard
    e = env02()
    val, p = e["data"]["real"][0]["val"], e["probs"]["real"]["TinyLSTM"]
    rows = [scorecard(val.y[:, s], p[:, s]) for s in range(3)]
    if kind == "pooled":
        rows = [scorecard(val.y, p)] * 3
    table = pd.DataFrame(rows, index=val.codes)
    if kind == "wald":
        half = 1.96 * np.sqrt(table["accuracy"] * (1 - table["accuracy"]) / table["n"])
        table["accuracy_low"], table["accuracy_high"] = table["accuracy"] - half, table["accuracy"] + half
    return table


def best_table(scale=1.0, transpose=False, mean_model=False):
    values = {d: {m: 0.5 if mean_model else ch02_baseline.expected_best(d, m) * scale
                  for m in (1, 5, 20, 100)} for d in (100, 1000)}
    table = pd.DataFrame(values)
    return table.T if transpose else table


def flat_p(flip=False, decisions=False, flat=False):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    train, val = (env02()["data"]["synthetic"][0][k] for k in ("train", "val"))
    rows = lambda w: w.X.reshape(-1, 120)                                    # noqa: E731
    p = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(
        rows(train), train.y.ravel()).predict_proba(rows(val))[:, 1]
    p = 1 - p if flip else p
    p = (p >= 0.5).astype(float) if decisions else p
    return p if flat else p.reshape(val.y.shape)


@cache
def env03():
    from companion.models import TwoLevelLSTM
    torch.manual_seed(0)
    model = TwoLevelLSTM(3, 6, weighting="static")
    with torch.no_grad():
        model.weighting.raw.copy_(torch.rand(3, 6) + 0.1)
    return {"models": {"static": model}, "test_w": windows(8)}


def reversed_model(fix_inputs=True, reverse=True):
    model = copy.deepcopy(env03()["models"]["static"])
    with torch.no_grad():
        old = model.weighting.raw.clone()
        order = old.abs().argsort(dim=1)
        new = old.clone()
        if reverse:
            for s in range(3):
                new[s, order[s]] = old[s, order[s].flip(0)].abs() * old[s, order[s]].sign()
        model.weighting.raw.copy_(new)
        if fix_inputs:
            model.experts.weight_ih.mul_((old / new)[:, None, :])
    return model


@cache
def env04():
    return {"train_w": windows(400, signal_stock=0, lag=3, seed=5),
            "test_w": windows(200, signal_stock=0, lag=3, seed=6), "lead": 0, "fol": 1, "planted_lag": 3}


def one_feature(stock=0, back=3, part="test_w"):
    from sklearn.linear_model import LogisticRegression
    e = env04()
    f = lambda w: w.X[:, stock, -back, 0:1]                                  # noqa: E731
    model = LogisticRegression().fit(f(e["train_w"]), e["train_w"].y[:, 1])
    return float((model.predict(f(e[part])) == e[part].y[:, 1]).mean())


def expert_counts(swap=False, one=False):
    from companion.models import SharedExpert, StockExperts
    count = lambda m: sum(p.numel() for p in m.parameters())                 # noqa: E731
    out = {}
    for n in (5, 50, 300):
        pair = (count(StockExperts(1 if one else n, 6, 16)), count(SharedExpert(n, 6, 16)))
        out[n] = pair[::-1] if swap else pair
    return out


@cache
def env05():
    from companion import market
    x = market.load_prices(codes=["000401.SZ"], start="2015-01-01", end="2017-12-31")["adj_close"].to_numpy()
    return {"x": x}


def sweep(on_prices=False):
    from companion import augment
    x, rows = env05()["x"], {}
    for f in np.round(np.arange(0.90, 1.101, 0.02), 2):
        path = augment.time_scale(x, f, length=int(np.floor((len(x) - 1) / f)) + 1)
        series = path if on_prices else np.diff(np.log(path))
        rows[f] = {"std": np.std(series, ddof=1), "ac1": pd.Series(series).autocorr(1)}
    return pd.DataFrame(rows).T


@cache
def env06():
    rng = np.random.default_rng(7)
    y = (rng.random((60, 3)) < 0.5).astype(float)
    p = np.clip(0.5 + 0.3 * (y - 0.5) + 0.2 * rng.normal(size=y.shape), 0.01, 0.99)

    class Het(nn.Module):   # m, s: [batch, stock] from the last day's first two features
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.tensor(1.5))

        def forward(self, x):
            return self.scale * x[:, :, -1, 0], nn.functional.softplus(x[:, :, -1, 1]) * 2

    X = windows(40, seed=8).X
    story = {"p": p, "u": rng.random(y.shape)}
    return {"data": {"real": (None, None, SimpleNamespace(y=y)), "synthetic": (None, None, SimpleNamespace(X=X, y=y[:40]))},
            "results": {"real": {"story head": story},
                        "synthetic": {"heteroscedastic": {"model": Het()}, "plain": {"p": p[:40]}}}}


def median_filter(larger=False):
    from companion.calibration import filter_vs_random
    e = env06()
    r, y = e["results"]["real"]["story head"], e["data"]["real"][2].y
    keep = r["u"] > np.median(r["u"]) if larger else r["u"] <= np.median(r["u"])
    return filter_vs_random(y, r["p"], keep, seed=3)


def worse_head(n_flipped=12):
    """The plain model's P(up) with n_flipped of its right calls made wrong, on as many days: the
    two accuracy intervals still overlap, but the paired test sees the head lose on every disagreement."""
    e = env06()
    y, p = e["data"]["synthetic"][2].y, e["results"]["synthetic"]["plain"]["p"].copy()
    right = np.argwhere((p >= 0.5) == (y == 1))
    _, first_per_day = np.unique(right[:, 0], return_index=True)   # one stock-day per day
    for d, s in right[first_per_day[:n_flipped]]:
        p[d, s] = 1 - p[d, s]
    return p


def probit_gap(against="mc"):
    e = env06()
    het = e["results"]["synthetic"]["heteroscedastic"]["model"]
    with torch.no_grad():
        m, s = het(torch.from_numpy(e["data"]["synthetic"][2].X))
        approx = torch.sigmoid(m / torch.sqrt(1 + torch.pi * s ** 2 / 8))
        reference = {"mc": torch.sigmoid(m + s * torch.randn(2000, *m.shape, generator=torch.Generator().manual_seed(0))).mean(0),
                     "plain": torch.sigmoid(m), "self": approx}[against]
    return float((approx - reference).abs().max())


ENV07 = {"payoff": {"real": {"G": 0.016, "L": 0.015, "p*": 0.52}},
         "round_trip_cost": lambda v: (2 * max(0.0003 * v, 5) + 0.001 * v) / v}


def p_star(cost=True, percent=False):
    g, loss = ENV07["payoff"]["real"]["G"], ENV07["payoff"]["real"]["L"]
    c = ENV07["round_trip_cost"](550) * (100 if percent else 1) * cost
    return (loss + c) / (g + loss)


@cache
def env08():
    from companion import market
    from companion.backtest import Policy
    codes = ["000725.SZ", "600585.SH"]
    prices = market.load_prices(codes, "2017-06-01", "2017-09-30")
    days = pd.DatetimeIndex(sorted(prices["date"].unique()))
    rng = np.random.default_rng(9)
    return {"prices": prices, "p_frame": pd.DataFrame(rng.uniform(0.4, 0.65, (len(days), 2)), index=days, columns=codes),
            "u_frame": pd.DataFrame(rng.uniform(0, 0.02, (len(days), 2)), index=days, columns=codes),
            "policy": Policy(threshold=0.52, holding_days=1, execution="next_open"), "story_cash": 551.8}


def report(holding=3, threshold=0.52, execution="next_open"):
    from companion.backtest import Policy, run_backtest
    e = env08()
    policy = Policy(threshold=threshold, holding_days=holding, execution=execution)
    return run_backtest(e["prices"], e["p_frame"], policy).report


def fees(buy_day, sell_day):
    from companion.account import Account
    a = Account(551.8)
    return (a.buy("000725.SZ", 100, 4.12, buy_day, preclose=4.12)["fees"]
            + a.sell("000725.SZ", 100, 4.34, sell_day, preclose=4.12)["fees"])


def gated(gate=0.01, execution="next_open"):
    from companion.widgets import trading_view
    e = env08()
    trips = trading_view(e["prices"], e["p_frame"], threshold=0.52, max_uncertainty=gate,
                         uncertainty=e["u_frame"], execution=execution).round_trips
    return len(trips), int((trips["net_pnl"] > 0).sum())


@cache
def env09():
    from companion import validation as V
    rng = np.random.default_rng(10)
    tries = [rng.normal(0, 0.01, 240) for _ in range(20)]
    return {"V": V, "best": V.best_of_n_accuracy(20, 100, n_sims=4000, seed=1),
            "tries": tries, "srs": np.array([r.mean() / r.std(ddof=1) for r in tries])}


def days_needed(versus="luck", test="two-sample", power_z=0.8416212335729143, level_z=1.959963984540054,
                per_version=True):
    """The worked solution's four numbers, (n_vs_luck, n_test, n_vs_first, n_power), with one of the
    typical mistakes when asked."""
    from companion import metrics
    V, best = env09()["V"], env09()["best"]
    until = lambda cond: next(n for n in range(20, 5000, 5) if cond(n))     # noqa: E731 (the solution's search)
    low = lambda a, n: V.wilson_interval(round(a * n), n)[0]                 # noqa: E731

    def p_value(n):
        hits = [(np.arange(n) < round(acc * n)).astype(float) for acc in (0.683, 0.617)]
        two = {"y_b": np.ones(n)} if test == "two-sample" else {}
        return metrics.accuracy_difference(np.ones(n), hits[0], hits[1], **two)["p_value"]

    luck = until(lambda n: low(0.683, n) > (0.5 if versus == "half" else best.mean()))
    first = until(lambda n: low(0.683, n) > (0.617 if versus == "point" else V.wilson_interval(round(0.617 * n), n)[1]))
    n_test = first if test == "overlap" else until(lambda n: p_value(n) < 0.05)
    lo, hi = 0.617, 0.683
    n_power = int(np.ceil((level_z * np.sqrt(2 * 0.65 * 0.35) + power_z * np.sqrt(lo * (1 - lo) + hi * (1 - hi)))**2
                          / (hi - lo)**2))
    return luck, n_test, first, n_power if per_version else 2 * n_power


def more_tries(annual=True, tries_for_5=5):
    e = env09()
    V, srs, tries = e["V"], e["srs"], e["tries"]
    out = {}
    for n in (5, 20):
        sub = srs[:n]
        pick = tries[int(np.argmax(sub))]
        out[n] = {"best annual SR": sub.max() * (np.sqrt(244) if annual else 1),
                  "deflated SR": V.deflated_sharpe_ratio(pick, tries_for_5 if n == 5 else n, sub.var(ddof=1))}
    return out


def concept(kind):
    limit_up, one_price, by_percent = ch01_market._concept_truth()
    return {"right": limit_up, "one-price": one_price, "percent": by_percent}[kind]


def raw_drop(kind="raw"):
    raw, adjusted = ch01_market._bbmg_returns()
    return {"raw": raw.min(), "percent": 100 * raw.min(), "adjusted": adjusted[raw.idxmin()],
            "positive": -raw.min()}[kind]


# label: (env, right answer, [(typical wrong answer, words the feedback must contain), ...])
CASES = {
    "ex-00-learning-rate": (env00, lambda: gaps(), [(lambda: gaps(-1.0), "never below zero"),
                                                    (lambda: gaps(plus=env00()["optimum_loss"]), "the loss itself"),
                                                    (lambda: {0.1: 1.0, 1.0: 1.0}, "one entry per learning rate")]),
    "ex-00-shapes": (env00, lambda: env00()["X"][:, :, :, 0].mean(dim=2),
                     [(lambda: env00()["X"].mean(dim=2), "keeps the feature axis"),
                      (lambda: env00()["X"][:, :, :, 0].mean(dim=1), "averaged over the stocks"),
                      (lambda: env00()["X"].mean(dim=(2, 3)), "averaged over every feature")]),
    "ex-01-concept-stocks": (dict, lambda: concept("right"),
                             [(lambda: concept("one-price"), "one-price limit-up days only"),
                              (lambda: concept("percent"), "closes up 10% or more")]),
    "ex-01-raw-returns": (dict, lambda: raw_drop(), [(lambda: raw_drop("percent"), "percentage"),
                                                     (lambda: raw_drop("adjusted"), "adjusted return"),
                                                     (lambda: raw_drop("positive"), "negative return")]),
    "ex-01-embargo": (dict, lambda: 14, [(lambda: 15, "not the smallest"), (lambda: 5, "only covers the horizon"),
                                         (lambda: 10, "only covers the lookback")]),
    "ex-02-per-stock": (env02, per_stock_table, [(lambda: per_stock_table("pooled"), "pooled interval"),
                                                 (lambda: per_stock_table("wald"), "(Wald)")]),
    "ex-02-best-of-n": (dict, best_table, [(lambda: best_table(transpose=True), "transposed"),
                                           (lambda: best_table(scale=100), "counts of correct days"),
                                           (lambda: best_table(mean_model=True), "the average model")]),
    "ex-02-flat-logistic": (env02, flat_p, [(lambda: flat_p(flip=True), "probabilities of a fall"),
                                            (lambda: flat_p(decisions=True), "decisions (0 or 1)"),
                                            (lambda: flat_p(flat=True), "reshape(val.y.shape)")]),
    "ex-03-reverse-ranking": (env03, reversed_model, [(lambda: reversed_model(fix_inputs=False), "predictions changed"),
                                                      (lambda: reversed_model(reverse=False), "ranking of the features by |W| is unchanged"),
                                                      (lambda: env03()["models"]["static"], "the chapter's own model")]),
    "ex-04-null-leadlag": (dict, lambda: (7.4, 1), [(lambda: (0.049, 1), "is a rate; the check wants a count"),
                                                    (lambda: (142.0, 1), "p >= 0.05"),
                                                    (lambda: (7.5, 20), "far too many for Bonferroni")]),
    "ex-04-parameters": (dict, expert_counts, [(lambda: expert_counts(swap=True), "swapped"),
                                               (lambda: expert_counts(one=True), "the count of one expert")]),
    "ex-04-logistic": (env04, one_feature, [(lambda: one_feature(back=1), "the leader's last day"),
                                            (lambda: one_feature(part="train_w"), "training windows"),
                                            (lambda: 100 * one_feature(), "as a fraction")]),
    "ex-05-scale-sweep": (env05, sweep, [(lambda: sweep().drop(1.10), "1.10 is missing"),
                                         (lambda: sweep(on_prices=True), "not of the prices")]),
    "ex-05-gate-check": (dict, lambda: {"trailing": 0, "centred": 4},
                         [(lambda: {"trailing": 2, "centred": 4}, "your window includes day t+1"),
                          (lambda: {"trailing": 0, "centred": 0}, "center=True")]),
    "ex-06-median-sigma": (env06, median_filter, [(lambda: median_filter(larger=True), "larger sigma"),
                                                  (lambda: {**median_filter(), "n_kept": 30, "accuracy": 0.5},
                                                   "keeps half")]),
    "ex-06-probit": (env06, probit_gap, [(lambda: probit_gap("plain"), "ignores s"),
                                         (lambda: probit_gap("self"), "with itself")]),
    "ex-06-gaussian-returns": (env06, lambda: env06()["results"]["synthetic"]["plain"]["p"],
                               [(lambda: 1 - env06()["results"]["synthetic"]["plain"]["p"], "probabilities of a fall"),
                                (lambda: 1.5 + env06()["results"]["synthetic"]["plain"]["p"], "sigma or mu"),
                                (lambda: np.full((40, 3), 0.5), "did not train"),
                                (worse_head, "more than chance explains")]),
    "ex-07-small-position": (lambda: ENV07, p_star, [(lambda: 0.52, "the chapter's position"),
                                                     (lambda: p_star(cost=False), "without costs"),
                                                     (lambda: p_star(percent=True), "as a percentage")]),
    "ex-07-weight-for-threshold": (lambda: ENV07, lambda: 0.52 / 0.48, [(lambda: 0.48 / 0.52, "upside down"),
                                                                         (lambda: 0.52, "the threshold p* itself")]),
    "ex-08-hold-three": (env08, report, [(lambda: report(holding=1), "one-day report"),
                                         (lambda: report(threshold=0.6), "same threshold"),
                                         (lambda: report(execution="close"), "trades at the close")]),
    "ex-08-rules-2024": (env08, lambda: fees("2017-03-01", "2017-03-02") - fees("2024-03-04", "2024-03-05"),
                         [(lambda: fees("2024-03-04", "2024-03-05") - fees("2017-03-01", "2017-03-02"), "sign is reversed"),
                          (lambda: fees("2024-03-04", "2024-03-05"), "what the round trip costs in 2024")]),
    "ex-08-gate": (env08, gated, [(lambda: gated(None), "without the gate"),
                                  (lambda: gated()[::-1] if gated()[1] < gated()[0] else (1, 5), "More wins than trades"),
                                  (lambda: gated(execution="close"), "filled at the wrong time")]),
    "ex-09-how-many-days": (env09, days_needed, [(lambda: days_needed("half"), "compared with 50%"),
                                                 (lambda: days_needed("point"), "with the point 61.7%"),
                                                 (lambda: days_needed(test="overlap"), "stop overlapping; the two-sample"),
                                                 (lambda: days_needed(test="paired"), "same days (a paired test)"),
                                                 (lambda: days_needed(power_z=0.0), "50% power"),
                                                 (lambda: days_needed(level_z=1.6448536269514722), "one-sided z"),
                                                 (lambda: days_needed(per_version=False), "both versions together"),
                                                 (lambda: days_needed()[::2], "four numbers")]),
    "ex-09-more-tries": (env09, more_tries, [(lambda: more_tries(annual=False), "annualise"),
                                             (lambda: more_tries(tries_for_5=20), "as if 20 strategies")]),
}


def test_every_coded_check_has_its_cases():
    coded = {label for label, e in ex.EXERCISES.items() if e.judge is not None}
    assert set(CASES) == coded and len(coded) == 24
    assert all(len(wrongs) >= 2 for _, _, wrongs in CASES.values())


@pytest.mark.parametrize("label", sorted(CASES))
def test_the_right_answer_passes_and_typical_mistakes_are_named(label):
    env_of, right, wrongs = CASES[label]
    env = env_of()
    passed = ex.check(label, right(), env=env, record_progress=False)
    assert passed.passed, repr(passed)
    for answer, words in wrongs:
        feedback = ex.check(label, answer(), env=env, record_progress=False)
        assert not feedback.passed, (words, repr(feedback))
        assert words in repr(feedback), (words, repr(feedback))


@pytest.mark.parametrize("label", sorted(CASES))
def test_the_chinese_feedback_is_chinese(label):
    env_of, right, wrongs = CASES[label]
    ex.set_language("zh_CN")
    try:
        for feedback in (ex.check(label, right(), env=env_of(), record_progress=False),
                         ex.check(label, wrongs[0][0](), env=env_of(), record_progress=False)):
            text = repr(feedback)
            assert sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 4, text
    finally:
        ex.set_language("en")


def test_the_vectorised_two_sample_test_is_the_course_one():
    from companion import metrics
    from companion.exercises.ch09_validation import paired_p, two_sample_p
    for n in (20, 333, 380, 1234):
        hits = [(np.arange(n) < round(acc * n)).astype(float) for acc in (0.683, 0.617)]
        two = metrics.accuracy_difference(np.ones(n), hits[0], hits[1], y_b=np.ones(n))["p_value"]
        paired = metrics.accuracy_difference(np.ones(n), hits[0], hits[1])["p_value"]
        assert np.isclose(two_sample_p(np.array([n]))[0], two, rtol=1e-9)
        assert np.isclose(paired_p(np.array([n]))[0], paired, rtol=1e-9)


def test_the_vectorised_wilson_interval_is_the_course_one():
    from companion import validation as V
    from companion.exercises.ch09_validation import wilson
    for acc, n in [(0.683, 20), (0.617, 333), (0.683, 1234), (0.5, 99)]:
        low, high = wilson(acc, np.array([n]))
        assert np.allclose((low[0], high[0]), V.wilson_interval(round(acc * n), n), atol=1e-9)


def test_the_gaussian_head_is_judged_by_the_paired_test_not_by_overlapping_intervals():
    from companion.metrics import scorecard
    e = env06()
    y, plain = e["data"]["synthetic"][2].y, e["results"]["synthetic"]["plain"]["p"]
    head, other = scorecard(y, worse_head()), scorecard(y, plain)
    assert head["accuracy_high"] > other["accuracy_low"]          # the intervals overlap ...
    feedback = ex.check("ex-06-gaussian-returns", worse_head(), env=e, record_progress=False)
    assert not feedback.passed and "paired difference" in repr(feedback)   # ... the test still says worse
    assert ex.check("ex-06-gaussian-returns", worse_head(2), env=e, record_progress=False).passed
