"""Where tensors live, and how runs are made repeatable."""

import os
import random

import numpy as np
import torch

from companion.checks import check_int

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


def resolve_device(device) -> torch.device:
    """``device`` ("cpu", "cuda", "cuda:1", "mps", a torch.device, or None for `get_device()`) as a
    torch.device that exists on this machine; otherwise a ValueError that says what to use instead
    (torch's own "Torch not compiled with CUDA enabled" says nothing about the fix)."""
    if device is None:
        return get_device()
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must be one of {', '.join(_VALID)} (optionally with an index, "
                         f"e.g. 'cuda:0'), a torch.device or None, got {device!r}. None picks "
                         "companion.get_device() (CUDA when present, else the CPU).") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device must be a device this machine has, got {device!r}: CUDA is not "
                         "available here (no NVIDIA GPU, or a CPU-only PyTorch). Pass device=None "
                         "or 'cpu', or use companion.get_device(), which picks CUDA when present.")
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ValueError(f"device must be a device this machine has, got {device!r}: there are "
                         f"{torch.cuda.device_count()} CUDA device(s), numbered from 0. Pass "
                         "device=None to use companion.get_device().")
    if dev.type == "mps" and not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
        raise ValueError(f"device must be a device this machine has, got {device!r}: Apple's MPS is "
                         "not available here. Pass device=None or 'cpu', or use "
                         "companion.get_device().")
    return dev


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and PyTorch (CPU and CUDA) so that a run repeats on one machine."""
    seed = check_int(seed, "seed", low=0)  # a plain int: random.seed refuses NumPy integers
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 (learners' code may use the legacy global RNG)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
