"""The model contract of the course, and the one path from a model to the probability of "up".

The model contract
------------------
A model is a ``torch.nn.Module``. Every model of the course (`companion.models.TinyLSTM`,
`companion.models.TwoLevelLSTM`, `companion.layers.UncertainModel` with any head of
`companion.layers.heads`, and `companion.models.DeepEnsemble`) keeps
it.

``forward(x)``
    ``x: [batch, stock, time, feature]`` (standardised windows, `companion.windows`) ->

    - logits ``[batch, stock]``: TinyLSTM, TwoLevelLSTM, an UncertainModel with
      `MCDropoutHead` (one pass without dropout) and DeepEnsemble (the logit of its mean probability) return logits; or
    - a pair ``(mean, spread)``, each ``[batch, stock]``, for a head that says how sure it is:
      `BayesianHead` (mu, a probability, and an untrained sigma), `HeteroscedasticLogitHead`
      (logit mean m and logit noise s), `GaussianReturnHead` (mean and spread of the return).

    ``forward``'s output is what the training loss sees: `companion.train.fit` passes it to
    ``loss_fn(output, y)`` (the default, binary cross-entropy on logits, needs logits).

``predict_proba(x)`` (a method; required when ``forward`` returns a pair)
    ``x: [batch, stock, time, feature]`` -> P(up) ``[batch, stock]`` in [0, 1]. Without it,
    P(up) = sigmoid(forward(x)); with it, it *is* the model's P(up), whatever forward returns
    (MCDropoutHead's mean over dropout masks is not sigmoid of one pass without dropout). For
    the pairs: BayesianHead gives mu; HeteroscedasticLogitHead the probit approximation of the
    mean of sigmoid(m + s * eps), eps ~ N(0, 1): sigmoid(m / sqrt(1 + pi * s^2 / 8));
    GaussianReturnHead Phi(mean / spread).

``predict_uncertainty(x)`` (a method, optional)
    ``x: [batch, stock, time, feature]`` -> ``[batch, stock]``, larger = less sure.

A head of `companion.layers.heads` keeps the same contract one step later, on a representation
``h: [batch, stock, hidden]`` instead of x; `UncertainModel(encoder, head, method)` builds a model
from it, with ``TinyLSTM.encode`` or ``TwoLevelLSTM.features`` as the method that gives h. Only
`batch_proba` (and `batch_logit`) apply these rules; every consumer below goes through them.

How uncertainty is exposed
--------------------------
- A head with a spread (`UncertainModel` with BayesianHead, HeteroscedasticLogitHead,
  GaussianReturnHead): ``predict_uncertainty`` returns its sigma.
- MC dropout: `MCDropoutHead` averages ``n_samples`` dropout masks on the representation, so its
  ``predict_proba`` is the mean and its ``predict_uncertainty`` the standard deviation of the
  probabilities; `companion.layers.heads.mc_dropout_predict(model, x)` instead runs a whole model
  with its own dropout layers on and returns (mean, standard deviation) of `batch_proba`.
- Ensembles: `DeepEnsemble` averages its members' `batch_proba`; ``predict_uncertainty`` is
  their standard deviation.
- `companion.layers.heads.predict_with_uncertainty(model, X)` returns both as NumPy arrays.

What the consumers expect
-------------------------
- `companion.train.fit`: ``forward``'s output for ``loss_fn``; its validation accuracy reads
  `batch_proba` (p >= 0.5 counts as up).
- `predict_proba(model, X)` (also `companion.train.predict_proba`): any model above -> NumPy
  ``[samples, stock]``, in batches on the model's device, in eval mode, without gradients.
  Every probability below comes from it.
- `companion.importance` (permutation importance, lag importance): the model itself; it scores
  the log loss of `predict_proba`, so it works on every model above.
- `companion.calibration`: ``TemperatureScaler().fit_proba(predict_proba(model, val), val.y)``
  fits the temperature T on the probabilities, and ``transform_proba`` rescales the same
  probabilities, so it works for every model above.
- `companion.backtest.run_backtest` and `companion.widgets`: never a model, only probabilities
  ``[date x code]``, e.g. ``pd.DataFrame(predict_proba(model, test), index=test.dates,
  columns=test.codes)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from companion.checks import check_int
from companion.device import resolve_device


def as_float_tensor(a, name: str) -> torch.Tensor:
    """A float32 CPU tensor, refusing NaN (which would silently turn every loss into NaN)."""
    t = torch.as_tensor(np.asarray(a) if not isinstance(a, torch.Tensor) else a)
    t = t.detach().to("cpu", torch.float32)
    if t.numel() == 0 or t.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {tuple(t.shape)}): there are no samples. "
                         "Check the date range and the lookback of the windows.")
    n_nan, n_inf = int(torch.isnan(t).sum()), int(torch.isinf(t).sum())
    if n_inf:
        raise ValueError(f"{name} holds {n_inf} infinite value(s) out of {t.numel()} (a division by "
                         "zero upstream?); drop or fix them first.")
    if n_nan:
        raise ValueError(f"{name} holds {n_nan} NaN value(s) out of {t.numel()}; drop or fill them "
                         "first (make_windows drops samples with missing values).")
    return t


def _model_device(model: nn.Module) -> torch.device:
    """Where the model's parameters live (the CPU for a model without parameters)."""
    first = next(iter(model.parameters()), None)
    return first.device if first is not None else torch.device("cpu")


