"""How much history does the coordinator need to find the planted lead-lag? (chapter 04)

The synthetic market plants one relation: the follower's expected return tomorrow moves with the
leader's return three days before, so its Bayes limit is known exactly. This benchmark measures,
on the same seeds (one simulated market and one model initialisation per seed):

1. **Diagnosis** at ``DIAG_YEARS`` of history: the two-level model under the story's training
   recipe and under one change at a time (early stopping, validation size, learning rate, epochs,
   hidden size, lookback, standardisation, dropout). The recipe for the learning curve is the one
   with the lowest mean *validation* log loss of the follower; the test period never chooses.
2. **Learning curve** over ``HISTORIES`` years of the same market: the two-level model (story
   recipe and chosen recipe), per-stock experts and the shared-weight model (chosen recipe), a
   logistic regression on the last days of every stock's features, and the oracle (the true
   ``p_up``). For each: the follower's test accuracy with its Wilson interval, log loss, and the
   Bayes limit on the same test days.
3. **What the model keeps of the leader**: a linear probe (ridge, fitted on the training windows,
   R^2 on the test windows) of the leader's standardised return ``lag`` days back from the
   coordinator's last state and from the leader's expert's last state; and the lag ablation
   (rise of the follower's log loss when the leader's input on one window day is shuffled).

The time budget of ``make bench`` (under 12 minutes on two cores, one thread) sets the sizes:
per-stock and shared models, which cannot see the leader at all, stop at ``NO_LEADER_YEARS``.
A recipe chosen at one history need not suit another (capacity, above all), so on every history
the two-level model runs with the story's and with the diagnosis-chosen recipe, and the rows
"two_level (validated)" repeat, per history, the one with the lower mean validation log loss.

Writes ``follower_learning_curve`` (history x seed x model), ``follower_diagnosis``
(variant x seed), ``follower_probe`` (history x seed x recipe x part x lag) and ``follower_lags``.
Fixed-epoch training calls ``train.fit(..., val=None)`` (no early stopping).
Run: ``python -m benchmarks.follower_learning_curve`` (part of ``make bench``).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
import torch
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import log_loss

from companion import market, metrics, train
from companion.device import set_seed
from companion.importance import lag_importance
from companion.models import TwoLevelLSTM
from companion.recipe import prepare

SEEDS = range(5)
HISTORIES = (3, 6, 12, 24, 48)  # years of simulated history, all ending 2017-12-29
DIAG_YEARS = 6
#: Per-stock and shared models cannot see the leader: their curve stops here (the time budget).
NO_LEADER_YEARS = 24
#: The story's recipe, as chapter 04 trains: early stopping on the 15% validation part.
STORY = dict(lookback=20, val=0.15, epochs=20, patience=5, lr=3e-3, batch_size=64,
             expert_hidden=16, coordinator_hidden=32, dropout=0.0, standardize=True)
#: One change at a time. patience=None: train all epochs, no early stopping (fit with val=None).
VARIANTS = {
    "story recipe": {},
    "no early stopping, 20 epochs": dict(patience=None),
    "patience 15, 30 epochs": dict(patience=15, epochs=30),
    "validation 30%": dict(val=0.30),
    "lr 1e-3": dict(lr=1e-3, epochs=30),
    "lr 1e-2": dict(lr=1e-2),
    "hidden 4 / 8": dict(expert_hidden=4, coordinator_hidden=8),
    "hidden 32 / 64": dict(expert_hidden=32, coordinator_hidden=64),
    "lookback 5": dict(lookback=5),
    "not standardised": dict(standardize=False),
}
TEST = 0.15  # the last 15% of windows test, whatever the validation size
LOGREG_DAYS = 5  # the logistic regression reads the last 5 days of every stock's features
PROBE_LAGS = range(1, 6)


def recipe(name: str) -> dict:
    return {**STORY, **VARIANTS[name]}


def synthetic_data(seed: int, years: int, lookback: int, val: float, standardize: bool):
    """(market, train, val, test) windows; statistics from the training part only."""
    m = market.simulate_market(seed=seed, start=f"{2018 - years}-01-01", end="2017-12-29")
    # Fractions that round to the same test start for every validation size: one test period.
    # They depend on the number of windows, so the recipe runs once to count them (a fraction
    # of a second beside the simulation).
    n = len(prepare(m, lookback=lookback).windows)
    end, n_train = round(n * (1 - TEST)), round(n * (1 - TEST - val))
    data = prepare(m, lookback=lookback, train=n_train / n, val=(end - n_train) / n)
    # "not standardised" is a variant of the recipe under study: it trains on the raw windows
    return (m, *(data if standardize else data.raw.values()))


def score(p: np.ndarray, y: np.ndarray) -> dict:
    """Accuracy (p > 0.5 = up), its 95% Wilson interval and the log loss of one stock's forecasts."""
    k, n = int(((p > 0.5) == (y > 0.5)).sum()), len(y)
    low, high = metrics.wilson_interval(k, n)
    return dict(correct=k, n=n, accuracy=k / n, low=low, high=high,
                log_loss=float(log_loss(y, np.clip(p, 1e-6, 1 - 1e-6), labels=[0, 1])))


