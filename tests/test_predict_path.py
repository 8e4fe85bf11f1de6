"""One path from a model to P(up): every model of the course goes through it, every consumer agrees.

The model contract (`companion.predict`): forward(x [batch, stock, time, feature]) returns logits
[batch, stock] or, for a head with uncertainty, a (mean, spread) pair, and such a model defines
predict_proba(x). Permutation importance, MC dropout, the ensemble, predict_with_uncertainty and
the validation accuracy of `fit` must all read the same probabilities as `predict_proba`.
"""

import inspect

import numpy as np
import pytest
import torch
from scipy.special import expit, logit
from sklearn.metrics import log_loss
from torch import nn

from companion import train
from companion.calibration import TemperatureScaler
from companion.importance import lag_importance, permutation_importance
from companion.layers import heads
from companion.layers.heads import UncertainModel, mc_dropout_predict, predict_with_uncertainty
from companion.losses import HeteroscedasticBCE, gaussian_nll, mu_only_bce
from companion.models import DeepEnsemble, TinyLSTM, TwoLevelLSTM
from companion.predict import batch_proba, predict_proba

N, STOCKS, TIME, FEATURES = 24, 3, 5, 2
HIDDEN = 4
NAMES = [f"f{k}" for k in range(FEATURES)]

# Each head's training loss (None: the default BCE on logits), for fit's validation accuracy.
HEAD_LOSSES = {
    "BayesianHead": mu_only_bce,
    "HeteroscedasticLogitHead": HeteroscedasticBCE(n_samples=4),
    "MCDropoutHead": None,
    "GaussianReturnHead": gaussian_nll,
}


def _heads() -> list[type]:
    """Every head class of companion.layers.heads (an nn.Module built from in_features)."""
    return [cls for _, cls in inspect.getmembers(heads, inspect.isclass)
            if issubclass(cls, nn.Module) and cls.__module__ == heads.__name__
            and "in_features" in inspect.signature(cls).parameters]


def _tiny():
    return TinyLSTM(FEATURES, hidden_size=HIDDEN)


def _two_level(weighting=None, **kwargs):
    return TwoLevelLSTM(STOCKS, FEATURES, expert_hidden=HIDDEN, coordinator_hidden=HIDDEN,
                        weighting=weighting, **kwargs)


def _models() -> dict[str, tuple]:
    """name -> (factory, loss_fn): every model of the course, on tiny sizes."""
    out = {"TinyLSTM": (_tiny, None),
           "DeepEnsemble(TinyLSTM)": (lambda: DeepEnsemble([_tiny(), _tiny()]), None),
           "TwoLevelLSTM shared experts, no coordinator": (
               lambda: _two_level(experts="shared", coordinator=False), None)}
    for weighting in (None, "static", "softmax", "input"):
        out[f"TwoLevelLSTM weighting={weighting}"] = (lambda w=weighting: _two_level(w), None)
    for head in _heads():
        loss = HEAD_LOSSES[head.__name__]
        out[f"TinyLSTM + {head.__name__}"] = (
            lambda h=head: UncertainModel(_tiny(), h(HIDDEN), "encode"), loss)
        out[f"TwoLevelLSTM + {head.__name__}"] = (
            lambda h=head: UncertainModel(_two_level("static"), h(2 * HIDDEN), "features"), loss)
        out[f"DeepEnsemble(TinyLSTM + {head.__name__})"] = (
            lambda h=head: DeepEnsemble([UncertainModel(_tiny(), h(HIDDEN), "encode")
                                         for _ in range(2)]), None)
    return out


MODELS = _models()


def _build(name):
    torch.manual_seed(0)
    return MODELS[name][0]()


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, STOCKS, TIME, FEATURES)).astype(np.float32)
    y = rng.integers(0, 2, size=(N, STOCKS)).astype(np.float32)
    return X, y


