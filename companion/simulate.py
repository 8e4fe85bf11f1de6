"""A synthetic A-share market with a known truth: the course's laboratory.

Real prices never tell us how well a model *could* do. Here every next-day return is drawn from a
model we wrote down, so the probability that each stock closes up tomorrow is known exactly, and
with it the best accuracy any model can reach (the Bayes limit).

The model, for stock i, from the close of day t to the close of day t + 1 (log returns):

    r[t+1] = clip(mu[t] + sigma[t] * z[t+1], log 0.9, log 1.1)             the ±10 % price limit
    mu[t]  = b_ret1 * ret_1[t] + b_ret5 * ret_5[t] + b_vol * (volume_ratio[t] - 1)
             + b_lead * r_leader[t - lag + 1]                               followers only
    sigma[t]^2 = omega + alpha * e[t]^2 + beta * sigma[t-1]^2               GARCH(1, 1): calm and
                                                                            storm come in clusters
    z: a split normal, mean 0, variance 1, wider on the down side           fatter down moves

ret_1, ret_5 and volume_ratio are the features of `companion.features`, computed on the simulated
path itself with the same definitions, so ``make_features(prices)`` sees exactly what the truth
uses; range, volatility_20 and days_since_event carry no signal about the direction. A common
Gaussian factor (through a copula, so each stock's noise stays an exact split normal) makes
stocks move together. From the event date the event stocks open at the limit and stay there for a
random run of one-price limit-up days (3 to 7, uniform), like the Xiong'an stocks in April 2017;
the run length is unknown in advance, so the oracle knows only its hazard.

p_up[t] = P(close[t+1] > close[t] | everything known at the close of t) follows in closed form
from the split normal's CDF (the clip does not change a sign). The event is announced after the
close of the day before the event date, so on that day the oracle does not know it yet.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from companion.checks import check_fraction, check_int, check_real, refuse
from companion.constants import EVENT_DATE
from companion.features import FEATURES, TRAILING_DAYS

#: Coefficients of mu on the features (log return per unit of feature). volume_ratio enters as
#: (volume_ratio - 1). Calibrated so the Bayes-optimal accuracy on ordinary days is near 0.58.
DEFAULT_COEFFICIENTS = {"ret_1": 0.06, "ret_5": -0.09, "range": 0.0, "volume_ratio": 0.012,
                        "volatility_20": 0.0, "days_since_event": 0.0}
RUN_LENGTHS = np.arange(3, 8)  # possible lengths of the simulated limit-up run, equally likely
#: P(the run goes on tomorrow | it has lasted j days so far), for j = 1 .. 8: what the oracle knows.
RUN_HAZARD = {j: (RUN_LENGTHS > j).sum() / max((RUN_LENGTHS >= j).sum(), 1) for j in range(1, 9)}


@functools.lru_cache(maxsize=1)
def _real_calendar() -> pd.DatetimeIndex:
    path = resources.files("companion").joinpath("data", "000300.SH.csv")
    with path.open("r", encoding="utf-8") as f:
        dates = pd.read_csv(f, usecols=["date"])["date"]
    return pd.DatetimeIndex(pd.to_datetime(dates, format="%Y-%m-%d"))


def trading_calendar(start="2015-01-05", end="2017-12-29") -> pd.DatetimeIndex:
    """Trading days between ``start`` and ``end``.

    Inside 2014-01-02 .. 2018-12-28 these are the real exchange days, taken from the shipped CSI 300
    file (weekends and Chinese holidays removed, as the exchanges did). Outside that span the
    holidays are not known here, so every weekday counts.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    real = _real_calendar()
    lo, hi = real[0], real[-1]
    inside = real[(real >= start) & (real <= end)]
    before = pd.bdate_range(start, min(end, lo - pd.Timedelta(days=1))) if start < lo else []
    after = pd.bdate_range(max(start, hi + pd.Timedelta(days=1)), end) if end > hi else []
    return pd.DatetimeIndex(list(before) + list(inside) + list(after))


