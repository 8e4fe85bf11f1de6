"""A deep ensemble: the same model trained from several seeds (Lakshminarayanan et al., 2017).

Members disagree most where the data constrain them least, so the spread of their probabilities
is an uncertainty that was never asked to be small on purpose. `fit_ensemble` trains the members
with `companion.train.fit`; `DeepEnsemble` averages them.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from companion.predict import batch_logit, batch_proba


class DeepEnsemble(nn.Module):
    """Average of member models whose output is a logit (or which define predict_proba).

    x: [batch, stock, time, feature] (whatever the members take) ->
    predict_proba: mean member probability [batch, stock]; predict_uncertainty: their standard
    deviation; forward: the logit of the mean probability (so sigmoid(forward) == predict_proba).
    """

    def __init__(self, members: list[nn.Module]):
        super().__init__()
        if len(members) < 2:
            raise ValueError(f"an ensemble needs at least 2 members, got {len(members)}")
        self.members = nn.ModuleList(members)

    def member_probas(self, x: torch.Tensor) -> torch.Tensor:
        """[n_members, batch, stock] probabilities of every member."""
        return torch.stack([batch_proba(m, x) for m in self.members])

    def predict_proba(self, x: torch.Tensor) -> torch.Tensor:
        return self.member_probas(x).mean(0)

    def predict_uncertainty(self, x: torch.Tensor) -> torch.Tensor:
        return self.member_probas(x).std(0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return batch_logit(self, x)  # the logit of predict_proba


def fit_ensemble(factory: Callable[[], nn.Module], train, val, *, n_members: int = 5,
                 seed: int = 0, **fit_kwargs) -> tuple[DeepEnsemble, list]:
    """Train ``n_members`` models from ``factory()`` with seeds seed, seed+1, ...

    ``fit_kwargs`` go to `companion.train.fit` (epochs, lr, loss_fn, ...). Each member is built
    after seeding, so its initial weights differ with its seed. Returns (ensemble, histories).
    """
    from companion.device import set_seed
    from companion.train import fit

    members, histories = [], []
    for i in range(n_members):
        set_seed(seed + i)
        model = factory()
        histories.append(fit(model, train, val, seed=seed + i, **fit_kwargs))
        members.append(model)
    return DeepEnsemble(members), histories
