"""Checks of chapter 0 (from NumPy to a trained model)."""

from __future__ import annotations

import numpy as np
import torch

from companion.exercises._core import Exercise, need, say, wrong

RATES = (0.1, 1.0, 4.0, 20.0)


def _learning_rate(answer, env):
    gradient_descent, x, y, optimum = need(env, "gradient_descent", "x_train", "y_train", "optimum_loss")
    gaps = {float(k): float(v) for k, v in dict(answer).items()}
    if set(gaps) != set(RATES):
        raise wrong("The check wants one entry per learning rate 0.1, 1, 4 and 20; you gave {keys}.",
                    keys=sorted(gaps))
    if min(gaps.values()) < -1e-9:
        raise wrong("A gap is negative: the gap is the loss minus the optimum (loss − optimum_loss), "
                    "which is never below zero.")
    truth = {rate: gradient_descent(x, y, rate, 300)[2][-1] - optimum for rate in RATES}
    for rate in RATES:
        if not np.isclose(gaps[rate], truth[rate], rtol=1e-3, atol=1e-6):
            if np.isclose(gaps[rate], truth[rate] + optimum, rtol=1e-3):
                raise wrong("For rate {rate} you gave the loss itself; the check wants the loss minus "
                            "optimum_loss.", rate=rate)
            raise wrong("For rate {rate} the gap after 300 steps is {want:.4g}, you have {got:.4g}. "
                        "Run gradient_descent(x_train, y_train, rate, 300) and take the last loss.",
                        rate=rate, want=truth[rate], got=gaps[rate])
    return say("The gaps match; the largest rate overshoots and ends {gap:.3g} above the optimum.",
               gap=truth[20.0])


def _shapes(answer, env):
    X, k = need(env, "X", "k")
    got = torch.as_tensor(answer)
    want = X[:, :, :, k].mean(dim=2)                 # [sample, stock]
    if got.ndim == 3 and tuple(got.shape) == tuple(X.shape[:2]) + (X.shape[3],):
        raise wrong("Your result keeps the feature axis, {shape}: pick the feature ret_1 with "
                    "X[:, :, :, k] first, then average over time.", shape=tuple(got.shape))
    if tuple(got.shape) == (X.shape[0], X.shape[2]):
        raise wrong("Your result is [sample, time] {shape}: you averaged over the stocks. Average "
                    "over the time axis (dim=2 after picking the feature).", shape=tuple(got.shape))
    if tuple(got.shape) != tuple(want.shape):
        raise wrong("The result should have shape [sample, stock] = {want}, yours is {got}.",
                    want=tuple(want.shape), got=tuple(got.shape))
    if torch.allclose(got.double(), X.mean(dim=(2, 3)).double(), atol=1e-6):
        raise wrong("You averaged over every feature; pick ret_1 (index k) before averaging over time.")
    if not torch.allclose(got.double(), want.double(), atol=1e-5):
        raise wrong("The shape [sample, stock] is right but the values differ: average feature k "
                    "(ret_1) over the 20 days of each window.")
    return say("Shape {shape}, [sample, stock], and every value matches.", shape=tuple(want.shape))


EXERCISES = [
    Exercise(
        "ex-00-learning-rate",
        say("`final_gap`, a dict {learning rate: loss − optimum_loss after 300 steps} for the rates "
            "0.1, 1, 4 and 20"),
        (say("Call gradient_descent(x_train, y_train, rate, 300) for each rate; it returns w, b and "
             "the list of losses."),
         say("The gap of one rate is losses[-1] - optimum_loss."),
         say("A loop: final_gap = {rate: gradient_descent(x_train, y_train, rate, 300)[2][-1] - "
             "optimum_loss for rate in (0.1, 1.0, 4.0, 20.0)}.")),
        _learning_rate,
        (say("Past a limit set by the curvature of the loss, the steps overshoot; the best rate sits "
             "just below it and is tuned on validation data."),),
    ),
    Exercise(
        "ex-00-shapes",
        say("`mean_ret`, a tensor [sample, stock]: the mean of ret_1 over each window's 20 days"),
        (say("k = windows.features.index(\"ret_1\") is already defined. Indexing with a number "
             "removes that axis."),
         say("X[:, :, :, k] is [sample, stock, time]; which dim is time now?"),
         say("mean_ret = X[:, :, :, k].mean(dim=2).")),
        _shapes,
    ),
]
