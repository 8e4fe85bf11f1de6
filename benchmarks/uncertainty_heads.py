"""Uncertainty heads over seeds: calibration, risk-coverage and the story's sigma filter.

For each data set (the synthetic market, the six real story stocks) and each of five seeds, train
a plain logit model, the story's (mu, sigma) head with BCE on mu, a heteroscedastic logit head,
an MC-dropout head and a five-member deep ensemble; score them on the test part.
Columns: data, seed, model, accuracy, acc_low, acc_high, ece, ece_ts (after temperature scaling
fitted on validation), brier, aurc, acc_at_20 (accuracy of the 20% most confident by |p - 0.5|,
or by low spread / low sigma for the heads that have one), sigma_filter_acc and random_filter_acc
(story head only: accuracy of the 30% lowest-sigma predictions, and the mean accuracy of random
30% subsets).

Run: python -m benchmarks.uncertainty_heads   (about 25 minutes on a 2-core CPU; chapter 6 quotes the
measured time from the result's metadata)
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import companion
from companion.calibration import TemperatureScaler, filter_vs_random
from companion.layers import BayesianHead, HeteroscedasticLogitHead, MCDropoutHead, UncertainModel
from companion.layers.heads import predict_with_uncertainty
from companion.losses import HeteroscedasticBCE, mu_only_bce
from companion.market import load_prices, simulate_market
from companion.metrics import area_under_risk_coverage, risk_coverage, scorecard
from companion.models import DeepEnsemble, TinyLSTM
from companion.recipe import prepare
from companion.results import save_result
from companion.train import fit, predict_proba

SEEDS = [0, 1, 2, 3, 4]
HIDDEN, EPOCHS, MEMBERS = 16, 10, 5


def score(name, p, u, p_val, tr, va, te, seed, dname) -> dict:
    card = scorecard(te.y, p)
    p_ts = TemperatureScaler().fit_proba(p_val, va.y).transform_proba(p)
    conf = None if u is None else -u
    rc = risk_coverage(te.y, p, confidence=conf)
    row = {"data": dname, "seed": seed, "model": name, "accuracy": card["accuracy"],
           "acc_low": card["accuracy_low"], "acc_high": card["accuracy_high"], "ece": card["ece"],
           "ece_ts": scorecard(te.y, p_ts)["ece"], "brier": card["brier"],
           "aurc": area_under_risk_coverage(te.y, p, confidence=conf),
           "acc_at_20": float(rc["accuracy"].iloc[int(np.ceil(0.2 * len(rc))) - 1]),
           "sigma_filter_acc": np.nan, "random_filter_acc": np.nan, "n": card["n"],
           # the test period, so that chapter 9 can count the tries scored on it
           "period_start": str(te.dates[0].date()), "period_end": str(te.dates[-1].date())}
    if name == "story head":
        keep = u <= np.quantile(u, 0.3)
        res = filter_vs_random(te.y, p, keep, seed=seed, n_draws=1000)
        row["sigma_filter_acc"], row["random_filter_acc"] = res["accuracy"], res["random_mean"]
    return row


def run_one(tr, va, te, seed, dname, n_features) -> list[dict]:
    def backbone():
        return TinyLSTM(n_features, hidden_size=HIDDEN)

    rows, members = [], []
    variants = [
        ("plain", lambda: backbone(), None),
        ("story head", lambda: UncertainModel(backbone(), BayesianHead(HIDDEN), "encode"), mu_only_bce),
        ("heteroscedastic", lambda: UncertainModel(backbone(), HeteroscedasticLogitHead(HIDDEN), "encode"),
         HeteroscedasticBCE(20)),
        ("MC dropout", lambda: UncertainModel(backbone(), MCDropoutHead(HIDDEN, p=0.3), "encode"), None),
    ]
    for name, make, loss_fn in variants:
        companion.set_seed(seed)
        model = make()
        fit(model, tr, None, loss_fn=loss_fn, epochs=EPOCHS, seed=seed, progress=False)
        p_val = predict_proba(model, va.X)
        if hasattr(model, "predict_uncertainty"):
            p, u = predict_with_uncertainty(model, te.X)
        else:
            p, u = predict_proba(model, te.X), None
        if name == "plain":
            members.append(model)
        rows.append(score(name, p, u, p_val, tr, va, te, seed, dname))
    for k in range(1, MEMBERS):
        companion.set_seed(seed + 100 * k)
        m = backbone()
        fit(m, tr, None, epochs=EPOCHS, seed=seed + 100 * k, progress=False)
        members.append(m)
    ens = DeepEnsemble(members)
    p, u = predict_with_uncertainty(ens, te.X)
    rows.append(score("ensemble", p, u, predict_proba(ens, va.X), tr, va, te, seed, dname))
    return rows


def main() -> None:
    t0 = time.perf_counter()
    # the standard windows, standardised on the training part; each unpacks as (train, val, test)
    data = {"synthetic": prepare(simulate_market(seed=0)), "real": prepare(load_prices())}
    rows = []
    for dname, (tr, va, te) in data.items():
        for seed in SEEDS:
            rows += run_one(tr, va, te, seed, dname, tr.X.shape[-1])
            print(f"{dname} seed {seed} done at {time.perf_counter() - t0:.0f} s", flush=True)
    table = pd.DataFrame(rows)
    print(table.groupby(["data", "model"])[["accuracy", "ece", "ece_ts", "acc_at_20"]].mean().round(3))
    save_result("uncertainty_heads", table, script=__file__, started=t0,
                notes=f"{len(SEEDS)} seeds, TinyLSTM(hidden={HIDDEN}) backbone, {EPOCHS} epochs without early stopping, "
                      f"{MEMBERS}-member ensembles; test part of a chronological 70/15/15 split")


if __name__ == "__main__":
    main()