def test_every_head_of_the_package_is_covered():
    assert {h.__name__ for h in _heads()} == set(HEAD_LOSSES), "add the new head's loss to HEAD_LOSSES"
    assert len(HEAD_LOSSES) == 4


@pytest.mark.parametrize("name", MODELS)
def test_importance_scores_the_probabilities_of_predict_proba(name, data):
    X, y = data
    model = _build(name)
    p = predict_proba(model, X)
    assert p.shape == y.shape and ((p >= 0) & (p <= 1)).all()
    expected = log_loss(y.ravel(), np.clip(p.ravel(), 1e-7, 1 - 1e-7), labels=[0, 1])
    imp = permutation_importance(model, X, y, NAMES, n_repeats=2)
    np.testing.assert_allclose(imp["base_loss"], expected, rtol=1e-6)
    assert np.isfinite(imp["increase"]).all()
    lags = lag_importance(model, X, y, source=0, target=1, lags=[1, 2], n_repeats=2)
    at_target = log_loss(y[:, 1], np.clip(p[:, 1], 1e-7, 1 - 1e-7), labels=[0, 1])
    np.testing.assert_allclose(lags["base_loss"], at_target, rtol=1e-6)


@pytest.mark.parametrize("name", MODELS)
def test_every_consumer_reads_the_same_probabilities(name, data):
    X, y = data
    model = _build(name)
    p = predict_proba(model, X)
    np.testing.assert_allclose(predict_proba(model, X, batch_size=N), p, rtol=0, atol=0)
    with torch.no_grad():
        np.testing.assert_allclose(batch_proba(model, torch.as_tensor(X)).numpy(), p, rtol=1e-6)
    if hasattr(model, "predict_uncertainty"):
        p_u, u = predict_with_uncertainty(model, X)
        np.testing.assert_allclose(p_u, p, rtol=1e-6)
        assert u.shape == p.shape
    # an ensemble of two copies of the model predicts what the model predicts
    twins = DeepEnsemble([model, model])
    np.testing.assert_allclose(predict_proba(twins, X), p, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", MODELS)
def test_fit_validation_accuracy_uses_predict_proba(name, data):
    X, y = data
    model = _build(name)
    history = train.fit(model, (X, y), (X, y), loss_fn=MODELS[name][1], epochs=1, lr=1e-3,
                        progress=False)
    p = predict_proba(model, X)
    assert history["val_accuracy"].iloc[0] == pytest.approx(((p >= 0.5) == (y == 1)).mean())


def test_train_predict_proba_is_the_one_function():
    assert train.predict_proba is predict_proba


def test_mc_dropout_runs_on_a_mean_spread_model(data):
    X, _ = data
    torch.manual_seed(0)
    model = UncertainModel(TinyLSTM(FEATURES, hidden_size=HIDDEN, num_layers=2, dropout=0.5),
                           heads.HeteroscedasticLogitHead(HIDDEN), "encode")
    mean, spread = mc_dropout_predict(model, torch.as_tensor(X), n_samples=5)
    assert mean.shape == spread.shape == (N, STOCKS)
    assert (spread > 0).any()  # the encoder's dropout moves the probabilities


def test_a_pair_without_predict_proba_is_refused_with_a_fix(data):
    X, _ = data

    class PairOnly(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = _tiny()

        def forward(self, x):
            return self.lstm(x), self.lstm(x).exp()

    with pytest.raises(TypeError, match="predict_proba"):
        predict_proba(PairOnly(), X)


@pytest.mark.parametrize("name", MODELS)
def test_calibration_rescales_the_probabilities_of_predict_proba(name, data):
    X, _ = data
    model = _build(name)
    p = predict_proba(model, X)
    logits = logit(np.clip(p, 1e-6, 1 - 1e-6))
    scaler = TemperatureScaler()
    scaler.temperature = 2.0  # a fitted T, as fit_proba(predict_proba(model, val), val.y) sets it
    np.testing.assert_allclose(scaler.transform_proba(p), expit(logits / 2), atol=1e-5)
