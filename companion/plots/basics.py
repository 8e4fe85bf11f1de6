"""Figures of chapter 0: one sample of the data, gradient descent, and train against validation loss."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np


def sample_heatmap(x, y, codes, *, feature: str, date=None, ax=None):
    """One feature of one sample as a [stock, time] picture, with each stock's target beside it.

    x : [stock, time] values of one feature (e.g. ``X[i, :, :, k]`` of X [batch, stock, time, feature]).
    y : [stock] targets of the sample, 1 = the close rose the next day.
    codes : the stock names, in the order of the stock axis.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float).ravel()
    if x.ndim != 2 or x.shape[0] != len(y) or len(codes) != len(y):
        raise ValueError(f"expected x of shape [stock, time] with one target and one code per stock, "
                         f"got x {x.shape}, y {y.shape}, {len(codes)} codes; pass X[i, :, :, k] and y[i].")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    # A symmetric colour scale: zero (an average day after standardising) is white.
    limit = float(np.nanmax(np.abs(x))) or 1.0
    image = ax.imshow(x, aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.figure.colorbar(image, ax=ax, label=f"{feature} (standardised)")
    n_days = x.shape[1]
    ticks = list(range(n_days - 1, -1, -5))[::-1]  # label today (0) and every 5th day before it
    ax.set_xticks(ticks, [str(t - n_days + 1) for t in ticks])
    ax.set_yticks(range(len(codes)), [f"{c}  y={int(v)}" for c, v in zip(codes, y, strict=True)])
    ax.set_xlabel("trading day relative to the prediction day (0 = today)")
    ax.set_ylabel("stock and its target")
    when = f" on {date:%Y-%m-%d}" if date is not None else ""
    ax.set_title(f"One sample{when}: {len(codes)} stocks × {n_days} days of '{feature}'")
    return ax


def descent_curve(losses, *, optimum: float | None = None, ax=None, label: str = "gradient descent"):
    """Training loss after each step of gradient descent, or its distance to ``optimum`` (log scale).

    losses : [steps] loss after each step (nats). optimum : the loss of the exact solution (e.g.
    scikit-learn's); when given, the curve shows loss - optimum on a log axis, where a straight
    line means the gap shrinks by a constant factor per step; gaps below 1e-12 (rounding) are
    not drawn.
    """
    losses = np.asarray(losses, dtype=float).ravel()
    if losses.size < 2 or not np.isfinite(losses).all():
        raise ValueError(f"need at least two finite losses, got {losses.size} values "
                         f"({int((~np.isfinite(losses)).sum())} not finite); lower the learning rate.")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    steps = np.arange(1, losses.size + 1)
    if optimum is None:
        ax.plot(steps, losses, label=label)
        ax.set_ylabel("training loss (nats)")
    else:
        # Once converged the gap is rounding noise (zero, or below it by a hair): the line ends
        # there rather than pretending to a precision the floats do not have.
        gap = losses - optimum
        gap = np.where(gap > 1e-12, gap, np.nan)
        ax.plot(steps, gap, label=label)
        ax.set_yscale("log")
        ax.set_ylabel("loss − optimum (nats, log scale)")
    ax.set_xlim(0, losses.size + 1)  # every step, also those after the line ends
    ax.set_xlabel("gradient-descent step")
    ax.set_title("Gradient descent closes in on the best logistic regression")
    ax.legend(fontsize=8)
    return ax


def loss_curves(history, *, best_epoch: int | None = None, stop_epoch: int | None = None, ax=None,
                title: str = "Training and validation loss per epoch"):
    """Training and validation loss per epoch, the best epoch, and where early stopping would stop.

    history : the table `companion.train.fit` returns (columns epoch, train_loss, val_loss).
    best_epoch : the epoch whose weights are kept (default ``history.attrs["best_epoch"]``).
    stop_epoch : the last epoch that early stopping runs.
    """
    missing = {"epoch", "train_loss", "val_loss"} - set(getattr(history, "columns", []))
    if missing:
        raise ValueError(f"history needs the columns epoch, train_loss, val_loss (as fit returns it); "
                         f"missing {sorted(missing)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 3.8))
    ax.plot(history["epoch"], history["train_loss"], marker="o", ms=3, label="training loss")
    ax.plot(history["epoch"], history["val_loss"], marker="o", ms=3, label="validation loss")
    ax.axhline(math.log(2), color="black", lw=0.8, ls=":", label="coin flip, ln 2")
    best = best_epoch if best_epoch is not None else history.attrs.get("best_epoch")
    if best is not None:
        ax.axvline(best, color="tab:green", ls="--", label=f"best epoch ({best}), kept")
    if stop_epoch is not None:
        ax.axvline(stop_epoch, color="grey", ls="-.", label=f"early stopping ends ({stop_epoch})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("binary cross-entropy (nats)")
    ax.set_title(title)
    # Training curves fall from the upper left: the lower left corner is usually empty.
    ax.legend(fontsize=8, loc="lower left")
    return ax
