"""The family figures of kpis.md as SQL aggregates (raw numbers, before disclosure).

Everything here is aggregated in the database and returns a handful of
numbers; disclosure control is applied by `figures.py` on the way out.
Stages come from `stages.py` only, so every page counts a stage the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, case, func, select
from sqlalchemy.sql.expression import Subquery

from data_access.db.medians import middle_value, running_counts
from data_access.db.planner import first_on_sqlite
from data_access.db.schema import families
from data_access.db.sql import days_after, days_between
from data_access.derived.employment import employment_on
from data_access.derived.ssp_levels import family_ssp_on
from data_access.rules.measures import BASELINE_WINDOW_DAYS, SELF_SUPPORTING
from data_access.rules.stages import (
    STAGE_ORDER,
    family_filter,
    has_started,
    is_active,
    is_overdue,
    stage_of,
)


@dataclass(frozen=True)
class StageTally:
    """Families per stage on one date, plus the overdue ones among the active."""

    stages: dict[str, int]
    overdue: int


def stage_tally(
    conn: Connection, programme_id: str, as_of: date, district_id: str | None = None
) -> StageTally:
    """One pass over the families: count per stage and overdue.

    The stage is computed in a subquery and grouped outside it, because
    PostgreSQL does not match a GROUP BY expression whose bound dates are
    separate parameters.
    """
    per_family = (
        select(
            stage_of(as_of).label("stage"),
            case((is_overdue(as_of), 1), else_=0).label("overdue"),
        )
        .where(*family_filter(programme_id, as_of, district_id))
        .subquery()
    )
    rows = conn.execute(
        select(per_family.c.stage, func.count(), func.sum(per_family.c.overdue)).group_by(
            per_family.c.stage
        )
    ).all()
    stages = dict.fromkeys(STAGE_ORDER, 0)
    overdue = 0
    for stage, n, n_overdue in rows:
        if stage in stages:
            stages[stage] = int(n)
            overdue += int(n_overdue or 0)
    return StageTally(stages=stages, overdue=overdue)


def median_days_to_start(
    conn: Connection, programme_id: str, as_of: date, district_id: str | None = None
) -> tuple[float | None, int]:
    """(median of started_on - referred_on, number of families) over families started by `as_of`.

    The families are grouped by their day count first (`medians.py`), so the
    database orders a few hundred distinct values instead of every family.
    """
    days = days_between(families.c.started_on, families.c.referred_on)
    histogram = (
        select(days.label("value"), func.count().label("n"))
        .where(
            *family_filter(programme_id, as_of, district_id),
            has_started(as_of),
        )
        .group_by(days)
        .subquery("histogram")
    )
    counts = running_counts(histogram)
    median, n = conn.execute(select(middle_value(counts), func.max(counts.c.total))).one()
    return (None if median is None else float(median)), int(n or 0)


def improved_parental_authority(
    conn: Connection, programme_id: str, as_of: date, district_id: str | None = None
) -> tuple[int, int]:
    """(improved, eligible) families for `improved_share` (rule: `ssp_baseline_latest`)."""
    eligible = ssp_baseline_latest(programme_id, as_of, district_id)
    n, improved = conn.execute(
        select(
            func.count(),
            func.sum(case((eligible.c.latest < eligible.c.baseline, 1), else_=0)),
        )
    ).one()
    return int(improved or 0), int(n or 0)


def ssp_baseline_latest(programme_id: str, as_of: date, district_id: str | None = None) -> Subquery:
    """The families eligible for `improved_share`: family_id, district_id, baseline, latest.

    Shared by the figure and the Effekt page's SSP transition table, so both
    read the same baseline and latest level for the same families.

    kpis.md: "share, over families with started_on <= D and an `ssp_level`
    assessment on or before started_on + 31 days (baseline) and a later one on
    or before D, whose SSP level fell: family SSP level on a date = the highest
    `ssp_level` among its children's latest assessments on or before that
    date; baseline = that level on the first assessment date; latest = that
    level on D."

    Read literally: take the family's children's `ssp_level` assessments dated
    on or before D. The first assessment date F is the family's earliest of
    them; the family is eligible when F <= started_on + 31 days and some
    assessment is dated after F. On F only the children assessed that day have
    a latest assessment, so baseline = max value on F. Latest = max over the
    children of each child's most recent value on or before D (a child not
    reassessed keeps its earlier value). Improved = latest < baseline (lower is
    better). Two assessments of one child on one date count as the higher.

    The family level per assessment date is stored by the loader
    (`ssp_levels.py`); here the row in force on D says everything: its level
    is the latest, its baseline the level on F, and it starts after F exactly
    when the family has been assessed again by D.
    """
    level = family_ssp_on(as_of)
    return (
        select(
            level.c.family_id,
            families.c.district_id,
            level.c.baseline,
            level.c.level.label("latest"),
        )
        .join(families, families.c.family_id == level.c.family_id)
        .where(
            *family_filter(programme_id, as_of, district_id),
            has_started(as_of),
            level.c.first_on <= days_after(families.c.started_on, BASELINE_WINDOW_DAYS),
            level.c.valid_from > level.c.first_on,
        )
        .subquery("eligible")
    )


def self_supporting_parents(
    conn: Connection, programme_id: str, as_of: date, district_id: str | None = None
) -> tuple[int, int]:
    """(self-supporting, assessed) parents of families active on `as_of`.

    kpis.md: parents whose latest `employment` on or before D is 2, over
    parents of active families with any `employment` on or before D. Two
    assessments of one parent on the same latest date count as the higher.
    """
    employment = employment_of_parents(programme_id, as_of, district_id)
    n, supporting = conn.execute(
        select(
            func.count(),
            func.sum(case((employment.c.value == SELF_SUPPORTING, 1), else_=0)),
        )
    ).one()
    return int(supporting or 0), int(n or 0)


def employment_of_parents(
    programme_id: str, as_of: date, district_id: str | None = None
) -> Subquery:
    """Assessed parents of active families, one row each: value (latest on `as_of`), district_id.

    Shared by `self_supporting_parents` and the Effekt page's district table,
    which groups the rows by the family's district in one statement. The
    latest value per parent is stored by the loader (`derived/employment.py`),
    which keeps only members of role parent: joining members again here made
    PostgreSQL read every member of the city.
    The active families come first (`planner.py`): SQLite otherwise started
    from every parent of the city.
    """
    active = first_on_sqlite(
        select(families.c.family_id, families.c.district_id).where(
            *family_filter(programme_id, as_of, district_id), is_active(as_of)
        ),
        "active_families",
    )
    employment = employment_on(as_of)
    return (
        select(employment.c.value, active.c.district_id)
        .select_from(active)
        .join(employment, employment.c.family_id == active.c.family_id)
        .subquery("employment")
    )
