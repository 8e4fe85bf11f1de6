"""The course's one data recipe: prices -> features -> windows -> time split -> standardised parts.

Every chapter and benchmark that trains on the standard windows calls `prepare`; what varies between
them (the window length, the stocks, the split) is a field of `DataConfig`, so that a change to the
recipe is made here once. Chapter 2 builds the same steps by hand and checks them against `prepare`.

    >>> from companion.market import load_prices
    >>> data = prepare(load_prices(), DataConfig(lookback=20))
    >>> data.train.X.shape          # [sample, stock, time, feature], standardised   # doctest: +SKIP
    >>> data.raw["test"]            # the same test windows before scaling           # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import pandas as pd

from companion.checks import Described, refuse
from companion.constants import EVENT_DATE
from companion.features import make_features
from companion.windows import Standardizer, Windows, chronological_split, make_windows

PARTS = ("train", "val", "test")


@dataclass(frozen=True)
class DataConfig:
    """How the windows are cut and split. The defaults are the course's standard windows.

    Attributes
    ----------
    lookback, horizon
        days of input per sample; trading days ahead of the target.
    codes
        the stocks of the stock axis, in order (None: every stock of the prices, sorted).
    train, val
        fractions of the samples, in time order; the rest is the test part.
    embargo
        samples dropped between the parts (None: lookback + horizon - 1, see
        `companion.windows.chronological_split`).
    event_date
        the policy event of the ``days_since_event`` feature (None: the source's own, i.e. a
        simulated market's event date, else the real announcement, `companion.constants.EVENT_DATE`).
    missing
        what `make_windows` does about days lost to a stock without a row ("drop", "warn",
        "raise").
    """

    lookback: int = 20
    horizon: int = 1
    codes: tuple[str, ...] | None = None
    train: float = 0.7
    val: float = 0.15
    embargo: int | None = None
    event_date: str | pd.Timestamp | None = None
    missing: str = "drop"


@dataclass
class Prepared:
    """What `prepare` returns: the standardised parts, the raw ones, and the scaler.

    train, val, test : standardised `Windows` (the scaler was fitted on ``raw["train"]`` only).
    raw : {"train", "val", "test"} -> the same windows before scaling (baselines read raw returns).
    windows : every window before the split; scaler : the fitted `Standardizer`.
    ``train, val, test = prepared`` unpacks the standardised parts.
    """

    train: Windows
    val: Windows
    test: Windows
    raw: dict[str, Windows]
    windows: Windows
    scaler: Standardizer
    config: DataConfig

    def __iter__(self):
        return iter((self.train, self.val, self.test))

    @property
    def parts(self) -> dict[str, Windows]:
        """{"train", "val", "test"} -> the standardised windows."""
        return dict(zip(PARTS, self, strict=True))

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name} {len(part)}" for name, part in self.parts.items())
        return f"Prepared({sizes} samples; {self.windows!r}; {self.scaler!r})"


def fields_of(config_class) -> list[str]:
    return [f.name for f in fields(config_class)]


def _prices_and_event(source, config: DataConfig) -> tuple[pd.DataFrame, object]:
    """A price frame, or anything with ``.prices`` (a simulated market), and the event date to use."""
    prices = getattr(source, "prices", source)
    if not isinstance(prices, pd.DataFrame):
        refuse("source", "a price frame (companion.market.load_prices) or a simulated market "
               "(companion.market.simulate_market)", Described(f"a {type(source).__name__}"),
               error=TypeError)
    event = config.event_date
    if event is None:
        event = getattr(source, "event_date", EVENT_DATE)
    return prices, event


def prepare(source, config: DataConfig | None = None, **changes) -> Prepared:
    """Features, windows, a chronological split and a scaler fitted on the training part only.

    ``source`` is a tidy price frame or a simulated market; ``config`` a `DataConfig` (default: the
    standard windows) and ``changes`` override its fields, e.g. ``prepare(prices, lookback=10)``.
    """
    config = config or DataConfig()
    if not isinstance(config, DataConfig):
        refuse("config", "a companion.recipe.DataConfig", config, error=TypeError)
    unknown = sorted(set(changes) - set(fields_of(DataConfig)))
    if unknown:
        refuse("the changes to prepare", f"fields of DataConfig ({', '.join(fields_of(DataConfig))})",
               Described(", ".join(unknown)), error=TypeError)
    config = replace(config, **changes)
    prices, event = _prices_and_event(source, config)
    codes = None if config.codes is None else list(config.codes)
    windows = make_windows(make_features(prices, event_date=event), prices, lookback=config.lookback,
                           horizon=config.horizon, codes=codes, missing=config.missing)
    raw = dict(zip(PARTS, chronological_split(windows, train=config.train, val=config.val,
                                               embargo=config.embargo), strict=True))
    scaler = Standardizer().fit(raw["train"])
    scaled = {name: scaler.transform(part) for name, part in raw.items()}
    return Prepared(**scaled, raw=raw, windows=windows, scaler=scaler, config=config)


__all__ = ["DataConfig", "Prepared", "prepare"]
