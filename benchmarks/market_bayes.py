"""The Bayes limit of the default synthetic market, and how fast it is simulated.

Prints and saves (benchmarks/results/market_bayes.csv):
- the Bayes-optimal next-day accuracy mean(max(p_up, 1 - p_up)) of ``simulate_market(seed)`` for
  seeds 0..4: over all predictions, over ordinary days (the policy shock left out), per stock;
- the seconds ``simulate_market`` takes for 300 stocks x 3 years (2015-01-05 .. 2017-12-29),
  the best of three runs; the issue asks for under 5 s.

Run: python -m benchmarks.market_bayes   (or make bench)
"""

import time

import pandas as pd

from companion import market
from companion.results import save_result

SEEDS = range(5)


def main() -> None:
    t0 = time.perf_counter()
    rows = []
    for seed in SEEDS:
        m = market.simulate_market(seed=seed)
        n = int(m.p_up.notna().to_numpy().sum())
        rows.append(dict(measure="bayes_accuracy", scope="all", seed=seed, value=m.bayes_accuracy(), n=n))
        rows.append(dict(measure="bayes_accuracy", scope="ordinary", seed=seed,
                         value=m.bayes_accuracy(ordinary=True),
                         n=int((m.ordinary & m.p_up.notna()).to_numpy().sum())))
        for code in m.codes:
            role = ("leader" if any(code == a for a, _, _ in m.lead_lag) else
                    "follower" if any(code == b for _, b, _ in m.lead_lag) else
                    "event" if code in m.event_codes else "plain")
            rows.append(dict(measure="bayes_accuracy", scope=f"{code} ({role})", seed=seed,
                             value=m.bayes_accuracy(codes=[code], ordinary=True),
                             n=int(m.ordinary[code].sum()) - 1))
        for f, effect in m.feature_effects.items():
            rows.append(dict(measure="feature_effect", scope=f, seed=seed, value=effect, n=0))
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        big = market.simulate_market(seed=0, n_stocks=300)
        timings.append(time.perf_counter() - start)
    rows.append(dict(measure="seconds_300_stocks_3_years", scope="best of 3", seed=0,
                     value=min(timings), n=len(big.prices)))
    rows.append(dict(measure="bayes_accuracy", scope="ordinary, 300 stocks", seed=0,
                     value=big.bayes_accuracy(ordinary=True), n=int(big.ordinary.to_numpy().sum())))
    table = pd.DataFrame(rows)
    summary = (table[table["measure"] == "bayes_accuracy"].groupby("scope", sort=False)["value"]
               .agg(["mean", "min", "max"]))
    print("Bayes-optimal next-day accuracy of simulate_market(seed), seeds 0-4:")
    print(summary.round(4).to_string())
    print(f"\nsimulate_market, 300 stocks x 3 years: {min(timings):.2f} s (best of 3; target < 5 s)")
    save_result("market_bayes", table, script=__file__, started=t0,
                notes="Bayes limit = mean(max(p_up, 1 - p_up)); 'ordinary' leaves out the "
                      "predictions about the simulated policy shock.")


if __name__ == "__main__":
    main()
