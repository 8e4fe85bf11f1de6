"""Chapter 8's trade, over seeds: TinyLSTM on five story stocks, traded with every fee.

For each seed: train on 2015–mid 2017, early-stop on the validation part, predict the test part
(2017-09..12), trade it with `run_backtest` at the chapter's default policy, once at the close of
the prediction's day and once at the next day's open (column execution), and record the
accuracy (with its Wilson interval), the return after costs, the costs, and buy-and-hold's return.
Run: python -m benchmarks.trade_model_seeds
"""

import time

import pandas as pd

import companion
from companion import market, metrics, train
from companion.backtest import EXECUTIONS, Policy, run_backtest
from companion.models import TinyLSTM
from companion.recipe import prepare
from companion.results import save_result

SEEDS = [0, 1, 2, 3, 4]
CODES = [c for c in market.STORY_CODES if c != "000401.SZ"]  # 000401 is suspended 2017-11-21..


def main():
    t0 = time.perf_counter()
    prices = market.load_prices(CODES, start="2015-01-01", end="2017-12-31")
    tr, va, te = prepare(prices, codes=tuple(CODES))   # standardised on the training part only
    rows = []
    for seed in SEEDS:
        companion.set_seed(seed)
        model = TinyLSTM(len(tr.features), hidden_size=16)
        train.fit(model, (tr.X, tr.y), (va.X, va.y), epochs=15, seed=seed, progress=False,
                  device="cpu")
        p = train.predict_proba(model, te.X, device="cpu")
        card = metrics.scorecard(te.y.ravel(), p.ravel())
        probs = pd.DataFrame(p, index=te.dates, columns=CODES)
        for execution in EXECUTIONS:   # at the prediction day's close (optimistic), at the next open
            res = run_backtest(prices, probs, Policy(threshold=0.52, holding_days=1, execution=execution))
            rows.append({"seed": seed, "model": "TinyLSTM", "execution": execution,
                         "accuracy": card["accuracy"], "accuracy_low": card["accuracy_low"],
                         "accuracy_high": card["accuracy_high"], "n": card["n"],
                         "total_return": res.report["total_return"],
                         "buy_and_hold_return": res.benchmark.iloc[-1] / res.benchmark.iloc[0] - 1,
                         "costs_paid": res.report["costs_paid"], "n_trades": res.report["n_trades"],
                         "hit_rate": res.report["hit_rate"], "sharpe": res.report["sharpe"],
                         # the test period, so that chapter 9 can count the tries scored on it
                         "period_start": str(te.dates[0].date()),
                         "period_end": str(te.dates[-1].date())})
            print(rows[-1])
    table = pd.DataFrame(rows)
    print(table.round(4).to_string(index=False))
    print(table.groupby("execution")["total_return"].mean())
    save_result("trade_model_seeds", table, script=__file__, started=t0,
                notes="TinyLSTM(hidden 16), 15 epochs, test 2017-09..12, threshold 0.52, hold 1 day, "
                      "100,000 CNY, 2017 fees; each seed traded at the close and at the next open")


if __name__ == "__main__":
    main()
