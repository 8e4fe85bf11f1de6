"""Which feature-weighting method recovers the features that truly carry signal? (chapter 03)

For each seed: a synthetic market (its truth: ``feature_effects``, three signal features and three
noise features), windows split in time order, the two-level model trained with each weighting
(static, softmax, input attention), and every "importance" read from it:

* static   : mean over stocks of the raw |W| (the story's reading of its weights),
* softmax  : mean over stocks of the softmax-constrained weights,
* input    : mean attention weight over the test windows, stocks and days,
* permutation : rise of the test log loss when a feature is shuffled (for every model).

Score: Spearman rank correlation of each reading with the true |effect| (ties among the three
zero-effect features are handled by average ranks), and the share of the true signal features in
the reading's top three. Nothing is tuned on the test period: training stops on validation loss.
Each row is one (seed, model, reading), so chapter 03 compares two readings of the same model paired
over seeds. No model without weighting: the static weights start at 1 and barely move, so that model
is the static model again (it gave the same permutation ranking on every seed of an earlier run);
its fits buy a sixth seed instead (18 fits, where 5 seeds x 4 models took 20).

Run: ``python -m benchmarks.attention_ranking`` (part of ``make bench``).
"""

import time

import numpy as np
import pandas as pd
import torch
from scipy import stats

from companion import market, train
from companion.device import set_seed
from companion.importance import permutation_importance
from companion.models import TwoLevelLSTM
from companion.recipe import prepare

SEEDS = range(6)
WEIGHTINGS = ("static", "softmax", "input")
SETTINGS = dict(epochs=20, patience=5, batch_size=64, lr=3e-3)


def synthetic_split(seed: int):
    """(market, train, val, test) with inputs standardised on the training windows only."""
    m = market.simulate_market(seed=seed)
    return (m, *prepare(m))


def readings(model: TwoLevelLSTM, kind, te) -> dict[str, np.ndarray]:
    """Every importance reading of one trained model, one value per feature."""
    out = {}
    if kind in ("static", "softmax"):
        w = model.attention().cpu().numpy()          # [stock, feature]
        out[kind] = np.abs(w).mean(axis=0)
    if kind == "input":
        w = model.attention(torch.as_tensor(te.X, device=next(model.parameters()).device))
        out[kind] = w.mean(dim=(0, 1, 2)).cpu().numpy()
    imp = permutation_importance(model, te.X, te.y, te.features, n_repeats=5, seed=0)
    out["permutation"] = imp.set_index("feature").loc[te.features, "increase"].to_numpy()
    return out


def main() -> None:
    t0 = time.perf_counter()
    # One thread: on the course's shared two-core machine, two threads per process stall each
    # other under load (measured: the speed benchmark ran 12x longer); small models gain nothing.
    torch.set_num_threads(1)
    rows = []
    for seed in SEEDS:
        m, tr, va, te = synthetic_split(seed)
        truth = np.array([abs(m.feature_effects[f]) for f in te.features])
        signal = set(m.informative_features)
        for kind in WEIGHTINGS:
            set_seed(seed)
            model = TwoLevelLSTM(len(te.codes), len(te.features), weighting=kind)
            train.fit(model, tr, va, seed=seed, progress=False, **SETTINGS)
            p = train.predict_proba(model, te.X)
            acc = float(((p > 0.5) == (te.y > 0.5)).mean())
            for method, score in readings(model, kind, te).items():
                top3 = [te.features[i] for i in np.argsort(-score)[:3]]
                rows.append({"seed": seed, "weighting": str(kind), "method": method,
                             "spearman": float(stats.spearmanr(truth, score).statistic),
                             "top3_signal_share": len(signal & set(top3)) / 3,
                             "test_accuracy": acc,
                             **{f"score_{f}": float(s) for f, s in zip(te.features, score, strict=True)}})
        print(f"seed {seed} done, {time.perf_counter() - t0:.0f} s", flush=True)
    table = pd.DataFrame(rows)
    print(table.groupby(["weighting", "method"])[["spearman", "top3_signal_share"]].agg(["mean", "std"]))
    from companion.results import save_result
    save_result("attention_ranking", table, script=__file__, started=t0,
                notes=f"{len(SEEDS)} seeds; two-level model, expert 16, coordinator 32; "
                      f"{torch.get_num_threads()} torch threads")


if __name__ == "__main__":
    main()
