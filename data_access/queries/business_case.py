"""The prevention business case: cost per family course against the measures it aims to prevent.

Spend per calendar year (booked on or before D) and family-months per year
(families active on each month's last day, D for its own month, as kpis.md's
`cost_per_family_month`, but from the programme's first month instead of
only D's year), and the unit costs from unit_costs.csv in force on D. The
arithmetic is in `rules.prevention`. Spend is programme-wide, so the case
ignores the district filter, as the spend figures do.

Family-months are counts of families: for a suppressed role a year with
1-4 family-months shows neither that count nor the costs divided by it, and
then the total's costs are not shown either (the hidden year could be
worked out from the total and the other years). Other family-month counts
are rounded as `rules.disclosure.rounded` rounds every count, and the costs
are divided by the rounded count (an exact divisor would give the count back
from the spend, as on Økonomi).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import pandas as pd
from sqlalchemy import Connection, Engine, func, literal, select

from data_access.db.schema import families, spend, unit_costs
from data_access.db.sql import date_field
from data_access.derived.stage_changes import stages_at_month_ends
from data_access.queries.context import QueryContext
from data_access.queries.programmes import read_programme
from data_access.rules.calendar import month_ends
from data_access.rules.disclosure import SUPPRESSED, below_threshold, rounded
from data_access.rules.prevention import (
    UnitCost,
    cost_per_course,
    cost_per_family_month,
    courses_per_measure_year,
    measure_years,
    unit_costs_in_force,
    years_to_pay_course,
)
from data_access.rules.stages import ACTIVE_STAGES, is_active

#: Columns of `BusinessCase.years` (one row per calendar year, then none for the total).
YEAR_COLUMNS: Final[tuple[str, ...]] = (
    "year",
    "spent",
    "cumulative_spent",
    "family_months",
    "cost_per_family_month",
    "cost_per_course",
)
#: Columns of `BusinessCase.measures` (one row per measure with a price in force on D).
MEASURE_COLUMNS: Final[tuple[str, ...]] = (
    "measure",
    "name",
    "yearly_cost_dkk",
    "valid_from",
    "source",
    "years_per_course",
    "courses_per_measure_year",
    "measures_this_year",
    "measure_years_to_date",
)


@dataclass(frozen=True)
class BusinessCase:
    """Everything the page, the presentation and the report show of the case at D."""

    as_of: date
    course_months: int
    #: YEAR_COLUMNS; family_months is None and `family_months_display` "<5" where hidden.
    years: pd.DataFrame
    spent_total: float
    family_months_total: int | None
    cost_per_family_month: float | None
    cost_per_course: float | None
    #: MEASURE_COLUMNS, ordered as `rules.prevention.KNOWN_MEASURES`.
    measures: pd.DataFrame
    unit_costs: tuple[UnitCost, ...]

    @property
    def spent_this_year(self) -> float:
        """Spend in D's year to D (the last row of `years`)."""
        this = self.years[self.years["year"] == self.as_of.year]
        return float(this["spent"].iloc[0]) if len(this) else 0.0