class SplitNormal:
    """Two half-normals joined at the mode m: scale s_down left, s_up right; mean 0, variance 1."""

    def __init__(self, skew: float = 1.4) -> None:
        k = float(skew)  # s_down / s_up; > 1 means bigger down moves
        # variance of a split normal: (1 - 2/pi)(s_d - s_u)^2 + s_d s_u; solve for s_u with s_d = k s_u
        self.s_up = 1.0 / np.sqrt((1 - 2 / np.pi) * (k - 1) ** 2 + k)
        self.s_down = k * self.s_up
        self.mode = np.sqrt(2 / np.pi) * (self.s_down - self.s_up)  # makes the mean 0
        self.p_mode = self.s_down / (self.s_down + self.s_up)  # P(z < mode)

    def cdf(self, x):
        x = np.asarray(x, dtype="float64")
        left = 2 * self.p_mode * ndtr((x - self.mode) / self.s_down)
        right = self.p_mode + 2 * (1 - self.p_mode) * (ndtr((x - self.mode) / self.s_up) - 0.5)
        return np.where(x < self.mode, left, right)

    def ppf(self, u):
        u = np.asarray(u, dtype="float64")
        left = self.mode + self.s_down * ndtri(np.clip(u / (2 * self.p_mode), 1e-300, 1))
        right = self.mode + self.s_up * ndtri(
            np.clip(0.5 + (u - self.p_mode) / (2 * (1 - self.p_mode)), 0, 1 - 1e-16))
        return np.where(u < self.p_mode, left, right)


@dataclass
class SyntheticMarket:
    """Simulated prices and the truth behind them.

    prices : tidy frame, the layout of `companion.market.load_prices` (adj_* == raw, adj_factor 1)
    p_up : [date x code] P(close[t+1] > close[t] | all known at the close of t); NaN on the last day
    feature_effects : for each of FEATURES, the change of the expected next-day log return caused
        by a one-standard-deviation move of that feature (0.0 = a noise feature)
    coefficients : the raw coefficients of mu (log return per unit of feature)
    mu, sigma : [date x code] mean and scale of tomorrow's log return, known at the close of t
    ordinary : [date x code] False where the prediction concerns the simulated policy shock
    """

    prices: pd.DataFrame
    p_up: pd.DataFrame
    feature_effects: dict[str, float]
    informative_features: list[str]
    lead_lag: list[tuple[str, str, int]]
    event_date: pd.Timestamp
    event_codes: list[str]
    coefficients: dict[str, float] = field(default_factory=dict)
    mu: pd.DataFrame | None = None
    sigma: pd.DataFrame | None = None
    ordinary: pd.DataFrame | None = None
    seed: int = 0

    @property
    def codes(self) -> list[str]:
        return list(self.p_up.columns)

    def bayes_accuracy(self, dates=None, codes=None, *, ordinary: bool = False) -> float:
        """Expected accuracy of the oracle that predicts "up" when p_up > 0.5: mean(max(p, 1 - p)).

        dates, codes : restrict to these (e.g. a test period); ordinary=True leaves out the
        predictions about the policy shock.
        """
        p = self.p_up
        mask = self.ordinary if ordinary else pd.DataFrame(True, index=p.index, columns=p.columns)
        if dates is not None:
            p, mask = p.loc[pd.DatetimeIndex(dates)], mask.loc[pd.DatetimeIndex(dates)]
        if codes is not None:
            p, mask = p[list(codes)], mask[list(codes)]
        values = p.to_numpy()[mask.to_numpy() & np.isfinite(p.to_numpy())]
        return float(np.maximum(values, 1 - values).mean())


def _check_dynamics(volatility, garch, correlation) -> None:
    """Parameters that would give NaN prices or exploding variance are refused up front."""
    low, high = _pair(volatility, "volatility", "(0.015, 0.03)")
    if not 0 < low <= high < 0.5:
        raise ValueError(f"volatility is a (low, high) range of daily return volatilities, "
                         f"0 < low <= high < 0.5 as fractions (0.015 = 1.5% a day); got {volatility}")
    alpha, beta = _pair(garch, "garch", "(0.08, 0.9)")
    if alpha < 0 or beta < 0 or alpha + beta >= 1:
        raise ValueError(f"garch=(alpha, beta)={garch} is not a stationary GARCH(1, 1): it needs "
                         "alpha >= 0, beta >= 0 and alpha + beta < 1 (e.g. (0.08, 0.9)); otherwise "
                         "the variance has no long-run level and grows without bound")
    check_real(correlation, "correlation", low=0, high=1, high_open=True)


