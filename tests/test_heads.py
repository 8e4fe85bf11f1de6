"""Tests of the uncertainty heads (companion.layers.heads)."""

import numpy as np
import pytest
import torch
from torch import nn

from companion.layers import BayesianHead, HeteroscedasticLogitHead, MCDropoutHead, UncertainModel
from companion.layers.heads import mc_dropout_predict, predict_with_uncertainty
from companion.losses import HeteroscedasticBCE, mu_only_bce


def _encoder(n_features=3, hidden=8):
    """[batch, stock, time, feature] -> [batch, stock, hidden]: last time step through a linear."""
    class Last(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(n_features, hidden)

        def forward(self, x):
            return torch.tanh(self.fc(x[:, :, -1, :]))
    return Last()


def test_story_head_shapes_and_ranges():
    torch.manual_seed(0)
    mu, sigma = BayesianHead(8)(torch.randn(4, 5, 8) * 3)
    assert mu.shape == sigma.shape == (4, 5)
    assert ((mu > 0) & (mu < 1)).all() and (sigma > 0).all()


def test_story_sigma_gets_no_gradient_under_bce_on_mu():
    torch.manual_seed(0)
    model = UncertainModel(_encoder(), BayesianHead(8))
    x, y = torch.randn(32, 5, 6, 3), torch.randint(0, 2, (32, 5)).float()
    mu_only_bce(model(x), y).backward()
    g = model.head.fc_sigma.weight.grad
    assert g is None or torch.count_nonzero(g) == 0
    assert model.head.fc_sigma.bias.grad is None or torch.count_nonzero(model.head.fc_sigma.bias.grad) == 0
    # ...while mu's layer does learn: the test would fail if nothing got a gradient at all.
    assert model.head.fc_mu.weight.grad is not None and model.head.fc_mu.weight.grad.abs().sum() > 0


def test_story_sigma_weights_unchanged_by_training():
    torch.manual_seed(1)
    model = UncertainModel(_encoder(), BayesianHead(8))
    before = model.head.fc_sigma.weight.detach().clone()
    mu_before = model.head.fc_mu.weight.detach().clone()
    opt = torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.1)
    x, y = torch.randn(64, 5, 6, 3), torch.randint(0, 2, (64, 5)).float()
    for _ in range(20):
        opt.zero_grad()
        mu_only_bce(model(x), y).backward()
        opt.step()
    torch.testing.assert_close(model.head.fc_sigma.weight, before, rtol=0, atol=0)
    assert not torch.equal(model.head.fc_mu.weight, mu_before)  # while mu's weights moved


def test_heteroscedastic_sigma_does_get_a_gradient():
    torch.manual_seed(0)
    model = UncertainModel(_encoder(), HeteroscedasticLogitHead(8))
    x, y = torch.randn(32, 5, 6, 3), torch.randint(0, 2, (32, 5)).float()
    HeteroscedasticBCE(n_samples=10)(model(x), y).backward()
    assert model.head.fc_sigma.weight.grad.abs().sum() > 0


def test_heteroscedastic_probit_matches_monte_carlo():
    torch.manual_seed(0)
    head = HeteroscedasticLogitHead(4)
    with torch.no_grad():
        head.fc_sigma.bias.fill_(1.5)  # sigma around 1.7: far from the zero-noise case
        h = torch.randn(200, 4)
        mean, sigma = head(h)
        z = mean + sigma * torch.randn(20000, *mean.shape)
        mc = torch.sigmoid(z).mean(0)
        approx = head.predict_proba(h)
    assert (approx - mc).abs().max() < 0.02
    # and sigma matters: it pulls the probability towards 0.5
    assert ((approx - 0.5).abs() <= (torch.sigmoid(mean) - 0.5).abs() + 1e-6).all()


def test_probit_approximation_is_within_its_documented_bound_for_any_m_and_s():
    """The docstring's "within 0.02 of E[sigmoid(m + s eps)] for any m and s": the largest gap
    approaches 0.018 as s grows (where the mean tends to Phi(m / s))."""
    from scipy.special import expit
    from scipy.stats import norm

    s = np.array([0.1, 1.0, 3.0, 10.0, 100.0])[:, None]
    ratio = np.linspace(0.0, 3.0, 31)[None, :]     # the approximation is sigmoid(ratio)
    m = ratio * np.sqrt(1 + np.pi * s**2 / 8)      # [s, ratio]
    eps = np.linspace(-12, 12, 24_001)             # fine enough for a sigmoid of width 1 / s
    exact = np.trapezoid(expit(m[..., None] + s[..., None] * eps) * norm.pdf(eps), eps, axis=-1)
    head = HeteroscedasticLogitHead(2, min_sigma=0.0)
    with torch.no_grad():  # h = (m, softplus^-1(s)) read straight through
        head.fc_mean.weight.copy_(torch.tensor([[1.0, 0.0]]))
        head.fc_mean.bias.zero_()
        head.fc_sigma.weight.copy_(torch.tensor([[0.0, 1.0]]))
        head.fc_sigma.bias.zero_()
        h = np.stack(np.broadcast_arrays(m, np.log(np.expm1(s))), axis=-1)
        approx = head.predict_proba(torch.as_tensor(h, dtype=torch.float64).float()).double().numpy()
    gap = np.abs(approx - exact)
    assert 0.015 < gap.max() < 0.02


