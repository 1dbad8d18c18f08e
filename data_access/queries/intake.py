"""Intake (visitation) queries: the funnel, waiting time per step, referrals per month.

Every query aggregates in SQL and returns a small DataFrame whose family
counts are already disclosed for the caller's scope (`count_or_label`), so
a page never sees a count it may not show.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    and_,
    case,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.sql.expression import ColumnElement

from data_access.db.medians import middle_value, running_counts
from data_access.db.planner import first_on_sqlite
from data_access.db.schema import districts, families
from data_access.db.sql import days_between, month_number
from data_access.queries.context import QueryContext
from data_access.rules.calendar import month_ends
from data_access.rules.disclosure import (
    count_or_label,
    flow_cell,
    suppress_breakdown,
    withhold_small_base,
)
from data_access.rules.stages import family_filter, not_ended

#: Funnel steps in order; a family has reached a step when it or any later step is dated.
FUNNEL_STEPS: Final[tuple[str, ...]] = ("referred", "investigation", "approved", "started")
#: Waiting steps: (id, from step, to step).
WAIT_STEPS: Final[tuple[str, ...]] = ("referred", "investigation", "approved")
#: A family waiting longer than this at one step counts as slow.
SLOW_DAYS: Final = 30


def _reached(as_of: date) -> list[ColumnElement[int]]:
    """One 0/1 column per funnel step: the family got that far by `as_of`."""
    f = families.c
    d = literal(as_of)
    dates = [
        f.referred_on,
        func.coalesce(f.investigation_on, f.approved_on, f.started_on),
        func.coalesce(f.approved_on, f.started_on),
        f.started_on,
    ]
    return [
        func.sum(case((day <= d, 1), else_=0)).label(step)
        for day, step in zip(dates, FUNNEL_STEPS, strict=True)
    ]


def intake_funnel(engine: Engine, context: QueryContext) -> pd.DataFrame:
    """Families that reached each funnel step by `as_of`, per district (long format).

    Columns: district_id, district, step, families (int, or "<5" for a
    suppressed scope). A row for every district with a family of the
    programme, whatever `as_of` (0 before its first referral): a row that
    appeared with a district's first referral said 1 or more where its cell
    reads `<5`, and no row 0.
    """
    query = (
        select(families.c.district_id, districts.c.name, *_reached(context.as_of))
        .join(districts, districts.c.district_id == families.c.district_id)
        .where(*family_filter(context.programme_id, date.max, context.district_id))
        .group_by(families.c.district_id, districts.c.name)
        .order_by(districts.c.name)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    # Each step's districts are one breakdown (secondary rule of disclosure).
    steps = [
        suppress_breakdown({row[0]: int(row[2 + i] or 0) for row in rows}, context.scope)
        for i in range(len(FUNNEL_STEPS))
    ]
    records = [
        {
            "district_id": row[0],
            "district": row[1],
            "step": step,
            "families": steps[i][row[0]],
        }
        for row in rows
        for i, step in enumerate(FUNNEL_STEPS)
    ]
    return pd.DataFrame(records, columns=["district_id", "district", "step", "families"])


def intake_waits(engine: Engine, context: QueryContext) -> pd.DataFrame:
    """Waiting time at each intake step: median days (finished waits), finished, waiting, slow.

    A step runs from its date to the next dated step (a missing § 50 date is
    skipped). Families still waiting on `as_of` (and not ended) wait until
    `as_of`; slow = finished or still waiting after more than SLOW_DAYS days.
    Columns: step, median_days, finished, waiting, slow. The programme's
    families are read once for the three steps on SQLite (`planner.py`).
    """
    programme_families = first_on_sqlite(
        select(
            families.c.referred_on,
            families.c.investigation_on,
            families.c.approved_on,
            families.c.started_on,
            families.c.ended_on,
        ).where(*family_filter(context.programme_id, context.as_of, context.district_id)),
        "programme_families",
    )
    f = programme_families.c
    d = literal(context.as_of)
    ends = [
        func.coalesce(f.investigation_on, f.approved_on, f.started_on),
        func.coalesce(f.approved_on, f.started_on),
        f.started_on,
    ]
    starts = [f.referred_on, f.investigation_on, f.approved_on]
    parts = []
    for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
        done = and_(end.is_not(None), end <= d)
        waiting = and_(~done, not_ended(context.as_of, programme_families))
        parts.append(
            select(
                literal(index, Integer).label("step"),
                case((done, 1), else_=0).label("done"),
                days_between(case((done, end), else_=d), start).label("days"),
            ).where(start.is_not(None), start <= d, done | waiting)
        )
    steps = union_all(*parts).subquery("steps")
    histogram = (
        select(steps.c.step, steps.c.done, steps.c.days.label("value"), func.count().label("n"))
        .group_by(steps.c.step, steps.c.done, steps.c.days)
        .subquery("histogram")
    )
    # Each row is finished or waiting (the WHERE above), never both.
    counts = running_counts(histogram, partition_by=("step", "done"))
    c = counts.c
    finished = c.done == 1
    query = select(
        c.step,
        middle_value(counts, only=finished),
        func.sum(case((finished, c.n), else_=0)),
        func.sum(case((~finished, c.n), else_=0)),
        func.sum(case((c.value > SLOW_DAYS, c.n), else_=0)),
    ).group_by(c.step)
    with engine.connect() as conn:
        found = {int(row[0]): row[1:] for row in conn.execute(query).all()}
    records = []
    for index, step in enumerate(WAIT_STEPS):
        median, finished, waiting, slow = found.get(index, (None, 0, 0, 0))
        median_value, median_display = withhold_small_base(
            None if median is None else float(median), int(finished or 0), context.scope
        )
        records.append(
            {
                "step": step,
                "median_days": median_display if median_display else median_value,
                "finished": count_or_label(int(finished or 0), context.scope),
                "waiting": count_or_label(int(waiting or 0), context.scope),
                "slow": count_or_label(int(slow or 0), context.scope),
            }
        )
    return pd.DataFrame(records, columns=["step", "median_days", "finished", "waiting", "slow"])


def referrals_per_month(engine: Engine, context: QueryContext) -> pd.DataFrame:
    """Families referred in each month from the first referral (or programme start) to `as_of`.

    Columns: month_end (date), referrals (int, or "<5"). Empty before the first referral.
    """
    conditions = family_filter(context.programme_id, context.as_of, context.district_id)
    with engine.connect() as conn:
        first = conn.execute(
            select(func.min(families.c.referred_on)).where(*conditions)
        ).scalar_one()
        if first is None:
            return pd.DataFrame(columns=["month_end", "referrals"])
        counts = counts_per_month(
            conn, families.c.referred_on, _as_date(first), context.as_of, conditions
        )
    records = [
        {"month_end": day, "referrals": flow_cell(n, context.scope)} for day, n in counts.items()
    ]
    return pd.DataFrame(records, columns=["month_end", "referrals"])


def counts_per_month(
    conn: Connection,
    day: ColumnElement[date],
    first: date,
    as_of: date,
    conditions: Sequence[ColumnElement[bool]],
) -> dict[date, int]:
    """Rows whose `day` falls in each month from `first`'s to `as_of`'s (up to `as_of`).

    {month end: count}, every month present. One GROUP BY on the month
    number: joining a table of months to the rows by date range made the
    database compare every family with every month (seconds at city scale).
    """
    number = month_number(day)
    rows = conn.execute(
        select(number, func.count())
        .where(*conditions, day >= literal(first.replace(day=1)), day <= literal(as_of))
        .group_by(number)
    ).all()
    found = {int(n): int(count) for n, count in rows}
    return {end: found.get(end.year * 12 + end.month, 0) for end in month_ends(first, as_of)}


def _as_date(value: object) -> date:
    """A date from the VALUES table (SQLite may hand back ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
