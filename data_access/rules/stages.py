"""A family's stage on a report date: the one definition every figure uses.

kpis.md, "A family's stage on date D": checked top to bottom, the first rule
that holds is the stage; a family referred after D does not exist yet (NULL).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy import and_, case, literal
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


def stage_of(as_of: date | ColumnElement[date], table=families) -> ColumnElement[str]:
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


def is_active(as_of: date, table=families) -> ColumnElement[bool]:
    """SQL condition: stage is intensive or aftercare on `as_of`."""
    d = literal(as_of)
    return and_(
        table.c.started_on <= d,
        (table.c.ended_on.is_(None)) | (table.c.ended_on > d),
    )


def is_overdue(as_of: date, table=families) -> ColumnElement[bool]:
    """SQL condition: active and `as_of` later than started_on + course_months."""
    return and_(is_active(as_of, table), table.c.course_due_on < literal(as_of))


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
