"""Losses for chapters 06 and 07: the story's two losses, and what to use instead.

- `AsymmetricBCE`: BCE on logits with a heavier weight on down days (the story's 1.5). Stable for any
  logit (it uses ``binary_cross_entropy_with_logits``). Its optimum is *not* the true probability:
  for a constant predictor it sits at logit(p) + ln(up_weight / down_weight) (`optimal_logit`).
- `mu_only_bce`: the story's loss for its (mu, sigma) head, BCE on mu alone; sigma gets no gradient.
- `HeteroscedasticBCE`: the Monte-Carlo loss of a logit mean and a logit noise scale (Kendall &
  Gal, 2017); for 0/1 targets it sees them only through one ratio, so the noise scale is not
  identified.
- `gaussian_nll`: the Gaussian negative log-likelihood of returns for a (mu, sigma) head.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from companion.checks import Described, check_int, check_real, refuse


def _check_sigma(sigma: torch.Tensor, who: str, zero_ok: bool) -> None:
    """sigma is a scale: negative (or, where it divides, zero) is a bug upstream, not a loss.

    One reduction and one device sync per batch. NaN is left to the training loop, which stops
    on a NaN loss with its own message.
    """
    bad = (sigma < 0) if zero_ok else (sigma <= 0)
    if bool(bad.any()):
        refuse(f"{who} sigma", "positive" if not zero_ok else "non-negative",
               Described(f"{int(bad.sum())} of {sigma.numel()} value(s) "
                         f"{'<= 0' if not zero_ok else '< 0'} (min {float(sigma.min()):.3g})"),
               "Make the head end in softplus(.) + a small floor, as GaussianReturnHead and "
               "HeteroscedasticLogitHead do; exp(.) works too.")


def _check_same_shape(a: torch.Tensor, y: torch.Tensor, what: str) -> None:
    if a.shape != y.shape:
        raise ValueError(
            f"{what} must be shaped like the targets y {tuple(y.shape)} (e.g. [batch, stock]), "
            f"got {tuple(a.shape)}."
        )


class AsymmetricBCE(nn.Module):
    """Weighted binary cross-entropy on logits: down days (y = 0) weigh ``down_weight``.

    logits, y: [batch, stock] (any equal shapes) -> scalar mean of w_i * BCE_i, with
    w_i = up_weight if y_i = 1 else down_weight. (The story's version applies BCE to a probability,
    which overflows to inf for a saturated sigmoid; on logits it is exact for any value.)
    """

    def __init__(self, up_weight: float = 1.0, down_weight: float = 1.5):
        super().__init__()
        self.up_weight = check_real(up_weight, "up_weight", low=0, low_open=True)
        self.down_weight = check_real(down_weight, "down_weight", low=0, low_open=True)

    def forward(self, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        _check_same_shape(logits, y, "AsymmetricBCE logits")
        y = y.to(logits.dtype)
        weight = self.up_weight * y + self.down_weight * (1.0 - y)
        return F.binary_cross_entropy_with_logits(logits, y, weight=weight)

    def logit_shift(self) -> float:
        """How far the optimal logit moves from the calibrated one: ln(up_weight / down_weight)."""
        return math.log(self.up_weight / self.down_weight)

    def equivalent_threshold(self) -> float:
        """The threshold on a calibrated probability that gives the same decisions as 0.5 here.

        The weighted model says "up" when logit(p) + ln(up/down) > 0, i.e. p > down / (up + down).
        """
        return self.down_weight / (self.up_weight + self.down_weight)


def optimal_logit(p: float, up_weight: float = 1.0, down_weight: float = 1.5) -> float:
    """The constant logit minimising the weighted BCE when a fraction p of the targets are 1.

    Setting d/dz [p * up * softplus(-z) + (1 - p) * down * softplus(z)] = 0 gives
    sigmoid(z) / (1 - sigmoid(z)) = p * up / ((1 - p) * down), i.e.
    z* = ln(p / (1 - p)) + ln(up / down). With up = 1, down = 1.5 and p = 0.5: z* = -ln 1.5,
    sigmoid(z*) = 0.4.
    """
    p = check_real(p, "p", low=0, high=1, low_open=True, high_open=True,
                   fix="p is the fraction of up days (targets equal to 1).")
    up_weight = check_real(up_weight, "up_weight", low=0, low_open=True)
    down_weight = check_real(down_weight, "down_weight", low=0, low_open=True)
    return math.log(p / (1 - p)) + math.log(up_weight / down_weight)


def mu_only_bce(output: tuple[torch.Tensor, torch.Tensor], y: torch.Tensor) -> torch.Tensor:
    """The story's loss for a (mu, sigma) head: BCE on the probability mu, sigma ignored.

    output: (mu, sigma), each [batch, stock]; y: [batch, stock]. Because sigma does not appear,
    autograd never reaches `fc_sigma`: after backward its .grad is None.
    """
    mu, _sigma = output
    _check_same_shape(mu, y, "mu")
    # clamp: BCE on a probability is -inf at exactly 0 or 1 (one reason to prefer logits).
    eps = 1e-6
    return F.binary_cross_entropy(mu.clamp(eps, 1 - eps), y.to(mu.dtype))


class HeteroscedasticBCE(nn.Module):
    """Monte-Carlo BCE for a Gaussian logit (Kendall & Gal, 2017, eq. 12 for two classes).

    output: (mean, sigma), each [batch, stock]; y: [batch, stock].
    Draw z_t = mean + sigma * eps_t, t = 1..T, eps_t ~ N(0, 1), and minimise
    -log( (1/T) * sum_t P(y | z_t) ), computed stably with logsumexp of -BCE_t.
    Averaging the *likelihood* (not the loss) puts sigma in the loss, but for a 0/1 target only
    through the mean probability p = (1/T) * sum_t sigmoid(z_t) (the loss is -log p for y = 1,
    -log(1 - p) for y = 0), and p ~= sigmoid(mean / sqrt(1 + pi * sigma^2 / 8)): a larger sigma
    with a proportionally larger ``|mean|`` gives the same loss, so the data do not identify sigma
    (chapter 6). `gaussian_nll` on returns does identify its spread.
    A negative sigma is refused: a scale cannot be negative, and the sampled logits
    would hide the bug (-sigma and sigma give the same spread).
    """

    def __init__(self, n_samples: int = 20):
        super().__init__()
        self.n_samples = check_int(n_samples, "n_samples", low=1)

    def forward(self, output: tuple[torch.Tensor, torch.Tensor], y: torch.Tensor) -> torch.Tensor:
        mean, sigma = output
        _check_same_shape(mean, y, "the logit mean")
        _check_same_shape(sigma, y, "sigma")
        _check_sigma(sigma, "HeteroscedasticBCE", zero_ok=True)  # sigma 0: a plain BCE, fine
        y = y.to(mean.dtype)
        eps = torch.randn((self.n_samples, *mean.shape), device=mean.device, dtype=mean.dtype)
        z = mean.unsqueeze(0) + sigma.unsqueeze(0) * eps                  # [T, batch, stock]
        log_lik = -F.binary_cross_entropy_with_logits(z, y.expand_as(z), reduction="none")
        log_mean_lik = torch.logsumexp(log_lik, dim=0) - math.log(self.n_samples)
        return -log_mean_lik.mean()


def gaussian_nll(output: tuple[torch.Tensor, torch.Tensor], ret: torch.Tensor) -> torch.Tensor:
    """Negative log-likelihood of returns under N(mu, sigma^2), without the constant ln sqrt(2 pi).

    output: (mu, sigma), each [batch, stock]; ret: realised returns [batch, stock] (e.g. in percent).
    mean of ln sigma + (ret - mu)^2 / (2 sigma^2): a small sigma is rewarded only where the
    returns really are close to mu. sigma <= 0 is refused: the likelihood is undefined.
    """
    mu, sigma = output
    _check_same_shape(mu, ret, "mu")
    _check_same_shape(sigma, ret, "sigma")
    _check_sigma(sigma, "gaussian_nll", zero_ok=False)  # it divides by sigma and takes its log
    return (torch.log(sigma) + 0.5 * ((ret.to(mu.dtype) - mu) / sigma) ** 2).mean()
