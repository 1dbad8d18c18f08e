"""Steering SQLite's planner where its statistics mislead it.

SQLite estimates how selective a date range is without looking, so on a
city-sized database it may start a join from the side with hundreds of
thousands of rows (every parent, every assessment) and look each up in a
small set, where the small set first and an index lookup each is
milliseconds. A MATERIALIZED common table expression is computed once,
before the rest of the statement, which fixes that order. PostgreSQL plans
these statements well on its own: NOT MATERIALIZED keeps its plan the one
it makes for the CTE written out in place, also when the statement reads
it more than once (materialising it there was slower).
"""

from __future__ import annotations

from sqlalchemy import CTE
from sqlalchemy.sql.expression import CompoundSelect, Select


def first_on_sqlite(rows: Select | CompoundSelect, name: str) -> CTE:
    """`rows` as a CTE named `name` that SQLite materialises before the join using it."""
    return (
        rows.cte(name)
        .prefix_with("MATERIALIZED", dialect="sqlite")
        .prefix_with("NOT MATERIALIZED", dialect="postgresql")
    )