def train_two_level(r: dict, tr, va, seed: int, **model_kw) -> tuple[TwoLevelLSTM, int]:
    """A TwoLevelLSTM trained with recipe ``r``; returns the model and the epochs it ran."""
    set_seed(seed)
    model = TwoLevelLSTM(len(tr.codes), len(tr.features), expert_hidden=r["expert_hidden"],
                         coordinator_hidden=r["coordinator_hidden"], dropout=r["dropout"], **model_kw)
    early = r["patience"] is not None
    hist = train.fit(model, tr, va if early else None, seed=seed, progress=False, epochs=r["epochs"],
                     patience=r["patience"] or 1, lr=r["lr"], batch_size=r["batch_size"])
    return model, len(hist)


def logistic_forecast(tr, va, te, fol: int, Cs=(1e-3, 1e-2, 1e-1, 1.0)) -> tuple[np.ndarray, np.ndarray, float]:
    """Logistic regression on the last LOGREG_DAYS days of all stocks' features; C chosen on val."""
    def flat(w):  # [samples, stock, time, feature] -> [samples, stock * days * feature]
        return w.X[:, :, -LOGREG_DAYS:, :].reshape(len(w), -1)
    best = None
    for C in Cs:
        clf = LogisticRegression(C=C, max_iter=2000).fit(flat(tr), tr.y[:, fol])
        p_val = clf.predict_proba(flat(va))[:, 1]
        loss = log_loss(va.y[:, fol], p_val, labels=[0, 1])
        if best is None or loss < best[0]:
            best = (loss, clf, p_val, C)
    _, clf, p_val, C = best
    return p_val, clf.predict_proba(flat(te))[:, 1], C


@torch.no_grad()
def probe(model: TwoLevelLSTM, tr, te, lead: int) -> list[dict]:
    """R^2 on test of a ridge probe for the leader's standardised ret_1 ``lag`` days back.

    Read from the coordinator's last state (what every head sees) and from the leader's own
    expert's last state; the probe is fitted on the training windows.
    """
    f_idx, hid = tr.features.index("ret_1"), model.experts.hidden_size
    states = {}
    for name, w in (("train", tr), ("test", te)):
        z = model.features(torch.as_tensor(w.X)).numpy()   # [sample, stock, expert + coordinator]
        states[name] = {"coordinator": z[:, 0, hid:], "leader expert": z[:, lead, :hid]}
    rows = []
    for part in ("coordinator", "leader expert"):
        if states["train"][part].shape[1] == 0:
            continue  # no coordinator
        for lag in PROBE_LAGS:
            target = {n: w.X[:, lead, -lag, f_idx] for n, w in (("train", tr), ("test", te))}
            ridge = Ridge(alpha=1.0).fit(states["train"][part], target["train"])
            rows.append(dict(part=part, lag=lag, r2=float(ridge.score(states["test"][part], target["test"]))))
    return rows


