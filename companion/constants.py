"""Calendar constants of the course that several modules share, each defined here once.

This module imports nothing, so any module of the package may use it. The market's trading rules
(price bands, tick, lot, fees, dividend tax) live in `companion.rules`.
"""

from __future__ import annotations

# A-share trading days per year (243-245 in 2014-2018): annualises returns, volatility, Sharpe.
TRADING_DAYS_PER_YEAR = 244

# The Xiong'an New Area was announced on Saturday 2017-04-01; the first trading day after it, when
# the concept stocks opened at limit-up, is the course's event day.
EVENT_DATE = "2017-04-05"

__all__ = ["TRADING_DAYS_PER_YEAR", "EVENT_DATE"]