def _pair(value, name: str, example: str) -> tuple[float, float]:
    """Two finite numbers (a tuple, list or array of two)."""
    if isinstance(value, str) or np.ndim(value) != 1 or len(value) != 2:
        refuse(name, "a pair of two numbers", value, f"e.g. {name}={example}.", TypeError)
    return check_real(value[0], f"{name}[0]"), check_real(value[1], f"{name}[1]")


def simulate_market(seed: int = 0, n_stocks: int = 5, start="2015-01-05", end="2017-12-29", *,
                    coefficients: dict[str, float] | None = None, lead_strength: float = 0.35,
                    lag: int = 3, event_date=EVENT_DATE, n_event: int = 3,
                    volatility: tuple[float, float] = (0.015, 0.03), skew: float = 1.4,
                    correlation: float = 0.3, garch: tuple[float, float] = (0.08, 0.9),
                    limit: float = 0.10, burn_in: int = 60) -> SyntheticMarket:
    """Simulate ``n_stocks`` stocks on the trading calendar from ``start`` to ``end``.

    Roles: SIM00 leads SIM01 by ``lag`` days (and every fifth stock the next one, SIM05 -> SIM06,
    ...); SIM02, SIM03, SIM04 (the first ``n_event`` after the first pair) are the policy stocks.
    Deterministic for a seed; vectorised over stocks (300 stocks x 3 years take well under 5 s).
    ``limit`` is the daily price limit as a fraction of the previous close (0.10 = the main
    board's ±10%, 0.20 ChiNext/STAR, 0.05 ST): every daily log return is clipped to
    [ln(1 - limit), ln(1 + limit)], so it must lie strictly between 0 and 1.
    """
    seed = check_int(seed, "seed", low=0)
    n_stocks = check_int(n_stocks, "n_stocks", low=1)
    lag = check_int(lag, "lag", low=1, fix="lag is how many days the follower trails its leader.")
    n_event = check_int(n_event, "n_event", low=0)
    burn_in = check_int(burn_in, "burn_in", low=0)
    lead_strength = check_real(lead_strength, "lead_strength")
    skew = check_real(skew, "skew", low=0, low_open=True,
                      fix="skew is s_down / s_up of the shocks: 1 is symmetric, 1.4 the default.")
    limit = check_fraction(limit, "limit", zero_ok=False)
    _check_dynamics(volatility, garch, correlation)
    coef = _checked_coefficients(coefficients)
    calendar = trading_calendar(start, end)
    if len(calendar) < 2:
        raise ValueError(f"no trading days between {start} and {end}")
    codes, edges, event_idx = _stock_roles(n_stocks, n_event)
    event_date = pd.Timestamp(event_date)

    # Every random draw, in a fixed order: the same seed gives the same market.
    rng = np.random.default_rng(seed)
    n_days = burn_in + len(calendar)  # row burn_in of every [time, stock] path is the first calendar day
    shocks = _draw_shocks(rng, n_days, n_stocks, volatility, correlation, skew)
    event_start = burn_in + int(calendar.searchsorted(event_date)) if event_idx else n_days
    in_run, ordinary = _event_runs(rng, n_days, n_stocks, event_start, event_idx)

    leader = np.full(n_stocks, -1)
    for a, b in edges:
        leader[b] = a
    path = _simulate_path(shocks, coef, garch, limit, leader, lead_strength, lag, in_run,
                          event_start, event_idx)
    candles = _candles(path, shocks.ohlc, in_run, limit)

    keep = slice(burn_in, n_days)

    def grid(a):  # [time, stock] -> [date x code] on the calendar
        return pd.DataFrame(a[keep], index=pd.DatetimeIndex(calendar, name="date"),
                            columns=pd.Index(codes, name="code"))

    effects = _standardized_effects(coef, path.r[keep], path.logc[keep], candles["volume"][keep])
    return SyntheticMarket(
        prices=_price_frame(calendar, codes, {k: a[keep] for k, a in candles.items()}),
        p_up=grid(path.p_up), feature_effects=effects,
        informative_features=[f for f in FEATURES if effects[f] != 0.0],
        lead_lag=[(codes[a], codes[b], lag) for a, b in edges],
        event_date=event_date, event_codes=[codes[i] for i in event_idx],
        coefficients=coef, mu=grid(path.mu), sigma=grid(path.sigma), ordinary=grid(ordinary),
        seed=seed,
    )


