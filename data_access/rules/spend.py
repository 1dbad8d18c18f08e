"""Spend against budget: the linear plan and the spend status (kpis.md), one rule for every row.

The same status is given to the programme and to every department, funder
and activity row, on every page, in the presentation and in the report: a
row's year-end forecast against its budget. The linear plan says how much
of a year's budget should be spent by a day if money were spent evenly.
"""

from __future__ import annotations

import calendar
from datetime import date
from enum import StrEnum
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
    """
    ratio = forecast_ratio(forecast, budget)
    if ratio is None:
        return None
    if ratio > OVER_BUDGET_ABOVE:
        return SpendStatus.OVER
    if ratio < UNDER_SPEND_BELOW:
        return SpendStatus.UNDER
    return SpendStatus.ON_PLAN
