"""Checks of chapter 3 (feature weighting and permutation importance)."""

from __future__ import annotations

import torch

from companion.exercises._core import Exercise, need, say, wrong


def outputs(model, x: torch.Tensor) -> torch.Tensor:
    """The model's outputs on x, on the model's own device, in eval mode; the model is left as it
    was (the check reads the chapter's objects, never changes them)."""
    was_training = model.training
    device = next(model.parameters()).device
    try:
        with torch.no_grad():
            return model.eval()(x.to(device)).cpu()
    finally:
        model.train(was_training)


def _reverse_ranking(answer, env):
    models, test_w = need(env, "models", "test_w")
    original = models["static"]
    if answer is original:
        raise wrong("This is the chapter's own model: change a copy (copy.deepcopy(models[\"static\"])), "
                    "so that the comparison has a 'before'.")
    changed = answer
    old = original.weighting.raw.detach().cpu()                  # [stock, feature]
    new = changed.weighting.raw.detach().cpu()
    if torch.equal(old.abs().argsort(dim=1), new.abs().argsort(dim=1)):
        raise wrong("The ranking of the features by |W| is unchanged: give each stock's largest |W| to "
                    "the feature that had the smallest, and so on.")
    reversed_ok = torch.equal(new.abs().argsort(dim=1, descending=True), old.abs().argsort(dim=1))
    if not reversed_ok:
        raise wrong("The ranking by |W| changed but is not reversed for every stock: stock by stock, "
                    "the order of |W| must be the old order backwards.")
    x = torch.as_tensor(test_w.X)                                # [sample, stock, time, feature]
    before, after = outputs(original, x), outputs(changed, x)
    if not torch.allclose(after, before, rtol=1e-4, atol=1e-4):
        raise wrong("The predictions changed by up to {gap:.3g}: scale column k of "
                    "experts.weight_ih by old_k / new_k, so that W_k times the input weights stays the "
                    "same (the scale symmetry).", gap=float((after - before).abs().max()))
    return say("Ranking reversed for every stock, predictions unchanged: |W| alone says nothing about "
               "importance.")


EXERCISES = [
    Exercise(
        "ex-03-reverse-ranking",
        say("`model`, your changed copy of models[\"static\"] (ranking by |W| reversed for every "
            "stock, same test predictions)"),
        (say("The weights are model.weighting.raw, [stock, feature]; argsort of their absolute values "
             "gives each stock's ranking."),
         say("Reversing: new[s, order[s]] = |old[s, order[s].flip(0)]| with the old signs."),
         say("A feature multiplied by new_k instead of old_k reaches the LSTM through column k of "
             "experts.weight_ih: multiply that column by old_k / new_k.")),
        _reverse_ranking,
    ),
    Exercise(
        "ex-03-train-vs-test",
        say("your answer in words, as a string: which features look more important on training data, "
            "and why that is no evidence"),
        (say("permutation_importance(models[\"static\"], train_w.X, train_w.y, w.features, ...) and the "
             "same on test_w."),
         say("Ask what the model has seen: were the training windows used to fit it?")),
        points=(say("On the training windows the model has seen every sample: a feature it used to fit "
                    "noise raises the loss when shuffled there, and not on new days."),
                say("Only held-out windows measure what generalises; the same holds for any importance "
                    "measure."),
                say("Importance describes what this model uses, not what the market rewards.")),
        why_self_check="the comparison is read from a table of noisy importances; the point is the "
                       "reason, which only words give",
    ),
]
