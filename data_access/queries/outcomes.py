"""Outcomes for the Effekt page: figures, SSP transitions, districts, measures over course months.

The rules are those of kpis.md and `family_figures.py`: the transition
table groups exactly the families `improved_share` counts (same baseline and
latest level), and a district's row is the figure filtered to that
district (`outcome_results`). Every count and share is disclosed for the
caller's scope here, before it leaves data_access.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import pandas as pd
from sqlalchemy import Connection, Engine, Integer, case, cast, func, literal, select

from data_access.db.schema import districts, families
from data_access.derived.course_months import Measure, course_month_sums
from data_access.derived.ssp_levels import SSP_LEVELS
from data_access.queries.context import QueryContext
from data_access.queries.family_figures import employment_of_parents, ssp_baseline_latest
from data_access.queries.figures import FigureValue, figures_from
from data_access.queries.programmes import read_programme
from data_access.rules.access import Scope
from data_access.rules.calendar import whole_months_between
from data_access.rules.disclosure import (
    SECONDARY,
    count_or_label,
    count_share,
    rests_on_few,
    shown_average,
    suppress_breakdown,
    suppress_count,
)
from data_access.rules.figures import FigureId
from data_access.rules.measures import FAMILY_VALUE_STEP, SELF_SUPPORTING
from data_access.rules.stages import family_filter

#: Columns of `course_month_series`.
SERIES_COLUMNS: Final[tuple[str, ...]] = ("course_month", "value", "families", "small")
#: The figures `outcome_results` gives: the two outcome shares of kpis.md.
OUTCOME_FIGURES: Final[tuple[FigureId, ...]] = (
    FigureId.IMPROVED_SHARE,
    FigureId.SELF_SUPPORTING_PARENTS,
)
#: Columns of `OutcomeResults.districts`.
DISTRICT_COLUMNS: Final[tuple[str, ...]] = (
    "district_id",
    "name",
    "improved",
    "eligible",
    "improved_share",
    "improved_small",
    "supporting",
    "parents",
    "supporting_share",
    "supporting_small",
)


def has_families(engine: Engine, context: QueryContext) -> bool:
    """Whether the programme (and district) has any family referred by D: else an empty state.

    For a suppressed scope, any family at all, whatever D: an empty state
    that came and went with D would tell 0 from the 1-4 a `<5` stands for.
    """
    as_of = date.max if context.scope.suppressed else context.as_of
    with engine.connect() as conn:
        n = conn.execute(
            select(func.count()).where(
                *family_filter(context.programme_id, as_of, context.district_id)
            )
        ).scalar_one()
    return bool(n)


def course_month_series(engine: Engine, context: QueryContext, measure: Measure) -> pd.DataFrame:
    """The measure's family average per course month, and how many families each point rests on.

    x = whole months since the family's start (assessments before the start,
    at intake, count as month 0), so families that started at different
    times are compared at the same point of their course. Each family counts
    once per month: its members' values on that month are averaged first
    (school attendance is per child). For `employment` the value is the
    share of assessed parents who are self-supporting (value 2). Only
    assessments on or before D of families started on or before D. `small`
    marks points on fewer than 5 families; for a suppressed scope their
    value is withheld (None) and the count reads "<5", and every other
    value is on the grid of `rules.disclosure.shown_average` (an exact
    average would say which n of its rounded count it is a mean over). The per-family
    averages come from `course_months.course_month_sums` (stored at load).
    """
    with engine.connect() as conn:
        sums = course_month_sums(
            conn, context.programme_id, measure, context.as_of, context.district_id
        )
        # A point drawn only where some family has a value said 1 or more where
        # "<5" stands, and a missing one 0: every course month the programme's
        # period allows by D is drawn, for every role (one chart, one rule).
        starts_on = read_programme(conn, context.programme_id).starts_on
        for course_month in range(whole_months_between(starts_on, context.as_of) + 1):
            sums.setdefault(course_month, (0.0, 0))
    step = FAMILY_VALUE_STEP[measure]
    shown = []
    for course_month, (total, n) in sorted(sums.items()):
        shown.append(
            (
                course_month,
                shown_average(total, n, context.scope, step)[0],
                count_or_label(n, context.scope),
                rests_on_few(n, context.scope),
            )
        )
    return pd.DataFrame(shown, columns=list(SERIES_COLUMNS))


@dataclass(frozen=True)
class OutcomeResults:
    """The Effekt page's outcomes, every count already disclosed for the caller's scope.

    figures: the OUTCOME_FIGURES of kpis.md (as `compute_figures` gives them);
    transitions: families by SSP level at intake (rows) and latest level
    (columns), 0-4 x 0-4, cells counts or "<5"; districts: one row per
    district of the programme (DISTRICT_COLUMNS).
    """

    figures: dict[str, FigureValue]
    transitions: pd.DataFrame
    districts: pd.DataFrame


def outcome_results(engine: Engine, context: QueryContext) -> OutcomeResults:
    """Improved parental authority and self-supporting parents: figures, transitions, districts.

    One grouped pass over the families' SSP levels and one over their
    parents' employment, both by the district a family is registered on,
    feed all three: the figures and the transition table sum the districts
    the filter covers, the district table sums each district's areas. The
    rules are those of `family_figures` (`ssp_baseline_latest`,
    `employment_of_parents`), so the cells of the transition table below
    the diagonal add up to the `improved_share` numerator and a district's
    row equals the figure filtered to that district. The page used to count
    the same families three times (figure, table, districts).
    """
    with engine.connect() as conn:
        ssp = _ssp_by_home(conn, context.programme_id, context.as_of)
        employment = _employment_by_home(conn, context.programme_id, context.as_of)
        districts_above = select(districts.c.district_id, districts.c.parent_id)
        parent_of: dict[str, str | None] = {str(d): p for d, p in conn.execute(districts_above)}
        places = _programme_places(conn, context.programme_id, context.as_of)
        homes = (
            None if context.district_id is None else _district_tree(context.district_id, parent_of)
        )
        shown = figures_from(
            conn,
            context,
            figure_ids=OUTCOME_FIGURES,
            known={
                "improved_share": _improved(ssp, homes),
                "self_supporting_parents": _supporting(employment, homes),
            },
        )
    return OutcomeResults(
        figures=shown,
        transitions=_transition_table(ssp, homes, context.scope),
        districts=_district_table(places, ssp, employment, parent_of, context.scope),
    )


def _programme_places(conn: Connection, programme_id: str, as_of: date) -> list[tuple[str, str]]:
    """(district_id, name) of the districts the programme's families live in by D, by name."""
    rows = conn.execute(
        select(districts.c.district_id, districts.c.name)
        .where(
            districts.c.district_id.in_(
                select(families.c.district_id).where(
                    families.c.programme_id == programme_id,
                    families.c.referred_on <= literal(as_of),
                )
            )
        )
        .order_by(districts.c.name)
    )
    return [(str(district_id), str(name)) for district_id, name in rows]