def diagnose(t0: float) -> tuple[pd.DataFrame, dict]:
    """Every variant at DIAG_YEARS on every seed: the follower's validation and test scores.

    Also returns the trained models and their data, keyed by (variant, seed), for reuse.
    """
    rows, trained = [], {}
    for seed in SEEDS:
        cache = {}
        for name in VARIANTS:
            r = recipe(name)
            key = (r["lookback"], r["val"], r["standardize"])
            if key not in cache:
                cache[key] = synthetic_data(seed, DIAG_YEARS, *key)
            m, tr, va, te = cache[key]
            fol = te.codes.index(m.lead_lag[0][1])
            model, epochs = train_two_level(r, tr, va, seed)
            trained[name, seed] = (model, epochs, cache[key])
            val = score(train.predict_proba(model, va.X)[:, fol], va.y[:, fol])
            test = score(train.predict_proba(model, te.X)[:, fol], te.y[:, fol])
            rows.append(dict(variant=name, seed=seed, years=DIAG_YEARS, epochs=epochs,
                             val_accuracy=val["accuracy"], val_log_loss=val["log_loss"],
                             **test, bayes_accuracy=m.bayes_accuracy(dates=te.dates, codes=[m.lead_lag[0][1]])))
        print(f"diagnosis seed {seed} done, {time.perf_counter() - t0:.0f} s", flush=True)
    return pd.DataFrame(rows), trained


def choose(diagnosis: pd.DataFrame) -> str:
    """The variant with the lowest mean validation log loss of the follower (never the test)."""
    return str(diagnosis.groupby("variant")["val_log_loss"].mean().idxmin())


def two_level_runs(seed: int, years: int, chosen: str, reuse: dict):
    """The two-level model under the story's and the chosen recipe: {label: (model, epochs, data)}."""
    runs = {}
    for label, name in (("two_level (story recipe)", "story recipe"), ("two_level", chosen)):
        if label == "two_level" and name == "story recipe":
            runs[label] = runs["two_level (story recipe)"]
            continue
        if (name, seed) in reuse and years == DIAG_YEARS:
            runs[label] = reuse[name, seed]
            continue
        r = recipe(name)
        data = synthetic_data(seed, years, r["lookback"], r["val"], r["standardize"])
        model, epochs = train_two_level(r, data[1], data[2], seed)
        runs[label] = (model, epochs, data)
    return runs


def curve_point(seed: int, years: int, chosen: str, reuse: dict) -> tuple[list, list, list]:
    """Rows of the learning curve, the probes and the lag ablation for one history and seed."""
    rows, probes, lags = [], [], []
    runs = two_level_runs(seed, years, chosen, reuse)
    r = recipe(chosen)
    _, _, (m, tr, va, te) = runs["two_level"]
    leader, follower, planted = m.lead_lag[0]
    lead, fol = te.codes.index(leader), te.codes.index(follower)
    for label, kw in (("per_stock", dict(experts="loop", coordinator=False)),
                      ("shared", dict(experts="shared", coordinator=False))):
        if years > NO_LEADER_YEARS:
            continue
        model, epochs = train_two_level(r, tr, va, seed, **kw)
        runs[label] = (model, epochs, (m, tr, va, te))
    base = dict(years=years, seed=seed, recipe=chosen, planted_lag=planted)
    for label, (model, epochs, (mm, trr, vaa, tee)) in runs.items():
        p = train.predict_proba(model, tee.X)[:, fol]
        bayes = mm.bayes_accuracy(dates=tee.dates, codes=[follower])
        val = score(train.predict_proba(model, vaa.X)[:, fol], vaa.y[:, fol])
        rows.append(dict(base, model=label, train_windows=len(trr), epochs=epochs, **score(p, tee.y[:, fol]),
                         bayes_accuracy=bayes, val_log_loss=val["log_loss"]))
        if label.startswith("two_level"):
            probes += [dict(base, model=label, **row) for row in probe(model, trr, tee, lead)]
            imp = lag_importance(model, tee.X, tee.y, source=lead, target=fol, lags=PROBE_LAGS,
                                 n_repeats=5, seed=seed)
            lags += [dict(base, model=label, lag=int(x.lag), increase=x.increase,
                          increase_std=x.increase_std) for x in imp.itertuples()]
    # the untrained two-level model: what random recurrent features already keep of the leader
    set_seed(seed)
    fresh = TwoLevelLSTM(len(tr.codes), len(tr.features), expert_hidden=r["expert_hidden"],
                         coordinator_hidden=r["coordinator_hidden"]).eval()
    probes += [dict(base, model="untrained", **row) for row in probe(fresh, tr, te, lead)]
    # the logistic regression and the oracle read the story's windows (lookback 20, standardised)
    _, sm_tr, sm_va, sm_te = runs["two_level (story recipe)"][2]
    _, p_log, C = logistic_forecast(sm_tr, sm_va, sm_te, fol)
    oracle_p = m.p_up.loc[sm_te.dates, follower].to_numpy()
    bayes = m.bayes_accuracy(dates=sm_te.dates, codes=[follower])
    for label, p in (("logistic", p_log), ("oracle", oracle_p)):
        rows.append(dict(base, model=label, train_windows=len(sm_tr), epochs=0,
                         **score(p, sm_te.y[:, fol]), bayes_accuracy=bayes))
    return rows, probes, lags


