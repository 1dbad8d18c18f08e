"""Spend against budget for the Økonomi page: breakdowns, months and all years.

The totals and per-key columns follow kpis.md and `figures.spend_by`; this
module adds what the page needs on top: a department filter for the drill
(department -> activity -> month), spend month by month against the linear
budget line, every year of the programme side by side, and one status rule.
Everything is summed in SQL; no query selects `spend.family_id`, so booked
rows never reach the page with a family reference.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

import pandas as pd
from sqlalchemy import Connection, Engine, case, func, literal, select
from sqlalchemy.sql.expression import ColumnElement

from data_access.db.schema import budget, departments, spend
from data_access.db.sql import date_field
from data_access.queries.figures import SPEND_COLUMNS, spend_by
from data_access.queries.money_figures import SpendBy, expected_share
from data_access.rules.access import SYSTEM, Scope
from data_access.rules.calendar import month_ends

#: A key is "over budget" when its year forecast exceeds this share of its budget.
OVER_BUDGET_ABOVE: Final = 1.05
#: A key is "under-spending" when its year forecast is below this share of its budget.
UNDER_SPEND_BELOW: Final = 0.90

Status = Literal["over", "under", "on_plan", "no_budget"]

#: Columns of `spend_breakdown`: those of `figures.spend_by` plus the status.
BREAKDOWN_COLUMNS: Final[tuple[str, ...]] = (*SPEND_COLUMNS, "status")
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


def spend_status(forecast: float | None, planned: float | None) -> Status:
    """Where the year is heading for one row, from its forecast against its budget.

    Forecast above OVER_BUDGET_ABOVE x budget is "over", below
    UNDER_SPEND_BELOW x budget "under", otherwise "on_plan". Without a
    budget there is nothing to compare with ("no_budget").
    """
    if not planned:
        return "no_budget"
    ratio = (forecast or 0.0) / planned
    if ratio > OVER_BUDGET_ABOVE:
        return "over"
    if ratio < UNDER_SPEND_BELOW:
        return "under"
    return "on_plan"


def _key(table_key: SpendBy, table: str) -> ColumnElement[str]:
    source = budget if table == "budget" else spend
    column = {"department": "department_id", "funder": "funder_id", "activity": "activity"}
    return source.c[column[table_key]]


def spend_breakdown(
    engine: Engine,
    programme_id: str,
    as_of: date,
    by: SpendBy,
    *,
    department_id: str | None = None,
    scope: Scope = SYSTEM,
) -> pd.DataFrame:
    """`figures.spend_by` with a status column, optionally inside one department.

    Without `department_id` this is exactly `spend_by` (so the page's table
    sums to the headline); with it, the same columns over that department's
    budget and spend only, for the drill from department to activity.
    """
    if department_id is None:
        frame = spend_by(engine, programme_id, as_of, by, scope=scope)
    else:
        frame = _filtered_breakdown(engine, programme_id, as_of, by, department_id)
    frame["status"] = [
        spend_status(f, None if pd.isna(b) else b)
        for f, b in zip(frame["forecast_year"], frame["budget_year"], strict=True)
    ]
    return frame


def _filtered_breakdown(
    engine: Engine, programme_id: str, as_of: date, by: SpendBy, department_id: str
) -> pd.DataFrame:
    """The columns of `spend_by` (same definitions) over one department's rows."""
    budget_key = _key(by, "budget")
    spend_key = _key(by, "spend")
    with engine.connect() as conn:
        planned: dict[str, float] = dict(
            conn.execute(
                select(budget_key, func.sum(budget.c.amount_dkk))
                .where(
                    budget.c.programme_id == programme_id,
                    budget.c.year == as_of.year,
                    budget.c.department_id == department_id,
                )
                .group_by(budget_key)
            ).all()
        )
        used: dict[str, float] = dict(
            conn.execute(
                select(spend_key, func.sum(spend.c.amount_dkk))
                .where(*_ytd(programme_id, as_of), spend.c.department_id == department_id)
                .group_by(spend_key)
            ).all()
        )
        keys = sorted({str(k) for k in planned} | {str(k) for k in used})
        names = _names(conn, keys) if by != "activity" else {}
    day, days_in_year = expected_share(as_of)
    expected = day / days_in_year
    rows = []
    for key in keys:
        plan = None if planned.get(key) is None else float(planned[key])
        spent = float(used.get(key) or 0.0)
        share = spent / plan if plan else None
        rows.append(
            (
                key,
                names.get(key, key),
                plan,
                spent,
                share,
                expected,
                spent / expected,
                spent - expected * (plan or 0.0),
                None if share is None else share - expected,
            )
        )
    frame = pd.DataFrame(rows, columns=list(SPEND_COLUMNS))
    numeric = list(SPEND_COLUMNS[2:])
    frame[numeric] = frame[numeric].astype("float64")
    return frame.sort_values(
        ["budget_year", "name"], ascending=[False, True], na_position="last", kind="stable"
    ).reset_index(drop=True)


def _ytd(programme_id: str, as_of: date) -> list[ColumnElement[bool]]:
    return [
        spend.c.programme_id == programme_id,
        spend.c.booked_on >= literal(date(as_of.year, 1, 1)),
        spend.c.booked_on <= literal(as_of),
    ]


def _names(conn: Connection, keys: list[str]) -> dict[str, str]:
    rows = conn.execute(
        select(departments.c.department_id, departments.c.name).where(
            departments.c.department_id.in_(keys)
        )
    ).all()
    return {str(k): str(v) for k, v in rows}


def spend_by_month(
    engine: Engine,
    programme_id: str,
    as_of: date,
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
    spend_filter = _ytd(programme_id, as_of)
    budget_filter = [budget.c.programme_id == programme_id, budget.c.year == as_of.year]
    if department_id is not None:
        spend_filter.append(spend.c.department_id == department_id)
        budget_filter.append(budget.c.department_id == department_id)
    if activity is not None:
        spend_filter.append(spend.c.activity == activity)
        budget_filter.append(budget.c.activity == activity)
    with engine.connect() as conn:
        by_month = {
            int(m): float(v)
            for m, v in conn.execute(
                select(month, func.sum(spend.c.amount_dkk)).where(*spend_filter).group_by(month)
            ).all()
        }
        year_budget = conn.execute(
            select(func.sum(budget.c.amount_dkk)).where(*budget_filter)
        ).scalar_one()
    ends = month_ends(date(as_of.year, 1, 1), as_of)
    ends[-1] = as_of
    days_in_year = expected_share(as_of)[1]
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


def spend_by_year(engine: Engine, programme_id: str, as_of: date) -> pd.DataFrame:
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
        .where(spend.c.programme_id == programme_id, spend.c.booked_on <= literal(as_of))
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
            .where(budget.c.programme_id == programme_id)
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


def department_activities(
    engine: Engine, programme_id: str, as_of: date, department_id: str
) -> list[str]:
    """The activities a department has budget or spend for in D's year (the drill's choices)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(budget.c.activity)
            .where(
                budget.c.programme_id == programme_id,
                budget.c.year == as_of.year,
                budget.c.department_id == department_id,
            )
            .union(
                select(spend.c.activity).where(
                    *_ytd(programme_id, as_of), spend.c.department_id == department_id
                )
            )
        ).all()
    return sorted(str(r[0]) for r in rows)
