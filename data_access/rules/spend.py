"""Spend against budget: the linear plan and the spend status (kpis.md), one rule for every row.

The same status is given to the programme and to every department, funder
and activity row, on every page, in the presentation and in the report: a
row's year-end forecast against its budget. The linear plan says how much
of a year's budget should be spent by a day if money were spent evenly.
"""

from __future__ import annotations

import calendar
import math
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Final

#: kpis.md `spend_status`: a forecast above this share of the budget is over budget.
OVER_BUDGET_ABOVE: Final = 1.05
#: kpis.md `spend_status`: a forecast below this share of the budget is an underspend.
UNDER_SPEND_BELOW: Final = 0.90


class SpendStatus(StrEnum):
    """Where the year is heading (kpis.md `spend_status`); labels live in the catalogue."""

    OVER = "over"
    UNDER = "under"
    ON_PLAN = "on_plan"


def expected_share(as_of: date) -> tuple[int, int]:
    """(day of year, days in year) of `as_of`: the linear plan; 2012-02-29 is 60/366."""
    days_in_year = 366 if calendar.isleap(as_of.year) else 365
    return as_of.timetuple().tm_yday, days_in_year


def forecast_ratio(forecast: float | None, budget: float | None) -> float | None:
    """forecast_year / budget_year; None without a budget (missing or 0)."""
    if not budget:
        return None
    return (forecast or 0.0) / budget


def spend_status(forecast: float | None, budget: float | None) -> SpendStatus | None:
    """The row's status from its year-end forecast against its budget (kpis.md).

    Above OVER_BUDGET_ABOVE x budget is over budget, below UNDER_SPEND_BELOW x
    budget an underspend, anything between (both bounds included) on plan.
    No status without a budget (missing or 0): there is nothing to compare.

    The comparison is made in whole øre, not on the float ratio: the forecast
    is spent / (day / days in year), and that division is off in the last
    bit often enough to push a forecast of exactly 105 % (730.000 kr. budget,
    445.200 kr. spent by 31 July) over the bound, so the app read "Over
    budget · prognose 105,0 %". Rounded to øre, a forecast on the bound is on it.
    """
    if not budget or not math.isfinite(budget) or not math.isfinite(forecast or 0.0):
        return None
    forecast_ore = _ore(Fraction(forecast or 0.0))
    if forecast_ore > _ore(Fraction(budget) * _OVER):
        return SpendStatus.OVER
    if forecast_ore < _ore(Fraction(budget) * _UNDER):
        return SpendStatus.UNDER
    return SpendStatus.ON_PLAN


#: The bounds as exact fractions (1,05 and 0,90 have no exact float).
_OVER: Final = Fraction(str(OVER_BUDGET_ABOVE))
_UNDER: Final = Fraction(str(UNDER_SPEND_BELOW))


def _ore(kroner: Fraction) -> int:
    """An amount in kroner as whole øre (half to even, as Python rounds)."""
    return round(kroner * 100)
