"""The story's two-level LSTM: stock experts, then a coordinator that reads all of them.

::

    x [batch, stock, time, feature]
      -> optional feature weighting (layers.weighting)          [batch, stock, time, feature]
      -> stock experts, one LSTM per stock (models.experts)     [batch, stock, time, expert_hidden]
      -> concatenate the experts at each day                     [batch, time, stock * expert_hidden]
      -> coordinator LSTM over time                              [batch, coordinator_hidden]
      -> per stock: [own expert's last state, coordinator state] [batch, stock, expert + coordinator]
      -> per-stock linear head                                   [batch, stock]  (logits)

The coordinator is where cross-stock effects can live ("A rises, B follows three days later"):
an expert sees only its own stock, the coordinator sees every expert at every day.
"""

from __future__ import annotations

import torch
from torch import nn

from companion.layers.weighting import InputAttention, make_weighting
from companion.models.experts import SharedExpert, StockExperts


class StockLinear(nn.Module):
    """A separate linear map per stock: ``[batch, stock, in] -> [batch, stock, out]`` (or ``[batch, stock]``).

    Each stock gets its own weights ``[stock, out, in]`` and bias ``[stock, out]``; with
    ``out_features=None`` the output is squeezed to one value per stock.
    """

    def __init__(self, n_stocks: int, in_features: int, out_features: int | None = None):
        super().__init__()
        self.n_stocks, self.in_features, self.out_features = n_stocks, in_features, out_features
        out = 1 if out_features is None else out_features
        bound = in_features ** -0.5  # nn.Linear's initialisation range
        self.weight = nn.Parameter(torch.empty(n_stocks, out, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(n_stocks, out).uniform_(-bound, bound))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.dim() != 3 or z.shape[1:] != (self.n_stocks, self.in_features):
            raise ValueError(f"expected z of shape [batch, stock={self.n_stocks}, "
                             f"in={self.in_features}], got {list(z.shape)}")
        y = torch.einsum("bsi,soi->bso", z, self.weight) + self.bias
        return y.squeeze(-1) if self.out_features is None else y


class TwoLevelLSTM(nn.Module):
    """Stock experts + coordinator LSTM, one logit per stock.

    Parameters
    ----------
    n_stocks, n_features
        input shape ``[batch, stock, time, feature]``.
    expert_hidden, coordinator_hidden
        hidden sizes of each expert and of the coordinator.
    weighting
        ``None``, ``"static"`` (the story's free weights ``[stock, feature]``), ``"softmax"``
        (constrained) or ``"input"`` (input-dependent attention), see ``layers.weighting``.
    experts
        ``"auto"``, ``"loop"`` or ``"batched"`` (independent experts, same maths, see
        ``models.experts.choose_impl``), or ``"shared"`` (one LSTM for all stocks + stock embedding).
    dropout
        dropout on the per-stock representation before the head (and on the coordinator's input).
    coordinator
        ``False`` drops the coordinator: each stock's logit then depends on its own input only
        (independent per-stock models with ``experts="loop"``, a pooled model with ``"shared"``),
        the comparisons of chapter 04.

    Notes
    -----
    - ``forward(x)`` -> logits ``[batch, stock]`` (use with ``BCEWithLogitsLoss``).
    - ``features(x)`` -> the per-stock representation ``[batch, stock, feature_size]`` that the
      final per-stock linear layer reads: the stock's own expert state at the last day,
      concatenated with the coordinator's last state (shared by all stocks). To put another head
      on the model, call ``features`` and map its last axis; because the coordinator part is the
      same for every stock, give the head per-stock weights (``StockLinear``) if it should use
      cross-stock information differently for each stock.
    - ``attention(x)`` -> the feature weights the weighting layer applied: ``[stock, feature]``
      (static/softmax), ``[batch, stock, time, feature]`` (input attention), or None.
    """

    def __init__(self, n_stocks: int, n_features: int, expert_hidden: int = 16,
                 coordinator_hidden: int = 32, weighting: str | None = None,
                 experts: str = "auto", dropout: float = 0.0, coordinator: bool = True):
        super().__init__()
        self.n_stocks, self.n_features = n_stocks, n_features
        self.weighting = make_weighting(weighting, n_stocks, n_features)
        if experts == "shared":
            self.experts = SharedExpert(n_stocks, n_features, expert_hidden)
        else:
            self.experts = StockExperts(n_stocks, n_features, expert_hidden, impl=experts)
        self.coordinator = (nn.LSTM(n_stocks * expert_hidden, coordinator_hidden, batch_first=True)
                            if coordinator else None)
        self.feature_size = expert_hidden + (coordinator_hidden if coordinator else 0)
        self.dropout = nn.Dropout(dropout)
        self.head = StockLinear(n_stocks, self.feature_size)

    def _weigh(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        if self.weighting is None:
            return x, None
        if isinstance(self.weighting, InputAttention):
            return self.weighting(x)
        return self.weighting(x), self.weighting.weights

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Per-stock representation ``[batch, stock, feature_size]`` before the final linear layer."""
        if x.dim() != 4 or x.shape[1] != self.n_stocks or x.shape[3] != self.n_features:
            raise ValueError(
                f"expected x of shape [batch, stock={self.n_stocks}, time, "
                f"feature={self.n_features}], got {list(x.shape)}"
            )
        x, _ = self._weigh(x)
        h = self.experts(x)  # [batch, stock, time, expert_hidden]
        own = h[:, :, -1]    # each expert's summary of its own stock
        if self.coordinator is None:
            return self.dropout(own)
        batch, n_stocks, n_time, hid = h.shape
        # The coordinator reads every expert at every day: [batch, time, stock * expert_hidden].
        panel = h.permute(0, 2, 1, 3).reshape(batch, n_time, n_stocks * hid)
        out, _ = self.coordinator(self.dropout(panel))
        shared = out[:, -1, None, :].expand(batch, n_stocks, -1)
        return self.dropout(torch.cat([own, shared], dim=-1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))

    @torch.no_grad()
    def attention(self, x: torch.Tensor | None = None) -> torch.Tensor | None:
        """The applied feature weights (see the class docstring); ``x`` is needed for ``"input"``."""
        if self.weighting is None:
            return None
        if isinstance(self.weighting, InputAttention):
            if x is None:
                raise ValueError("input attention depends on the input: pass x [batch, stock, time, feature]")
            return self.weighting(x)[1]
        return self.weighting.weights.detach().clone()


__all__ = ["TwoLevelLSTM", "StockLinear"]
