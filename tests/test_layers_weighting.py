"""Feature weighting layers: broadcasting, constraints, and the scale symmetry."""

import pytest
import torch
from torch import nn

from companion.layers.weighting import FeatureWeighting, InputAttention, make_weighting


def test_static_weights_broadcast_like_explicit_loops():
    layer = FeatureWeighting(3, 4)
    with torch.no_grad():
        layer.raw.copy_(torch.randn(3, 4))
    x = torch.randn(2, 3, 5, 4)
    expected = torch.empty_like(x)
    for b in range(2):
        for s in range(3):
            for t in range(5):
                expected[b, s, t] = x[b, s, t] * layer.raw[s]
    torch.testing.assert_close(layer(x), expected)


def test_starts_as_identity():
    x = torch.randn(2, 3, 5, 4)
    for kind in ("static", "softmax", "input"):
        layer = make_weighting(kind, 3, 4)
        out = layer(x)
        out = out[0] if isinstance(out, tuple) else out
        torch.testing.assert_close(out, x)


def test_softmax_weights_positive_and_average_one():
    layer = FeatureWeighting(3, 4, constraint="softmax")
    with torch.no_grad():
        layer.raw.copy_(torch.randn(3, 4) * 3)
    w = layer.weights
    assert torch.all(w > 0)
    torch.testing.assert_close(w.mean(-1), torch.ones(3))


def test_scale_symmetry_with_next_layer():
    """Multiply the weights of feature k by c and divide the next layer's column k by c: same output."""
    torch.manual_seed(0)
    layer, lstm = FeatureWeighting(1, 4), nn.LSTM(4, 3, batch_first=True)
    with torch.no_grad():
        layer.raw.copy_(torch.rand(1, 4) + 0.5)
    x = torch.randn(2, 1, 6, 4)
    before = lstm(layer(x)[:, 0])[0]
    c = torch.tensor([10.0, 1.0, 0.1, 3.0])
    with torch.no_grad():
        layer.raw.mul_(c)
        lstm.weight_ih_l0.div_(c)
    torch.testing.assert_close(lstm(layer(x)[:, 0])[0], before)


def test_input_attention_weights_sum_to_one_and_depend_on_input():
    torch.manual_seed(0)
    att = InputAttention(2, 5)
    for p in att.parameters():
        nn.init.normal_(p)
    x = torch.randn(3, 2, 4, 5)
    out, w = att(x)
    assert w.shape == x.shape and out.shape == x.shape
    torch.testing.assert_close(w.sum(-1), torch.ones(3, 2, 4))
    torch.testing.assert_close(out, x * 5 * w)
    assert (w[0, 0, 0] - w[1, 0, 0]).abs().max() > 1e-3


def test_errors():
    with pytest.raises(ValueError, match=r"feature=4.*\[2, 3, 5, 6\]"):
        FeatureWeighting(3, 4)(torch.randn(2, 3, 5, 6))
    with pytest.raises(ValueError, match="constraint"):
        FeatureWeighting(3, 4, constraint="sigmoid")
    with pytest.raises(ValueError, match="weighting"):
        make_weighting("dense", 3, 4)
