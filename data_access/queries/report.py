"""Per-coordinator progression for the steering group's quarterly report.

The coordinators "document each family's progression quarterly to the
steering group" (the programme's application); this is that table as one
aggregate per coordinator: families by stage on the report date (the stage
rule of `stages.py`, nothing else), reviews held in the quarter and reviews
overdue. No family id leaves this module, and counts are disclosed for the
caller's scope like every other count.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import pandas as pd
from sqlalchemy import Engine, and_, case, func, literal, select

from data_access.db.schema import coordinators, families, meetings
from data_access.queries.caseload import REVIEW_INTERVAL_DAYS
from data_access.queries.context import QueryContext
from data_access.rules.disclosure import count_or_label
from data_access.rules.stages import ACTIVE_STAGES, STAGE_ORDER, family_filter, is_overdue, stage_of

#: meetings.kind of the quarterly review (bundle.md).
QUARTERLY_REVIEW: Final = "quarterly_review"

#: Columns of `coordinator_progression`, in order.
PROGRESSION_COLUMNS: Final[tuple[str, ...]] = (
    "coordinator_id",
    "coordinator",
    *STAGE_ORDER,
    "active",
    "capacity",
    "courses_overdue",
    "reviews_held",
    "reviews_overdue",
)


def review_overdue(as_of: date, started_on: date, last_review: date | None) -> bool:
    """The caseload page's rule: due REVIEW_INTERVAL_DAYS after the last review, else the start.

    `coordinator_progression` applies the same rule in SQL (`since < cutoff`).
    """
    since = last_review if last_review is not None else started_on
    return since + timedelta(days=REVIEW_INTERVAL_DAYS) < as_of


def coordinator_progression(
    engine: Engine, context: QueryContext, quarter_start: date
) -> pd.DataFrame:
    """Per coordinator: families by stage on `as_of`, reviews held since `quarter_start`.

    Families without a coordinator are gathered in one row with an empty id
    so that the stage columns add up to the programme's stage counts.
    `reviews_held` counts quarterly reviews held from `quarter_start` to
    `as_of`; `reviews_overdue` counts active families whose review is
    overdue on `as_of` (see `review_overdue`).

    One row per coordinator comes back from the database: the per-family
    stage and review dates are computed in a subquery and summed per
    coordinator outside it, so a city-sized programme sends a few hundred
    rows, not one per family.
    """
    last_review = (
        select(func.max(meetings.c.held_on))
        .where(
            meetings.c.family_id == families.c.family_id,
            meetings.c.kind == QUARTERLY_REVIEW,
            meetings.c.held_on <= literal(context.as_of),
        )
        .scalar_subquery()
    )
    held = (
        select(func.count())
        .where(
            meetings.c.family_id == families.c.family_id,
            meetings.c.kind == QUARTERLY_REVIEW,
            and_(
                meetings.c.held_on >= literal(quarter_start),
                meetings.c.held_on <= literal(context.as_of),
            ),
        )
        .scalar_subquery()
    )
    cutoff = context.as_of - timedelta(days=REVIEW_INTERVAL_DAYS)
    per_family = (
        select(
            func.coalesce(families.c.coordinator_id, "").label("coordinator_id"),
            stage_of(context.as_of).label("stage"),
            case((is_overdue(context.as_of), 1), else_=0).label("overdue"),
            case(
                (func.coalesce(last_review, families.c.started_on) < literal(cutoff), 1), else_=0
            ).label("late"),
            held.label("held"),
        )
        .where(*family_filter(context.programme_id, context.as_of, context.district_id))
        .subquery("per_family")
    )
    active = per_family.c.stage.in_(ACTIVE_STAGES)
    query = select(
        per_family.c.coordinator_id,
        *(
            func.sum(case((per_family.c.stage == stage, 1), else_=0)).label(stage)
            for stage in STAGE_ORDER
        ),
        func.sum(case((active, per_family.c.overdue), else_=0)).label("overdue"),
        func.sum(per_family.c.held).label("held"),
        func.sum(case((active, per_family.c.late), else_=0)).label("late"),
    ).group_by(per_family.c.coordinator_id)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
        staff = conn.execute(
            select(coordinators.c.coordinator_id, coordinators.c.name, coordinators.c.capacity)
        ).all()

    tally: dict[str, dict[str, int]] = {
        str(row["coordinator_id"]): {
            name: int(row[name] or 0) for name in (*STAGE_ORDER, "overdue", "held", "late")
        }
        for row in rows
    }

    names = {cid: (name, capacity) for cid, name, capacity in staff}
    records = []
    for key in sorted(tally, key=lambda k: (k == "", names.get(k, (k, 0))[0])):
        counts = tally[key]
        name, capacity = names.get(key, ("", None))
        active_count = sum(counts[s] for s in ACTIVE_STAGES)
        records.append(
            {
                "coordinator_id": key,
                "coordinator": name,
                **{s: count_or_label(counts[s], context.scope) for s in STAGE_ORDER},
                "active": count_or_label(active_count, context.scope),
                "capacity": capacity,
                "courses_overdue": count_or_label(counts["overdue"], context.scope),
                "reviews_held": counts["held"],
                "reviews_overdue": count_or_label(counts["late"], context.scope),
            }
        )
    return pd.DataFrame(records, columns=list(PROGRESSION_COLUMNS))
