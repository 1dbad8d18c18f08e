"""Budget and spend figures of kpis.md: sums in SQL, the linear plan in Python.

Budget and spend are booked per programme, not per district, so nothing here
takes a district.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Literal

from sqlalchemy import Connection, func, literal, select
from sqlalchemy.sql.expression import ColumnElement

from data_access.db.schema import budget, spend

SpendBy = Literal["department", "funder", "activity"]

_BUDGET_KEY: dict[str, ColumnElement[str]] = {
    "department": budget.c.department_id,
    "funder": budget.c.funder_id,
    "activity": budget.c.activity,
}
_SPEND_KEY: dict[str, ColumnElement[str]] = {
    "department": spend.c.department_id,
    "funder": spend.c.funder_id,
    "activity": spend.c.activity,
}


def expected_share(as_of: date) -> tuple[int, int]:
    """(day of year, days in year) of `as_of`: the linear plan; 2012-02-29 is 60/366."""
    days_in_year = 366 if calendar.isleap(as_of.year) else 365
    return as_of.timetuple().tm_yday, days_in_year


def _spend_ytd_filter(programme_id: str, as_of: date) -> list[ColumnElement[bool]]:
    """Spend of the programme booked 1 January of D's year through D (corrections included)."""
    return [
        spend.c.programme_id == programme_id,
        spend.c.booked_on >= literal(date(as_of.year, 1, 1)),
        spend.c.booked_on <= literal(as_of),
    ]


def budget_year(conn: Connection, programme_id: str, year: int) -> float | None:
    """Sum of the programme's budget rows for `year`; None when the year has no budget rows."""
    total = conn.execute(
        select(func.sum(budget.c.amount_dkk)).where(
            budget.c.programme_id == programme_id, budget.c.year == year
        )
    ).scalar_one()
    return None if total is None else float(total)


def spent_ytd(conn: Connection, programme_id: str, as_of: date) -> float:
    """Sum of spend booked this year up to D; 0 when nothing was booked."""
    total = conn.execute(
        select(func.sum(spend.c.amount_dkk)).where(*_spend_ytd_filter(programme_id, as_of))
    ).scalar_one()
    return 0.0 if total is None else float(total)


def budget_by(conn: Connection, programme_id: str, year: int, by: SpendBy) -> dict[str, float]:
    """Budget for `year` summed per department, funder or activity."""
    key = _BUDGET_KEY[by]
    rows = conn.execute(
        select(key, func.sum(budget.c.amount_dkk))
        .where(budget.c.programme_id == programme_id, budget.c.year == year)
        .group_by(key)
    ).all()
    return {str(k): float(v) for k, v in rows}


def spent_by(conn: Connection, programme_id: str, as_of: date, by: SpendBy) -> dict[str, float]:
    """Spend this year up to D summed per department, funder or activity."""
    key = _SPEND_KEY[by]
    rows = conn.execute(
        select(key, func.sum(spend.c.amount_dkk))
        .where(*_spend_ytd_filter(programme_id, as_of))
        .group_by(key)
    ).all()
    return {str(k): float(v) for k, v in rows}
