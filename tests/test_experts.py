"""Stock experts: the batched pass and the loop compute the same thing as per-stock nn.LSTMs."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from companion.models.experts import SharedExpert, StockExperts, choose_impl, lstm_reference


def _pair(n_stocks=4, n_features=3, hidden=5, seed=0):
    torch.manual_seed(seed)
    lstms = [nn.LSTM(n_features, hidden, batch_first=True) for _ in range(n_stocks)]
    experts = StockExperts(n_stocks, n_features, hidden).load_from_lstms(lstms)
    return lstms, experts


@pytest.mark.parametrize("impl", ["loop", "batched"])
@pytest.mark.parametrize("batch,n_time", [(1, 1), (3, 7), (8, 20)])
def test_outputs_and_gradients_match_per_stock_lstms(impl, batch, n_time):
    lstms, experts = _pair()
    x = torch.randn(batch, 4, n_time, 3)
    x_ref, x_new = x.clone().requires_grad_(), x.clone().requires_grad_()
    out_ref = lstm_reference(x_ref, lstms)
    out_new = experts(x_new, impl=impl)
    torch.testing.assert_close(out_new, out_ref)
    # A random upstream gradient exercises every output element.
    grad_out = torch.randn_like(out_ref)
    out_ref.backward(grad_out)
    out_new.backward(grad_out)
    torch.testing.assert_close(x_new.grad, x_ref.grad)
    for s, lstm in enumerate(lstms):
        torch.testing.assert_close(experts.weight_ih.grad[s], lstm.weight_ih_l0.grad)
        torch.testing.assert_close(experts.weight_hh.grad[s], lstm.weight_hh_l0.grad)
        torch.testing.assert_close(experts.bias_ih.grad[s], lstm.bias_ih_l0.grad)
        torch.testing.assert_close(experts.bias_hh.grad[s], lstm.bias_hh_l0.grad)


def test_experts_are_independent():
    """Changing stock 2's input changes only stock 2's output, in both paths."""
    _, experts = _pair()
    x = torch.randn(2, 4, 6, 3)
    x2 = x.clone()
    x2[:, 2] += 1.0
    for impl in ("loop", "batched"):
        diff = (experts(x2, impl=impl) - experts(x, impl=impl)).abs().amax(dim=(0, 2, 3))
        assert diff[2] > 1e-4
        assert torch.all(diff[[0, 1, 3]] == 0)


def test_shape_error_names_expected_and_actual():
    _, experts = _pair()
    with pytest.raises(ValueError, match=r"stock=4.*\[2, 5, 6, 3\]"):
        experts(torch.randn(2, 5, 6, 3))
    with pytest.raises(ValueError, match="impl"):
        StockExperts(2, 3, impl="fast")


def test_choose_impl_rule():
    assert choose_impl(torch.zeros(64, 5, 20, 6), 5) == "loop"
    assert choose_impl(torch.zeros(1, 300, 20, 6), 300) == "batched"
    assert choose_impl(torch.zeros(64, 300, 20, 6), 300) == "loop"


def test_shared_expert_shapes_and_embedding_matters():
    torch.manual_seed(0)
    shared = SharedExpert(3, 4, hidden_size=6)
    x = torch.randn(5, 1, 10, 4).expand(5, 3, 10, 4)  # identical input for every stock
    out = shared(x)
    assert out.shape == (5, 3, 10, 6)
    # Same input, different stock embeddings: different outputs.
    assert (out[:, 0] - out[:, 1]).abs().max() > 1e-4
    n_params = sum(p.numel() for p in shared.parameters())
    assert n_params == sum(p.numel() for p in SharedExpert(300, 4, hidden_size=6).parameters()) - 297 * 4


@settings(max_examples=15, deadline=None)
@given(batch=st.integers(1, 4), n_stocks=st.integers(1, 4), n_time=st.integers(1, 6),
       n_features=st.integers(1, 4), hidden=st.integers(1, 5), seed=st.integers(0, 10_000))
def test_batched_equals_loop_for_any_shape(batch, n_stocks, n_time, n_features, hidden, seed):
    torch.manual_seed(seed)
    experts = StockExperts(n_stocks, n_features, hidden)
    x = torch.randn(batch, n_stocks, n_time, n_features)
    torch.testing.assert_close(experts(x, impl="batched"), experts(x, impl="loop"))
