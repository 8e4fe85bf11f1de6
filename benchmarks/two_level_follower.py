"""Does the coordinator find the planted lead-lag? Follower-stock accuracy over seeds (chapter 04).

The synthetic market plants one lead-lag: the follower's expected return tomorrow moves with the
leader's return three days earlier. Per seed: windows split in time order, standardised on the
training part; four models trained with early stopping on validation, scored once on test:

* two_level   : independent experts + coordinator (the story's model),
* per_stock   : independent experts, no coordinator (each stock sees only itself),
* shared      : one shared-weight LSTM with a stock embedding, no coordinator,
* shared_two_level : shared-weight experts + coordinator.

For the follower stock: accuracy with its 95% Wilson interval, log loss, and the Bayes limit (the
oracle's expected accuracy from ``p_up`` on the same test days). For the two-level model also the
lag ablation: the follower's log-loss rise when the leader's inputs on window day -lag are
shuffled (lags 1..5); the planted lag is 3. Each runs on the story's three years (2015-2017) and,
for the two-level and per-stock models, on twelve years of the same simulated market (2006-2017).

Writes ``two_level_follower`` (one row per seed x model) and ``two_level_lags`` (seed x lag).
Run: ``python -m benchmarks.two_level_follower`` (part of ``make bench``).
"""

import time

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import log_loss

from companion import market, metrics, train
from companion.device import set_seed
from companion.importance import lag_importance
from companion.models import TwoLevelLSTM
from companion.recipe import prepare

SEEDS = range(5)
# The story's 3 years, and 12 years of the same simulated market: does more data let it learn?
HISTORIES = {"2015-2017": "2015-01-05", "2006-2017": "2006-01-04"}
LONG_MODELS = ("two_level", "per_stock")  # the long history only for the key comparison (time)
SETTINGS = dict(epochs=20, patience=5, batch_size=64, lr=3e-3)
MODELS = {
    "two_level": dict(experts="auto"),
    "per_stock": dict(experts="loop", coordinator=False),
    "shared": dict(experts="shared", coordinator=False),
    "shared_two_level": dict(experts="shared"),
}


def synthetic_split(seed: int, start: str = "2015-01-05"):
    """(market, train, val, test) with inputs standardised on the training windows only."""
    m = market.simulate_market(seed=seed, start=start)
    return (m, *prepare(m))


def main() -> None:
    t0 = time.perf_counter()
    # One thread: on the course's shared two-core machine, two threads per process stall each
    # other under load (measured: the speed benchmark ran 12x longer); small models gain nothing.
    torch.set_num_threads(1)
    rows, lag_rows = [], []
    for (history, start), seed in [(h, s) for h in HISTORIES.items() for s in SEEDS]:
        m, tr, va, te = synthetic_split(seed, start)
        leader, follower, lag = m.lead_lag[0]
        lead_i, fol_i = te.codes.index(leader), te.codes.index(follower)
        bayes = m.bayes_accuracy(dates=te.dates, codes=[follower])
        for name, kwargs in MODELS.items():
            if start != "2015-01-05" and name not in LONG_MODELS:
                continue
            set_seed(seed)
            model = TwoLevelLSTM(len(te.codes), len(te.features), **kwargs)
            hist = train.fit(model, tr, va, seed=seed, progress=False, **SETTINGS)
            p = train.predict_proba(model, te.X)[:, fol_i]
            y = te.y[:, fol_i]
            k, n = int(((p > 0.5) == (y > 0.5)).sum()), len(y)
            low, high = metrics.wilson_interval(k, n)
            rows.append({"history": history, "train_windows": len(tr), "seed": seed, "model": name, "correct": k, "n": n, "accuracy": k / n,
                         "low": low, "high": high, "log_loss": log_loss(y, p, labels=[0, 1]),
                         "bayes_accuracy": bayes, "epochs": len(hist), "planted_lag": lag})
            if name == "two_level":
                lags = lag_importance(model, te.X, te.y, source=lead_i, target=fol_i,
                                      lags=range(1, 6), n_repeats=5, seed=seed)
                lag_rows += [{"history": history, "seed": seed, "lag": int(r.lag), "increase": r.increase,
                              "increase_std": r.increase_std} for r in lags.itertuples()]
        print(f"{history} seed {seed} done, {time.perf_counter() - t0:.0f} s", flush=True)
    table, lag_table = pd.DataFrame(rows), pd.DataFrame(lag_rows)
    pooled = table.groupby(["history", "model"])[["correct", "n"]].sum()
    print(pooled.assign(accuracy=pooled.correct / pooled.n))
    print(lag_table.groupby(["history", "lag"])["increase"].agg(["mean", "std"]))
    from companion.results import save_result
    note = f"{len(SEEDS)} seeds; expert 16, coordinator 32; {torch.get_num_threads()} torch threads"
    save_result("two_level_follower", table, script=__file__, started=t0, notes=note)
    save_result("two_level_lags", lag_table, script=__file__, started=t0, notes=note)
    assert np.isfinite(table.accuracy).all()


if __name__ == "__main__":
    main()
