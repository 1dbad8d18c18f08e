"""kpis.md `spend_status`: one rule, forecast_year / budget_year, for every row and surface."""

from __future__ import annotations

from datetime import date

import pytest

from data_access.rules.spend import SpendStatus, expected_share, spend_status


@pytest.mark.parametrize(
    ("forecast", "budget", "status"),
    [
        # 105 / 100 = 1,05 exactly: not above 1,05, so on plan.
        (105.0, 100.0, SpendStatus.ON_PLAN),
        # 105,01 / 100 = 1,0501: above 1,05.
        (105.01, 100.0, SpendStatus.OVER),
        # 90 / 100 = 0,90 exactly: not below 0,90, so on plan.
        (90.0, 100.0, SpendStatus.ON_PLAN),
        # 89,99 / 100 = 0,8999: below 0,90.
        (89.99, 100.0, SpendStatus.UNDER),
        (100.0, 100.0, SpendStatus.ON_PLAN),
        # Nothing spent against a budget: forecast 0 is an underspend.
        (0.0, 100.0, SpendStatus.UNDER),
    ],
)
def test_bounds_belong_to_on_plan(forecast: float, budget: float, status: SpendStatus) -> None:
    assert spend_status(forecast, budget) is status


@pytest.mark.parametrize("budget", [0.0, None])
def test_no_status_without_a_budget(budget: float | None) -> None:
    # Spend without a budget for the year has nothing to be measured against.
    assert spend_status(50_000.0, budget) is None
    assert spend_status(0.0, budget) is None


def test_linear_plan() -> None:
    # 30 June 2011: day 181 of 365; 29 February 2012: day 60 of 366.
    assert expected_share(date(2011, 6, 30)) == (181, 365)
    assert expected_share(date(2012, 2, 29)) == (60, 366)