def validated(table: pd.DataFrame) -> pd.DataFrame:
    """Per history, the two-level recipe (story's or diagnosis-chosen) with the lower mean
    validation log loss over seeds, as rows of model "two_level (validated)"."""
    two = table[table.model.isin(["two_level", "two_level (story recipe)"])]
    best = two.groupby(["years", "model"]).val_log_loss.mean().groupby("years").idxmin()
    picked = pd.concat([two[(two.years == y) & (two.model == m)] for y, m in best.values])
    recipe_of = {"two_level (story recipe)": "story recipe"}
    return picked.assign(recipe=[recipe_of.get(m, r) for m, r in zip(picked.model, picked.recipe, strict=True)],
                         model="two_level (validated)")


def main(quick: bool = False) -> None:
    global SEEDS, HISTORIES
    t0 = time.perf_counter()
    # One thread: on the course's shared two-core machine, two threads per process stall each
    # other under load; these small models gain nothing from more.
    torch.set_num_threads(1)
    if quick:  # a smoke run for development: not for the committed results
        SEEDS, HISTORIES = range(1), (3, DIAG_YEARS)
    diagnosis, trained = diagnose(t0)
    chosen = choose(diagnosis)
    print(diagnosis.groupby("variant")[["val_log_loss", "val_accuracy", "accuracy", "log_loss", "epochs"]]
          .mean().sort_values("val_log_loss").round(4), f"\nchosen on validation: {chosen}", flush=True)
    rows, probes, lags = [], [], []
    for years in HISTORIES:
        for seed in SEEDS:
            a, b, c = curve_point(seed, years, chosen, trained)
            rows, probes, lags = rows + a, probes + b, lags + c
        print(f"{years} years done, {time.perf_counter() - t0:.0f} s", flush=True)
    table = pd.DataFrame(rows)
    table = pd.concat([table, validated(table)], ignore_index=True)
    summary = table.groupby(["years", "model"])[["accuracy", "bayes_accuracy", "log_loss"]].mean()
    print(summary.unstack("model")["accuracy"].round(3), flush=True)
    if quick:
        return
    from companion.results import save_result
    note = (f"{len(SEEDS)} seeds; histories {list(HISTORIES)} years; diagnosis at {DIAG_YEARS} years; "
            f"recipe chosen on validation: {chosen}; {torch.get_num_threads()} torch thread")
    for name, frame in (("follower_learning_curve", table), ("follower_diagnosis", diagnosis),
                        ("follower_probe", pd.DataFrame(probes)), ("follower_lags", pd.DataFrame(lags))):
        save_result(name, frame, script=__file__, started=t0, notes=note)
    assert np.isfinite(table.accuracy).all()


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
