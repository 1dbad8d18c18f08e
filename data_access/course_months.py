"""Each family's average per measure and course month, derived at load time.

The Effekt page's course-month chart averages every assessment of a measure
per family and course month, then over the families. At city scale that
read 790 000 school-attendance assessments on every new report date (1.6 s
on PostgreSQL, 8.7 s on SQLite). The loader stores the per-family sums
(`family_course_months`); a report date D then needs the stored row of every
family-month that ended by D, and the assessments themselves only for the
family-months D falls inside (their assessments after D must not count).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Final, Literal

from sqlalchemy import (
    Connection,
    Float,
    Insert,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.sql.expression import ColumnElement, Subquery

from data_access.dates import date_field, month_number
from data_access.derived import refresh
from data_access.figures_families import SELF_SUPPORTING
from data_access.schema import assessments, families, family_course_months, members

#: More days than any calendar month has (the bound of a course month around D).
MONTH_SPAN_DAYS: Final = 32

Measure = Literal["school_attendance", "life_quality", "employment", "parental_authority"]

#: Measures the course-month chart offers; employment is shown as the share self-supporting.
COURSE_MEASURES: Final[tuple[Measure, ...]] = (
    "school_attendance",
    "life_quality",
    "employment",
    "parental_authority",
)


def course_month_of(
    assessed: ColumnElement[date], started: ColumnElement[date]
) -> ColumnElement[int]:
    """Whole calendar months from start to assessment, 0 for assessments before the start.

    (years x 12 + months) between the dates, minus one when the day of month
    has not come round yet: the same count as `dates.whole_months_between`.
    """
    months = month_number(assessed) - month_number(started)
    late = date_field("day", assessed) < date_field("day", started)
    month = months - case((late, 1), else_=0)
    return case((month < 0, 0), else_=month)


def _measured() -> tuple[ColumnElement[float], ColumnElement[bool]]:
    """The value a measure contributes, and which assessments count.

    Employment counts parents only, as 1 when self-supporting (value 2) and
    0 otherwise, so the average is the share self-supporting; the other
    measures count every assessment with its value.
    """
    a = assessments.c
    is_employment = a.measure == "employment"
    value = case((is_employment, case((a.value == SELF_SUPPORTING, 1.0), else_=0.0)), else_=a.value)
    counted = or_(~is_employment, members.c.role == "parent")
    return cast(value, Float), counted


def refresh_family_course_months(
    connection: Connection, family_ids: Iterable[str] | None = None
) -> None:
    """Recompute `family_course_months` for `family_ids` (None: every family)."""
    refresh(connection, family_course_months, _insert_months, family_ids)


def _insert_months(family_ids: list[str] | None) -> Insert:
    """Sum, count and first and last date per family, measure and course month."""
    a = assessments.c
    value, counted = _measured()
    month = course_month_of(a.assessed_on, families.c.started_on)
    conditions = [a.measure.in_(COURSE_MEASURES), families.c.started_on.is_not(None), counted]
    if family_ids is not None:
        conditions.append(a.family_id.in_(family_ids))
    rows = (
        select(
            a.family_id,
            a.measure,
            month.label("course_month"),
            func.min(a.assessed_on),
            func.max(a.assessed_on),
            func.sum(value),
            func.count(),
        )
        .join(families, families.c.family_id == a.family_id)
        .outerjoin(members, members.c.member_id == a.member_id)
        .where(*conditions)
        .group_by(a.family_id, a.measure, month)
    )
    return insert(family_course_months).from_select(
        ["family_id", "measure", "course_month", "first_on", "last_on", "total", "n"], rows
    )


def family_month_values(conn: Connection, measure: Measure, as_of: date) -> Subquery:
    """Each family's average of `measure` per course month, from assessments on or before `as_of`.

    Columns family_id, course_month, value. Family-months that ended by
    `as_of` come from the stored sums; a family-month `as_of` falls inside
    is averaged again from its assessments up to `as_of`. Whether there is
    any is asked first: on the usual report date (the newest data) there is
    none, and SQLite would otherwise scan every assessment of the measure to
    find that out.
    """
    m = family_course_months.c
    d = literal(as_of)
    ended = select(m.family_id, m.course_month, (m.total / m.n).label("value")).where(
        m.measure == measure, m.last_on <= d
    )
    inside = (m.measure == measure, m.first_on <= d, m.last_on > d)
    if not conn.execute(select(exists().where(*inside))).scalar():
        return ended.subquery("family_month_values")
    open_months = select(m.family_id, m.course_month).where(*inside).subquery("open_months")
    a = assessments.c
    value, counted = _measured()
    month = course_month_of(a.assessed_on, families.c.started_on)
    reopened = (
        select(a.family_id, month.label("course_month"), func.avg(value).label("value"))
        .select_from(open_months)
        .join(
            assessments,
            and_(a.family_id == open_months.c.family_id, a.measure == measure),
        )
        .join(families, families.c.family_id == a.family_id)
        .outerjoin(members, members.c.member_id == a.member_id)
        .where(
            # A course month spans at most 31 days and contains D, so its
            # assessments up to D lie in the month before D: an index range
            # the database starts from instead of every assessment.
            a.assessed_on > literal(as_of - timedelta(days=MONTH_SPAN_DAYS)),
            a.assessed_on <= d,
            counted,
            month == open_months.c.course_month,
        )
        .group_by(a.family_id, month)
    )
    return ended.union_all(reopened).subquery("family_month_values")
