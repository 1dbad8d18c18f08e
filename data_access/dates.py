"""Date arithmetic shared by the loader, the stage rule and the figures."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


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
