"""Checks of chapter 6 (uncertainty heads, calibration, risk-coverage)."""

from __future__ import annotations

import numpy as np
import torch

from companion.exercises._core import Exercise, need, say, wrong


def _accuracy(y, p) -> float:
    return float(((np.asarray(p) >= 0.5) == (np.asarray(y) == 1)).mean())


def _median_sigma(answer, env):
    data, results = need(env, "data", "results")
    te = data["real"][2]
    r = results["real"]["story head"]
    got = dict(answer)
    if "accuracy" not in got or "n_kept" not in got:
        raise wrong("The check wants the dict filter_vs_random returns (with accuracy and n_kept).")
    u, p, y = np.ravel(r["u"]), np.ravel(r["p"]), np.ravel(te.y)
    kept, dropped = u <= np.median(u), u > np.median(u)
    if int(got["n_kept"]) == int(dropped.sum()) and np.isclose(got["accuracy"], _accuracy(y[dropped], p[dropped])) \
            and not np.isclose(got["accuracy"], _accuracy(y[kept], p[kept])):
        raise wrong("You kept the half with the larger sigma; the story's rule keeps sigma below the "
                    "median.")
    if abs(int(got["n_kept"]) - kept.sum()) > 1:
        raise wrong("A median filter keeps half of the {n} test predictions, not {got}. Use "
                    "r[\"u\"] <= np.median(r[\"u\"]) on the real story head.", n=y.size, got=int(got["n_kept"]))
    if not np.isclose(got["accuracy"], _accuracy(y[kept], p[kept]), atol=1e-9):
        raise wrong("The accuracy of the kept half is {want:.3f}, yours {got:.3f}: use the real "
                    "market's story head, results[\"real\"][\"story head\"].",
                    want=_accuracy(y[kept], p[kept]), got=float(got["accuracy"]))
    verdict = got.get("p_value", 1.0)
    return say("The kept half scores {acc:.1%}; p_value {p:.2f}: how unlikely a half at least this "
               "accurate is under the null (days picked at random).",
               acc=float(got["accuracy"]), p=float(verdict))


def _het_outputs(model, x):
    """(m, s) of the heteroscedastic model on x, on its own device; the model is left as it was."""
    was_training, device = model.training, next(model.parameters()).device
    try:
        with torch.no_grad():
            m, s = model.eval()(x.to(device))
        return m.cpu().double(), s.cpu().double()
    finally:
        model.train(was_training)


def _probit(answer, env):
    data, results = need(env, "data", "results")
    got = float(answer)
    het = results["synthetic"]["heteroscedastic"]["model"]
    m, s = _het_outputs(het, torch.from_numpy(data["synthetic"][2].X))
    # the exact mean of sigmoid(m + s e), e ~ N(0, 1), by Gauss-Hermite quadrature (64 nodes)
    nodes, weights = np.polynomial.hermite_e.hermegauss(64)
    exact = sum(w * torch.sigmoid(m + s * e) for e, w in zip(nodes, weights, strict=True)) / weights.sum()
    probit = torch.sigmoid(m / torch.sqrt(1 + torch.pi * s ** 2 / 8))
    true_gap = float((probit - exact).abs().max())
    no_noise = float((probit - torch.sigmoid(m)).abs().max())
    if got < 0:
        raise wrong("A largest difference is an absolute value: take .abs().max().")
    if got < 1e-9:
        raise wrong("A difference of 0: you compared the approximation with itself. Average "
                    "sigmoid(m + s * noise) over 2,000 draws of the noise.")
    if np.isclose(got, no_noise, rtol=1e-3) and no_noise > 2 * true_gap:
        raise wrong("You compared with sigmoid(m), which ignores s; the check wants the Monte-Carlo "
                    "average of sigmoid(m + s ε).")
    # 2,000 draws add noise of about 0.5 / sqrt(2000) per prediction; the maximum over the test set
    # lands a few of those above the exact gap
    if not true_gap - 0.002 <= got <= true_gap + 0.06:
        raise wrong("The largest difference should be about {want:.4f} plus Monte-Carlo noise; "
                    "{got:.4f} is outside [{low:.4f}, {high:.4f}].", want=true_gap, got=got,
                    low=max(true_gap - 0.002, 0), high=true_gap + 0.06)
    return say("Within Monte-Carlo noise of the exact largest difference, {want:.4f}.", want=true_gap)


def _decisions(p) -> np.ndarray:
    return (np.asarray(p) >= 0.5).astype(float)


