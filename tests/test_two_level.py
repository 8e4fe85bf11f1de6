"""TwoLevelLSTM: shapes, paths agree, the coordinator carries cross-stock information."""

import pytest
import torch

from companion.models.two_level import StockLinear, TwoLevelLSTM


@pytest.mark.parametrize("weighting", [None, "static", "softmax", "input"])
@pytest.mark.parametrize("experts", ["auto", "loop", "batched", "shared"])
def test_shapes(weighting, experts):
    model = TwoLevelLSTM(3, 4, expert_hidden=5, coordinator_hidden=7, weighting=weighting,
                         experts=experts)
    x = torch.randn(2, 3, 6, 4)
    assert model(x).shape == (2, 3)
    assert model.features(x).shape == (2, 3, 12) and model.feature_size == 12
    w = model.attention(x)
    if weighting is None:
        assert w is None
    else:
        assert w.shape == ((2, 3, 6, 4) if weighting == "input" else (3, 4))


def test_loop_and_batched_give_same_model():
    torch.manual_seed(0)
    model = TwoLevelLSTM(4, 3, weighting="static")
    x = torch.randn(5, 4, 8, 3)
    model.experts.impl = "loop"
    a = model(x)
    model.experts.impl = "batched"
    torch.testing.assert_close(model(x), a)


def test_coordinator_passes_information_between_stocks():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 6, 4)
    x2 = x.clone()
    x2[:, 0] += 1.0  # change stock 0 only
    with_coord = TwoLevelLSTM(3, 4)
    assert (with_coord(x2) - with_coord(x))[:, 1].abs().max() > 1e-5
    alone = TwoLevelLSTM(3, 4, coordinator=False, experts="loop")
    assert torch.all((alone(x2) - alone(x))[:, 1:] == 0)


def test_learns_a_planted_lead_lag():
    """Stock 1's target is the sign of stock 0's input 3 days before the window's end."""
    torch.manual_seed(0)
    n, T = 512, 8

    def make(n):
        x = torch.randn(n, 2, T, 1)
        return x, torch.stack([(torch.randn(n) > 0).float(), (x[:, 0, -3, 0] > 0).float()], dim=1)

    x, y = make(n)
    x_test, y_test = make(n)  # judged on fresh samples: memorising noise does not count
    results = {}
    for coord in (True, False):
        torch.manual_seed(1)
        model = TwoLevelLSTM(2, 1, expert_hidden=8, coordinator_hidden=8, coordinator=coord,
                             experts="loop")
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(150):
            opt.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y)
            loss.backward()
            opt.step()
        with torch.no_grad():
            hits = (model(x_test)[:, 1] > 0).float() == y_test[:, 1]
        results[coord] = hits.float().mean().item()
    assert results[True] > 0.9
    assert results[False] < 0.6  # its own input says nothing about its target


def test_stock_linear_per_stock_weights_and_errors():
    head = StockLinear(3, 4, out_features=2)
    z = torch.randn(5, 3, 4)
    y = head(z)
    assert y.shape == (5, 3, 2)
    torch.testing.assert_close(y[:, 1], z[:, 1] @ head.weight[1].T + head.bias[1])
    with pytest.raises(ValueError, match=r"in=4.*\[5, 3, 6\]"):
        head(torch.randn(5, 3, 6))
    with pytest.raises(ValueError, match="stock=3"):
        TwoLevelLSTM(3, 4).features(torch.randn(2, 2, 5, 4))