def _describe(output) -> str:
    if isinstance(output, tuple | list):
        return f"a {type(output).__name__} of {len(output)}"
    return type(output).__name__


def batch_proba(model: nn.Module, x: torch.Tensor, *, output=None) -> torch.Tensor:
    """P(up) of one batch as the model contract says: x [batch, stock, time, feature] -> [batch, stock].

    ``model.predict_proba(x)`` when the model defines it, else ``sigmoid(model(x))``. ``output``
    is ``model(x)`` when the caller has it already (the training loop), to save a forward pass.
    Runs in whatever mode and gradient setting the caller chose.
    """
    if callable(getattr(model, "predict_proba", None)):
        return model.predict_proba(x)
    output = model(x) if output is None else output
    if not isinstance(output, torch.Tensor):
        raise TypeError(
            f"{type(model).__name__}'s forward returned {_describe(output)}, not logits, and the "
            "model has no predict_proba(x) to turn it into P(up). Define predict_proba(x) -> "
            "[batch, stock], or put the head in companion.layers.UncertainModel, which does.")
    return torch.sigmoid(output)


def batch_logit(model: nn.Module, x: torch.Tensor, *, eps: float = 1e-6) -> torch.Tensor:
    """The logit of `batch_proba`: x [batch, stock, time, feature] -> [batch, stock].

    A model without predict_proba gives its own logits, exactly; a model with one gives
    ln(p / (1 - p)) of its P(up), p kept in [eps, 1 - eps] so that the logit stays finite.
    `companion.models.DeepEnsemble.forward` returns it, so that its logits agree with the
    probability it reports.
    """
    if callable(getattr(model, "predict_proba", None)):
        p = model.predict_proba(x).clamp(eps, 1 - eps)
        return torch.log(p) - torch.log1p(-p)
    output = model(x)
    batch_proba(model, x, output=output)  # refuses a pair without predict_proba, with the fix
    return output


def predict_in_batches(model: nn.Module, X, *readers: Callable, batch_size: int = 1024,
                       device: torch.device | str | None = None) -> list[np.ndarray]:
    """Each ``reader(model, x) -> [batch, stock]`` over all of X, in batches, as NumPy arrays.

    ``X`` is Windows, an array or a tensor ``[samples, stock, time, feature]``; ``device`` moves
    the model there (default: where it already is). Runs in eval mode without gradients; the
    model is left in eval mode.
    """
    X = as_float_tensor(X.X if hasattr(X, "X") else X, "X")
    batch_size = check_int(batch_size, "batch_size", low=1)
    if device is not None:
        model.to(resolve_device(device))
    device = _model_device(model)
    model.eval()
    parts: list[list[torch.Tensor]] = [[] for _ in readers]
    with torch.no_grad():
        for start in range(0, X.shape[0], batch_size):
            xb = X[start:start + batch_size].to(device)
            for part, reader in zip(parts, readers, strict=True):
                part.append(reader(model, xb).float().cpu())
    return [torch.cat(part).numpy() for part in parts]


def predict_proba(model: nn.Module, X, *, batch_size: int = 1024,
                  device: torch.device | str | None = None) -> np.ndarray:
    """P(up) for every sample, as a NumPy array shaped like the targets (e.g. ``[samples, stock]``).

    `batch_proba` in batches: ``model.predict_proba(x)`` when the model defines it (heads with
    uncertainty do), else ``sigmoid(model(x))``. ``X`` is Windows, an array or a tensor;
    ``device`` defaults to where the model already is. The model is left in evaluation mode.
    """
    return predict_in_batches(model, X, batch_proba, batch_size=batch_size, device=device)[0]


__all__ = ["as_float_tensor", "batch_logit", "batch_proba", "predict_in_batches", "predict_proba"]
