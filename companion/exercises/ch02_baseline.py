"""Checks of chapter 2 (the first tiny LSTM, baselines, an honest scorecard)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom

from companion.exercises._core import Exercise, need, say, wrong

MODELS, DAYS = (1, 5, 20, 100), (100, 1000)


def _per_stock(answer, env):
    from companion.metrics import scorecard
    data, probs = need(env, "data", "probs")
    val, p = data["real"][0]["val"], probs["real"]["TinyLSTM"]          # y, p: [day, stock]
    table = pd.DataFrame(answer)
    for column in ("accuracy_low", "accuracy_high"):
        if column not in table.columns:
            raise wrong("The check wants a table with one row per stock and the columns accuracy_low "
                        "and accuracy_high (the scorecard's names).")
    if len(table) != len(val.codes):
        raise wrong("The table has {rows} rows; the check wants one per stock ({n}).",
                    rows=len(table), n=len(val.codes))
    truth = pd.DataFrame([scorecard(val.y[:, s], p[:, s]) for s in range(len(val.codes))])
    low, high = table["accuracy_low"].to_numpy(float), table["accuracy_high"].to_numpy(float)
    pooled = scorecard(val.y, p)
    if np.allclose(low, pooled["accuracy_low"]) and np.allclose(high, pooled["accuracy_high"]):
        raise wrong("Every row has the pooled interval of all stocks; score each stock on its own "
                    "column: scorecard(val.y[:, s], p[:, s]).")
    acc, n = truth["accuracy"].to_numpy(), truth["n"].to_numpy()
    wald = 1.96 * np.sqrt(acc * (1 - acc) / n)
    if np.allclose(low, acc - wald, atol=2e-3) and np.allclose(high, acc + wald, atol=2e-3):
        raise wrong("These are normal-approximation (Wald) intervals; the check wants Wilson "
                    "intervals, as scorecard and wilson_interval give.")
    if not (np.allclose(low, truth["accuracy_low"], atol=1e-3)
            and np.allclose(high, truth["accuracy_high"], atol=1e-3)):
        raise wrong("The intervals differ from the TinyLSTM's on the real validation days, stock by "
                    "stock. Use probs[\"real\"][\"TinyLSTM\"] and data[\"real\"][0][\"val\"].y.")
    width = float((truth["accuracy_high"] - truth["accuracy_low"]).mean())
    return say("Right: each stock's interval is about {width:.0f} percentage points wide.", width=100 * width)


def expected_best(days: int, models: int) -> float:
    """E[max of `models` Binomial(days, 1/2) counts] / days, exactly: sum of P(max >= k)."""
    k = np.arange(1, days + 1)
    return float((1 - binom.cdf(k - 1, days, 0.5) ** models).sum() / days)


def _best_of_n(answer, env):
    table = pd.DataFrame(answer)
    if set(table.index) == set(DAYS) and set(table.columns) == set(MODELS):
        raise wrong("The table is transposed: the check wants the numbers of models (1, 5, 20, 100) "
                    "as rows and the days (100, 1000) as columns.")
    if set(table.index) != set(MODELS) or set(table.columns) != set(DAYS):
        raise wrong("The check wants rows 1, 5, 20, 100 (models) and columns 100, 1000 (days); you "
                    "gave rows {rows} and columns {cols}.", rows=list(table.index), cols=list(table.columns))
    values = table.loc[list(MODELS), list(DAYS)].to_numpy(float)
    if values.max() > 1.5:
        raise wrong("These look like counts of correct days; the check wants an accuracy, the count "
                    "divided by the number of days.")
    truth = np.array([[expected_best(d, m) for d in DAYS] for m in MODELS])
    if np.allclose(values, 0.5, atol=0.01):
        raise wrong("Every entry is about 50%: that is the average model. The check wants the "
                    "expected accuracy of the best of n models (the maximum over the models).")
    off = np.abs(values - truth)
    if (off > 0.01).any():
        m, d = np.unravel_index(off.argmax(), off.shape)
        raise wrong("For {models} models on {days} days the expected best accuracy is {want:.3f}; you "
                    "have {got:.3f} (tolerance 0.01; simulate at least 2,000 repeats).",
                    models=MODELS[m], days=DAYS[d], want=truth[m, d], got=values[m, d])
    return say("Within 0.01 of the exact expectation everywhere (best of 100 on 100 days: {best:.3f}).",
               best=truth[-1, 0])


def _flat_logistic(answer, env):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    data = need(env, "data")
    train, val = data["synthetic"][0]["train"], data["synthetic"][0]["val"]
    p = np.asarray(answer, dtype=float)
    if p.size == val.y.size and p.shape != val.y.shape:
        raise wrong("The check wants the probabilities in the shape of val.y, [day, stock] = {shape}: "
                    "reshape(val.y.shape).", shape=val.y.shape)
    if p.shape != val.y.shape:
        raise wrong("The check wants one probability per validation day and stock, shape {want}; yours "
                    "has shape {got}. Flatten each stock's window, not the stocks together.",
                    want=val.y.shape, got=p.shape)
    if set(np.unique(p)) <= {0.0, 1.0}:
        raise wrong("These are decisions (0 or 1); the check wants probabilities: predict_proba(...)[:, 1].")
    flat = lambda w: w.X.reshape(-1, w.X.shape[2] * w.X.shape[3])   # noqa: E731  [day*stock, 120]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    ref = model.fit(flat(train), train.y.ravel()).predict_proba(flat(val))[:, 1]
    mine, theirs = log_loss(val.y.ravel(), ref), log_loss(val.y.ravel(), np.clip(p.ravel(), 1e-7, 1 - 1e-7))
    if abs(log_loss(val.y.ravel(), np.clip(1 - p.ravel(), 1e-7, 1 - 1e-7)) - mine) < 0.02 < abs(theirs - mine):
        raise wrong("These are probabilities of a fall: predict_proba(...)[:, 1] is the column of 'up'.")
    if abs(theirs - mine) > 0.02:
        raise wrong("Your validation log loss is {got:.3f}; a logistic regression on the 120 "
                    "standardised numbers of each window scores {want:.3f} (tolerance 0.02).",
                    got=theirs, want=mine)
    return say("Validation log loss {got:.3f}, as a logistic regression on the whole window scores.",
               got=theirs)


EXERCISES = [
    Exercise(
        "ex-02-per-stock",
        say("`per_stock`, a table with one row per stock and the columns accuracy_low and "
            "accuracy_high (scorecard's 95% Wilson interval) of the TinyLSTM on the real validation days"),
        (say("val = data[\"real\"][0][\"val\"] and p = probs[\"real\"][\"TinyLSTM\"] are [day, stock]."),
         say("scorecard(val.y[:, s], p[:, s]) scores stock s alone; build one row per stock.")),
        _per_stock,
        (say("With about a hundred days per stock, an interval is some twenty points wide; six tries "
             "at the 5% level find a lucky stock about a quarter of the time."),),
    ),
    Exercise(
        "ex-02-best-of-n",
        say("`best_table`, the mean best accuracy: a table with the numbers of models (1, 5, 20, 100) "
            "as rows and the days (100, 1000) as columns"),
        (say("One coin-flip model's number of correct days is Binomial(days, 0.5): "
             "rng.binomial(days, 0.5, size=(repeats, n_models))."),
         say("Take the maximum over the models (axis=1), divide by the days, average over repeats."),
         say("pd.DataFrame(rows).pivot(index=\"models\", columns=\"days\", values=...) gives the layout.")),
        _best_of_n,
        (say("The luck of the best grows slowly with the tries and shrinks like one over the square "
             "root of the days: more data, not more tries, makes a score believable."),),
    ),
    Exercise(
        "ex-02-flat-logistic",
        say("`p_flat`, the flattened logistic regression's probabilities of 'up' on the synthetic "
            "validation days, shape [day, stock] like val.y"),
        (say("w.X.reshape(-1, 20 * 6) puts each (day, stock) window on one row of 120 numbers."),
         say("make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)), fit on the training "
             "rows with train.y.ravel()."),
         say("predict_proba(...)[:, 1], then .reshape(val.y.shape).")),
        _flat_logistic,
    ),
]
