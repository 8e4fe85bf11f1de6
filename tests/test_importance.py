"""Permutation importance finds the input a hand-made model uses, and only that one."""

import numpy as np
import pytest
import torch
from torch import nn

from companion.importance import lag_importance, permutation_importance


class UsesOne(nn.Module):
    """Stock s's logit = 4 * x[:, source, -lag, feature]: a model whose truth we know."""

    def __init__(self, feature=0, source=None, lag=1):
        super().__init__()
        self.feature, self.source, self.lag = feature, source, lag
        self.dummy = nn.Parameter(torch.zeros(()))  # gives the model a device

    def forward(self, x):
        if self.source is None:
            return 4 * x[:, :, -self.lag, self.feature] + self.dummy
        return 4 * x[:, self.source, -self.lag, self.feature][:, None].expand(-1, x.shape[1])


def _data(model, n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3, 6, 4)).astype(np.float32)
    with torch.no_grad():
        p = torch.sigmoid(model(torch.as_tensor(X))).numpy()
    return X, (rng.random(p.shape) < p).astype(np.float32)


def test_permutation_importance_ranks_the_used_feature_first():
    model = UsesOne(feature=2)
    X, y = _data(model)
    imp = permutation_importance(model, X, y, ["a", "b", "c", "d"], n_repeats=3)
    assert imp["feature"].iloc[0] == "c"
    assert imp.set_index("feature").loc["c", "increase"] > 0.2
    # Unused features: shuffling them cannot change the output at all.
    assert np.allclose(imp.set_index("feature").loc[["a", "b", "d"], "increase"], 0.0)


def test_lag_importance_reads_back_the_lag():
    model = UsesOne(feature=0, source=0, lag=3)
    X, y = _data(model)
    lags = lag_importance(model, X, y, source=0, target=1, lags=[1, 2, 3, 4, 5], n_repeats=2)
    assert lags.loc[lags["increase"].idxmax(), "lag"] == 3
    assert np.allclose(lags.loc[lags["lag"] != 3, "increase"], 0.0)


def test_errors():
    model = UsesOne()
    X, y = _data(model)
    with pytest.raises(ValueError, match="feature names"):
        permutation_importance(model, X, y, ["a"])
    with pytest.raises(ValueError, match=r"y \[sample, stock\]"):
        permutation_importance(model, X, y[:, :2], list("abcd"))
    with pytest.raises(ValueError, match="lags"):
        lag_importance(model, X, y, source=0, target=1, lags=[0, 7])
