"""Spend against budget: every money figure and every spend breakdown, one module.

Budget and spend are booked per programme, not per district, and carry no
counts of families or people, so no disclosure rule applies and nothing
here takes a district. The figures of kpis.md (`budget_year`, `spent_ytd`)
and each breakdown (by department, funder or activity, optionally inside one
department for the Økonomi drill; month by month; year by year) are summed
in SQL by the functions below, and each row's status comes from the one rule
in `rules.spend`. No query selects `spend.family_id`, so booked rows never
reach a page with a family reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final, Literal

import pandas as pd
from sqlalchemy import Connection, Engine, case, func, literal, select
from sqlalchemy.sql.expression import ColumnElement

from data_access.db.schema import budget, departments, spend
from data_access.db.sql import date_field
from data_access.queries.context import QueryContext
from data_access.rules.calendar import month_end, month_ends
from data_access.rules.spend import expected_share, spend_status

SpendBy = Literal["department", "funder", "activity"]

#: Columns of `spend_breakdown`, in order.
BREAKDOWN_COLUMNS: Final[tuple[str, ...]] = (
    "key",
    "name",
    "budget_year",
    "spent_ytd",
    "spent_share",
    "expected_share",
    "forecast_year",
    "variance_dkk",
    "variance_share",
    "status",
)
#: Columns of `spend_by_month`.
MONTH_COLUMNS: Final[tuple[str, ...]] = ("month", "spent", "cumulative", "planned_cumulative")
#: Columns of `spend_by_year`.
YEAR_COLUMNS: Final[tuple[str, ...]] = (
    "year",
    "budget",
    "budget_municipal",
    "budget_state",
    "spent",
    "spent_share",
)

_COLUMN: Final[dict[str, str]] = {
    "department": "department_id",
    "funder": "funder_id",
    "activity": "activity",
}


def _budget_filter(
    programme_id: str, year: int, department_id: str | None = None, activity: str | None = None
) -> list[ColumnElement[bool]]:
    """The programme's budget rows for `year`, optionally of one department and activity."""
    conditions = [budget.c.programme_id == programme_id, budget.c.year == year]
    if department_id is not None:
        conditions.append(budget.c.department_id == department_id)
    if activity is not None:
        conditions.append(budget.c.activity == activity)
    return conditions


def _spend_filter(
    programme_id: str, as_of: date, department_id: str | None = None, activity: str | None = None
) -> list[ColumnElement[bool]]:
    """Spend booked 1 January of D's year through D (corrections included), optionally narrowed."""
    conditions = [
        spend.c.programme_id == programme_id,
        spend.c.booked_on >= literal(date(as_of.year, 1, 1)),
        spend.c.booked_on <= literal(as_of),
    ]
    if department_id is not None:
        conditions.append(spend.c.department_id == department_id)
    if activity is not None:
        conditions.append(spend.c.activity == activity)
    return conditions


def budget_year(conn: Connection, programme_id: str, year: int) -> float | None:
    """Sum of the programme's budget rows for `year`; None when the year has no budget rows."""
    total = conn.execute(
        select(func.sum(budget.c.amount_dkk)).where(*_budget_filter(programme_id, year))
    ).scalar_one()
    return None if total is None else float(total)


def spent_ytd(conn: Connection, programme_id: str, as_of: date) -> float:
    """Sum of spend booked this year up to D; 0 when nothing was booked."""
    total = conn.execute(
        select(func.sum(spend.c.amount_dkk)).where(*_spend_filter(programme_id, as_of))
    ).scalar_one()
    return 0.0 if total is None else float(total)


def budget_by(
    conn: Connection, programme_id: str, year: int, by: SpendBy, department_id: str | None = None
) -> dict[str, float]:
    """Budget for `year` summed per department, funder or activity (inside one department)."""
    key = budget.c[_COLUMN[by]]
    rows = conn.execute(
        select(key, func.sum(budget.c.amount_dkk))
        .where(*_budget_filter(programme_id, year, department_id))
        .group_by(key)
    ).all()
    return {str(k): float(v) for k, v in rows}


