"""Ablation of causal augmentation (chapter 05): none, each augmentation alone, all three.

For the synthetic market and the real story stocks, for each configuration and seed: split the
windows in time order, augment the *training* part only (x5), standardise on it, train the
two-level model with early stopping on validation, and score it once on the test part (never
used for any choice). The period runs to the end of 2018 so that the 2017-04-05 policy event
lies inside the training part; with the story's 2015-2017 period it falls after the split and
``shift_event`` has nothing to move (the chapter shows that count).

Writes benchmarks/results/augment_ablation.csv: one row per (data, config, seed) with the test
accuracy, its Wilson interval, n, AUC and the number of epochs trained.

Run: python -m benchmarks.augment_ablation   (part of `make bench`)
"""

from __future__ import annotations

import time

import pandas as pd
import torch
from torch import nn

from companion import augment, market, metrics, train, windows
from companion.device import set_seed
from companion.models import TwoLevelLSTM
from companion.recipe import prepare

CONFIGS = {
    "none": (),
    "time_scale": ("time_scale",),
    "jitter": ("jitter",),
    "shift_event": ("shift_event",),
    "all three": augment.METHODS,
}
SEEDS = range(5)
MULTIPLIER = 5
END = "2018-12-31"           # the event (2017-04) falls inside the training part
SETTINGS = dict(epochs=6, patience=2, batch_size=256, lr=1e-2)
EXPERT_HIDDEN, COORDINATOR_HIDDEN = 8, 16


def make_model(n_stocks: int, n_features: int) -> nn.Module:
    """The two-level model of chapter 04 (stock experts + coordinator), at small sizes."""
    return TwoLevelLSTM(n_stocks, n_features, expert_hidden=EXPERT_HIDDEN,
                        coordinator_hidden=COORDINATOR_HIDDEN)


def load(name: str) -> tuple[windows.Windows, windows.Windows, windows.Windows]:
    """Unscaled (train, val, test) windows of the synthetic market or of the real story stocks,
    2015 to the end of 2018 (the real ones with the course's event date, 2017-04-05).

    Unscaled on purpose: `run_one` fits its scaler on the *augmented* training windows, whose
    statistics the augmentation changes, so the recipe's scaler (fitted on the plain ones) is unused.
    """
    if name == "synthetic":
        source = market.simulate_market(seed=0, end="2018-12-28")
    else:
        source = market.load_prices(start="2015-01-01", end=END)
    raw = prepare(source).raw
    return raw["train"], raw["val"], raw["test"]


def run_one(tr, va, te, methods, seed: int) -> dict:
    """Train on (augmented) training windows, stop on validation, score on test."""
    data = augment.augment_windows(tr, multiplier=MULTIPLIER, methods=methods, seed=seed)
    # the one step that differs from companion.recipe.prepare, deliberately: the scaler learns the
    # statistics of the training windows the model actually sees, the augmented ones
    scaler = windows.Standardizer().fit(data.X)
    set_seed(seed)
    model = make_model(len(tr.codes), len(tr.features))
    hist = train.fit(model, (scaler.transform(data.X), data.y), (scaler.transform(va.X), va.y),
                     seed=seed, progress=False, **SETTINGS)
    p = train.predict_proba(model, scaler.transform(te.X))
    card = metrics.scorecard(te.y.ravel(), p.ravel())
    return {"model": "TwoLevelLSTM", "accuracy": card["accuracy"], "low": card["accuracy_low"],
            "high": card["accuracy_high"], "n": card["n"], "auc": card["auc"],
            "epochs": len(hist), "train_windows": len(data),
            # the test period, so that chapter 9 can count the tries scored on it
            "period_start": str(te.dates[0].date()), "period_end": str(te.dates[-1].date())}


def main() -> None:
    t0 = time.perf_counter()
    torch.set_num_threads(1)
    rows = []
    for data_name in ("synthetic", "real"):
        tr, va, te = load(data_name)
        for config, methods in CONFIGS.items():
            for seed in SEEDS:
                row = run_one(tr, va, te, methods, seed)
                rows.append({"data": data_name, "config": config, "seed": seed, **row})
                print(f"{data_name:9s} {config:11s} seed {seed}: acc {row['accuracy']:.3f} "
                      f"[{row['low']:.3f}, {row['high']:.3f}]  {time.perf_counter() - t0:.0f} s",
                      flush=True)
    table = pd.DataFrame(rows)
    summary = table.groupby(["data", "config"], sort=False)["accuracy"].agg(["mean", "std"])
    print(summary.round(3).to_string())
    from companion.results import save_result
    save_result("augment_ablation", table, script=__file__, started=t0,
                notes=f"{len(SEEDS)} seeds, x{MULTIPLIER} augmentation, hidden {EXPERT_HIDDEN}/{COORDINATOR_HIDDEN}, {SETTINGS}; "
                      f"test accuracy on the last 15% of windows, period 2015 to {END}")


if __name__ == "__main__":
    main()
