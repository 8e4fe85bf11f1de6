"""Training loop of the course: seeded, device-aware, with early stopping and a history table.

One loop serves every chapter. The model maps a batch of inputs to an output that ``loss_fn``
compares with the targets; by default the output is a logit shaped like the targets and the loss
is binary cross-entropy. After each epoch the loss on the validation windows decides whether to
keep going; at the end the weights of the best epoch are put back.

Data may be `companion.windows.Windows` (their ``.X`` and ``.y`` are used) or ``(X, y)`` tuples of
NumPy arrays or tensors, e.g. ``X: [samples, stock, time, feature]``, ``y: [samples, stock]``.
"""

from __future__ import annotations

import copy
import os
import time
import warnings
from collections.abc import Callable

import pandas as pd
import torch
from torch import nn
from tqdm.auto import tqdm

from companion.checks import check_int, check_real
from companion.device import resolve_device
from companion.predict import (
    as_float_tensor,
    batch_proba,
    predict_proba,  # noqa: F401 (the same object: chapters import it from here)
)


def _progress_on(progress: bool | None) -> bool:
    """``progress=None`` shows the bar unless ``COMPANION_PROGRESS=0`` (set by the test runs)."""
    if progress is None:
        return os.environ.get("COMPANION_PROGRESS", "1").strip() not in ("0", "false", "no")
    return bool(progress)


def _check_binary(y: torch.Tensor | None, name: str) -> None:
    """The default loss (BCE) learns P(up): its targets must be 0 or 1."""
    if y is None:
        return
    bad = ~((y == 0) | (y == 1))
    if bad.any():
        values = torch.unique(y[bad])[:5].tolist()
        raise ValueError(f"{name} must hold only 0 (down) and 1 (up) for the default loss; it has "
                         f"{int(bad.sum())} other value(s), e.g. {values}. Pass windows.y, not "
                         "returns (windows.ret), or give a loss_fn that fits these targets.")


