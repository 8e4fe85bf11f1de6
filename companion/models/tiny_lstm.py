"""TinyLSTM: the story's first model, one small LSTM that reads one stock's window.

It reads the window day by day and turns its last hidden state into one logit: the log-odds that
the stock's close rises over the horizon. The same weights serve every stock, so a
``[batch, stock, time, feature]`` input is read as ``batch * stock`` separate windows.
"""

from __future__ import annotations

import torch
from torch import nn


class TinyLSTM(nn.Module):
    """An LSTM over time followed by a linear layer to one logit.

    Parameters
    ----------
    n_features : features per day (6 for ``companion.features.FEATURES``).
    hidden_size : size of the hidden state; 32 as in the story.
    num_layers : stacked LSTM layers.
    dropout : dropout between stacked layers and before the output layer.

    Shapes
    ------
    ``[batch, time, feature]`` -> logits ``[batch]``;
    ``[batch, stock, time, feature]`` -> logits ``[batch, stock]`` (shared weights across stocks).
    """

    def __init__(self, n_features: int, hidden_size: int = 32, num_layers: int = 1,
                 dropout: float = 0.0):
        super().__init__()
        if n_features < 1 or hidden_size < 1 or num_layers < 1:
            raise ValueError(f"n_features, hidden_size and num_layers must be positive, got "
                             f"{n_features}, {hidden_size}, {num_layers}.")
        self.n_features = n_features
        self.hidden_size = hidden_size
        # nn.LSTM only applies dropout between layers (it warns when there is just one).
        self.lstm = nn.LSTM(n_features, hidden_size, num_layers=num_layers, batch_first=True,
                            dropout=dropout if num_layers > 1 else 0.0)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, 1)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The last hidden state: ``[batch, time, feature]`` -> ``[batch, hidden]``
        (``[batch, stock, time, feature]`` -> ``[batch, stock, hidden]``)."""
        if x.dim() not in (3, 4) or x.shape[-1] != self.n_features:
            raise ValueError(
                f"TinyLSTM expects [batch, time, {self.n_features}] or "
                f"[batch, stock, time, {self.n_features}], got {tuple(x.shape)}."
            )
        lead = x.shape[:-2]  # (batch,) or (batch, stock)
        _, (h, _) = self.lstm(x.reshape(-1, *x.shape[-2:]))
        return h[-1].reshape(*lead, self.hidden_size)  # h: [layers, batch*stock, hidden]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``[batch]`` or ``[batch, stock]``."""
        return self.head(self.dropout(self.encode(x))).squeeze(-1)
