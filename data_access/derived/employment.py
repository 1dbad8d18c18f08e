"""Each parent's employment over time, derived at load time (`parent_employment`).

kpis.md `self_supporting_parents` needs each parent's latest `employment`
on or before the report date D. Ranking every employment assessment on each
view took 0.4 s at scale 1000 and ran twice on the Effekt page; the loader
now stores one row per parent and assessment date with the value until the
next one, and the figure reads the row in force on D.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, Insert, func, insert, literal, or_, select
from sqlalchemy.sql.expression import Subquery

from data_access.db.schema import parent_employment
from data_access.derived.refresh import member_day_values, refresh


def refresh_parent_employment(
    connection: Connection, family_ids: Iterable[str] | None = None
) -> None:
    """Recompute `parent_employment` for `family_ids` (None: every family)."""
    refresh(connection, parent_employment, _insert_spans, family_ids)


def _insert_spans(family_ids: list[str] | None) -> Insert:
    """One row per parent and assessment date (the higher value on a tie), until the next."""
    per_day = member_day_values("employment", "parent", family_ids, "per_day")
    rows = select(
        per_day.c.member_id,
        per_day.c.assessed_on,
        func.lead(per_day.c.assessed_on)
        .over(partition_by=per_day.c.member_id, order_by=per_day.c.assessed_on)
        .label("valid_until"),
        per_day.c.family_id,
        per_day.c.value,
    )
    return insert(parent_employment).from_select(
        ["member_id", "valid_from", "valid_until", "family_id", "value"], rows
    )


def employment_on(as_of: date) -> Subquery:
    """Each assessed parent's employment on `as_of`: member_id, family_id, value.

    One row per parent with an `employment` assessment on or before `as_of`.
    """
    e = parent_employment.c
    return (
        select(e.member_id, e.family_id, e.value)
        .where(
            e.valid_from <= literal(as_of),
            or_(e.valid_until.is_(None), e.valid_until > literal(as_of)),
        )
        .subquery("employment_on")
    )
