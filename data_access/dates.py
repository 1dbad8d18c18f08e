"""Date arithmetic shared by the loader, the stage rule and the figures."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

#: The users' time zone: their calendar day is the dashboard's "today".
LOCAL_TZ: Final = ZoneInfo("Europe/Copenhagen")


def local_today(now: datetime | None = None) -> date:
    """Today's date in Copenhagen, whatever the server's clock zone.

    A server on UTC would otherwise still say yesterday for the first hour
    (two in summer) of a Copenhagen day, hiding that day's access-log rows
    and shifting the default report date.
    """
    moment = now if now is not None else datetime.now(UTC)
    return moment.astimezone(LOCAL_TZ).date()


def add_months(day: date, months: int) -> date:
    """Calendar months, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    return day + relativedelta(months=months)


def whole_months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end` ("months in course"); 0 if `end` < `start`."""
    if end < start:
        return 0
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return _month_end(day)


def month_ends(first: date, last: date) -> list[date]:
    """Every month's last day from `first`'s month to `last`'s month, inclusive."""
    result: list[date] = []
    cursor = date(first.year, first.month, 1)
    while cursor <= last:
        result.append(_month_end(cursor))
        cursor = _month_end(cursor) + timedelta(days=1)
    return result


def quarter_end_before(day: date) -> date:
    """The last day of the quarter before the one `day` lies in."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    return date(day.year, first_month, 1) - timedelta(days=1)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of quarter `quarter` (1-4) of `year`."""
    first = date(year, 3 * (quarter - 1) + 1, 1)
    return first, _month_end(date(year, 3 * quarter, 1))


class add_days(FunctionElement[date]):
    """`column + n days` as a SQL expression that works on SQLite and PostgreSQL."""

    type = Date()
    inherit_cache = True
    name = "add_days"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: add_days, compiler, **kw) -> str:
    column, days = list(element.clauses)
    return (
        f"date({compiler.process(column, **kw)}, '+' || {compiler.process(days, **kw)} || ' days')"
    )


@compiles(add_days)
def _add_days_default(element: add_days, compiler, **kw) -> str:
    column, days = list(element.clauses)
    column_sql = compiler.process(column, **kw)
    days_sql = compiler.process(days, **kw)
    return f"(CAST({column_sql} AS DATE) + CAST({days_sql} AS INTEGER))"


def days_after(column: ColumnElement[date], days: int) -> ColumnElement[date]:
    """Typed wrapper so callers need not know about the compiler hook."""
    return add_days(column, days)


class date_field(FunctionElement[int]):
    """The year, month or day of a date as an integer: `date_field("month", column)`.

    PostgreSQL's EXTRACT returns numeric, slow over hundreds of thousands of
    rows (a course-month chart at city scale); date_part returns a double
    that casts cheaply. SQLite reads the field with strftime.
    """

    type = Integer()
    inherit_cache = True
    name = "date_field"
    # The field is part of the statement cache key: year and day must not share SQL.
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy reads it on the class)
        *FunctionElement._traverse_internals,
        ("field", InternalTraversal.dp_string),
    ]

    def __init__(self, field: str, day: ColumnElement[date]) -> None:
        if field not in _STRFTIME:
            raise ValueError(f"unknown date field {field!r}")
        self.field = field
        super().__init__(day)


_STRFTIME: Final = {"year": "%Y", "month": "%m", "day": "%d"}


@compiles(date_field)
def _date_field_default(element: date_field, compiler: Any, **kw: Any) -> str:
    day = compiler.process(next(iter(element.clauses)), **kw)
    return f"CAST(date_part('{element.field}', {day}) AS INTEGER)"


@compiles(date_field, "sqlite")
def _date_field_sqlite(element: date_field, compiler: Any, **kw: Any) -> str:
    day = compiler.process(next(iter(element.clauses)), **kw)
    return f"CAST(strftime('{_STRFTIME[element.field]}', {day}) AS INTEGER)"


def month_number(day: ColumnElement[date]) -> ColumnElement[int]:
    """year x 12 + month: the month a date falls in, as one integer."""
    return date_field("year", day) * 12 + date_field("month", day)


def month_key(day: date) -> int:
    """`month_number` of a Python date."""
    return day.year * 12 + day.month
