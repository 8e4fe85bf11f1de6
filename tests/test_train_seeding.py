"""fit seeds only itself: the learner's random generators carry on as if fit had not run."""

import random

import numpy as np
import pandas as pd
import torch

from companion.train import fit
from tests.toy_training import ToyNet, toy_data


def _Net():
    return ToyNet(dropout=0.3)


def _fit(model, seed=0):
    train, val = toy_data()
    return fit(model, train, val, epochs=3, batch_size=16, seed=seed, device="cpu", progress=False)


def test_bootstrap_loop_around_fit_draws_new_samples_each_pass():
    np.random.seed(123)  # noqa: NPY002 (a learner's legacy global generator)
    random.seed(123)
    draws, picks = [], []
    for _ in range(3):
        draws.append(np.random.choice(100, size=10))  # noqa: NPY002
        picks.append(random.random())
        _fit(_Net())
    assert not all(np.array_equal(draws[0], d) for d in draws[1:])
    assert len(set(picks)) == 3


def test_models_built_after_successive_fits_start_from_new_weights():
    torch.manual_seed(0)
    _fit(_Net(), seed=0)
    second = _Net()
    before = second.lin.weight.detach().clone()
    _fit(second, seed=0)
    third = _Net()
    assert not torch.equal(before, third.lin.weight)


def test_fit_leaves_the_global_torch_stream_where_it_was():
    net = _Net()
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    _fit(net, seed=1)
    assert torch.equal(torch.rand(3), expected)


def test_runs_still_repeat_with_the_same_seed_and_initial_model():
    torch.manual_seed(7)
    a = _Net()
    b = _Net()
    b.load_state_dict(a.state_dict())
    ha, hb = _fit(a, seed=2), _fit(b, seed=2)
    cols = ["train_loss", "val_loss", "val_accuracy"]
    pd.testing.assert_frame_equal(ha[cols], hb[cols])
    for x, z in zip(a.state_dict().values(), b.state_dict().values(), strict=True):
        assert torch.equal(x, z)
    c = _Net()
    c.load_state_dict(a.state_dict())
    hc = _fit(c, seed=3)  # another seed: another dropout and batch order, so the test can fail
    assert not np.allclose(hb["train_loss"], hc["train_loss"])
