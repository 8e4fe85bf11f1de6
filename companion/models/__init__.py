"""The course's models. Each lives in its own module; this package re-exports them.

Add one import line per model module below; do not rewrite this file.
"""
from companion.models.ensemble import DeepEnsemble, fit_ensemble  # noqa: F401
from companion.models.experts import SharedExpert, StockExperts  # noqa: F401
from companion.models.tiny_lstm import TinyLSTM  # noqa: F401
from companion.models.two_level import StockLinear, TwoLevelLSTM  # noqa: F401
