"""Each family's average per measure and course month, derived at load time.

The Effekt page's course-month chart averages every assessment of a measure
per family and course month, then over the families. At city scale that
read 790 000 school-attendance assessments on every new report date (1.6 s
on PostgreSQL, 8.7 s on SQLite). The loader stores the per-family sums
(`family_course_months`); a report date D then needs the stored row of every
family-month that ended by D, and the assessments themselves only for the
family-months D falls inside (their assessments after D must not count).

Reading every stored family-month still took 0.6 s at city scale, so the
loader also adds them up per programme, district, measure, course month and
the calendar month in which each became complete (`course_month_totals`).
D reads those totals for the months before its own, and family rows only
for the family-months that became complete in its month or are still open.
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
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.sql.expression import CTE, ColumnElement

from data_access.db.planner import first_on_sqlite
from data_access.db.schema import (
    assessments,
    course_month_totals,
    families,
    family_course_months,
    members,
)
from data_access.db.sql import date_field, in_district, month_number
from data_access.derived.refresh import refresh
from data_access.rules.calendar import month_key
from data_access.rules.measures import SELF_SUPPORTING
from data_access.rules.stages import family_filter, has_started

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
    last_on = func.max(a.assessed_on)
    started_on = families.c.started_on
    rows = (
        select(
            a.family_id,
            a.measure,
            month.label("course_month"),
            func.min(a.assessed_on),
            last_on,
            func.sum(value),
            func.count(),
            case((last_on > started_on, last_on), else_=started_on),
        )
        .join(families, families.c.family_id == a.family_id)
        .outerjoin(members, members.c.member_id == a.member_id)
        .where(*conditions)
        .group_by(a.family_id, a.measure, month, started_on)
    )
    return insert(family_course_months).from_select(
        [
            "family_id",
            "measure",
            "course_month",
            "first_on",
            "last_on",
            "total",
            "n",
            "counted_from",
        ],
        rows,
    )


def refresh_course_month_totals(
    connection: Connection, programme_ids: Iterable[str] | None
) -> None:
    """Recompute `course_month_totals` of `programme_ids` (None: every programme).

    Run after `refresh_family_course_months`: the totals add up its rows.
    """
    t = course_month_totals
    if programme_ids is not None:
        chosen = sorted(set(programme_ids))
        if not chosen:
            return
        connection.execute(delete(t).where(t.c.programme_id.in_(chosen)))
    else:
        chosen = None
        connection.execute(delete(t))
    m = family_course_months.c
    f = families.c
    month = month_number(m.counted_from)
    rows = (
        select(
            f.programme_id,
            f.district_id,
            m.measure,
            m.course_month,
            month,
            func.count(),
            func.sum(m.total / m.n),
        )
        .join(families, f.family_id == m.family_id)
        .where(*([] if chosen is None else [f.programme_id.in_(chosen)]))
        .group_by(f.programme_id, f.district_id, m.measure, m.course_month, month)
    )
    connection.execute(
        insert(t).from_select(
            [
                "programme_id",
                "district_id",
                "measure",
                "course_month",
                "month",
                "families",
                "total",
            ],
            rows,
        )
    )


def course_month_sums(
    conn: Connection,
    programme_id: str,
    measure: Measure,
    as_of: date,
    district_id: str | None = None,
) -> dict[int, tuple[float, int]]:
    """Per course month: (sum of the family averages, families) on `as_of`.

    Family-months complete in the months that are over by `as_of` (its own
    too, when it is the month's last day) come from the stored totals; those
    complete since, or still open on `as_of`, from the family rows
    (`family_month_values`).
    """
    since = (as_of + timedelta(days=1)).replace(day=1)
    t = course_month_totals.c
    conditions = [
        t.programme_id == programme_id,
        t.measure == measure,
        t.month < month_key(since),
    ]
    if district_id is not None:
        conditions.append(in_district(t.district_id, district_id))
    sums = {
        int(course_month): (float(total), int(n))
        for course_month, total, n in conn.execute(
            select(t.course_month, func.sum(t.total), func.sum(t.families))
            .where(*conditions)
            .group_by(t.course_month)
        )
    }
    recent = family_month_values(conn, measure, as_of, since)
    rows = conn.execute(
        select(recent.c.course_month, func.sum(recent.c.value), func.count())
        .join(families, families.c.family_id == recent.c.family_id)
        .where(
            *family_filter(programme_id, as_of, district_id),
            has_started(as_of),
        )
        .group_by(recent.c.course_month)
    )
    for course_month, total, n in rows:
        before_total, before_n = sums.get(int(course_month), (0.0, 0))
        sums[int(course_month)] = (before_total + float(total), before_n + int(n))
    return dict(sorted(sums.items()))


def family_month_values(conn: Connection, measure: Measure, as_of: date, since: date) -> CTE:
    """Each family's average of `measure` per course month, from assessments on or before `as_of`.

    Only the family-months that became complete between `since` and `as_of`
    (their stored sums) and those still open on `as_of` (averaged again from
    their assessments up to `as_of`); the earlier ones are in
    `course_month_totals`. Columns family_id, course_month, value. Whether
    any is open is asked first: on the usual report date (the newest data)
    none is.
    """
    m = family_course_months.c
    d = literal(as_of)
    ended = select(m.family_id, m.course_month, (m.total / m.n).label("value")).where(
        m.measure == measure, m.counted_from.between(literal(since), d)
    )
    # Open on D means first_on <= D < last_on; a course month ends within a
    # month of D (of the start, for month 0), so counted_from (= last_on once
    # started) lies less than MONTH_SPAN_DAYS after D: an index range.
    inside = (
        m.measure == measure,
        m.counted_from > d,
        m.counted_from <= literal(as_of + timedelta(days=MONTH_SPAN_DAYS)),
        m.first_on <= d,
        m.last_on > d,
    )
    if not conn.execute(select(exists().where(*inside))).scalar():
        return first_on_sqlite(ended, "family_month_values")
    # First on SQLite, whose planner otherwise reads every assessment of the
    # measure and looks each one up among the open months.
    open_months = first_on_sqlite(
        select(m.family_id, m.course_month, m.first_on).where(*inside), "open_months"
    )
    a = assessments.c
    value, counted = _measured()
    month = course_month_of(a.assessed_on, families.c.started_on)
    reopened = (
        select(a.family_id, month.label("course_month"), func.avg(value).label("value"))
        .select_from(open_months)
        .join(
            assessments,
            and_(
                a.family_id == open_months.c.family_id,
                a.measure == measure,
                # From the month's first assessment (an intake before the
                # start belongs to month 0) up to D.
                a.assessed_on >= open_months.c.first_on,
                a.assessed_on <= d,
            ),
        )
        .join(families, families.c.family_id == a.family_id)
        .outerjoin(members, members.c.member_id == a.member_id)
        .where(counted, month == open_months.c.course_month)
        .group_by(a.family_id, month)
    )
    # First on SQLite: its planner otherwise starts from the programme's
    # families and looks each up among these few rows (0.5 s for 80 000).
    return first_on_sqlite(ended.union_all(reopened), "family_month_values")