def _unpack(data, name: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(X, y) tensors from Windows or from an (X, y) tuple, with matching sample counts."""
    if hasattr(data, "X") and hasattr(data, "y"):
        X, y = data.X, data.y
    elif isinstance(data, tuple | list) and len(data) == 2:
        X, y = data
    else:
        raise TypeError(f"{name} must be Windows (with .X and .y) or an (X, y) tuple, "
                        f"got {type(data).__name__}.")
    X, y = as_float_tensor(X, f"{name} X"), as_float_tensor(y, f"{name} y")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"{name}: X and y must have the same number of samples, "
                         f"got X {tuple(X.shape)} and y {tuple(y.shape)}.")
    return X, y


def _default_loss(output, y: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy on logits, after checking the output is shaped like the targets."""
    if not isinstance(output, torch.Tensor) or output.shape != y.shape:
        shape = tuple(output.shape) if isinstance(output, torch.Tensor) else type(output).__name__
        raise ValueError(
            f"The model's output must be logits shaped like y: expected {tuple(y.shape)}, got {shape}. "
            "Return one logit per target (e.g. [batch, stock]), or pass a loss_fn that accepts "
            "this output."
        )
    return nn.functional.binary_cross_entropy_with_logits(output, y)


def _evaluate(model, X, y, loss_fn, batch_size, device) -> tuple[float, float]:
    """Mean loss and accuracy (p >= 0.5 counts as up) on one data set, without gradients."""
    model.eval()
    total, correct, count = 0.0, 0.0, 0
    with torch.no_grad():
        for start in range(0, X.shape[0], batch_size):
            xb = X[start:start + batch_size].to(device)
            yb = y[start:start + batch_size].to(device)
            out = model(xb)
            total += float(loss_fn(out, yb)) * xb.shape[0]
            # A custom loss may train a model without P(up) (e.g. a pair on returns): no accuracy.
            readable = callable(getattr(model, "predict_proba", None)) or isinstance(out, torch.Tensor)
            p = batch_proba(model, xb, output=out) if readable else None
            if p is not None and p.shape == yb.shape:
                correct += float(((p >= 0.5).float() == yb).float().sum())
                count += yb.numel()
    accuracy = correct / count if count else float("nan")
    return total / X.shape[0], accuracy


def fit(model: nn.Module, train, val, *, loss_fn: Callable | None = None, epochs: int = 30,
        batch_size: int = 64, lr: float = 3e-3, weight_decay: float = 0.0, patience: int = 5,
        seed: int = 0, device: torch.device | str | None = None, progress: bool | None = None,
        grad_clip: float | None = 1.0) -> pd.DataFrame:
    """Train ``model`` with AdamW on mini-batches; stop early on the validation loss.

    Parameters
    ----------
    model : maps ``X[batch]`` to an output for ``loss_fn``; by default logits shaped like ``y``.
        Build it after ``companion.set_seed(...)`` so that its initial weights repeat too.
        ``fit`` itself never changes the global random state: it trains inside
        ``torch.random.fork_rng`` and seeds only that private copy.
    train, val : Windows or ``(X, y)`` tuples, e.g. X ``[samples, stock, time, feature]``,
        y ``[samples, stock]``. ``val=None`` trains all ``epochs`` without early stopping.
    loss_fn : ``loss_fn(output, y) -> scalar``; default binary cross-entropy on logits.
    epochs, batch_size, lr, weight_decay : the usual optimisation settings.
    patience : stop after this many epochs without a lower validation loss.
    seed : seeds the shuffling order and any dropout, so that a run repeats on one machine
        (same seed and same initial weights -> same history and weights).
    device : default ``companion.get_device()``; the model stays there afterwards.
    progress : tqdm progress bar; None shows it unless the environment sets COMPANION_PROGRESS=0.
    grad_clip : clip the gradient norm to this value (recurrent nets can have rare huge
        gradients); None turns clipping off.

    Returns
    -------
    pd.DataFrame, one row per epoch: epoch, train_loss, val_loss, val_accuracy, seconds.
    ``history.attrs["best_epoch"]`` is the epoch whose weights the model holds now.
    Interrupting (Ctrl-C, the notebook's stop button) does not raise: training stops, the best
    finished epoch's weights are restored, the model is left in eval mode, a warning is shown
    and the history of the finished epochs is *returned* with ``attrs["interrupted"] = True``.
    """
    epochs, batch_size, lr, weight_decay, patience, seed, grad_clip = _check_settings(
        epochs, batch_size, lr, weight_decay, patience, seed, grad_clip)
    device = resolve_device(device)
    X, y = _unpack(train, "train")
    Xv, yv = _unpack(val, "val") if val is not None else (None, None)
    if loss_fn is None:  # BCE needs 0/1 targets; a custom loss may train on anything (returns)
        for name, t in (("train y", y), ("val y", yv)):
            _check_binary(t, name)
    loss_fn = loss_fn or _default_loss
    # The data sets of the course are small (megabytes): move them to the device once.
    X, y = X.to(device), y.to(device)
    if Xv is not None:
        Xv, yv = Xv.to(device), yv.to(device)
    model.to(device)
    # Seed torch only inside this call: the learner's own generators (Python, NumPy, torch)
    # carry on afterwards as if fit had not run, so a bootstrap loop around fit draws new samples
    # and a model built after fit gets new initial weights.
    cuda = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=cuda):
        torch.manual_seed(seed)
        return _train(model, X, y, Xv, yv, loss_fn, epochs, batch_size, lr, weight_decay,
                      patience, seed, device, progress, grad_clip)


def _check_settings(epochs, batch_size, lr, weight_decay, patience, seed, grad_clip):
    """fit's numeric settings as plain Python numbers (NumPy scalars are numbers too)."""
    return (check_int(epochs, "epochs", low=1), check_int(batch_size, "batch_size", low=1),
            check_real(lr, "lr", low=0, low_open=True, fix="A learning rate such as 3e-3."),
            check_real(weight_decay, "weight_decay", low=0),
            check_int(patience, "patience", low=0),
            check_int(seed, "seed"),
            None if grad_clip is None else check_real(grad_clip, "grad_clip", low=0, low_open=True,
                                                      fix="Pass None to turn clipping off."))