#: (home district, SSP level at intake, latest level) -> eligible families.
SspByHome = dict[tuple[str, int, int], int]
#: home district -> (self-supporting parents, assessed parents).
EmploymentByHome = dict[str, tuple[int, int]]


def _ssp_by_home(conn: Connection, programme_id: str, as_of: date) -> SspByHome:
    """The `improved_share` families grouped by district, baseline and latest level."""
    eligible = ssp_baseline_latest(programme_id, as_of)
    baseline = cast(eligible.c.baseline, Integer).label("baseline")
    latest = cast(eligible.c.latest, Integer).label("latest")
    rows = conn.execute(
        select(eligible.c.district_id, baseline, latest, func.count()).group_by(
            eligible.c.district_id, baseline, latest
        )
    ).all()
    return {(str(home), int(b), int(a)): int(n) for home, b, a, n in rows}


def _employment_by_home(conn: Connection, programme_id: str, as_of: date) -> EmploymentByHome:
    """Assessed and self-supporting parents of active families, by the family's district."""
    employment = employment_of_parents(programme_id, as_of)
    rows = conn.execute(
        select(
            employment.c.district_id,
            func.sum(case((employment.c.value == SELF_SUPPORTING, 1), else_=0)),
            func.count(),
        ).group_by(employment.c.district_id)
    ).all()
    return {str(home): (int(supporting or 0), int(n)) for home, supporting, n in rows}


