"""Shared test settings: no windows, no progress bars, repeatable hypothesis runs."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("COMPANION_PROGRESS", "0")

from hypothesis import settings  # noqa: E402

# Derandomised so that a failure reproduces; deadline off because the CPU is shared.
settings.register_profile("course", derandomize=True, deadline=None, max_examples=40)
settings.load_profile("course")
