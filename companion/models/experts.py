"""Stock experts: one small LSTM per stock, run three ways.

The story gives every stock its own tiny LSTM ("an expert") and lets a second LSTM combine
their opinions. This module holds that first level:

* ``StockExperts(..., impl="loop")``: the readable version, a Python loop that runs one
  LSTM per stock. Each call is PyTorch's fused LSTM kernel, so on a CPU at training batch
  sizes it is hard to beat; but it launches ``n_stocks`` separate kernels.
* ``StockExperts(..., impl="batched")``: the same maths in one pass over all stocks, no loop
  over stocks. The per-stock weights are stacked into tensors ``[stock, 4*hidden, feature]``
  and every time step is one batched matrix product (``torch.baddbmm``) over the stock axis.
  It pays when the fused kernels are small (inference on one day, many stocks) and on GPUs.
* ``SharedExpert``: one LSTM for all stocks plus a learned stock embedding; the parameter-
  light choice when each stock has only ~500 days of history.

Both ``StockExperts`` paths read the *same* parameters, so ``impl="auto"`` can pick the faster
one per call (see ``choose_impl``) without changing the model.
"""

from __future__ import annotations

import torch
from torch import nn

from companion.layers.weighting import check_stock_input

IMPLS = ("auto", "loop", "batched")


def choose_impl(x: torch.Tensor, n_stocks: int, *, min_stocks_batched: int = 8,
                max_batch_rows_cpu: int = 256) -> str:
    """The faster ``StockExperts`` path for this input, measured by ``benchmarks/experts_speed.py``.

    * On a GPU the batched pass wins: one kernel launch per time step instead of one LSTM call
      per stock.
    * On a CPU the loop's fused LSTM kernels are near the compute limit once each call has
      enough rows, so the loop wins at training sizes. When ``batch * 1`` rows per stock are few
      (inference on one day) each fused call is mostly fixed overhead, and ``n_stocks`` of them
      lose against a handful of batched products.

    The rule: batched on CUDA; on CPU batched when there are at least ``min_stocks_batched``
    stocks and at most ``max_batch_rows_cpu`` samples in the batch, else the loop.
    """
    if x.is_cuda:
        return "batched"
    if n_stocks >= min_stocks_batched and x.shape[0] <= max_batch_rows_cpu // n_stocks + 1:
        return "batched"
    return "loop"


