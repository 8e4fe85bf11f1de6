"""The notebook progress bar of `fit` ends as what happened: green and labelled when early
stopping ends training, never red (tqdm's colour for an error)."""

import numpy as np
import pytest
import tqdm.notebook

from companion import train
from companion.models import TinyLSTM


@pytest.fixture
def notebook_bars(monkeypatch):
    bars = []

    def make(*args, **kwargs):
        bars.append(tqdm.notebook.tqdm(*args, **kwargs))
        return bars[-1]

    monkeypatch.setattr(train, "tqdm", make)
    return bars


def _data(n, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2, 5, 3)).astype("float32")
    return X, (rng.random((n, 2)) > 0.5).astype("float32")  # noise: validation stops improving


def test_an_early_stopped_bar_is_full_green_and_says_where(notebook_bars):
    history = train.fit(TinyLSTM(3, hidden_size=4), _data(64, 0), _data(32, 1), epochs=40,
                        patience=2, lr=0.05, seed=0, progress=True)
    ran, kept = len(history), history.attrs["best_epoch"]
    assert ran < 40, "the premise: early stopping ended training"
    text, progress, _ = notebook_bars[-1].container.children
    words = text.value.replace("\u2007", " ")  # tqdm pads the HTML with figure spaces
    assert progress.bar_style == "success" and progress.value == progress.max == ran
    assert f"stopped early at epoch {ran}, kept epoch {kept}" in words


def test_a_full_run_ends_green_with_the_kept_epoch(notebook_bars):
    history = train.fit(TinyLSTM(3, hidden_size=4), _data(64, 0), _data(32, 1), epochs=2,
                        patience=5, seed=0, progress=True)
    text, progress, _ = notebook_bars[-1].container.children
    words = text.value.replace("\u2007", " ")  # tqdm pads the HTML with figure spaces
    assert progress.bar_style == "success" and progress.value == 2
    assert f"kept epoch {history.attrs['best_epoch']}" in words