def business_case(engine: Engine, context: QueryContext) -> BusinessCase:
    """The case for the context's programme at D, disclosed for the context's scope."""
    with engine.connect() as conn:
        info = read_programme(conn, context.programme_id)
        spent = _spent_by_year(conn, context.programme_id, context.as_of)
        first = _first_day(conn, context.programme_id, info.starts_on, context.as_of, spent)
        months = _family_months_by_year(conn, context.programme_id, first, context.as_of)
        prices = _unit_costs(conn)
    in_force = tuple(unit_costs_in_force(prices, context.as_of))
    years = sorted(set(spent) | set(months))
    hide = context.scope.suppressed
    rows = []
    cumulative = 0.0
    any_hidden = False
    for year in years:
        amount = spent.get(year, 0.0)
        cumulative += amount
        count = _shown(months.get(year, 0), hide)
        hidden = hide and below_threshold(months.get(year, 0))
        any_hidden |= hidden
        rows.append(
            (
                year,
                amount,
                cumulative,
                None if hidden else count,
                None if hidden else cost_per_family_month(amount, count),
                None if hidden else cost_per_course(amount, count, info.course_months),
            )
        )
    frame = pd.DataFrame(rows, columns=list(YEAR_COLUMNS))
    frame["family_months_display"] = [
        SUPPRESSED if hide and below_threshold(months.get(y, 0)) else None for y in years
    ]
    total_exact = sum(months.values())
    total_months = _shown(total_exact, hide)
    total_hidden = any_hidden or (hide and below_threshold(total_exact))
    per_course = (
        None if total_hidden else cost_per_course(cumulative, total_months, info.course_months)
    )
    this_year = spent.get(context.as_of.year, 0.0)
    measures = pd.DataFrame(
        [
            (
                price.measure,
                price.name,
                price.yearly_cost_dkk,
                price.valid_from,
                price.source,
                years_to_pay_course(per_course, price.yearly_cost_dkk),
                courses_per_measure_year(per_course, price.yearly_cost_dkk),
                measure_years(this_year, price.yearly_cost_dkk),
                measure_years(cumulative, price.yearly_cost_dkk),
            )
            for price in in_force
        ],
        columns=list(MEASURE_COLUMNS),
    )
    return BusinessCase(
        as_of=context.as_of,
        course_months=info.course_months,
        years=frame,
        spent_total=cumulative,
        family_months_total=None if total_hidden else total_months,
        cost_per_family_month=None
        if total_hidden
        else cost_per_family_month(cumulative, total_months),
        cost_per_course=per_course,
        measures=measures,
        unit_costs=in_force,
    )


def _shown(family_months: int, suppressed: bool) -> int:
    """The family-month count a caller sees: rounded to 5 for a suppressed role."""
    if suppressed and not below_threshold(family_months):
        return rounded(family_months)
    return family_months


def _spent_by_year(conn: Connection, programme_id: str, as_of: date) -> dict[int, float]:
    """Spend per calendar year, booked on or before D (D's year: the year to date)."""
    daily = (
        select(spend.c.booked_on.label("day"), func.sum(spend.c.amount_dkk).label("amount"))
        .where(spend.c.programme_id == programme_id, spend.c.booked_on <= literal(as_of))
        .group_by(spend.c.booked_on)
        .subquery("daily")
    )
    year = date_field("year", daily.c.day).label("year")
    rows = conn.execute(select(year, func.sum(daily.c.amount)).group_by(year)).all()
    return {int(y): float(amount or 0.0) for y, amount in rows}


def _first_day(
    conn: Connection, programme_id: str, starts_on: date, as_of: date, spent: dict[int, float]
) -> date:
    """1 January of the first year with spend, a started family or the programme's start."""
    started = conn.execute(
        select(func.min(families.c.started_on)).where(families.c.programme_id == programme_id)
    ).scalar_one_or_none()
    years = [starts_on.year, *spent]
    if isinstance(started, date):
        years.append(started.year)
    return date(min(min(years), as_of.year), 1, 1)


def _family_months_by_year(
    conn: Connection, programme_id: str, first: date, as_of: date
) -> dict[int, int]:
    """Per year, families active on each month's last day before D's month, plus active on D."""
    days = month_ends(first, as_of)[:-1]
    counts = stages_at_month_ends(conn, programme_id, days)
    result: dict[int, int] = {}
    for day, stages in counts.items():
        result[day.year] = result.get(day.year, 0) + sum(stages[s] for s in ACTIVE_STAGES)
    active_now = conn.execute(
        select(func.count()).where(families.c.programme_id == programme_id, is_active(as_of))
    ).scalar_one()
    result[as_of.year] = result.get(as_of.year, 0) + int(active_now)
    return {year: months for year, months in result.items() if months or year == as_of.year}


def _unit_costs(conn: Connection) -> list[UnitCost]:
    c = unit_costs.c
    rows = conn.execute(
        select(c.measure, c.name, c.yearly_cost_dkk, c.valid_from, c.source).order_by(
            c.measure, c.valid_from
        )
    ).all()
    return [UnitCost(m, n, float(cost), v, s) for m, n, cost, v, s in rows]
