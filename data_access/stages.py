"""A family's stage on a report date: the one definition every figure uses.

kpis.md, "A family's stage on date D": checked top to bottom, the first rule
that holds is the stage; a family referred after D does not exist yet (NULL).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy import and_, case, literal, null
from sqlalchemy.sql.expression import ColumnElement

from data_access.schema import families

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
PIPELINE_STAGES: Final[tuple[str, ...]] = (REFERRED, INVESTIGATION, APPROVED)


def stage_of(as_of: date, table=families) -> ColumnElement[str]:
    """SQL expression: the family's stage on `as_of` (NULL before referral)."""
    d = literal(as_of)
    return case(
        (table.c.ended_on <= d, ENDED),
        (and_(table.c.started_on <= d, table.c.aftercare_due_on <= d), AFTERCARE),
        (table.c.started_on <= d, INTENSIVE),
        (table.c.approved_on <= d, APPROVED),
        (table.c.investigation_on <= d, INVESTIGATION),
        (table.c.referred_on <= d, REFERRED),
        else_=None,
    )


def _later(a: ColumnElement[date], b: ColumnElement[date]) -> ColumnElement[date]:
    """The later of two dates; NULL when either is NULL (that stage is never reached)."""
    return case((a.is_(None) | b.is_(None), null()), (a > b, a), else_=b)


def _earliest(days: list[ColumnElement[date]]) -> ColumnElement[date]:
    """The earliest of the dates that are not NULL; NULL when all are."""
    result: ColumnElement[date] = days[0]
    for day in days[1:]:
        result = case(
            (result.is_(None), day), (day.is_(None), result), (day < result, day), else_=result
        )
    return result


def stage_spans(
    table=families,
) -> list[tuple[str, ColumnElement[date], ColumnElement[date] | None]]:
    """The same rule as `stage_of`, as date ranges: (stage, from, until) per stage.

    Every condition of the rule is "some date <= D", which once true stays
    true, so the stage on D is the first stage in the rule's order whose
    date has come (and the family has been referred). A family is therefore
    in stage S from S's date (not before its referral) until the earliest
    date of a stage above S in the rule (exclusive; NULL: still there). A
    range whose end is not after its start is never lived: a later rule
    already holds. Counting families per stage at many dates (the monthly
    stage chart) then needs one pass over the families, not one per date.
    `until` is None for the rule's first stage (ended), which never ends.
    """
    t = table.c
    referred = t.referred_on
    entries = [
        (ENDED, t.ended_on),
        (AFTERCARE, _later(t.started_on, t.aftercare_due_on)),
        (INTENSIVE, t.started_on),
        (APPROVED, t.approved_on),
        (INVESTIGATION, t.investigation_on),
        (REFERRED, t.referred_on),
    ]
    spans: list[tuple[str, ColumnElement[date], ColumnElement[date] | None]] = []
    for index, (stage, entry) in enumerate(entries):
        start = _later(entry, referred)
        above = [_later(day, referred) for _, day in entries[:index]]
        spans.append((stage, start, _earliest(above) if above else None))
    return spans


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