def test_heteroscedastic_head_learns_the_noisy_groups_probability_not_its_sigma():
    """Group 0's label always follows the signal s; group 1's follows it only 70% of the time.

    For 0/1 labels the loss sees (m, s) only through m / sqrt(1 + pi s^2 / 8) (chapter 6), so what
    the data identify is P(up) per group, not sigma: the head's predict_proba must reach about
    0.7 on group 1 and well above it on group 0, whatever split between m and s it lands on."""
    torch.manual_seed(0)
    n = 4000
    g = torch.randint(0, 2, (n,)).float()        # group flag, visible to the head
    s = torch.randn(n).sign()                    # direction signal, visible
    flip = (torch.rand(n) < 0.3 * g).float()     # group 1: the label follows s 70% of the time
    y = ((s > 0).float() * (1 - flip) + (s <= 0).float() * flip)
    h = torch.stack([s, g, s * g], dim=-1)
    head = HeteroscedasticLogitHead(3)
    opt = torch.optim.Adam(head.parameters(), lr=0.05)
    loss_fn = HeteroscedasticBCE(n_samples=30)
    for _ in range(300):
        opt.zero_grad()
        loss_fn(head(h), y).backward()
        opt.step()
    with torch.no_grad():
        p = head.predict_proba(h)
    p_right = torch.where(s > 0, p, 1 - p)       # the probability given to "the label follows s"
    assert p_right[g == 1].mean() == pytest.approx(0.7, abs=0.05)
    assert p_right[g == 0].mean() > 0.9


def test_mc_dropout_head_mean_and_spread():
    torch.manual_seed(0)
    head = MCDropoutHead(16, p=0.5, n_samples=200, seed=3)
    h = torch.randn(10, 5, 16)
    p1, p2 = head.predict_proba(h), head.predict_proba(h)
    torch.testing.assert_close(p1, p2)  # seeded masks repeat
    assert p1.shape == (10, 5)
    assert (head.predict_uncertainty(h) > 0).all()
    head.eval()
    assert head(h).shape == (10, 5)


def test_mc_dropout_predict_needs_dropout_and_restores_eval():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 1), nn.Flatten(0))
    x = torch.randn(50, 4)
    mean, std = mc_dropout_predict(net, x, n_samples=40, seed=1)
    mean2, _ = mc_dropout_predict(net, x, n_samples=40, seed=1)
    torch.testing.assert_close(mean, mean2)
    assert (std > 0).any() and not net.training and not net[2].training
    with pytest.raises(ValueError, match="no dropout"):
        mc_dropout_predict(nn.Linear(4, 1), x)


def test_predict_with_uncertainty_numpy_shapes():
    torch.manual_seed(0)
    model = UncertainModel(_encoder(), HeteroscedasticLogitHead(8))
    p, u = predict_with_uncertainty(model, np.random.default_rng(0).normal(size=(7, 5, 6, 3)).astype(np.float32), batch_size=3)
    assert p.shape == u.shape == (7, 5) and ((p > 0) & (p < 1)).all() and (u > 0).all()


def test_head_shape_error_names_shapes():
    with pytest.raises(ValueError, match=r"\[\.\.\., 8\].*\(4, 5, 7\)"):
        BayesianHead(8)(torch.randn(4, 5, 7))


def test_uncertain_model_on_a_backbone_method():
    from companion.models import TinyLSTM
    torch.manual_seed(0)
    model = UncertainModel(TinyLSTM(3, hidden_size=8), HeteroscedasticLogitHead(8), method="encode")
    mean, sigma = model(torch.randn(4, 5, 6, 3))
    assert mean.shape == sigma.shape == (4, 5)
    with pytest.raises(ValueError, match="no method 'nope'"):
        UncertainModel(TinyLSTM(3), BayesianHead(32), method="nope")


def test_heads_on_the_two_level_model():
    from companion.models import TwoLevelLSTM
    torch.manual_seed(0)
    backbone = TwoLevelLSTM(n_stocks=4, n_features=3, expert_hidden=4, coordinator_hidden=6, dropout=0.2)
    x, y = torch.randn(8, 4, 5, 3), torch.randint(0, 2, (8, 4)).float()
    story = UncertainModel(backbone, BayesianHead(backbone.feature_size), method="features")
    mu_only_bce(story(x), y).backward()
    assert story.head.fc_sigma.weight.grad is None
    het = UncertainModel(backbone, HeteroscedasticLogitHead(backbone.feature_size), method="features")
    mean, sigma = het(x)
    assert mean.shape == sigma.shape == (8, 4)
    # MC dropout on the whole two-level model (its dropout sits before the per-stock head)
    p, spread = mc_dropout_predict(backbone, x, n_samples=10)
    assert p.shape == (8, 4) and (spread > 0).any()


def test_gaussian_return_head_learns_the_spread_and_gives_phi():
    from scipy.stats import norm

    from companion.layers import GaussianReturnHead
    from companion.losses import gaussian_nll
    torch.manual_seed(0)
    n = 4000
    calm = torch.randint(0, 2, (n,)).float()            # visible regime flag
    ret = 0.3 + torch.randn(n) * torch.where(calm == 1, 0.5, 2.0)
    h = torch.stack([calm, 1 - calm], dim=-1)
    head = GaussianReturnHead(2)
    opt = torch.optim.Adam(head.parameters(), lr=0.05)
    for _ in range(400):
        opt.zero_grad()
        gaussian_nll(head(h), ret).backward()
        opt.step()
    with torch.no_grad():
        mu, sigma = head(h)
        p = head.predict_proba(h)
    assert sigma[calm == 1].mean() == pytest.approx(0.5, abs=0.1)
    assert sigma[calm == 0].mean() == pytest.approx(2.0, abs=0.2)
    np.testing.assert_allclose(p.numpy(), norm.cdf((mu / sigma).numpy()), atol=1e-5)