def _improved(ssp: SspByHome, homes: set[str] | None) -> tuple[int, int]:
    """(improved, eligible) over the districts `homes` (None: all): latest below baseline."""
    improved = eligible = 0
    for (home, baseline, latest), n in ssp.items():
        if homes is None or home in homes:
            eligible += n
            improved += n if latest < baseline else 0
    return improved, eligible


def _supporting(employment: EmploymentByHome, homes: set[str] | None) -> tuple[int, int]:
    """(self-supporting, assessed) parents over the districts `homes` (None: all)."""
    parts = [v for home, v in employment.items() if homes is None or home in homes]
    return sum(s for s, _ in parts), sum(n for _, n in parts)


def _transition_table(ssp: SspByHome, homes: set[str] | None, scope: Scope) -> pd.DataFrame:
    """Families by baseline (rows) and latest level (columns) over `homes`, disclosed."""
    counts: dict[tuple[int, int], int] = {}
    for (home, baseline, latest), n in ssp.items():
        if homes is None or home in homes:
            counts[(baseline, latest)] = counts.get((baseline, latest), 0) + n
    return pd.DataFrame(
        [[count_or_label(counts.get((b, a), 0), scope) for a in SSP_LEVELS] for b in SSP_LEVELS],
        index=pd.Index(SSP_LEVELS, name="baseline"),
        columns=pd.Index(SSP_LEVELS, name="latest"),
        dtype="object",
    )


def _district_table(
    places: Sequence[tuple[str, str]],
    ssp: SspByHome,
    employment: EmploymentByHome,
    parent_of: dict[str, str | None],
    scope: Scope,
) -> pd.DataFrame:
    """One row per district of the programme: its areas' improved and self-supporting shares.

    Counts and shares are disclosed for `scope`; `*_small` says a share
    rests on fewer than 5 families (or parents) for every role.
    """
    raw: list[tuple[str, str, int, int, int, int]] = []
    for district_id, name in places:
        tree = _district_tree(district_id, parent_of)
        improved, eligible = _improved(ssp, tree)
        supporting, assessed = _supporting(employment, tree)
        raw.append((district_id, name, improved, eligible, supporting, assessed))
    # Each base is one breakdown by district (rounded to 5, 1-4 as "<5").
    eligible_cells = suppress_breakdown({r[0]: r[3] for r in raw}, scope)
    parent_cells = suppress_breakdown({r[0]: r[5] for r in raw}, scope)
    rows = []
    for district_id, name, improved, eligible, supporting, parents in raw:
        rows.append(
            (
                district_id,
                name,
                *_disclosed(improved, eligible, eligible_cells[district_id], scope),
                rests_on_few(eligible, scope),
                *_disclosed(supporting, parents, parent_cells[district_id], scope),
                rests_on_few(parents, scope),
            )
        )
    return pd.DataFrame(rows, columns=list(DISTRICT_COLUMNS))


def _district_tree(root: str, parents: dict[str, str | None]) -> set[str]:
    """`root` and every area below it, like `in_district` (stops on a cycle)."""
    tree = {root}
    grew = True
    while grew:
        below = {str(d) for d, parent in parents.items() if parent in tree} - tree
        tree |= below
        grew = bool(below)
    return tree


def _disclosed(
    numerator: int, denominator: int, base_cell: int | str, scope: Scope
) -> tuple[int | str | None, int | str, float | None]:
    """(numerator, base, share) cells of one district's share, with the base's breakdown cell."""
    if base_cell == SECONDARY:
        return None, SECONDARY, None
    return (
        _shown_numerator(numerator, denominator, scope),
        base_cell,
        count_share(numerator, denominator, scope)[0],
    )


def _shown_numerator(numerator: int, denominator: int, scope: Scope) -> int | str | None:
    """A share's numerator as a cell: withheld (None) with its share, else like a count."""
    if count_share(numerator, denominator, scope)[1] is not None:
        return None
    value, display = suppress_count(numerator, scope)
    return display if value is None else value
