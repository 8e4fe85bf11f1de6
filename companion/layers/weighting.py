"""Feature weighting in front of a model: the story's static weights and an input attention.

``FeatureWeighting`` multiplies the input ``[batch, stock, time, feature]`` by a learned table
``[stock, feature]`` (broadcast over batch and time). Its raw entries are *not* feature
importance: the next layer can undo any rescaling (multiply a weight by ``c``, divide the next
layer's input weights for that feature by ``c``: same outputs). ``constraint="softmax"`` fixes
the total size of each stock's weights; ``InputAttention`` makes the weights depend on the
input, in the spirit of the input attention of DA-RNN (Qin et al. 2017) and TFT's variable
selection (Lim et al. 2021), and returns them so they can be plotted.
"""

from __future__ import annotations

import torch
from torch import nn


def check_stock_input(x: torch.Tensor, n_stocks: int, n_features: int) -> None:
    """Raise a ValueError naming both shapes unless x is [batch, stock=n_stocks, time, feature=n_features]."""
    if x.dim() != 4 or x.shape[1] != n_stocks or x.shape[3] != n_features:
        raise ValueError(
            f"expected x of shape [batch, stock={n_stocks}, time, feature={n_features}], "
            f"got {list(x.shape)}"
        )


class FeatureWeighting(nn.Module):
    """Learned per-stock, per-feature input weights: ``x * w[None, :, None, :]``.

    Parameters
    ----------
    n_stocks, n_features
        the table's shape ``[stock, feature]``.
    constraint
        ``None``: the weights are free parameters (the story's layer; initialised to 1, so the
        layer starts as the identity). ``"softmax"``: ``w = n_features * softmax(logits)`` over
        features, so each stock's weights are positive and average 1.

    Shapes
    ------
    Forward: ``x [batch, stock, time, feature] -> [batch, stock, time, feature]``.
    ``weights`` gives the table actually applied, ``[stock, feature]``.
    """

    def __init__(self, n_stocks: int, n_features: int, constraint: str | None = None):
        super().__init__()
        if constraint not in (None, "softmax"):
            raise ValueError(f"constraint must be None or 'softmax', got {constraint!r}")
        self.n_stocks, self.n_features, self.constraint = n_stocks, n_features, constraint
        # softmax of zeros is uniform: both variants start as the identity map.
        init = torch.zeros if constraint == "softmax" else torch.ones
        self.raw = nn.Parameter(init(n_stocks, n_features))

    @property
    def weights(self) -> torch.Tensor:
        """The applied weights ``[stock, feature]``."""
        if self.constraint == "softmax":
            return self.n_features * torch.softmax(self.raw, dim=-1)
        return self.raw

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_stock_input(x, self.n_stocks, self.n_features)
        # [stock, feature] -> [1, stock, 1, feature]: broadcasts over batch and time.
        return x * self.weights[None, :, None, :]

    def extra_repr(self) -> str:
        return f"n_stocks={self.n_stocks}, n_features={self.n_features}, constraint={self.constraint!r}"


class InputAttention(nn.Module):
    """Input-dependent feature weights: each stock and day gets its own softmax over features.

    The score of feature ``k`` at one (sample, stock, day) is computed from that day's whole
    feature vector by a small network, ``v_k . tanh(U x_t + b)``, with a learned per-stock offset;
    a softmax over features turns the scores into weights that sum to 1, scaled by
    ``n_features`` so that uniform attention leaves ``x`` unchanged. A simplification of DA-RNN's
    input attention, which also conditions on the encoder's previous hidden state.

    Forward: ``x [batch, stock, time, feature] -> (x_weighted [batch, stock, time, feature],
    weights [batch, stock, time, feature])`` with ``weights.sum(-1) == 1``.
    """

    def __init__(self, n_stocks: int, n_features: int, hidden_size: int = 16):
        super().__init__()
        self.n_stocks, self.n_features = n_stocks, n_features
        self.score = nn.Sequential(nn.Linear(n_features, hidden_size), nn.Tanh(),
                                   nn.Linear(hidden_size, n_features))
        self.stock_bias = nn.Parameter(torch.zeros(n_stocks, n_features))
        # Start uniform: zero the last layer, so the first scores are the (zero) stock offsets.
        nn.init.zeros_(self.score[2].weight)
        nn.init.zeros_(self.score[2].bias)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        check_stock_input(x, self.n_stocks, self.n_features)
        scores = self.score(x) + self.stock_bias[None, :, None, :]
        weights = torch.softmax(scores, dim=-1)
        return x * (self.n_features * weights), weights


def make_weighting(kind: str | None, n_stocks: int, n_features: int) -> nn.Module | None:
    """``None``, ``"static"``, ``"softmax"`` or ``"input"`` -> the matching layer (or None)."""
    if kind is None:
        return None
    if kind == "static":
        return FeatureWeighting(n_stocks, n_features)
    if kind == "softmax":
        return FeatureWeighting(n_stocks, n_features, constraint="softmax")
    if kind == "input":
        return InputAttention(n_stocks, n_features)
    raise ValueError(f"weighting must be None, 'static', 'softmax' or 'input', got {kind!r}")


__all__ = ["FeatureWeighting", "InputAttention", "make_weighting"]
