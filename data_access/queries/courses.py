"""Family-course queries: stages month by month, the course timeline, ends and flows.

Stages come from `stages.stage_of` only. Month-by-month counts read the
stage changes the loader stores (`stage_changes.py`) for the past month ends
and count the report date itself directly. Counts leave disclosed for the scope;
family-level rows (pseudonyms) only for rows `visible_families` allows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import pandas as pd
from sqlalchemy import Engine, and_, case, func, literal, select

from data_access.db.schema import coordinators, families
from data_access.db.sql import days_between
from data_access.derived.stage_changes import stages_at_month_ends
from data_access.queries.context import QueryContext
from data_access.queries.family_figures import stage_tally
from data_access.queries.intake import _as_date, counts_per_month
from data_access.rules.access import visible_families
from data_access.rules.calendar import month_ends
from data_access.rules.disclosure import count_or_label, flow_cell, suppress_breakdown
from data_access.rules.stages import (
    INTENSIVE,
    STAGE_ORDER,
    family_filter,
    has_ended,
    has_started,
    stage_of,
)

#: How far ahead "due to move to aftercare" looks.
AFTERCARE_HORIZON_DAYS: Final = 30
#: kpis.md end reasons, in display order.
END_REASONS: Final[tuple[str, ...]] = ("completed", "dropped_out", "moved", "other")


#: Courses the timeline draws at most (the newest starts).
TIMELINE_LIMIT: Final = 100
#: Families the list due to aftercare shows at most (the nearest dates first).
DUE_LIST_LIMIT: Final = 100


def stage_months(engine: Engine, context: QueryContext, first: date) -> pd.DataFrame:
    """Families per stage at each month's end from `first` to `as_of` (`as_of` for its own month).

    Columns: month_end, stage, families (int or None when suppressed),
    display (the text to show: number or "<5"). Empty when `as_of` < `first`.
    """
    if context.as_of < first:
        return pd.DataFrame(columns=["month_end", "stage", "families", "display"])
    days = month_ends(first, context.as_of)
    days[-1] = context.as_of
    with engine.connect() as conn:
        found = stages_at_month_ends(conn, context.programme_id, days[:-1], context.district_id)
        found[context.as_of] = stage_tally(
            conn, context.programme_id, context.as_of, context.district_id
        ).stages
    records = []
    for day in days:
        # The stages of one month are one breakdown (secondary rule of disclosure).
        cells = suppress_breakdown(found[day], context.scope)
        for stage in STAGE_ORDER:
            cell = cells[stage]
            records.append(
                {
                    "month_end": day,
                    "stage": stage,
                    "families": cell if isinstance(cell, int) else None,
                    "display": str(cell),
                }
            )
    return pd.DataFrame(records, columns=["month_end", "stage", "families", "display"])


def course_flow(engine: Engine, context: QueryContext) -> pd.DataFrame:
    """Courses started and ended in each month up to `as_of` (columns month_end, started, ended)."""
    columns = ["month_end", "started", "ended"]
    conditions = family_filter(context.programme_id, context.as_of, context.district_id)
    with engine.connect() as conn:
        first = conn.execute(
            select(func.min(families.c.started_on)).where(*conditions, has_started(context.as_of))
        ).scalar_one()
        if first is None:
            return pd.DataFrame(columns=columns)
        first = _as_date(first)
        started = counts_per_month(conn, families.c.started_on, first, context.as_of, conditions)
        ended = counts_per_month(conn, families.c.ended_on, first, context.as_of, conditions)
    records = [
        {
            "month_end": day,
            "started": flow_cell(started[day], context.scope),
            "ended": flow_cell(ended[day], context.scope),
        }
        for day in started
    ]
    return pd.DataFrame(records, columns=columns)


def end_reasons(engine: Engine, context: QueryContext) -> pd.DataFrame:
    """Ended courses by end reason on `as_of` (missing reason counts as "other")."""
    reason = func.coalesce(families.c.end_reason, "other")
    per_family = (
        select(reason.label("reason"))
        .where(
            *family_filter(context.programme_id, context.as_of, context.district_id),
            has_ended(context.as_of),
        )
        .subquery()
    )
    query = select(per_family.c.reason, func.count()).group_by(per_family.c.reason)
    with engine.connect() as conn:
        found = {str(r): int(n) for r, n in conn.execute(query).all()}
    cells = suppress_breakdown({r: found.get(r, 0) for r in END_REASONS}, context.scope)
    records = [{"reason": r, "families": cells[r]} for r in END_REASONS]
    return pd.DataFrame(records, columns=["reason", "families"])


def due_to_aftercare(
    engine: Engine, context: QueryContext, limit: int | None = None
) -> tuple[int | str, pd.DataFrame]:
    """Families in the intensive phase whose aftercare date falls in the next 30 days.

    Returns (count disclosed for the scope, the families the scope may see by
    pseudonym: family_id, coordinator (the coordinator's name), aftercare_due_on),
    the nearest dates first; at most `limit` of them (a city has thousands
    due in a month, and a page listing them all sent 170 KB per view).
    """
    f = families.c
    horizon = context.as_of + timedelta(days=AFTERCARE_HORIZON_DAYS)
    due = and_(
        *family_filter(context.programme_id, context.as_of, context.district_id),
        stage_of(context.as_of) == INTENSIVE,
        f.aftercare_due_on > literal(context.as_of),
        f.aftercare_due_on <= literal(horizon),
    )
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).where(due)).scalar_one())
        coordinator = func.coalesce(coordinators.c.name, f.coordinator_id)
        rows = conn.execute(
            select(f.family_id, coordinator, f.aftercare_due_on)
            .outerjoin(coordinators, coordinators.c.coordinator_id == f.coordinator_id)
            .where(due, visible_families(context.scope, families))
            .order_by(f.aftercare_due_on, f.family_id)
            .limit(limit)
        ).all()
    frame = pd.DataFrame(
        [tuple(row) for row in rows], columns=["family_id", "coordinator", "aftercare_due_on"]
    )
    return count_or_label(total, context.scope), frame


def course_timeline(
    engine: Engine, context: QueryContext, *, limit: int | None = None
) -> tuple[int, pd.DataFrame]:
    """The `limit` latest started courses as days from their start, and how many there are.

    Each course: days to aftercare, days to its end or `as_of`. A programme
    of 30 families shows them all; a city-sized one shows the newest
    `limit` (a chart of thousands of bars says nothing and costs seconds),
    in start order. Pseudonym roles (admin, the family's coordinator) get
    family_id for the families `visible_families` allows; every other role
    gets nothing (aggregates only, kpis.md): one course's dates point at a
    family, and such a row would be a person-level view. Columns: family_id, started_on,
    aftercare_days, end_days, ended, stage. `limit` None: TIMELINE_LIMIT.
    """
    columns = ["family_id", "started_on", "aftercare_days", "end_days", "ended", "stage"]
    if not context.scope.sees_pseudonyms:
        return 0, pd.DataFrame(columns=columns)
    limit = TIMELINE_LIMIT if limit is None else limit
    f = families.c
    d = literal(context.as_of)
    ended = has_ended(context.as_of)
    conditions = [
        *family_filter(context.programme_id, context.as_of, context.district_id),
        has_started(context.as_of),
    ]
    conditions.append(visible_families(context.scope, families))
    newest = (
        select(
            f.family_id,
            f.started_on,
            days_between(f.aftercare_due_on, f.started_on).label("aftercare_days"),
            days_between(case((ended, f.ended_on), else_=d), f.started_on).label("end_days"),
            case((ended, 1), else_=0).label("ended"),
            stage_of(context.as_of).label("stage"),
        )
        .where(*conditions)
        .order_by(f.started_on.desc(), f.family_id.desc())
        .limit(limit)
        .subquery("newest")
    )
    query = select(newest).order_by(newest.c.started_on, newest.c.family_id)
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).where(*conditions)).scalar_one())
        rows = conn.execute(query).all()
    return total, pd.DataFrame([tuple(row) for row in rows], columns=columns)