def spent_by(
    conn: Connection, programme_id: str, as_of: date, by: SpendBy, department_id: str | None = None
) -> dict[str, float]:
    """Spend this year up to D summed per department, funder or activity (inside one department)."""
    key = spend.c[_COLUMN[by]]
    rows = conn.execute(
        select(key, func.sum(spend.c.amount_dkk))
        .where(*_spend_filter(programme_id, as_of, department_id))
        .group_by(key)
    ).all()
    return {str(k): float(v) for k, v in rows}


def spend_breakdown(
    engine: Engine, context: QueryContext, by: SpendBy, *, department_id: str | None = None
) -> pd.DataFrame:
    """Budget and spend per department, funder or activity, with the columns of the totals.

    One row per key that has budget for D's year or spend this year up to D,
    largest budget first; with `department_id`, over that department's
    budget and spend only (the drill from department to activity), else the
    rows sum to the programme's figures. Missing values are NaN: budget_year
    where the key has no budget row, spent_share and variance_share where
    there is no budget to divide by. variance_dkk = spent_ytd -
    expected_share * budget_year, counting a missing budget as 0 (unbudgeted
    spend is all variance); variance_share = spent_share - expected_share;
    status = `rules.spend.spend_status` of the row (None without a budget).
    No counts of families or people appear here, so every role sees the same
    table; `scope` is taken for a uniform call.
    """
    with engine.connect() as conn:
        budgets = budget_by(conn, context.programme_id, context.as_of.year, by, department_id)
        spent = spent_by(conn, context.programme_id, context.as_of, by, department_id)
        keys = sorted(set(budgets) | set(spent))
        names = _department_names(conn, keys) if by in ("department", "funder") else {}
    day, days_in_year = expected_share(context.as_of)
    expected = day / days_in_year
    rows = []
    for key in keys:
        planned = budgets.get(key)
        used = spent.get(key, 0.0)
        share = used / planned if planned else None
        rows.append(
            (
                key,
                names.get(key, key),
                planned,
                used,
                share,
                expected,
                used / expected,
                used - expected * (planned or 0.0),
                None if share is None else share - expected,
            )
        )
    frame = pd.DataFrame(rows, columns=list(BREAKDOWN_COLUMNS[:-1]))
    numeric = list(BREAKDOWN_COLUMNS[2:-1])
    frame[numeric] = frame[numeric].astype("float64")
    ordered = frame.sort_values(
        ["budget_year", "name"], ascending=[False, True], na_position="last", kind="stable"
    ).reset_index(drop=True)
    return with_status(ordered)


def with_status(frame: pd.DataFrame) -> pd.DataFrame:
    """A breakdown with its status column (re)computed from forecast_year and budget_year.

    For breakdowns stored before the status was part of them (frozen
    quarters): the status is a function of the row, so it is the same.
    """
    shown = frame.copy()
    statuses = [
        spend_status(_number(f), _number(b))
        for f, b in zip(shown["forecast_year"], shown["budget_year"], strict=True)
    ]
    # An object column, so that "no status" stays None and is not made NaN.
    shown["status"] = pd.Series(statuses, index=shown.index, dtype=object)
    return shown