def _checked_coefficients(coefficients: dict[str, float] | None) -> dict[str, float]:
    """The coefficients of mu, checked: known features only, and signal only where the oracle is exact."""
    coef = dict(DEFAULT_COEFFICIENTS if coefficients is None else coefficients)
    unknown = set(coef) - set(FEATURES)
    if unknown:
        raise ValueError(f"coefficients for unknown features {sorted(unknown)}; use names from {FEATURES}")
    coef = {f: check_real(v, f"coefficients[{f!r}]") for f, v in coef.items()}
    if any(coef.get(f, 0.0) != 0.0 for f in ("range", "volatility_20", "days_since_event")):
        raise ValueError("the oracle is exact only for ret_1, ret_5 and volume_ratio; "
                         "keep the other coefficients at 0.0")
    missing = [f for f in ("ret_1", "ret_5", "volume_ratio") if f not in coef]
    if missing:
        raise ValueError(f"coefficients lacks {missing}: give ret_1, ret_5 and volume_ratio "
                         f"(0.0 for no effect), e.g. {DEFAULT_COEFFICIENTS}")
    return coef


def _stock_roles(n_stocks: int, n_event: int) -> tuple[list[str], list[tuple[int, int]], list[int]]:
    """Codes SIM00.., the (leader, follower) pairs (every fifth stock leads the next) and the
    positions of the policy stocks (the first ``n_event`` after the first pair)."""
    width = max(2, len(str(n_stocks - 1)))
    codes = [f"SIM{i:0{width}d}" for i in range(n_stocks)]
    edges = [(i, i + 1) for i in range(0, n_stocks - 1, 5)]
    event_idx = list(range(2, min(2 + n_event, n_stocks)))
    return codes, edges, event_idx


@dataclass
class _Shocks:
    """Every random input of one simulation; arrays are [time, stock] unless said otherwise."""

    noise: SplitNormal
    level: np.ndarray        # [stock] each stock's long-run daily volatility
    log_close0: np.ndarray   # [stock] log of the first close
    base_volume: np.ndarray  # [stock] log of the typical daily volume
    z: np.ndarray            # split-normal return shocks, correlated across stocks
    volume: np.ndarray       # standard normal volume shocks
    ohlc: np.ndarray         # [time, 3, stock] |standard normal|: open, high, low offsets


def _draw_shocks(rng: np.random.Generator, n_days: int, n_stocks: int, volatility, correlation,
                 skew: float) -> _Shocks:
    """Draw the random inputs in one fixed order (changing the order changes every market)."""
    T, N = n_days, n_stocks
    noise = SplitNormal(skew)
    level = rng.uniform(*volatility, size=N)
    log_close0 = np.log(rng.uniform(3, 30, size=N))
    base_volume = np.log(rng.uniform(5e6, 5e7, size=N))
    # Correlated Gaussians -> uniforms -> split normals: every marginal stays exactly split normal.
    g = np.sqrt(correlation) * rng.standard_normal((T, 1)) + \
        np.sqrt(1 - correlation) * rng.standard_normal((T, N))
    z = noise.ppf(ndtr(g))
    volume = rng.standard_normal((T, N))
    ohlc = np.abs(rng.standard_normal((T, 3, N)))
    return _Shocks(noise, level, log_close0, base_volume, z, volume, ohlc)


