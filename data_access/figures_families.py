"""The family figures of kpis.md as SQL aggregates (raw numbers, before disclosure).

Everything here is aggregated in the database and returns a handful of
numbers; disclosure control is applied by `figures.py` on the way out.
Stages come from `stages.py` only, so every page counts a stage the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Integer, case, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement, Subquery

from data_access.dates import days_after
from data_access.employment_spans import employment_on
from data_access.medians import middle_value, running_counts
from data_access.planner import first_on_sqlite
from data_access.schema import districts, families
from data_access.ssp_levels import family_ssp_on
from data_access.stages import STAGE_ORDER, is_active, is_overdue, stage_of

#: kpis.md: the baseline assessment lies on or before started_on + this many days.
BASELINE_WINDOW_DAYS = 31
#: assessments.value of `employment` meaning self-supporting.
SELF_SUPPORTING = 2


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


def family_filter(
    programme_id: str, as_of: date, district_id: str | None = None
) -> list[ColumnElement[bool]]:
    """Families of the programme (and district) that exist on `as_of` (referred by then)."""
    conditions: list[ColumnElement[bool]] = [
        families.c.programme_id == programme_id,
        families.c.referred_on <= literal(as_of),
    ]
    if district_id is not None:
        conditions.append(in_district(families.c.district_id, district_id))
    return conditions


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
            families.c.started_on <= literal(as_of),
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
            families.c.started_on <= literal(as_of),
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
    latest value per parent is stored by the loader (`employment_spans.py`),
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
