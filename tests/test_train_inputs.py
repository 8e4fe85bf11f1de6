"""fit refuses targets and data it cannot learn from, and survives Ctrl-C."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from companion.train import fit
from tests.toy_training import ToyNet, toy_data


def _Net():
    return ToyNet(dropout=0.2)


@settings(max_examples=15, deadline=None)
@given(st.floats(width=32, allow_nan=False, allow_infinity=False).filter(lambda v: v not in (0.0, 1.0)))
def test_targets_other_than_0_and_1_are_refused(value):
    (X, y), val = toy_data()
    y = y.copy()
    y[3, 1] = value
    with pytest.raises(ValueError, match=r"0 \(down\) and 1 \(up\).*returns"):
        fit(_Net(), (X, y), val, epochs=1, device="cpu", progress=False)


def test_a_custom_loss_may_train_on_other_targets():
    (X, y), (Xv, yv) = toy_data()
    history = fit(_Net(), (X, y * 0.03), (Xv, yv * 0.03), epochs=1, device="cpu", progress=False,
                  loss_fn=lambda out, t: ((out - t) ** 2).mean())
    assert len(history) == 1


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("where", ["val X", "val y", "train X"])
def test_inf_and_nan_anywhere_are_refused(bad, where):
    (X, y), (Xv, yv) = toy_data()
    X, y, Xv, yv = X.copy(), y.copy(), Xv.copy(), yv.copy()
    {"val X": Xv, "val y": yv, "train X": X}[where].flat[5] = bad
    with pytest.raises(ValueError, match=f"{where} holds 1 (NaN|infinite)"):
        fit(_Net(), (X, y), (Xv, yv), epochs=1, device="cpu", progress=False)


def test_ctrl_c_keeps_the_best_weights_eval_mode_and_the_history():
    train, val = toy_data()
    calls = {"n": 0}
    snapshots = []

    def loss_fn(out, t):
        calls["n"] += 1
        if calls["n"] == 12:  # 3 batches + 1 validation batch per epoch: epoch 3, mid-training
            raise KeyboardInterrupt
        return nn.functional.binary_cross_entropy_with_logits(out, t)

    model = _Net()
    model.load_state_dict(_initial)
    with pytest.warns(UserWarning, match="interrupted"):
        history = fit(model, train, val, loss_fn=loss_fn, epochs=10, batch_size=16, device="cpu",
                      progress=False, patience=10)
    snapshots.append({k: v.clone() for k, v in model.state_dict().items()})
    assert history.attrs["interrupted"] is True
    assert len(history) == 2  # the two finished epochs are kept
    assert not model.training
    # the weights are those of the best finished epoch: rerun that many epochs without interruption
    best = int(history.attrs["best_epoch"])
    assert best in (1, 2)
    again = _Net()
    again.load_state_dict(_initial)
    fit(again, train, val, epochs=best, batch_size=16, device="cpu", progress=False, patience=10)
    for k, v in again.state_dict().items():
        assert torch.equal(v, snapshots[0][k]), k


_initial = _Net().state_dict()
