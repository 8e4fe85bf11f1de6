"""Tests of companion.losses: the weighted BCE's optimum and its stability."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from companion.losses import AsymmetricBCE, HeteroscedasticBCE, mu_only_bce, optimal_logit


def _fit_constant(y, loss_fn, steps=400):
    """The best constant logit for targets y, found by L-BFGS in float64."""
    y = y.double()
    z = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([z], lr=0.5, max_iter=steps, tolerance_grad=1e-12,
                            tolerance_change=1e-14, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = loss_fn(z.expand_as(y), y)
        loss.backward()
        return loss
    opt.step(closure)
    return float(z.detach())


@pytest.mark.parametrize("p", [0.5, 0.3, 0.62])
def test_weighted_bce_constant_optimum_by_optimisation(p):
    n = 1000
    y = torch.zeros(n)
    y[: int(round(p * n))] = 1.0
    z = _fit_constant(y, AsymmetricBCE(1.0, 1.5))
    expected = math.log(p / (1 - p)) - math.log(1.5)
    assert z == pytest.approx(expected, abs=1e-4)
    # the unweighted loss's optimum is the calibrated logit: the shift is the weighting's doing
    z0 = _fit_constant(y, AsymmetricBCE(1.0, 1.0))
    assert z0 == pytest.approx(math.log(p / (1 - p)), abs=1e-4)


def test_half_becomes_forty_percent():
    z = optimal_logit(0.5)
    assert z == pytest.approx(-math.log(1.5))
    assert 1 / (1 + math.exp(-z)) == pytest.approx(0.4)
    assert AsymmetricBCE().equivalent_threshold() == pytest.approx(0.6)


@given(p=st.floats(0.02, 0.98), up=st.floats(0.2, 5), down=st.floats(0.2, 5))
def test_closed_form_optimum_matches_scipy(p, up, down):
    def expected_loss(z):
        return p * up * np.logaddexp(0, -z) + (1 - p) * down * np.logaddexp(0, z)
    res = minimize_scalar(expected_loss, bounds=(-20, 20), method="bounded", options={"xatol": 1e-9})
    assert optimal_logit(p, up, down) == pytest.approx(res.x, abs=1e-4)


def test_asymmetric_bce_matches_hand_formula_and_is_stable():
    logits = torch.tensor([[-200.0, -1.0, 0.0], [0.5, 3.0, 200.0]])
    y = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    loss = AsymmetricBCE(1.0, 1.5)(logits, y)
    w = 1.0 * y + 1.5 * (1 - y)
    by_hand = (w * (y * torch.nn.functional.softplus(-logits) + (1 - y) * torch.nn.functional.softplus(logits))).mean()
    assert torch.isfinite(loss)
    torch.testing.assert_close(loss, by_hand)


def test_asymmetric_bce_shape_and_weight_errors():
    with pytest.raises(ValueError, match="shaped like the targets"):
        AsymmetricBCE()(torch.zeros(4, 5), torch.zeros(4, 6))
    with pytest.raises(ValueError, match="down_weight must be a number above 0"):
        AsymmetricBCE(down_weight=0)


def test_mu_only_bce_ignores_sigma():
    mu = torch.tensor([0.2, 0.9], requires_grad=True)
    sigma = torch.tensor([0.5, 0.1], requires_grad=True)
    y = torch.tensor([0.0, 1.0])
    mu_only_bce((mu, sigma), y).backward()
    assert sigma.grad is None and mu.grad.abs().sum() > 0


def test_heteroscedastic_bce_reduces_to_bce_at_zero_sigma():
    torch.manual_seed(0)
    mean = torch.randn(6, 5)
    y = torch.randint(0, 2, (6, 5)).float()
    loss = HeteroscedasticBCE(n_samples=5)((mean, torch.zeros_like(mean)), y)
    torch.testing.assert_close(loss, torch.nn.functional.binary_cross_entropy_with_logits(mean, y))


def test_heteroscedastic_bce_rewards_noise_on_a_confident_miss():
    torch.manual_seed(0)
    mean = torch.full((1, 1), 6.0)   # very sure of "up"
    y = torch.zeros(1, 1)            # ... and wrong
    loss_fn = HeteroscedasticBCE(n_samples=2000)
    assert loss_fn((mean, torch.full_like(mean, 4.0)), y) < loss_fn((mean, torch.full_like(mean, 0.01)), y)
