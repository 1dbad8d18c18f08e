"""A family's stage on a report date: the one definition every figure uses.

kpis.md, "A family's stage on date D": checked top to bottom, the first rule
that holds is the stage; a family referred after D does not exist yet (NULL).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from sqlalchemy import Date, and_, case, func, literal, null
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

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


class _least(FunctionElement[date]):
    """The smallest of its dates: LEAST on PostgreSQL, the scalar min() on SQLite."""

    type = Date()
    inherit_cache = True
    name = "least"


@compiles(_least)
def _least_default(element: _least, compiler: SQLCompiler, **kw: Any) -> str:
    return f"least({compiler.process(element.clauses, **kw)})"


@compiles(_least, "sqlite")
def _least_sqlite(element: _least, compiler: SQLCompiler, **kw: Any) -> str:
    return f"min({compiler.process(element.clauses, **kw)})"


#: Stands in for "no date" inside `_earliest` (later than any real date).
_NEVER: Final = date(9999, 12, 31)


def _earliest(days: list[ColumnElement[date]]) -> ColumnElement[date]:
    """The earliest of the dates that are not NULL; NULL when all are.

    One LEAST over the dates with NULL read as a far-future day: nesting
    CASEs pairwise repeats each argument and grows the SQL exponentially.
    """
    if len(days) == 1:
        return days[0]
    never = literal(_NEVER, Date)
    return func.nullif(_least(*(func.coalesce(day, never) for day in days)), never)


#: The stage rule's order: the first stage whose date has come is the stage.
RULE_ORDER: Final[tuple[str, ...]] = (
    ENDED,
    AFTERCARE,
    INTENSIVE,
    APPROVED,
    INVESTIGATION,
    REFERRED,
)


def stage_entries(table=families) -> list[tuple[str, ColumnElement[date]]]:
    """The same rule as `stage_of`, as the date each stage's condition starts to hold.

    Every condition of the rule is "some date <= D", which once true stays
    true, so the stage on D is the first stage in RULE_ORDER whose date has
    come (and the family has been referred: no date before its referral
    counts). NULL: the condition never holds.
    """
    t = table.c
    rule = {
        ENDED: t.ended_on,
        AFTERCARE: _later(t.started_on, t.aftercare_due_on),
        INTENSIVE: t.started_on,
        APPROVED: t.approved_on,
        INVESTIGATION: t.investigation_on,
        REFERRED: t.referred_on,
    }
    return [(stage, _later(rule[stage], t.referred_on)) for stage in RULE_ORDER]


def stage_spans(
    entries: Mapping[str, ColumnElement[date]],
) -> list[tuple[str, ColumnElement[date], ColumnElement[date] | None]]:
    """Each stage's date range, (stage, from, until), from `stage_entries` dates.

    A family is in stage S from S's date until the earliest date of a stage
    above S in RULE_ORDER (exclusive; NULL: still there). A range whose end
    is not after its start is never lived: a stage above already holds.
    Counting families per stage at many dates (the monthly stage chart) then
    needs one pass over the families, not one per date. `until` is None for
    the rule's first stage (ended), which never ends.
    """
    spans: list[tuple[str, ColumnElement[date], ColumnElement[date] | None]] = []
    for index, stage in enumerate(RULE_ORDER):
        above = [entries[s] for s in RULE_ORDER[:index]]
        spans.append((stage, entries[stage], _earliest(above) if above else None))
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
