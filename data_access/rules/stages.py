"""A family's stage on a report date: the one definition every figure uses.

kpis.md, "A family's stage on date D": checked top to bottom, the first rule
that holds is the stage; a family referred after D does not exist yet (NULL).
Every query, derived table and the benchmark's pandas alternative take the
stage, "started", "ended" and "active" from here; a test fails when one
writes the date comparison out again.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import pandas as pd
from sqlalchemy import FromClause, and_, case, literal
from sqlalchemy.sql.expression import ColumnElement

from data_access.db.schema import families
from data_access.db.sql import in_district

ENDED: Final = "ended"
AFTERCARE: Final = "aftercare"
INTENSIVE: Final = "intensive"
APPROVED: Final = "approved"
INVESTIGATION: Final = "investigation"
REFERRED: Final = "referred"

#: Stages in the order a course moves through them.
STAGE_ORDER: Final[tuple[str, ...]] = (
    REFERRED,
    INVESTIGATION,
    APPROVED,
    INTENSIVE,
    AFTERCARE,
    ENDED,
)
ACTIVE_STAGES: Final[tuple[str, ...]] = (INTENSIVE, AFTERCARE)
#: The family dates `stage_of` reads: a family's stage can only change on one of them.
STAGE_DATES: Final[tuple[str, ...]] = (
    "referred_on",
    "investigation_on",
    "approved_on",
    "started_on",
    "aftercare_due_on",
    "ended_on",
)
PIPELINE_STAGES: Final[tuple[str, ...]] = (REFERRED, INVESTIGATION, APPROVED)


def stage_of(as_of: date | ColumnElement[date], table: FromClause = families) -> ColumnElement[str]:
    """SQL expression: the family's stage on `as_of` (NULL before referral).

    `as_of` may be a date column: the loader evaluates the rule on each date a
    family's stage can change (`stage_changes.py`).
    """
    d = as_of if isinstance(as_of, ColumnElement) else literal(as_of)
    return case(
        (table.c.ended_on <= d, ENDED),
        (and_(table.c.started_on <= d, table.c.aftercare_due_on <= d), AFTERCARE),
        (table.c.started_on <= d, INTENSIVE),
        (table.c.approved_on <= d, APPROVED),
        (table.c.investigation_on <= d, INVESTIGATION),
        (table.c.referred_on <= d, REFERRED),
        else_=None,
    )


def has_started(as_of: date, table: FromClause = families) -> ColumnElement[bool]:
    """SQL condition: the course started on or before `as_of` (kpis.md "started_on <= D")."""
    return table.c.started_on <= literal(as_of)


def has_ended(as_of: date, table: FromClause = families) -> ColumnElement[bool]:
    """SQL condition: stage ended on `as_of` (ended_on <= D; NULL, so false, when never ended)."""
    return table.c.ended_on <= literal(as_of)


def not_ended(as_of: date, table: FromClause = families) -> ColumnElement[bool]:
    """SQL condition: not ended on `as_of`, including never ended (ended_on NULL)."""
    return (table.c.ended_on.is_(None)) | (table.c.ended_on > literal(as_of))


def running_on(as_of: date, table: FromClause = families) -> ColumnElement[bool]:
    """SQL condition: started by `as_of` and not ended by then.

    For a family this is "active" (`is_active`); the caseload reads an
    intervention (same started_on / ended_on columns) as open by it too.
    """
    return and_(has_started(as_of, table), not_ended(as_of, table))


def is_active(as_of: date, table: FromClause = families) -> ColumnElement[bool]:
    """SQL condition: stage is intensive or aftercare on `as_of`."""
    return running_on(as_of, table)


def is_overdue(as_of: date, table: FromClause = families) -> ColumnElement[bool]:
    """SQL condition: active and `as_of` later than started_on + course_months."""
    return and_(is_active(as_of, table), table.c.course_due_on < literal(as_of))


def stages_in_frame(frame: pd.DataFrame, as_of: date) -> pd.Series:
    """`stage_of` for families already read into pandas (date columns as datetime64).

    The benchmark's pandas alternative computes the figures from whole
    tables; it takes the rule from here, and a test holds both forms equal.
    Families referred after `as_of` get None.
    """
    day = pd.Timestamp(as_of)
    started = started_in_frame(frame, as_of)
    rules = (
        (frame["ended_on"] <= day, ENDED),
        (started & (frame["aftercare_due_on"] <= day), AFTERCARE),
        (started, INTENSIVE),
        (frame["approved_on"] <= day, APPROVED),
        (frame["investigation_on"] <= day, INVESTIGATION),
        (frame["referred_on"] <= day, REFERRED),
    )
    stage = pd.Series(None, index=frame.index, dtype=object)
    # Bottom up, so the first rule that holds is written last and wins.
    for holds, name in reversed(rules):
        stage[holds] = name
    return stage


def started_in_frame(frame: pd.DataFrame, as_of: date) -> pd.Series:
    """`has_started` for families read into pandas."""
    return frame["started_on"] <= pd.Timestamp(as_of)


def active_in_frame(frame: pd.DataFrame, as_of: date) -> pd.Series:
    """`is_active` for families read into pandas: started by `as_of` and not ended by then."""
    day = pd.Timestamp(as_of)
    return started_in_frame(frame, as_of) & (frame["ended_on"].isna() | (frame["ended_on"] > day))


def family_filter(
    programme_id: str, as_of: date, district_id: str | None = None
) -> list[ColumnElement[bool]]:
    """Families of the programme (and district) that exist on `as_of` (referred by then)."""
    conditions: list[ColumnElement[bool]] = [
        families.c.programme_id == programme_id,
        families.c.referred_on <= literal(as_of),
    ]
    if district_id is not None:
        conditions.append(in_district(families.c.district_id, district_id))
    return conditions
