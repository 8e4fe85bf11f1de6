"""The learning-curve benchmark chooses on validation, scores like sklearn, and keeps one test period."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, log_loss

from benchmarks import follower_learning_curve as bench


def test_choice_reads_validation_never_test():
    d = pd.DataFrame([dict(variant=v, seed=s, val_log_loss=val, accuracy=test)
                      for v, val, test in (("a", 0.60, 0.50), ("b", 0.65, 0.90)) for s in range(3)])
    assert bench.choose(d) == "a"  # "b" wins on test, which must not count


def test_score_matches_sklearn_and_wilson():
    rng = np.random.default_rng(0)
    y = (rng.random(200) < 0.6).astype(float)
    p = np.clip(0.6 + 0.2 * (y - 0.5) + 0.1 * rng.standard_normal(200), 0.01, 0.99)
    s = bench.score(p, y)
    assert s["accuracy"] == pytest.approx(accuracy_score(y, p > 0.5))
    assert s["log_loss"] == pytest.approx(log_loss(y, p))
    assert s["low"] < s["accuracy"] < s["high"]


def test_every_variant_keeps_the_same_test_period():
    tests = {}
    for val in (0.15, 0.30):
        *_, te = bench.synthetic_data(0, 3, lookback=20, val=val, standardize=True)
        tests[val] = te.dates
    assert tests[0.15].equals(tests[0.30])
    with pytest.raises(KeyError):
        bench.recipe("no such variant")


def test_validated_picks_per_history_on_validation():
    rows = [dict(years=y, seed=s, model=m, recipe=r, val_log_loss=v, accuracy=a)
            for y, (v_story, v_chosen) in ((3, (0.60, 0.70)), (48, (0.70, 0.60)))
            for s in range(2)
            for m, r, v, a in (("two_level (story recipe)", "story recipe", v_story, 0.5),
                               ("two_level", "hidden 4 / 8", v_chosen, 0.9))]
    out = bench.validated(pd.DataFrame(rows))
    assert set(out.model) == {"two_level (validated)"} and len(out) == 4
    assert out.groupby("years").recipe.first().to_dict() == {3: "story recipe", 48: "hidden 4 / 8"}
