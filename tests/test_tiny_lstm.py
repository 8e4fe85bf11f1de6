"""TinyLSTM: shapes, shared weights across stocks, agreement with nn.LSTM."""

import pytest
import torch
from torch import nn

import companion
from companion.models import TinyLSTM


def test_shapes_three_and_four_dimensional():
    model = TinyLSTM(6)
    assert model.hidden_size == 32
    assert model(torch.randn(7, 20, 6)).shape == (7,)
    assert model(torch.randn(7, 5, 20, 6)).shape == (7, 5)
    assert model.encode(torch.randn(7, 5, 20, 6)).shape == (7, 5, 32)


def test_stocks_share_weights():
    companion.set_seed(0)
    model = TinyLSTM(4, hidden_size=8).eval()
    x = torch.randn(3, 5, 10, 4)
    together = model(x)
    for s in range(5):
        torch.testing.assert_close(together[:, s], model(x[:, s]))


def test_equals_nn_lstm_plus_linear():
    companion.set_seed(1)
    model = TinyLSTM(4, hidden_size=8, num_layers=2).eval()
    x = torch.randn(6, 12, 4)
    out, _ = model.lstm(x)
    torch.testing.assert_close(model(x), model.head(out[:, -1]).squeeze(-1))


def test_last_day_matters():
    # a recurrent model reads the whole window: changing only the last day changes the logit
    model = TinyLSTM(2, hidden_size=4).eval()
    x = torch.randn(1, 10, 2)
    y = x.clone()
    y[0, -1] += 1.0
    assert not torch.allclose(model(x), model(y))


@pytest.mark.parametrize("shape", [(4, 6), (2, 3, 4, 20, 6), (4, 20, 5)])
def test_wrong_shape_is_a_clear_error(shape):
    with pytest.raises(ValueError, match=r"expects \[batch, time, 6\]"):
        TinyLSTM(6)(torch.randn(*shape))


def test_dropout_only_in_training():
    model = TinyLSTM(3, hidden_size=16, dropout=0.5)
    assert isinstance(model.dropout, nn.Dropout)
    x = torch.randn(8, 5, 3)
    model.eval()
    torch.testing.assert_close(model(x), model(x))
    model.train()
    assert not torch.equal(model(x), model(x))
