"""SQL expressions that read the same on SQLite and PostgreSQL.

Day arithmetic, date fields and the district tree: each compiles to each
backend's own SQL, so queries above never branch on the backend.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from sqlalchemy import Date, Integer, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from data_access.db.schema import districts


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


class days_between(FunctionElement[int]):
    """`later - earlier` in whole days, on SQLite and PostgreSQL alike."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) "
        f"- julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
    )


@compiles(days_between)
def _days_between_default(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"(CAST({compiler.process(later, **kw)} AS DATE) "
        f"- CAST({compiler.process(earlier, **kw)} AS DATE))"
    )


def in_district(column: ColumnElement[str], district_id: str) -> ColumnElement[bool]:
    """`column` is `district_id` or one of the areas below it (bydel -> boligområde).

    Families may be registered on a housing area inside a bydel; filtering on
    the bydel must still count them. UNION (not UNION ALL) stops on a cycle in
    bad parent data. The CTE is anonymous (each call names its own), so one
    statement may filter several subqueries by district, as the UNION of
    intake steps does; a fixed name made such a statement fail to compile.
    """
    tree = (
        select(districts.c.district_id)
        .where(districts.c.district_id == district_id)
        .cte(recursive=True)
    )
    child = districts.alias("child_district")
    tree = tree.union(select(child.c.district_id).where(child.c.parent_id == tree.c.district_id))
    return column.in_(select(tree.c.district_id))