def _train(model, X, y, Xv, yv, loss_fn, epochs, batch_size, lr, weight_decay, patience, seed,
           device, progress, grad_clip) -> pd.DataFrame:
    """The loop of `fit`, run inside its private random state."""
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    # A generator of its own makes the batch order depend only on `seed`, not on what else ran.
    order_rng = torch.Generator().manual_seed(seed)

    rows, best = [], {"loss": float("inf"), "state": None, "epoch": 0}
    # Updated by hand, not iterated: an iterated bar closes itself when the loop ends, before
    # `_close_bar` can say how training ended.
    bar = tqdm(total=epochs, desc="epochs", disable=not _progress_on(progress), leave=True)
    interrupted = stopped_early = False
    try:
        waited = 0
        for epoch in range(1, epochs + 1):
            started = time.perf_counter()
            train_loss = _one_epoch(model, X, y, loss_fn, optimiser, batch_size, order_rng,
                                    grad_clip, epoch, device)
            val_loss, val_acc = (_evaluate(model, Xv, yv, loss_fn, 1024, device)
                                 if Xv is not None else (float("nan"), float("nan")))
            rows.append({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss,
                         "val_accuracy": val_acc, "seconds": time.perf_counter() - started})
            bar.set_postfix(train=f"{train_loss:.4f}", val=f"{val_loss:.4f}", refresh=False)
            bar.update(1)
            if Xv is None:
                best["epoch"] = epoch
                best["state"] = copy.deepcopy(model.state_dict())
            elif val_loss < best["loss"]:
                best.update(loss=val_loss, epoch=epoch, state=copy.deepcopy(model.state_dict()))
                waited = 0
            else:
                waited += 1
                if waited >= patience:
                    stopped_early = True
                    break
    except KeyboardInterrupt:
        # Ctrl-C (the notebook's stop button) ends training, not the work: the best finished
        # epoch's weights go back into the model and the history is returned, flagged.
        interrupted = True
        warnings.warn(f"training interrupted after {len(rows)} finished epoch(s); the model "
                      f"holds the weights of epoch {best['epoch']} (the best finished one) and "
                      "history.attrs['interrupted'] is True", stacklevel=3)
    finally:
        _close_bar(bar, len(rows), best["epoch"], stopped_early)
    if best["state"] is not None:
        model.load_state_dict(best["state"])
    model.eval()
    history = pd.DataFrame(rows, columns=["epoch", "train_loss", "val_loss", "val_accuracy", "seconds"])
    history.attrs["best_epoch"] = best["epoch"]
    history.attrs["interrupted"] = interrupted
    return history


def _close_bar(bar, finished: int, best_epoch: int, stopped_early: bool) -> None:
    """End the bar as what happened. Early stopping is a normal end, but tqdm's notebook bar turns
    red (its colour for an error) when closed before its total: so the total becomes the epochs
    run, and the text says where training stopped and which epoch's weights it kept."""
    if stopped_early:
        bar.total = finished
        widget = getattr(bar, "container", None)  # the notebook bar: [text, progress, text]
        if widget is not None:
            widget.children[1].max = finished
        bar.set_description(f"stopped early at epoch {finished}, kept epoch {best_epoch}")
    elif finished and finished == bar.total:
        bar.set_description(f"epochs (kept epoch {best_epoch})")
    bar.close()


def _one_epoch(model, X, y, loss_fn, optimiser, batch_size, order_rng, grad_clip, epoch,
               device) -> float:
    """One pass over the training data in a shuffled order; returns the mean training loss."""
    model.train()
    order = torch.randperm(X.shape[0], generator=order_rng).to(device)
    total = 0.0
    for start in range(0, X.shape[0], batch_size):
        idx = order[start:start + batch_size]
        loss = loss_fn(model(X[idx]), y[idx])
        if not torch.isfinite(loss):
            raise FloatingPointError(f"The training loss became {float(loss)} at epoch {epoch}; "
                                     "lower lr or check the inputs' scale (standardise them).")
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        if grad_clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        optimiser.step()
        total += loss.item() * idx.shape[0]
    return total / X.shape[0]
