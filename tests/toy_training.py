"""A tiny data set and network for the tests of `companion.train.fit` (shared by several test files)."""

import numpy as np
from torch import nn


def toy_data(n: int = 64, seed: int = 0):
    """(train, val) pairs of X [sample, stock=2, time=4, feature=3] and y [sample, stock] in {0, 1}."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2, 4, 3)).astype(np.float32)
    y = (X[:, :, -1, 0] > 0).astype(np.float32)
    return (X[:48], y[:48]), (X[48:], y[48:])


class ToyNet(nn.Module):
    """Dropout then one linear layer on the flattened window; dropout makes the seeding visible."""

    def __init__(self, dropout: float = 0.3):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.lin = nn.Linear(4 * 3, 1)

    def forward(self, x):  # [batch, stock, time, feature] -> [batch, stock]
        return self.lin(self.drop(x.flatten(2))).squeeze(-1)