def _gaussian_returns(answer, env):
    from companion.metrics import accuracy_difference, clustered_accuracy_interval
    data, results = need(env, "data", "results")
    te = data["synthetic"][2]
    p = np.asarray(answer, dtype=float)
    if p.shape != te.y.shape:
        raise wrong("The check wants one P(up) per test day and stock, shape {want}; yours is {got}.",
                    want=te.y.shape, got=p.shape)
    if p.min() < 0 or p.max() > 1:
        raise wrong("Values from {lo:.2f} to {hi:.2f} are not probabilities: is this sigma or mu? The "
                    "check wants P(up) = Φ(mu / sigma), the first output of predict_with_uncertainty.",
                    lo=p.min(), hi=p.max())
    if np.ptp(p) < 1e-6:
        raise wrong("The same probability everywhere: the head did not train. Pass (X, 100 * ret) to "
                    "fit with loss_fn=gaussian_nll.")
    # te.y is [day, stock]: the day is the unit, as in the chapter (chapter 2's design effect)
    days = np.broadcast_to(np.arange(te.y.shape[0])[:, None], te.y.shape)
    own = clustered_accuracy_interval(_decisions(p) == te.y, days=days)
    if own["high"] < 0.5:
        raise wrong("Your model is reliably wrong ({acc:.1%}, day-clustered interval up to {hi:.1%}): "
                    "these are probabilities of a fall. Φ(mu / sigma) is P(return > 0).",
                    acc=own["accuracy"], hi=own["high"])
    # paired on the same stock-days: a test of the difference, never two overlapping intervals
    diff = accuracy_difference(te.y, _decisions(p), _decisions(results["synthetic"]["plain"]["p"]),
                               days=days)
    if diff["high"] < 0:
        raise wrong("Test accuracy {acc:.1%} is below the plain model's {plain:.1%} on the same "
                    "stock-days by more than chance explains (paired difference {d:+.1%}, 95% interval "
                    "[{lo:+.1%}, {hi:+.1%}], the day as the unit): check the target (100 * ret, "
                    "returns in percent) and the epochs.", acc=diff["acc_a"], plain=diff["acc_b"],
                    d=diff["difference"], lo=diff["low"], hi=diff["high"])
    return say("A trained head: test accuracy {acc:.1%} against the plain model's {plain:.1%} on the "
               "same stock-days, a paired difference of {d:+.1%} (95% interval [{lo:+.1%}, {hi:+.1%}], "
               "the day as the unit).", acc=diff["acc_a"], plain=diff["acc_b"], d=diff["difference"],
               lo=diff["low"], hi=diff["high"])


EXERCISES = [
    Exercise(
        "ex-06-median-sigma",
        say("`median_filter`, the dict filter_vs_random returns for the real test predictions whose "
            "story sigma is below its median"),
        (say("r = results[\"real\"][\"story head\"] has p and u (the sigma); te = data[\"real\"][2]."),
         say("filter_vs_random(te.y, r[\"p\"], r[\"u\"] <= np.median(r[\"u\"]), seed=3).")),
        _median_sigma,
        (say("Compare the kept half's accuracy with the random halves' range. A small p_value says such "
             "a half is unlikely under the null (days picked at random), not that sigma works: an "
             "untrained sigma picks days by the luck of its initial weights, so count over seeds."),),
    ),
    Exercise(
        "ex-06-probit",
        say("`probit_gap`, the largest absolute difference between predict_proba (the probit "
            "approximation) and a 2,000-sample Monte-Carlo average, on the synthetic test set"),
        (say("het = results[\"synthetic\"][\"heteroscedastic\"][\"model\"]; m, s = het(x) gives the "
             "logit's mean and spread."),
         say("torch.sigmoid(m + s * torch.randn(2000, *m.shape)).mean(0) is the Monte-Carlo average."),
         say("Run everything on one device (het.cpu() and a CPU tensor), then .abs().max().")),
        _probit,
        (say("Noise spread symmetrically around m lands on the flat parts of the sigmoid: the average "
             "is pulled towards 0.5."),),
    ),
    Exercise(
        "ex-06-gaussian-returns",
        say("`p_gauss`, the trained GaussianReturnHead model's P(up) on the synthetic test set, "
            "shape [day, stock]"),
        (say("UncertainModel(backbone(), GaussianReturnHead(hidden), \"encode\") is the model."),
         say("fit(model, (tr.X, 100 * tr.ret), None, loss_fn=gaussian_nll, epochs=10, seed=0); then "
             "p_gauss, sigma_gauss = predict_with_uncertainty(model, te.X)."),
         say("Compare with the plain model on the same stock-days, in pairs: accuracy_difference(te.y, "
             "head's decisions, plain model's decisions, days=day_labels(te.y)), decisions being "
             "(p >= 0.5).astype(float).")),
        _gaussian_returns,
        (say("Returns carry more information than signs, and more noise from the largest days: judge "
             "the difference by a paired test on the same stock-days (accuracy_difference), never by "
             "whether two intervals overlap, and over seeds."),),
    ),
]
