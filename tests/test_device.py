"""companion.device: device choice and seeding."""

import random

import numpy as np
import pytest
import torch

from companion.device import get_device, set_seed


def test_default_device(monkeypatch):
    monkeypatch.delenv("COMPANION_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert get_device().type == expected


def test_environment_override(monkeypatch):
    monkeypatch.setenv("COMPANION_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")


@pytest.mark.parametrize("bad", ["tpu", "gpu0"])
def test_bad_device_name(monkeypatch, bad):
    monkeypatch.setenv("COMPANION_DEVICE", bad)
    with pytest.raises(ValueError, match="is not a device"):
        get_device()


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only message")
def test_cuda_requested_without_gpu(monkeypatch):
    monkeypatch.setenv("COMPANION_DEVICE", "cuda")
    with pytest.raises(ValueError, match="sees no CUDA GPU"):
        get_device()


def test_set_seed_repeats_every_generator():
    def draw():
        return random.random(), np.random.rand(), torch.rand(3)  # noqa: NPY002 (set_seed seeds the legacy global generator)

    set_seed(5)
    a = draw()
    set_seed(5)
    b = draw()
    assert a[0] == b[0] and a[1] == b[1] and torch.equal(a[2], b[2])
    set_seed(6)
    assert draw()[0] != a[0]


def test_set_seed_accepts_large_seeds():
    set_seed(2**40)  # larger than NumPy's legacy 32-bit seed range
    a = np.random.rand()  # noqa: NPY002 (set_seed seeds the legacy global generator)
    set_seed(2**40)
    assert np.random.rand() == a  # noqa: NPY002 (set_seed seeds the legacy global generator)


def test_set_seed_accepts_numpy_integers():
    set_seed(np.int64(3))
    a = torch.rand(1)
    set_seed(3)
    assert torch.equal(torch.rand(1), a)


@pytest.mark.parametrize("bad", [-1, 1.5, "0"])
def test_set_seed_rejects_bad_seeds(bad):
    with pytest.raises((ValueError, TypeError), match="seed must be a whole number"):
        set_seed(bad)
