"""companion.train: repeatable, early stopping, clear errors, devices."""

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

import companion
from companion.models import TinyLSTM
from companion.train import fit, predict_proba


def toy_data(n=160, stocks=2, time=8, features=3, seed=0):
    """Targets depend on the last day's first feature, so a model can learn them."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, stocks, time, features)).astype(np.float32)
    y = (X[:, :, -1, 0] + 0.5 * rng.normal(size=(n, stocks)) > 0).astype(np.float32)
    return (X[: n * 3 // 4], y[: n * 3 // 4]), (X[n * 3 // 4:], y[n * 3 // 4:])


def train_once(seed=0, **kwargs):
    train, val = toy_data()
    companion.set_seed(seed)
    model = TinyLSTM(3, hidden_size=8)
    history = fit(model, train, val, epochs=4, batch_size=16, seed=seed, device="cpu",
                  progress=False, **kwargs)
    return model, history


def test_fixed_seed_run_repeats_on_cpu():
    m1, h1 = train_once(seed=3)
    m2, h2 = train_once(seed=3)
    cols = ["epoch", "train_loss", "val_loss", "val_accuracy"]
    pd.testing.assert_frame_equal(h1[cols], h2[cols])
    for (name, a), b in zip(m1.state_dict().items(), m2.state_dict().values(), strict=True):
        assert torch.equal(a, b), name
    # and a different seed gives a different run, so the equality above means something
    _, h3 = train_once(seed=4)
    assert not np.allclose(h1["train_loss"], h3["train_loss"])


def test_history_columns_and_learning():
    model, history = train_once(lr=1e-2)
    assert list(history.columns) == ["epoch", "train_loss", "val_loss", "val_accuracy", "seconds"]
    assert history["epoch"].tolist() == list(range(1, len(history) + 1))
    assert history["train_loss"].iloc[-1] < history["train_loss"].iloc[0]
    assert (history["seconds"] > 0).all()
    assert 0 <= history["val_accuracy"].iloc[-1] <= 1


class Memoriser(nn.Module):
    """A model whose validation loss gets worse after the first epoch: overfits on purpose."""

    def __init__(self):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(2))

    def forward(self, x):
        return self.bias.expand(x.shape[0], 2)


def test_early_stopping_restores_best_weights():
    # Train targets all up, validation targets all down: every step up hurts validation,
    # so the best validation loss is after epoch 1 and training stops after `patience` more.
    X = np.zeros((32, 2, 4, 1), np.float32)
    train = (X, np.ones((32, 2), np.float32))
    val = (X[:8], np.zeros((8, 2), np.float32))
    model = Memoriser()
    history = fit(model, train, val, epochs=30, patience=3, lr=0.1, batch_size=8, device="cpu",
                  progress=False)
    assert len(history) == 4  # epoch 1 best, then 3 epochs without improvement
    assert history.attrs["best_epoch"] == 1
    assert history["val_loss"].idxmin() == 0
    # the weights are those of epoch 1: the validation loss recomputed now equals the best one
    with torch.no_grad():
        loss = nn.functional.binary_cross_entropy_with_logits(model(torch.zeros(8, 2, 4, 1)),
                                                              torch.zeros(8, 2))
    assert float(loss) == pytest.approx(history["val_loss"].min(), rel=1e-6)


def test_accepts_windows_like_objects_and_tensors():
    (X, y), (Xv, yv) = toy_data()

    class W:  # anything with .X and .y, like companion.windows.Windows
        def __init__(self, X, y):
            self.X, self.y = X, y

    companion.set_seed(0)
    m1 = TinyLSTM(3, hidden_size=4)
    h1 = fit(m1, W(X, y), W(Xv, yv), epochs=2, device="cpu", progress=False)
    companion.set_seed(0)
    m2 = TinyLSTM(3, hidden_size=4)
    h2 = fit(m2, (torch.tensor(X), torch.tensor(y)), (Xv, yv), epochs=2, device="cpu",
             progress=False)
    np.testing.assert_array_equal(h1["val_loss"], h2["val_loss"])
    np.testing.assert_array_equal(predict_proba(m1, W(Xv, yv)), predict_proba(m2, Xv))


def test_predict_proba_is_numpy_shaped_like_y():
    model, _ = train_once()
    (_, _), (Xv, yv) = toy_data()
    p = predict_proba(model, Xv, batch_size=7)  # batches that do not divide the samples
    assert isinstance(p, np.ndarray) and p.shape == yv.shape
    assert ((p > 0) & (p < 1)).all()
    with torch.no_grad():
        expected = torch.sigmoid(model(torch.tensor(Xv))).numpy()
    np.testing.assert_allclose(p, expected, rtol=1e-5, atol=1e-6)


def test_predict_proba_prefers_the_models_own():
    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.zeros(1))

        def forward(self, x):
            return x.sum(dim=(-1, -2)) + self.w

        def predict_proba(self, x):
            return torch.full(x.shape[:2], 0.25)

    p = predict_proba(Head(), np.zeros((5, 3, 2, 2), np.float32))
    np.testing.assert_array_equal(p, np.full((5, 3), 0.25, np.float32))


def test_custom_loss_receives_model_output():
    seen = []

    def loss_fn(output, y):
        seen.append((tuple(output.shape), tuple(y.shape)))
        return ((output - y) ** 2).mean()

    train, val = toy_data()
    fit(TinyLSTM(3, hidden_size=4), train, val, loss_fn=loss_fn, epochs=1, batch_size=40,
        device="cpu", progress=False)
    assert seen[0] == ((40, 2), (40, 2))


def test_shape_mismatch_is_a_clear_error():
    train, val = toy_data()
    bad = (train[0], train[1][:, :1])  # one target column for two stocks
    with pytest.raises(ValueError, match=r"expected \(64, 1\), got \(64, 2\)"):
        fit(TinyLSTM(3), bad, val, epochs=1, device="cpu", progress=False)


def test_nan_inputs_are_named_and_counted():
    (X, y), val = toy_data()
    X = X.copy()
    X[0, 0, 0, :2] = np.nan
    with pytest.raises(ValueError, match="train X holds 2 NaN"):
        fit(TinyLSTM(3), (X, y), val, epochs=1, device="cpu", progress=False)
    yv = val[1].copy()
    yv[1, 1] = np.nan
    with pytest.raises(ValueError, match="val y holds 1 NaN"):
        fit(TinyLSTM(3), (X[1:], y[1:]), (val[0], yv), epochs=1, device="cpu", progress=False)


def test_empty_and_mismatched_data_are_clear_errors():
    train, val = toy_data()
    with pytest.raises(ValueError, match="empty"):
        fit(TinyLSTM(3), (train[0][:0], train[1][:0]), val, epochs=1, progress=False)
    with pytest.raises(ValueError, match="same number of samples"):
        fit(TinyLSTM(3), (train[0], train[1][:5]), val, epochs=1, progress=False)
    with pytest.raises(TypeError, match=r"Windows \(with .X and .y\)"):
        fit(TinyLSTM(3), train[0], val, epochs=1, progress=False)


def test_without_validation_runs_every_epoch():
    train, _ = toy_data()
    history = fit(TinyLSTM(3, hidden_size=4), train, None, epochs=3, device="cpu", progress=False)
    assert len(history) == 3 and history["val_loss"].isna().all()


def test_progress_bar_follows_the_environment(monkeypatch, capsys):
    train, val = toy_data(n=40)
    monkeypatch.setenv("COMPANION_PROGRESS", "0")
    fit(TinyLSTM(3, hidden_size=4), train, val, epochs=1, device="cpu")
    assert "epochs" not in capsys.readouterr().err
    monkeypatch.setenv("COMPANION_PROGRESS", "1")
    fit(TinyLSTM(3, hidden_size=4), train, val, epochs=1, device="cpu")
    assert "epochs" in capsys.readouterr().err


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_run_matches_cpu_run_closely():
    train, val = toy_data()
    runs = {}
    for device in ("cpu", "cuda"):
        companion.set_seed(0)
        model = TinyLSTM(3, hidden_size=8)
        runs[device] = fit(model, train, val, epochs=3, device=device, progress=False)
        assert next(model.parameters()).device.type == device
    np.testing.assert_allclose(runs["cpu"]["train_loss"], runs["cuda"]["train_loss"], rtol=1e-3)


def test_numpy_integer_seed_is_accepted():
    train, val = toy_data(n=40)
    a = fit(TinyLSTM(3, hidden_size=4), train, val, epochs=1, seed=np.int64(2), device="cpu",
            progress=False)
    assert len(a) == 1
