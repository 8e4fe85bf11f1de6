"""Output heads that say how sure they are, and the one in the story that only looks as if it does.

Every head takes a representation ``h: [..., hidden]`` (for the two-level model: one vector per
stock, ``[batch, stock, hidden]``) and returns something for each leading position (``[batch, stock]``).

- `BayesianHead`: the story's head. ``mu = sigmoid(.)``, ``sigma = softplus(.)``. Trained with BCE on
  ``mu`` only, nothing in the loss touches ``sigma``: its weights keep their random initial values.
- `HeteroscedasticLogitHead`: a logit mean ``m`` *and* a logit noise scale ``s``, trained by
  Monte-Carlo sampling of the logit (Kendall & Gal, 2017). ``s`` is in the loss, but for a 0/1
  target the loss sees ``m`` and ``s`` only through ``m / sqrt(1 + pi * s^2 / 8)``, so the data do
  not identify ``s`` (chapter 6).
- `MCDropoutHead`: dropout before the last linear layer, kept on at prediction time and averaged
  over many masks (Gal & Ghahramani, 2016).
- `GaussianReturnHead`: a mean and a spread of the next return, trained by Gaussian likelihood on
  returns; P(up) = Phi(mu / sigma).

`UncertainModel` puts a head on any encoder; `mc_dropout_predict` runs MC dropout on any model;
`predict_with_uncertainty` returns (probability, uncertainty) as numpy arrays for the chapters.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from companion.checks import check_int, check_real
from companion.predict import batch_proba, predict_in_batches


def _check_last_dim(h: torch.Tensor, in_features: int, who: str) -> None:
    if h.ndim < 1 or h.shape[-1] != in_features:
        raise ValueError(
            f"{who} expects a representation shaped [..., {in_features}] (last dimension = "
            f"in_features), got {tuple(h.shape)}. Pass in_features equal to the encoder's hidden size."
        )


class BayesianHead(nn.Module):
    """The story's 'Bayesian' output layer: a probability and a positive 'uncertainty'.

    h: [..., in_features] -> (mu [...], sigma [...]), mu = sigmoid(linear(h)) in (0, 1),
    sigma = softplus(linear(h)) > 0. Nothing here makes sigma an uncertainty: that depends
    entirely on the loss, and the story's loss (BCE on mu) never looks at it.
    """

    def __init__(self, in_features: int):
        super().__init__()
        self.in_features = in_features = check_int(in_features, "in_features", low=1)
        self.fc_mu = nn.Linear(in_features, 1)
        self.fc_sigma = nn.Linear(in_features, 1)

    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        _check_last_dim(h, self.in_features, "BayesianHead")
        mu = torch.sigmoid(self.fc_mu(h)).squeeze(-1)
        sigma = F.softplus(self.fc_sigma(h)).squeeze(-1)
        return mu, sigma

    def predict_proba(self, h: torch.Tensor) -> torch.Tensor:
        return self(h)[0]

    def predict_uncertainty(self, h: torch.Tensor) -> torch.Tensor:
        return self(h)[1]


class HeteroscedasticLogitHead(nn.Module):
    """A Gaussian over the logit: z ~ N(m(h), s(h)^2) (Kendall & Gal, 2017).

    h: [..., in_features] -> (mean m [...], sigma s [...]). Train with
    `companion.losses.HeteroscedasticBCE`, which samples z and scores the average likelihood.
    For a 0/1 target that is the likelihood of the mean probability, E[sigmoid(z)] ~=
    sigmoid(m / sqrt(1 + pi * s^2 / 8)): the loss sees m and s only through this ratio, so a day
    whose outcome the inputs cannot explain is fitted as well by a smaller ``|m|`` as by a larger s.
    s gets a gradient but the data do not identify it; where it ends up depends on the initial
    weights (chapter 6). A return target does identify a spread: `GaussianReturnHead`.

    The probability of "up" integrates the sigmoid over the Gaussian. We use the probit
    approximation p ~= sigmoid(m / sqrt(1 + pi * s^2 / 8)) (MacKay, 1992): deterministic, so
    predictions repeat exactly, and within 0.02 of the exact mean E[sigmoid(m + s * eps)],
    eps ~ N(0, 1), for any m and s (tested).
    """

    def __init__(self, in_features: int, min_sigma: float = 1e-3):
        super().__init__()
        self.in_features = in_features = check_int(in_features, "in_features", low=1)
        self.min_sigma = check_real(min_sigma, "min_sigma", low=0)
        self.fc_mean = nn.Linear(in_features, 1)
        self.fc_sigma = nn.Linear(in_features, 1)

    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        _check_last_dim(h, self.in_features, "HeteroscedasticLogitHead")
        mean = self.fc_mean(h).squeeze(-1)
        # softplus keeps sigma positive with a smooth gradient; min_sigma avoids a degenerate 0.
        sigma = F.softplus(self.fc_sigma(h)).squeeze(-1) + self.min_sigma
        return mean, sigma

    def predict_proba(self, h: torch.Tensor) -> torch.Tensor:
        mean, sigma = self(h)
        return torch.sigmoid(mean / torch.sqrt(1.0 + math.pi * sigma**2 / 8.0))

    def predict_uncertainty(self, h: torch.Tensor) -> torch.Tensor:
        return self(h)[1]


class MCDropoutHead(nn.Module):
    """Dropout, then a linear layer to one logit; at prediction, average over dropout masks.

    h: [..., in_features] -> logit [...] in `forward` (a normal logit model, trains with plain BCE).
    `predict_proba` / `predict_uncertainty` draw ``n_samples`` dropout masks on the representation
    (only the cheap last layer runs again) and return the mean and the spread of sigmoid(logit).
    A seeded generator makes the masks repeat (seed=None: use the global random state).
    """

    def __init__(self, in_features: int, p: float = 0.3, n_samples: int = 50, seed: int | None = 0):
        super().__init__()
        in_features = check_int(in_features, "in_features", low=1)
        p = check_real(p, "p", low=0, high=1, low_open=True, high_open=True,
                       fix="p is the dropout probability, e.g. 0.3.")
        n_samples = check_int(n_samples, "n_samples", low=1)
        seed = None if seed is None else check_int(seed, "seed", low=0)
        self.in_features, self.p, self.n_samples, self.seed = in_features, p, n_samples, seed
        self.fc = nn.Linear(in_features, 1)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        _check_last_dim(h, self.in_features, "MCDropoutHead")
        return self.fc(F.dropout(h, self.p, self.training)).squeeze(-1)

    def _samples(self, h: torch.Tensor) -> torch.Tensor:
        """[n_samples, ...] probabilities, one per dropout mask."""
        _check_last_dim(h, self.in_features, "MCDropoutHead")
        gen = None
        if self.seed is not None:
            gen = torch.Generator(device=h.device).manual_seed(self.seed)
        keep = 1.0 - self.p
        masks = torch.rand((self.n_samples, *h.shape), generator=gen, device=h.device) < keep
        hs = h.unsqueeze(0) * masks / keep  # inverted dropout, as in F.dropout
        return torch.sigmoid(self.fc(hs).squeeze(-1))

    def predict_proba(self, h: torch.Tensor) -> torch.Tensor:
        return self._samples(h).mean(0)

    def predict_uncertainty(self, h: torch.Tensor) -> torch.Tensor:
        return self._samples(h).std(0)


class GaussianReturnHead(nn.Module):
    """A Gaussian over the next return: r ~ N(mu(h), sigma(h)^2); P(up) = Phi(mu / sigma).

    h: [..., in_features] -> (mu [...], sigma [...]). Train on returns, not on up/down labels, with
    `companion.losses.gaussian_nll` (pass ``(X, ret)`` as the data to `companion.train.fit`; scale
    the returns to percent so that the numbers are of order one). sigma is in the likelihood, so it
    learns the spread of returns, e.g. larger in volatile periods.
    """

    def __init__(self, in_features: int, min_sigma: float = 1e-3):
        super().__init__()
        self.in_features = in_features = check_int(in_features, "in_features", low=1)
        self.min_sigma = check_real(min_sigma, "min_sigma", low=0)
        self.fc_mu = nn.Linear(in_features, 1)
        self.fc_sigma = nn.Linear(in_features, 1)

    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        _check_last_dim(h, self.in_features, "GaussianReturnHead")
        mu = self.fc_mu(h).squeeze(-1)
        sigma = F.softplus(self.fc_sigma(h)).squeeze(-1) + self.min_sigma
        return mu, sigma

    def predict_proba(self, h: torch.Tensor) -> torch.Tensor:
        mu, sigma = self(h)
        return 0.5 * (1.0 + torch.erf(mu / (sigma * math.sqrt(2.0))))  # Phi(mu / sigma)

    def predict_uncertainty(self, h: torch.Tensor) -> torch.Tensor:
        return self(h)[1]


class UncertainModel(nn.Module):
    """An encoder followed by a head: x -> encoder(x) = h [..., hidden] -> head(h).

    Works with any encoder returning one vector per prediction, e.g. the two-level model's
    per-stock representation [batch, stock, hidden]. ``method`` names the encoder's method that
    returns it (``UncertainModel(TinyLSTM(6), head, method="encode")``); None calls the encoder.
    Only the parameters the loss reaches are trained: the backbone's own output layer, if it
    has one, is simply unused. `forward` returns what the head returns (feed
    it to the head's loss in `companion.train.fit(..., loss_fn=...)`); `predict_proba` and
    `predict_uncertainty` pass through, so `companion.train.predict_proba` uses them.
    """

    def __init__(self, encoder: nn.Module, head: nn.Module, method: str | None = None):
        super().__init__()
        if method is not None and not callable(getattr(encoder, method, None)):
            raise ValueError(f"{type(encoder).__name__} has no method {method!r}; pass the name of the "
                             "method returning the representation [batch, stock, hidden].")
        self.encoder, self.head, self.method = encoder, head, method

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x -> h [..., hidden]: encoder(x), or encoder.<method>(x) when ``method`` is given."""
        return self.encoder(x) if self.method is None else getattr(self.encoder, self.method)(x)

    def forward(self, x: torch.Tensor):
        return self.head(self.encode(x))

    def predict_proba(self, x: torch.Tensor) -> torch.Tensor:
        return batch_proba(self.head, self.encode(x))  # the head keeps the model contract on h

    def predict_uncertainty(self, x: torch.Tensor) -> torch.Tensor:
        if not hasattr(self.head, "predict_uncertainty"):
            raise TypeError(f"{type(self.head).__name__} has no predict_uncertainty; use a head that has.")
        return self.head.predict_uncertainty(self.encode(x))


def enable_mc_dropout(model: nn.Module) -> int:
    """Put the model in eval mode except its dropout layers; return how many dropout layers."""
    model.eval()
    n = 0
    for m in model.modules():
        if isinstance(m, nn.Dropout | nn.Dropout1d | nn.Dropout2d | nn.AlphaDropout):
            m.train()
            n += 1
        # nn.LSTM/GRU apply their between-layer dropout only in train mode; they hold no
        # batch statistics, so train mode changes nothing else in them.
        elif isinstance(m, nn.RNNBase) and m.dropout > 0:
            m.train()
            n += 1
    return n


@torch.no_grad()
def mc_dropout_predict(model: nn.Module, x: torch.Tensor, n_samples: int = 30,
                       seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Monte-Carlo dropout on a whole model (Gal & Ghahramani, 2016).

    x: the model's input, e.g. [batch, stock, time, feature] -> (mean probability, std of the
    probability), each [batch, stock]. Runs `companion.predict.batch_proba` ``n_samples`` times
    with the model's dropout on, so any model of the course works, a (mean, spread) head included.
    Raises ValueError when the model has no dropout to sample.
    """
    n_samples = check_int(n_samples, "n_samples", low=2, fix="A spread needs at least 2 passes.")
    seed = check_int(seed, "seed", low=0)
    if enable_mc_dropout(model) == 0:
        model.eval()
        raise ValueError(
            f"{type(model).__name__} has no dropout layer, so every MC-dropout pass would be "
            "identical. Build it with dropout > 0 (or use MCDropoutHead)."
        )
    cuda = [x.device.index or 0] if x.is_cuda else []
    # Repeatable masks without disturbing the caller's random state.
    with torch.random.fork_rng(devices=cuda):
        torch.manual_seed(seed)
        try:
            probs = torch.stack([batch_proba(model, x) for _ in range(n_samples)])
        finally:
            model.eval()
    return probs.mean(0), probs.std(0)


def predict_with_uncertainty(model: nn.Module, X, *, batch_size: int = 1024,
                             device: torch.device | str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(probability of up, uncertainty) as numpy arrays shaped like y, for a model with a head.

    The model must define ``predict_uncertainty(x)`` (an `UncertainModel`, a
    `companion.models.DeepEnsemble`); the probability is `companion.predict.predict_proba`'s.
    X: Windows, numpy or tensor [samples, stock, time, feature]; ``device`` moves the model there.
    """
    if not callable(getattr(model, "predict_uncertainty", None)):
        raise TypeError(f"{type(model).__name__} has no predict_uncertainty(); wrap it in "
                        "UncertainModel with a head that has one, or use DeepEnsemble.")
    p, u = predict_in_batches(model, X, batch_proba, lambda m, x: m.predict_uncertainty(x),
                              batch_size=batch_size, device=device)
    return p, u
