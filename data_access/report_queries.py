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
from sqlalchemy import Engine, and_, func, literal, select

from data_access.access import Scope
from data_access.caseload import REVIEW_INTERVAL_DAYS
from data_access.disclosure import count_or_label
from data_access.figures_families import family_filter
from data_access.schema import coordinators, families, meetings
from data_access.stages import ACTIVE_STAGES, STAGE_ORDER, is_overdue, stage_of

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
    """The caseload page's rule: due REVIEW_INTERVAL_DAYS after the last review, else the start."""
    since = last_review if last_review is not None else started_on
    return since + timedelta(days=REVIEW_INTERVAL_DAYS) < as_of


def _as_date(value: object) -> date:
    """A date column's value (SQLite may hand back ISO text from a subquery)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def coordinator_progression(
    engine: Engine, programme_id: str, as_of: date, quarter_start: date, scope: Scope
) -> pd.DataFrame:
    """Per coordinator: families by stage on `as_of`, reviews held since `quarter_start`.

    Families without a coordinator are gathered in one row with an empty id
    so that the stage columns add up to the programme's stage counts.
    `reviews_held` counts quarterly reviews held from `quarter_start` to
    `as_of`; `reviews_overdue` counts active families whose review is
    overdue on `as_of` (see `review_overdue`).
    """
    last_review = (
        select(func.max(meetings.c.held_on))
        .where(
            meetings.c.family_id == families.c.family_id,
            meetings.c.kind == QUARTERLY_REVIEW,
            meetings.c.held_on <= literal(as_of),
        )
        .scalar_subquery()
    )
    held = (
        select(func.count())
        .where(
            meetings.c.family_id == families.c.family_id,
            meetings.c.kind == QUARTERLY_REVIEW,
            and_(
                meetings.c.held_on >= literal(quarter_start), meetings.c.held_on <= literal(as_of)
            ),
        )
        .scalar_subquery()
    )
    query = select(
        families.c.coordinator_id,
        stage_of(as_of).label("stage"),
        is_overdue(as_of).label("overdue"),
        families.c.started_on,
        last_review.label("last_review"),
        held.label("held"),
    ).where(*family_filter(programme_id, as_of))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        staff = conn.execute(
            select(coordinators.c.coordinator_id, coordinators.c.name, coordinators.c.capacity)
        ).all()

    tally: dict[str, dict[str, int]] = {}
    for coordinator_id, stage, overdue, started_on, last, n_held in rows:
        key = coordinator_id or ""
        counts = tally.setdefault(
            key, {**dict.fromkeys(STAGE_ORDER, 0), "overdue": 0, "held": 0, "late": 0}
        )
        if stage is None:
            continue
        counts[stage] += 1
        counts["held"] += int(n_held or 0)
        if stage in ACTIVE_STAGES:
            counts["overdue"] += int(bool(overdue))
            counts["late"] += int(
                review_overdue(
                    as_of, _as_date(started_on), None if last is None else _as_date(last)
                )
            )

    names = {cid: (name, capacity) for cid, name, capacity in staff}
    records = []
    for key in sorted(tally, key=lambda k: (k == "", names.get(k, (k, 0))[0])):
        counts = tally[key]
        name, capacity = names.get(key, ("", None))
        active = sum(counts[s] for s in ACTIVE_STAGES)
        records.append(
            {
                "coordinator_id": key,
                "coordinator": name,
                **{s: count_or_label(counts[s], scope) for s in STAGE_ORDER},
                "active": count_or_label(active, scope),
                "capacity": capacity,
                "courses_overdue": count_or_label(counts["overdue"], scope),
                "reviews_held": counts["held"],
                "reviews_overdue": count_or_label(counts["late"], scope),
            }
        )
    return pd.DataFrame(records, columns=list(PROGRESSION_COLUMNS))