class StockExperts(nn.Module):
    """One independent LSTM per stock, with a loop path and a batched path over shared parameters.

    Parameters
    ----------
    n_stocks, n_features, hidden_size
        sizes; expert ``s`` is an LSTM ``n_features -> hidden_size`` that sees only stock ``s``.
    impl
        ``"loop"``, ``"batched"`` or ``"auto"`` (pick per call with :func:`choose_impl`).

    Notes
    -----
    The weights use PyTorch's LSTM layout and gate order (input, forget, cell, output), stacked
    over stocks: ``weight_ih [stock, 4*hidden, feature]``, ``weight_hh [stock, 4*hidden, hidden]``,
    ``bias_ih``/``bias_hh [stock, 4*hidden]``. ``load_from_lstms`` copies a list of ``nn.LSTM``.

    Shapes
    ------
    Forward: ``x [batch, stock, time, feature] -> h [batch, stock, time, hidden]`` (every step's
    hidden state; ``h[:, :, -1]`` is each expert's summary of its window).
    """

    def __init__(self, n_stocks: int, n_features: int, hidden_size: int = 16, impl: str = "auto"):
        super().__init__()
        if impl not in IMPLS:
            raise ValueError(f"impl must be one of {IMPLS}, got {impl!r}")
        self.n_stocks, self.n_features, self.hidden_size, self.impl = (
            n_stocks, n_features, hidden_size, impl)
        g = 4 * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(n_stocks, g, n_features))
        self.weight_hh = nn.Parameter(torch.empty(n_stocks, g, hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(n_stocks, g))
        self.bias_hh = nn.Parameter(torch.empty(n_stocks, g))
        # nn.LSTM's own initialisation: uniform(-1/sqrt(hidden), 1/sqrt(hidden)) for every tensor.
        bound = hidden_size ** -0.5
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    @torch.no_grad()
    def load_from_lstms(self, lstms: list[nn.LSTM]) -> StockExperts:
        """Copy the weights of ``n_stocks`` single-layer ``nn.LSTM`` modules (one per stock) into this module."""
        if len(lstms) != self.n_stocks:
            raise ValueError(f"expected {self.n_stocks} LSTMs (one per stock), got {len(lstms)}")
        for s, lstm in enumerate(lstms):
            self.weight_ih[s].copy_(lstm.weight_ih_l0)
            self.weight_hh[s].copy_(lstm.weight_hh_l0)
            self.bias_ih[s].copy_(lstm.bias_ih_l0)
            self.bias_hh[s].copy_(lstm.bias_hh_l0)
        return self

    def forward(self, x: torch.Tensor, impl: str | None = None) -> torch.Tensor:
        check_stock_input(x, self.n_stocks, self.n_features)
        impl = impl or self.impl
        if impl == "auto":
            impl = choose_impl(x, self.n_stocks)
        if impl == "loop":
            return self._forward_loop(x)
        if impl == "batched":
            return self._forward_batched(x)
        raise ValueError(f"impl must be one of {IMPLS}, got {impl!r}")

    def _forward_loop(self, x: torch.Tensor) -> torch.Tensor:
        """The readable path: one fused LSTM call per stock (``torch.lstm`` is what nn.LSTM calls)."""
        batch = x.shape[0]
        zeros = x.new_zeros(1, batch, self.hidden_size)
        outs = []
        for s in range(self.n_stocks):
            weights = [self.weight_ih[s], self.weight_hh[s], self.bias_ih[s], self.bias_hh[s]]
            out, _, _ = torch.lstm(x[:, s], (zeros, zeros), weights, True, 1, 0.0,
                                self.training, False, True)  # biases, layers, dropout, train, bidir, batch_first
            outs.append(out)  # [batch, time, hidden]
        return torch.stack(outs, dim=1)

    def _forward_batched(self, x: torch.Tensor) -> torch.Tensor:
        """All stocks at once: the stock axis becomes the batch axis of ``bmm``; loop over time only."""
        batch, n_stocks, n_time, _ = x.shape
        hid = self.hidden_size
        # Fold tanh into sigmoid: tanh(z) = 2*sigmoid(2z) - 1. Scaling the cell-gate rows by 2 lets
        # one sigmoid call cover all four gates, which saves kernel launches at every step.
        scale = x.new_ones(4 * hid)
        scale[2 * hid:3 * hid] = 2.0
        w_ih = self.weight_ih * scale[:, None]
        w_hh = (self.weight_hh * scale[:, None]).transpose(1, 2)     # [stock, hidden, 4*hidden]
        bias = ((self.bias_ih + self.bias_hh) * scale)[:, None, :]  # [stock, 1, 4*hidden]
        # The input projection of every time step in one product: [stock, batch*time, 4*hidden].
        xs = x.transpose(0, 1).reshape(n_stocks, batch * n_time, self.n_features)
        gx = torch.baddbmm(bias, xs, w_ih.transpose(1, 2)).view(n_stocks, batch, n_time, 4 * hid)
        h = x.new_zeros(n_stocks, batch, hid)
        c = x.new_zeros(n_stocks, batch, hid)
        outs = []
        # unbind, not gx[:, :, t]: the backward of unbind stacks the step gradients once, while
        # each indexing op would allocate and zero-fill a gradient as large as all of gx.
        for gx_t in gx.unbind(dim=2):
            gates = torch.sigmoid(torch.baddbmm(gx_t, h, w_hh))  # [stock, batch, 4*hidden]
            i, f, g, o = gates.chunk(4, dim=-1)
            c = torch.addcmul(f * c, i, 2.0 * g - 1.0)
            h = o * torch.tanh(c)
            outs.append(h)
        return torch.stack(outs, dim=2).transpose(0, 1)  # [batch, stock, time, hidden]

    def extra_repr(self) -> str:
        return (f"n_stocks={self.n_stocks}, n_features={self.n_features}, "
                f"hidden_size={self.hidden_size}, impl={self.impl!r}")


class SharedExpert(nn.Module):
    """One LSTM for every stock, told which stock it reads by a learned embedding.

    The embedding ``[stock, embed_dim]`` is appended to each time step's features, so the shared
    weights can still treat stocks differently. Parameters grow with ``n_features`` and
    ``hidden_size`` only, not with ``n_stocks``: the sensible first choice with ~500 days a stock.

    Forward: ``x [batch, stock, time, feature] -> h [batch, stock, time, hidden]``.
    """

    def __init__(self, n_stocks: int, n_features: int, hidden_size: int = 16, embed_dim: int = 4):
        super().__init__()
        self.n_stocks, self.n_features, self.hidden_size = n_stocks, n_features, hidden_size
        self.embedding = nn.Embedding(n_stocks, embed_dim)
        self.lstm = nn.LSTM(n_features + embed_dim, hidden_size, batch_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_stock_input(x, self.n_stocks, self.n_features)
        batch, n_stocks, n_time, _ = x.shape
        emb = self.embedding.weight[None, :, None, :].expand(batch, n_stocks, n_time, -1)
        rows = torch.cat([x, emb], dim=-1).reshape(batch * n_stocks, n_time, -1)
        out, _ = self.lstm(rows)  # one fused call: every (sample, stock) pair is a row
        return out.reshape(batch, n_stocks, n_time, self.hidden_size)


def lstm_reference(x: torch.Tensor, lstms: list[nn.LSTM]) -> torch.Tensor:
    """The story's version, for checks: run ``lstms[s]`` on ``x[:, s]`` and stack the outputs."""
    return torch.stack([lstm(x[:, s])[0] for s, lstm in enumerate(lstms)], dim=1)


__all__ = ["StockExperts", "SharedExpert", "choose_impl", "lstm_reference"]
