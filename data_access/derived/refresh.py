"""Tables the loader derives from the assessments, refreshed in the load's transaction.

Each derived table holds a value over time (from one assessment date to the
next), so a page reads one row per family or parent for any report date
instead of ranking every assessment on every view. They are recomputed for
the families a load touches, in the same transaction, so they always match
the assessments they come from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import (
    Connection,
    Insert,
    Integer,
    Subquery,
    Table,
    and_,
    cast,
    delete,
    func,
    select,
)
from sqlalchemy.sql.expression import ColumnElement

from data_access.db.schema import assessments, members

#: Family ids per statement when only some families are refreshed.
REFRESH_CHUNK = 500

InsertFor = Callable[[list[str] | None], Insert]


def refresh(
    connection: Connection, table: Table, insert_for: InsertFor, family_ids: Iterable[str] | None
) -> None:
    """Replace `table`'s rows of `family_ids` (None: every family) with `insert_for`'s.

    `insert_for(ids)` builds the INSERT ... SELECT for those families (None:
    all); `table` must have a family_id column.
    """
    if family_ids is None:
        connection.execute(delete(table))
        connection.execute(insert_for(None))
        return
    chosen = sorted(set(family_ids))
    for start in range(0, len(chosen), REFRESH_CHUNK):
        chunk = chosen[start : start + REFRESH_CHUNK]
        connection.execute(delete(table).where(table.c.family_id.in_(chunk)))
        connection.execute(insert_for(chunk))


def member_day_values(measure: str, role: str, family_ids: list[str] | None, name: str) -> Subquery:
    """One whole-number value per member of `role` and date for `measure` (ties: the higher).

    Columns family_id, member_id, assessed_on, value; only assessments of a
    member of the same family count. The start of every derived table that
    follows a member's value over time.
    """
    a = assessments.c
    conditions: list[ColumnElement[bool]] = [a.measure == measure, members.c.role == role]
    if family_ids is not None:
        conditions.append(a.family_id.in_(family_ids))
    return (
        select(
            a.family_id,
            a.member_id,
            a.assessed_on,
            cast(func.max(a.value), Integer).label("value"),
        )
        .join(
            members,
            and_(members.c.member_id == a.member_id, members.c.family_id == a.family_id),
        )
        .where(*conditions)
        .group_by(a.family_id, a.member_id, a.assessed_on)
        .subquery(name)
    )
