"""Loop vs batched vs shared-weight stock experts: training step and one-day inference.

Same inputs, same machine, one run. For 5, 50 and 300 stocks (6 features, 20 days, hidden 16):
* train: forward + backward of the experts on a batch of 64 windows,
* infer: forward of one window (batch 1) under ``torch.no_grad()``,
for the loop of per-stock LSTMs, the batched pass (no loop over stocks), the ``"auto"`` choice and
the shared-weight expert. Each time is the best of several repeats (the course machine's two cores
are shared with other processes; the fastest repeat is the one least disturbed by them), with
one torch thread, so that a busy machine does not add thread-scheduling stalls; ratios are loop
time / path time (> 1: faster than the loop). On CUDA, when present, the same grid runs on the GPU too.

Run: ``python -m benchmarks.experts_speed`` (part of ``make bench``).
"""

import time

import pandas as pd
import torch

from companion.models.experts import SharedExpert, StockExperts, choose_impl
from companion.results import save_result

STOCKS = (5, 50, 300)
FEATURES, DAYS, HIDDEN, TRAIN_BATCH = 6, 20, 16, 64


def _best_time(fn, device, budget=1.0, max_repeats=7):
    """Best wall time of ``fn`` over repeats that fit in about ``budget`` seconds (after a warm-up)."""
    fn()
    times = []
    while len(times) < max_repeats and (len(times) < 3 or sum(times) < budget):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    return min(times), len(times)


def measure(n_stocks: int, mode: str, device: torch.device) -> list[dict]:
    torch.manual_seed(0)
    experts = StockExperts(n_stocks, FEATURES, HIDDEN).to(device)
    shared = SharedExpert(n_stocks, FEATURES, HIDDEN).to(device)
    batch = TRAIN_BATCH if mode == "train" else 1
    x = torch.randn(batch, n_stocks, DAYS, FEATURES, device=device)
    paths = {"loop": lambda: experts(x, impl="loop"), "batched": lambda: experts(x, impl="batched"),
             "auto": lambda: experts(x, impl="auto"), "shared": lambda: shared(x)}
    rows = []
    for path, run in paths.items():
        if mode == "train":
            def step(run=run):
                experts.zero_grad(set_to_none=True)
                shared.zero_grad(set_to_none=True)
                run().sum().backward()
        else:
            def step(run=run):
                with torch.no_grad():
                    run()
        seconds, repeats = _best_time(step, device)
        rows.append({"device": device.type, "mode": mode, "stocks": n_stocks, "batch": batch,
                     "path": path, "ms": 1000 * seconds, "repeats": repeats,
                     "auto_picks": choose_impl(x, n_stocks) if path == "auto" else ""})
    return rows


def main() -> None:
    t0 = time.perf_counter()
    torch.set_num_threads(1)
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    rows = [r for d in devices for n in STOCKS for mode in ("train", "infer") for r in measure(n, mode, d)]
    table = pd.DataFrame(rows)
    loop = table[table.path == "loop"].set_index(["device", "mode", "stocks"])["ms"]
    table["speedup_vs_loop"] = [loop[(r.device, r.mode, r.stocks)] / r.ms for r in table.itertuples()]
    with pd.option_context("display.width", 120, "display.precision", 2):
        print(table.pivot_table(index=["device", "mode", "stocks"], columns="path", values="ms"))
        print(table.pivot_table(index=["device", "mode", "stocks"], columns="path", values="speedup_vs_loop"))
    save_result("experts_speed", table, script=__file__, started=t0,
                notes=f"best of repeats; {torch.get_num_threads()} torch threads; CPU shared with "
                      "other processes while measured, so times vary between runs")


if __name__ == "__main__":
    main()
