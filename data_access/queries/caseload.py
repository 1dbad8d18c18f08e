"""Caseload queries: families per coordinator against capacity, and one coordinator's families.

The per-coordinator load is an aggregate every caseload reader may see; the
family table is family-level and filtered with `visible_families` in SQL,
so a coordinator gets only their own families and steering gets none.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import pandas as pd
from sqlalchemy import Engine, case, func, literal, select

from data_access.db.schema import coordinators, families, interventions, meetings
from data_access.db.sql import days_after
from data_access.derived.ssp_levels import family_ssp_on
from data_access.queries.context import QueryContext
from data_access.rules.access import MIN_CELL, visible_families
from data_access.rules.calendar import whole_months_between
from data_access.rules.disclosure import count_or_label
from data_access.rules.stages import (
    ENDED,
    family_filter,
    has_started,
    is_active,
    running_on,
    stage_of,
)

#: A quarterly review is due this many days after the last one (or the start).
REVIEW_INTERVAL_DAYS: Final = 90
#: Coordinators Sagsstamme lists at most (a city has thousands; search finds the others).
COORDINATOR_LIMIT: Final = 30

FAMILY_COLUMNS: Final[tuple[str, ...]] = (
    "family_id",
    "stage",
    "months_in_course",
    "last_coordination",
    "next_review_due",
    "review_overdue",
    "departments",
    "open_interventions",
    "ssp_latest",
    "ssp_change",
)


def _load_rows(search: str, context: QueryContext):
    """Coordinators with families in the filter, their active count, optionally by name part."""
    active = func.sum(case((is_active(context.as_of), 1), else_=0)).label("active")
    query = (
        select(
            coordinators.c.coordinator_id,
            coordinators.c.name,
            coordinators.c.capacity,
            active,
        )
        .join(families, families.c.coordinator_id == coordinators.c.coordinator_id)
        .where(*family_filter(context.programme_id, context.as_of, context.district_id))
        .group_by(coordinators.c.coordinator_id, coordinators.c.name, coordinators.c.capacity)
    )
    words = search.strip().lower()
    if words:
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(coordinators.c.name).like(f"%{escaped}%", escape="\\"))
    return query.subquery("load_rows")


def coordinator_load(
    engine: Engine,
    context: QueryContext,
    search: str = "",
    limit: int | None = None,
    pinned: str | None = None,
) -> pd.DataFrame:
    """Active families per coordinator of the programme on `as_of`, with capacity.

    The most loaded first (active / capacity; a count hidden from the caller
    sorts last, so the order says nothing about it), then by name; `pinned`
    (a coordinator's own row) before all. `search` keeps the coordinators
    whose name contains it (case-insensitive); `limit` cuts the list in SQL,
    because a city has thousands of coordinators and a page sends them all.
    Columns: coordinator_id, name, capacity, active (int or "<5"), load
    (active / capacity, None when the count is suppressed).
    """
    rows_q = _load_rows(search, context)
    shown = rows_q.c.active
    if context.scope.suppressed:
        shown = case((rows_q.c.active.between(1, MIN_CELL - 1), None), else_=rows_q.c.active)
    load = case((rows_q.c.capacity > 0, shown * literal(1.0) / rows_q.c.capacity), else_=None)
    order = [
        case((load.is_(None), 1), else_=0),
        load.desc(),
        rows_q.c.name,
        rows_q.c.coordinator_id,
    ]
    if pinned is not None:
        order.insert(0, case((rows_q.c.coordinator_id == pinned, 0), else_=1))
    query = select(rows_q.c.coordinator_id, rows_q.c.name, rows_q.c.capacity, rows_q.c.active)
    query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    records = []
    for coordinator_id, name, capacity, n in rows:
        count = count_or_label(int(n or 0), context.scope)
        records.append(
            {
                "coordinator_id": coordinator_id,
                "name": name,
                "capacity": int(capacity),
                "active": count,
                "load": count / capacity if isinstance(count, int) and capacity else None,
            }
        )
    return pd.DataFrame(records, columns=["coordinator_id", "name", "capacity", "active", "load"])


def coordinator_name(engine: Engine, coordinator_id: str) -> str:
    """The coordinator's name from coordinators.csv; the id when the bundle has no such row.

    A coordinator's own families are headed by their name even when their
    row is not in `coordinator_load`: a search that leaves them out, or a
    programme where they have no families.
    """
    query = select(coordinators.c.name).where(coordinators.c.coordinator_id == coordinator_id)
    with engine.connect() as conn:
        name = conn.execute(query).scalar_one_or_none()
    return coordinator_id if name is None else str(name)


def coordinator_count(engine: Engine, context: QueryContext, search: str = "") -> int:
    """How many coordinators `coordinator_load` would list without its limit."""
    rows_q = _load_rows(search, context)
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(rows_q)).scalar_one())


def _latest(kind: str, as_of: date, chosen):
    """Per chosen family: the date of the newest meeting of `kind` on or before `as_of`.

    Only the chosen families' meetings are read (an index range each); SQLite
    otherwise grouped every meeting of the city before the join.
    """
    return (
        select(meetings.c.family_id, func.max(meetings.c.held_on).label("held_on"))
        .where(
            meetings.c.family_id.in_(select(chosen.c.family_id)),
            meetings.c.kind == kind,
            meetings.c.held_on <= literal(as_of),
        )
        .group_by(meetings.c.family_id)
        .subquery(f"last_{kind}")
    )


def _open_interventions(as_of: date):
    """Interventions running on `as_of`: the stage module's started-and-not-ended rule."""
    return running_on(as_of, interventions)


def _ssp_levels(as_of: date, chosen):
    """Per family: SSP level at the first assessment and on `as_of` (kpis.md family level)."""
    level = family_ssp_on(as_of)
    return (
        select(level.c.family_id, level.c.baseline, level.c.level.label("latest"))
        .where(level.c.family_id.in_(select(chosen.c.family_id)))
        .subquery("ssp_levels")
    )


def coordinator_families(
    engine: Engine, context: QueryContext, coordinator_id: str
) -> pd.DataFrame:
    """The coordinator's families not ended on `as_of`, overdue quarterly reviews first.

    next_review_due = last quarterly review (else the start) + 90 days; none
    before the course starts. ssp_change = latest - level at the first
    assessment (negative is better). Columns: FAMILY_COLUMNS.
    """
    f = families.c
    chosen = (
        select(f.family_id, f.started_on, stage_of(context.as_of).label("stage"))
        .where(
            *family_filter(context.programme_id, context.as_of, context.district_id),
            f.coordinator_id == coordinator_id,
            visible_families(context.scope, families),
        )
        .subquery("chosen")
    )
    coordination = _latest("coordination", context.as_of, chosen)
    review = _latest("quarterly_review", context.as_of, chosen)
    ssp = _ssp_levels(context.as_of, chosen)
    open_count = (
        select(interventions.c.family_id, func.count().label("n"))
        .where(
            _open_interventions(context.as_of),
            interventions.c.family_id.in_(select(chosen.c.family_id)),
        )
        .group_by(interventions.c.family_id)
        .subquery("open_count")
    )
    due = days_after(func.coalesce(review.c.held_on, chosen.c.started_on), REVIEW_INTERVAL_DAYS)
    query = (
        select(
            chosen.c.family_id,
            chosen.c.stage,
            chosen.c.started_on,
            coordination.c.held_on,
            case((has_started(context.as_of, chosen), due)).label("due"),
            func.coalesce(open_count.c.n, 0),
            ssp.c.latest,
            ssp.c.baseline,
        )
        .select_from(chosen)
        .outerjoin(coordination, coordination.c.family_id == chosen.c.family_id)
        .outerjoin(review, review.c.family_id == chosen.c.family_id)
        .outerjoin(open_count, open_count.c.family_id == chosen.c.family_id)
        .outerjoin(ssp, ssp.c.family_id == chosen.c.family_id)
        .where(chosen.c.stage != ENDED)
    )
    departments_query = (
        select(interventions.c.family_id, interventions.c.department_id)
        .where(
            _open_interventions(context.as_of),
            interventions.c.family_id.in_(select(chosen.c.family_id)),
        )
        .distinct()
        .order_by(interventions.c.family_id, interventions.c.department_id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        departments: dict[str, list[str]] = {}
        for family_id, department_id in conn.execute(departments_query).all():
            departments.setdefault(family_id, []).append(department_id)
    records = []
    for family_id, stage, started_on, coordinated, due_on, n_open, latest, baseline in rows:
        due_date = _date_or_none(due_on)
        records.append(
            {
                "family_id": family_id,
                "stage": stage,
                "months_in_course": None
                if started_on is None or started_on > context.as_of
                else whole_months_between(started_on, context.as_of),
                "last_coordination": coordinated,
                "next_review_due": due_date,
                "review_overdue": due_date is not None and due_date < context.as_of,
                "departments": ", ".join(departments.get(family_id, [])),
                "open_interventions": int(n_open),
                "ssp_latest": None if latest is None else int(latest),
                "ssp_change": None if latest is None else int(latest - baseline),
            }
        )
    frame = pd.DataFrame(records, columns=list(FAMILY_COLUMNS))
    if frame.empty:
        return frame
    frame["sort_due"] = frame["next_review_due"].map(lambda d: d or date.max)
    frame = frame.sort_values(
        ["review_overdue", "sort_due", "family_id"], ascending=[False, True, True]
    )
    return frame.drop(columns="sort_due").reset_index(drop=True)


def _date_or_none(value: object) -> date | None:
    """A computed SQL date (SQLite hands back ISO text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
