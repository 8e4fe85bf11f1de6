"""Layers the models are built from. Each lives in its own module; this package re-exports them.

Add one import line per layer module below; do not rewrite this file.
"""
from companion.layers.heads import (  # noqa: F401
    BayesianHead,
    GaussianReturnHead,
    HeteroscedasticLogitHead,
    MCDropoutHead,
    UncertainModel,
)
from companion.layers.weighting import FeatureWeighting, InputAttention  # noqa: F401
