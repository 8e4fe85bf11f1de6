"""Chapter 2's scorecard over seeds: TinyLSTM against the baselines, synthetic and real data.

For each seed:
- synthetic: a fresh market ``simulate_market(seed)``, so the data, the model's initial weights and
  the batch order all change; the oracle and the Bayes limit are recorded too;
- real: the six story stocks of 2015-2017 (the data is the same for every seed; only the model's
  initial weights and batch order change, so the baselines' rows repeat).

Settings are the chapter's, fixed in advance (lookback 20, TinyLSTM hidden 32, 30 epochs, early
stopping with patience 5 on validation). Scored on the validation part (used for early stopping) and
on the test part (used for nothing else). One row per (data, seed, split, model) with the scorecard.
Run: python -m benchmarks.baseline_scorecard
"""

import time

import pandas as pd

import companion
from companion import baselines, features, market, metrics, train
from companion.models import TinyLSTM
from companion.recipe import Prepared, prepare
from companion.results import save_result

SEEDS = [0, 1, 2, 3, 4]


def score(name, seed, data: Prepared, sim=None):
    """Scorecards of the TinyLSTM and every baseline on the validation and test parts.

    The LSTM reads the standardised windows, the baselines the raw ones (``data.raw``): the momentum
    rule needs the sign of yesterday's return, which standardising would shift.
    """
    companion.set_seed(seed)
    model = TinyLSTM(len(features.FEATURES), hidden_size=32)
    history = train.fit(model, data.train, data.val, epochs=30, batch_size=64, lr=3e-3,
                        patience=5, seed=seed, device="cpu", progress=False)
    rows, known = [], data.raw["train"]
    for split in ("val", "test"):
        target = data.raw[split]
        probs = {
            "TinyLSTM": train.predict_proba(model, data.parts[split]),
            "always up": baselines.always_up(known, target),
            "momentum": baselines.momentum(known, target),
            "logistic": baselines.logistic_regression(known, target),
        }
        if sim is not None:
            probs["oracle"] = baselines.oracle(sim, target)
        for model_name, p in probs.items():
            rows.append({"data": name, "seed": seed, "split": split, "model": model_name,
                         "days": len(target), "best_epoch": history.attrs["best_epoch"],
                         # the scored period, so that chapter 9 can count the tries on each one
                         "period_start": str(target.dates[0].date()),
                         "period_end": str(target.dates[-1].date()),
                         **metrics.scorecard(target.y, p)})
    return rows


def main():
    t0 = time.perf_counter()
    rows = []
    real = prepare(market.load_prices())
    for seed in SEEDS:
        sim = market.simulate_market(seed)
        rows += score("synthetic", seed, prepare(sim), sim)
        rows += score("real", seed, real)
        print(f"seed {seed} done after {time.perf_counter() - t0:.0f} s", flush=True)
    table = pd.DataFrame(rows)
    summary = (table.groupby(["data", "split", "model"], sort=False)["accuracy"]
               .agg(["mean", "std", "min", "max"]))
    print(summary.round(3).to_string())
    save_result("baseline_scorecard", table, script=__file__, started=t0,
                notes="TinyLSTM(hidden 32), lookback 20, 30 epochs, patience 5, lr 3e-3, batch 64; "
                      "synthetic: simulate_market(seed); real: six story stocks 2015-2017; "
                      "chronological split 0.7/0.15/0.15 with embargo; seeds 0-4")


if __name__ == "__main__":
    main()
