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
`queries.family_figures.ssp_baseline_latest` (the `improved_share` rule) and the
caseload read it through `family_ssp_on`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Final

from sqlalchemy import (
    Connection,
    Insert,
    case,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.sql.expression import Subquery

from data_access.db.schema import family_ssp_levels
from data_access.derived.refresh import member_day_values, refresh
from data_access.rules.measures import SCALES

_SSP: Final = SCALES["ssp_level"]
#: The SSP levels: whole numbers 0-4 (bundle.md; the loader rejects anything else).
SSP_LEVELS: Final[tuple[int, ...]] = tuple(range(int(_SSP.low), int(_SSP.high) + 1))


def refresh_family_ssp_levels(
    connection: Connection, family_ids: Iterable[str] | None = None
) -> None:
    """Recompute `family_ssp_levels` for `family_ids` (None: every family)."""
    refresh(connection, family_ssp_levels, _insert_levels, family_ids)


def _insert_levels(family_ids: list[str] | None) -> Insert:
    """INSERT ... SELECT of the family levels, in SQL both backends run.

    Window functions only, so the work grows with the number of assessments
    (a join of each assessment date with the children's assessments in force
    that day took minutes at scale 1000). SSP levels are whole numbers 0-4
    (the loader checks), so the family keeps a running count of its children
    at each level:

    1. child_day: one value per child and date (two assessments of a child on
       one date count as the higher) and the child's previous value.
    2. family_day: per family and date, +1 at each child's new level and -1
       at the level it replaces.
    3. counts: the running sums of those changes, per level, in date order;
       the family level is the highest level with a child on it.
    4. the row's end (the family's next such date), its first date and the
       level on that date (the baseline).
    """
    child_day = member_day_values("ssp_level", "child", family_ids, "child_day")
    child_change = select(
        child_day.c.family_id,
        child_day.c.assessed_on,
        child_day.c.value,
        func.lag(child_day.c.value)
        .over(
            partition_by=(child_day.c.family_id, child_day.c.member_id),
            order_by=child_day.c.assessed_on,
        )
        .label("replaced"),
    ).subquery("child_change")
    family_day = (
        select(
            child_change.c.family_id,
            child_change.c.assessed_on,
            *(
                func.sum(
                    case((child_change.c.value == level, 1), else_=0)
                    - case((child_change.c.replaced == level, 1), else_=0)
                ).label(f"change_{level}")
                for level in SSP_LEVELS
            ),
        )
        .group_by(child_change.c.family_id, child_change.c.assessed_on)
        .subquery("family_day")
    )
    family, by_date = family_day.c.family_id, family_day.c.assessed_on
    counts = select(
        family.label("family_id"),
        by_date.label("valid_from"),
        *(
            func.sum(family_day.c[f"change_{level}"])
            .over(partition_by=family, order_by=by_date, rows=(None, 0))
            .label(f"at_{level}")
            for level in SSP_LEVELS
        ),
    ).subquery("counts")
    level = case(
        *((counts.c[f"at_{n}"] > 0, n) for n in sorted(SSP_LEVELS, reverse=True)),
        else_=min(SSP_LEVELS),
    )
    levels = select(counts.c.family_id, counts.c.valid_from, level.label("level")).subquery(
        "levels"
    )
    family, by_date = levels.c.family_id, levels.c.valid_from
    rows = select(
        family,
        by_date,
        func.lead(by_date).over(partition_by=family, order_by=by_date).label("valid_until"),
        levels.c.level,
        func.min(by_date).over(partition_by=family).label("first_on"),
        func.first_value(levels.c.level)
        .over(partition_by=family, order_by=by_date)
        .label("baseline"),
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
