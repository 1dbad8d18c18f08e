"""Each family's SSP level over time, derived at load time (`family_ssp_levels`).

kpis.md: "family SSP level on a date = the highest `ssp_level` among its
children's latest assessments on or before that date". The level can only
change on a date when one of the family's children is assessed, so the
loader stores one row per such date with the level from then until the next
one. A page then reads, for any report date D, at most one row per family
(the row with valid_from <= D < valid_until) instead of ranking every
child's assessments on every view: at city scale that ranking sorted close
to a million rows and ran into the statement timeout.

This module is the one place the family level is worked out;
`figures_families.ssp_baseline_latest` (the `improved_share` rule) and the
caseload read it through `family_ssp_on`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import (
    Connection,
    Insert,
    Integer,
    and_,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.sql.expression import ColumnElement, Subquery

from data_access.schema import assessments, family_ssp_levels, members

#: Family ids per statement when only some families are refreshed.
REFRESH_CHUNK = 500


def refresh_family_ssp_levels(
    connection: Connection, family_ids: Iterable[str] | None = None
) -> None:
    """Recompute `family_ssp_levels` for `family_ids` (None: every family).

    Runs inside the caller's transaction (the loader's), so the derived rows
    always match the assessments they come from.
    """
    if family_ids is None:
        connection.execute(delete(family_ssp_levels))
        connection.execute(_insert_levels(None))
        return
    chosen = sorted(set(family_ids))
    for start in range(0, len(chosen), REFRESH_CHUNK):
        chunk = chosen[start : start + REFRESH_CHUNK]
        connection.execute(
            delete(family_ssp_levels).where(family_ssp_levels.c.family_id.in_(chunk))
        )
        connection.execute(_insert_levels(chunk))


def _insert_levels(family_ids: list[str] | None) -> Insert:
    """INSERT ... SELECT of the family levels, in SQL both backends run.

    1. child_day: one value per child and date (two assessments of a child on
       one date count as the higher), with the child's next assessment date.
    2. levels: for each date a child of the family was assessed, the highest
       value among the children's assessments in force that day (assessed on
       or before it, not yet replaced by a later one).
    3. the row's end (the family's next such date), its first date and the
       level on that date (the baseline).
    """
    a = assessments.c
    conditions: list[ColumnElement[bool]] = [
        a.measure == "ssp_level",
        members.c.role == "child",
    ]
    if family_ids is not None:
        conditions.append(a.family_id.in_(family_ids))
    child_day = (
        select(
            a.family_id,
            a.member_id,
            a.assessed_on,
            func.max(a.value).label("value"),
        )
        .join(
            members,
            and_(members.c.member_id == a.member_id, members.c.family_id == a.family_id),
        )
        .where(*conditions)
        .group_by(a.family_id, a.member_id, a.assessed_on)
        .subquery("child_day")
    )
    child_span = select(
        child_day,
        func.lead(child_day.c.assessed_on)
        .over(
            partition_by=(child_day.c.family_id, child_day.c.member_id),
            order_by=child_day.c.assessed_on,
        )
        .label("next_on"),
    ).subquery("child_span")
    family_day = (
        select(child_day.c.family_id, child_day.c.assessed_on).distinct().subquery("family_day")
    )
    levels = (
        select(
            family_day.c.family_id,
            family_day.c.assessed_on.label("valid_from"),
            func.max(child_span.c.value).label("level"),
        )
        .join(
            child_span,
            and_(
                child_span.c.family_id == family_day.c.family_id,
                child_span.c.assessed_on <= family_day.c.assessed_on,
                or_(
                    child_span.c.next_on.is_(None),
                    child_span.c.next_on > family_day.c.assessed_on,
                ),
            ),
        )
        .group_by(family_day.c.family_id, family_day.c.assessed_on)
        .subquery("levels")
    )
    family, in_order = levels.c.family_id, levels.c.valid_from
    rows = select(
        levels.c.family_id,
        levels.c.valid_from,
        func.lead(levels.c.valid_from)
        .over(partition_by=family, order_by=in_order)
        .label("valid_until"),
        cast(levels.c.level, Integer).label("level"),
        func.min(levels.c.valid_from).over(partition_by=family).label("first_on"),
        cast(
            func.first_value(levels.c.level).over(partition_by=family, order_by=in_order), Integer
        ).label("baseline"),
    )
    return insert(family_ssp_levels).from_select(
        ["family_id", "valid_from", "valid_until", "level", "first_on", "baseline"], rows
    )


def family_ssp_on(as_of: date) -> Subquery:
    """Each family's SSP level on `as_of`: family_id, level, baseline, first_on, valid_from.

    One row per family with an `ssp_level` assessment of a child on or before
    `as_of`; valid_from > first_on means it has been assessed again since its
    first assessment date.
    """
    s = family_ssp_levels.c
    return (
        select(s.family_id, s.level, s.baseline, s.first_on, s.valid_from)
        .where(
            s.valid_from <= literal(as_of),
            or_(s.valid_until.is_(None), s.valid_until > literal(as_of)),
        )
        .subquery("family_ssp")
    )