def _event_runs(rng: np.random.Generator, n_days: int, n_stocks: int, event_start: int,
                event_idx: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The policy shock: in_run [time, stock] True on each event stock's one-price limit-up days
    (a run of RUN_LENGTHS days from ``event_start``), and ordinary [time, stock] False where the
    prediction concerns the shock (from the day before the event date to the end of the run)."""
    runs = {i: int(rng.choice(RUN_LENGTHS)) for i in event_idx}
    in_run = np.zeros((n_days, n_stocks), dtype=bool)
    ordinary = np.ones((n_days, n_stocks), dtype=bool)
    if event_start < n_days:
        for i, L in runs.items():
            in_run[event_start:event_start + L, i] = True
            ordinary[event_start - 1:event_start + L, i] = False
    return in_run, ordinary


@dataclass
class _Path:
    """The simulated [time, stock] paths and the truth known at each close."""

    r: np.ndarray      # log return from the close of t - 1 to the close of t
    logc: np.ndarray   # log close
    logv: np.ndarray   # log volume (whole lots)
    mu: np.ndarray     # mean of tomorrow's log return, known at the close of t
    sigma: np.ndarray  # scale of tomorrow's log return, known at the close of t
    p_up: np.ndarray   # P(close[t+1] > close[t] | all known at the close of t)


def _simulate_path(shocks: _Shocks, coef: dict[str, float], garch, limit: float,
                   leader: np.ndarray, lead_strength: float, lag: int, in_run: np.ndarray,
                   event_start: int, event_idx: list[int]) -> _Path:
    """Step the market one close at a time: features -> mu, sigma, p_up -> tomorrow's return,
    close and volume."""
    T, N = shocks.z.shape
    nan = np.full((T, N), np.nan)
    path = _Path(r=np.zeros((T, N)), logc=np.zeros((T, N)), logv=np.zeros((T, N)),
                 mu=nan.copy(), sigma=nan.copy(), p_up=nan.copy())
    path.logc[0] = shocks.log_close0
    path.logv[0] = np.log(np.round(np.exp(shocks.base_volume) / 100) * 100)
    lo, hi = np.log(1 - limit), np.log(1 + limit)
    alpha, beta = garch
    omega = shocks.level**2 * (1 - alpha - beta)
    var, x_vol = shocks.level**2, np.zeros(N)
    for t in range(T - 1):
        m = _expected_return(path, t, coef, leader, lead_strength, lag)
        path.mu[t], path.sigma[t] = m, np.sqrt(var)
        p_ord = 1 - shocks.noise.cdf(-m / path.sigma[t])
        path.p_up[t] = p_ord
        step = np.clip(m + path.sigma[t] * shocks.z[t + 1], lo, hi)
        if in_run[t + 1].any():
            step = np.where(in_run[t + 1], hi, step)
        for i in event_idx:  # the oracle knows a run has started, not how long it lasts
            if in_run[t, i]:
                j = int(in_run[event_start:t + 1, i].sum())
                path.p_up[t, i] = RUN_HAZARD[j] + (1 - RUN_HAZARD[j]) * p_ord[i]
        path.r[t + 1] = step
        path.logc[t + 1] = path.logc[t] + step
        e = step - m
        var = omega + alpha * e**2 + beta * var
        # volume: persistent, higher on big moves, tiny on one-price days (nobody sells)
        x_vol = 0.7 * x_vol + 0.25 * shocks.volume[t + 1] + \
            0.6 * (np.abs(step) / shocks.level - 0.8) * 0.3
        wanted = np.exp(shocks.base_volume + x_vol + np.where(in_run[t + 1], np.log(0.08), 0.0))
        # traded in whole lots of 100 shares; the truth uses the rounded volume, as the features do
        path.logv[t + 1] = np.log(np.maximum(np.round(wanted / 100), 1) * 100)
    return path


def _expected_return(path: _Path, t: int, coef: dict[str, float], leader: np.ndarray,
                     lead_strength: float, lag: int) -> np.ndarray:
    """mu[t]: [stock], from the features at the close of t (the definitions of companion.features)
    and, for followers, the leader's return lag - 1 days earlier."""
    N = path.r.shape[1]
    ret_1 = path.r[t] if t >= 1 else np.full(N, np.nan)
    ret_5 = path.logc[t] - path.logc[t - 5] if t >= 5 else np.full(N, np.nan)
    if t >= TRAILING_DAYS - 1:
        v = np.exp(path.logv[t - TRAILING_DAYS + 1:t + 1])
        vr = v[-1] / v.mean(axis=0)
    else:
        vr = np.ones(N)
    m = coef["ret_1"] * np.nan_to_num(ret_1) + coef["ret_5"] * np.nan_to_num(ret_5) + \
        coef["volume_ratio"] * (vr - 1)
    if t >= lag - 1:
        followers = leader >= 0
        m = m + followers * lead_strength * path.r[t - lag + 1, np.maximum(leader, 0)]
    return m


def _candles(path: _Path, ohlc_noise: np.ndarray, in_run: np.ndarray,
             limit: float) -> dict[str, np.ndarray]:
    """Open, high, low, close, previous close and volume [time, stock] from the simulated path,
    inside the day's price limits; on one-price days all four prices equal the close."""
    lo, hi = np.log(1 - limit), np.log(1 + limit)
    r = path.r
    scale = _sig_fill(path.sigma)
    close = np.exp(path.logc)
    prev = np.vstack([close[:1], close[:-1]])
    opening = prev * np.exp(np.clip(0.3 * r + 0.4 * scale * (ohlc_noise[:, 0] - 0.8), lo, hi))
    opening = np.clip(opening, prev * (1 - limit), prev * (1 + limit))
    high = np.minimum(np.maximum(opening, close) * np.exp(0.5 * scale * ohlc_noise[:, 1]),
                      prev * (1 + limit))
    low = np.maximum(np.minimum(opening, close) * np.exp(-0.5 * scale * ohlc_noise[:, 2]),
                     prev * (1 - limit))
    opening, high, low = (np.where(in_run, close, a) for a in (opening, high, low))
    volume = np.round(np.exp(path.logv))  # already whole lots; round away the float error of exp(log)
    return {"open": opening, "high": high, "low": low, "close": close, "preclose": prev,
            "volume": volume}


def _price_frame(calendar: pd.DatetimeIndex, codes: list[str],
                 candles: dict[str, np.ndarray]) -> pd.DataFrame:
    """The tidy frame of `companion.market.load_prices` from [date, stock] candles."""
    frame = pd.DataFrame({
        "date": np.repeat(calendar.to_numpy(), len(codes)),
        "code": np.tile(codes, len(calendar)),
        **{col: candles[col].ravel() for col in ("open", "high", "low", "close", "volume")},
    })
    frame["amount"] = frame["volume"] * frame[["open", "high", "low", "close"]].mean(axis=1)
    frame["preclose"] = candles["preclose"].ravel()
    frame["adj_factor"] = 1.0
    for col in ("open", "high", "low", "close"):
        frame["adj_" + col] = frame[col]
    return frame


def _sig_fill(sig: np.ndarray) -> np.ndarray:
    """The scale of day t's move is the sigma known at t - 1; fill the first row."""
    out = np.vstack([sig[:1], sig[:-1]])
    return np.nan_to_num(out, nan=float(np.nanmean(sig)))


def _standardized_effects(coef: dict[str, float], r: np.ndarray, logc: np.ndarray,
                          volume: np.ndarray) -> dict[str, float]:
    """coefficient x standard deviation of the feature over the simulated stock-days."""
    ret_5 = logc[5:] - logc[:-5]
    v = pd.DataFrame(volume)
    vr = (v / v.rolling(TRAILING_DAYS).mean()).to_numpy()
    spread = {"ret_1": np.nanstd(r[1:]), "ret_5": np.nanstd(ret_5), "volume_ratio": np.nanstd(vr)}
    return {f: float(coef.get(f, 0.0) * spread.get(f, 0.0)) for f in FEATURES}
