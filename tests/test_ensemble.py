"""Tests of companion.models.ensemble."""

import numpy as np
import pytest
import torch
from torch import nn

from companion.models import DeepEnsemble, fit_ensemble


class _Logit(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 1)

    def forward(self, x):  # [batch, stock, time, feature] -> [batch, stock]
        return self.fc(x[:, :, -1, :]).squeeze(-1)


def test_ensemble_mean_and_spread():
    torch.manual_seed(0)
    members = [_Logit() for _ in range(4)]
    ens = DeepEnsemble(members)
    x = torch.randn(6, 5, 4, 3)
    probs = torch.stack([torch.sigmoid(m(x)) for m in members])
    torch.testing.assert_close(ens.predict_proba(x), probs.mean(0))
    torch.testing.assert_close(ens.predict_uncertainty(x), probs.std(0))
    torch.testing.assert_close(torch.sigmoid(ens(x)), ens.predict_proba(x), atol=1e-5, rtol=0)
    with pytest.raises(ValueError, match="at least 2"):
        DeepEnsemble(members[:1])


def test_fit_ensemble_members_differ_and_train():
    from companion.train import predict_proba
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2, 4, 3)).astype(np.float32)
    y = (X[:, :, -1, 0] + 0.3 * rng.normal(size=(300, 2)) > 0).astype(np.float32)
    ens, hist = fit_ensemble(_Logit, (X[:200], y[:200]), (X[200:], y[200:]), n_members=3,
                             epochs=15, lr=0.05, progress=False)
    assert len(hist) == 3
    w = [m.fc.weight.detach() for m in ens.members]
    assert not torch.equal(w[0], w[1])
    p = predict_proba(ens, X[200:])
    assert p.shape == (100, 2) and ((p >= 0.5) == (y[200:] == 1)).mean() > 0.8
