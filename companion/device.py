"""Where tensors live, and how runs are made repeatable."""

import os
import random

import numpy as np
import torch

_VALID = ("cpu", "cuda", "mps")


def get_device() -> torch.device:
    """The device the course trains on: CUDA when present, else the CPU.

    Set the environment variable ``COMPANION_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``, ...) to force one.
    """
    wanted = os.environ.get("COMPANION_DEVICE", "").strip()
    if wanted:
        if wanted.split(":")[0] not in _VALID:
            raise ValueError(
                f"COMPANION_DEVICE={wanted!r} is not a device; use one of {', '.join(_VALID)} "
                "(optionally with an index, e.g. 'cuda:0'), or unset it."
            )
        if wanted.startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(
                f"COMPANION_DEVICE={wanted!r} but this PyTorch sees no CUDA GPU; unset it to use the CPU."
            )
        return torch.device(wanted)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and PyTorch (CPU and CUDA) so that a run repeats on one machine."""
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)  # random.seed refuses NumPy integers
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 (learners' code may use the legacy global RNG)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