def _number(value: object) -> float | None:
    """A frame cell as a float; None for NaN and None."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return float(value)  # type: ignore[arg-type]


def _department_names(conn: Connection, keys: Sequence[str]) -> dict[str, str]:
    """Department (or funder) names for the keys of a breakdown."""
    if not keys:
        return {}
    rows = conn.execute(
        select(departments.c.department_id, departments.c.name).where(
            departments.c.department_id.in_(list(keys))
        )
    ).all()
    return {str(k): str(v) for k, v in rows}


def spend_by_month(
    engine: Engine,
    context: QueryContext,
    *,
    department_id: str | None = None,
    activity: str | None = None,
) -> pd.DataFrame:
    """Spend per month of D's year up to D, cumulated, against the linear budget line.

    One row per month from January to D's month (months without spend read
    0). planned_cumulative = the (filtered) year budget x day of year of the
    month's last day (D for D's own month) / days in the year: where the
    linear plan says spend should stand; NaN when the year has no budget.
    """
    month = date_field("month", spend.c.booked_on).label("month")
    with engine.connect() as conn:
        by_month = {
            int(m): float(v)
            for m, v in conn.execute(
                select(month, func.sum(spend.c.amount_dkk))
                .where(*_spend_filter(context.programme_id, context.as_of, department_id, activity))
                .group_by(month)
            ).all()
        }
        year_budget = conn.execute(
            select(func.sum(budget.c.amount_dkk)).where(
                *_budget_filter(context.programme_id, context.as_of.year, department_id, activity)
            )
        ).scalar_one()
    ends = month_ends(date(context.as_of.year, 1, 1), context.as_of)
    ends[-1] = context.as_of
    days_in_year = expected_share(context.as_of)[1]
    rows = []
    running = 0.0
    for end in ends:
        spent = by_month.get(end.month, 0.0)
        running += spent
        planned = (
            None
            if year_budget is None
            else float(year_budget) * expected_share(end)[0] / days_in_year
        )
        rows.append((date(end.year, end.month, 1), spent, running, planned))
    frame = pd.DataFrame(rows, columns=list(MONTH_COLUMNS))
    frame[list(MONTH_COLUMNS[1:])] = frame[list(MONTH_COLUMNS[1:])].astype("float64")
    return frame


def month_end_points(months: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """`spend_by_month` as the report's points: month_end (D for its own month), spent_ytd, planned.

    The report's chart and its frozen copies keep these columns; the values
    are the month table's own cumulative spend and linear plan.
    """
    return pd.DataFrame(
        {
            "month_end": [min(month_end(m), as_of) for m in months["month"]],
            "spent_ytd": list(months["cumulative"]),
            "planned": [None if pd.isna(v) else float(v) for v in months["planned_cumulative"]],
        }
    )


def spend_by_year(engine: Engine, context: QueryContext) -> pd.DataFrame:
    """Every year of the programme side by side: budget (municipal and state part) and spend.

    One row per year that has budget or spend booked up to D. Municipal =
    funders of kind `forvaltning`, state = kind `stat` (the ministry); other
    funders count only in the total. Spend is booked on or before D, so the
    report date's own year is the year to date.
    """
    # Summed per booking day first: the day sums stream from the (programme,
    # booked_on) index, and taking the year of a few hundred days is cheap
    # where the year of every row was not (SQLite, scale 1000: 0.42 -> 0.13 s).
    daily = (
        select(spend.c.booked_on.label("day"), func.sum(spend.c.amount_dkk).label("amount"))
        .where(
            spend.c.programme_id == context.programme_id,
            spend.c.booked_on <= literal(context.as_of),
        )
        .group_by(spend.c.booked_on)
        .subquery("daily")
    )
    year = date_field("year", daily.c.day).label("year")
    kind = departments.c.kind
    with engine.connect() as conn:
        planned = conn.execute(
            select(
                budget.c.year,
                func.sum(budget.c.amount_dkk),
                func.sum(_when(kind == "forvaltning", budget.c.amount_dkk)),
                func.sum(_when(kind == "stat", budget.c.amount_dkk)),
            )
            .join(departments, departments.c.department_id == budget.c.funder_id)
            .where(budget.c.programme_id == context.programme_id)
            .group_by(budget.c.year)
        ).all()
        used: dict[int, float] = dict(
            conn.execute(select(year, func.sum(daily.c.amount)).group_by(year)).all()
        )
    budgets = {int(y): (float(t), float(m or 0.0), float(s or 0.0)) for y, t, m, s in planned}
    rows = []
    for y in sorted(set(budgets) | {int(k) for k in used}):
        total, municipal, state = budgets.get(y, (None, None, None))
        spent = float(used.get(y) or 0.0)
        rows.append((y, total, municipal, state, spent, spent / total if total else None))
    frame = pd.DataFrame(rows, columns=list(YEAR_COLUMNS))
    frame[list(YEAR_COLUMNS[1:])] = frame[list(YEAR_COLUMNS[1:])].astype("float64")
    return frame


def _when(condition: ColumnElement[bool], value: ColumnElement[float]) -> ColumnElement[float]:
    return case((condition, value), else_=0)


def department_activities(engine: Engine, context: QueryContext, department_id: str) -> list[str]:
    """The activities a department has budget or spend for in D's year (the drill's choices)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(budget.c.activity)
            .where(*_budget_filter(context.programme_id, context.as_of.year, department_id))
            .union(
                select(spend.c.activity).where(
                    *_spend_filter(context.programme_id, context.as_of, department_id)
                )
            )
        ).all()
    return sorted(str(r[0]) for r in rows)
