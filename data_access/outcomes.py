"""Outcomes for the Effekt page: SSP transitions, measures over course months, districts.

The rules are those of kpis.md and `figures_families.py`: the transition
table groups exactly the families `improved_share` counts (same baseline and
latest level), and the district table calls the figure functions per
district. Every count and share is disclosed for the caller's scope here,
before it leaves data_access.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import pandas as pd
from sqlalchemy import Connection, Engine, Integer, case, cast, func, literal, select

from data_access.access import SYSTEM, Scope
from data_access.course_months import Measure, course_month_sums
from data_access.disclosure import (
    SECONDARY,
    count_or_label,
    is_small,
    suppress_breakdown,
    suppress_count,
    suppress_share,
)
from data_access.figures_families import (
    SELF_SUPPORTING,
    employment_of_parents,
    family_filter,
    ssp_baseline_latest,
)
from data_access.schema import districts, families
from data_access.ssp_levels import SSP_LEVELS

#: Columns of `course_month_series`.
SERIES_COLUMNS: Final[tuple[str, ...]] = ("course_month", "value", "families", "small")
#: Columns of `outcomes_by_district`.
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


def has_families(
    engine: Engine, programme_id: str, as_of: date, *, district_id: str | None = None
) -> bool:
    """Whether the programme (and district) has any family referred by D: else an empty state."""
    with engine.connect() as conn:
        n = conn.execute(
            select(func.count()).where(*family_filter(programme_id, as_of, district_id))
        ).scalar_one()
    return bool(n)


def ssp_transitions(
    engine: Engine,
    programme_id: str,
    as_of: date,
    *,
    district_id: str | None = None,
    scope: Scope = SYSTEM,
) -> pd.DataFrame:
    """Families by SSP level at intake (rows) and latest level (columns), 0-4 x 0-4.

    Family level = the highest level among its children (kpis.md), for the
    families `improved_share` counts, so the cells below the diagonal add up
    to its numerator. Cells are counts, "<5" for 1-4 for a suppressed scope.
    """
    eligible = ssp_baseline_latest(programme_id, as_of, district_id)
    baseline = cast(eligible.c.baseline, Integer).label("baseline")
    latest = cast(eligible.c.latest, Integer).label("latest")
    with engine.connect() as conn:
        rows = conn.execute(select(baseline, latest, func.count()).group_by(baseline, latest)).all()
    counts = {(int(b), int(a)): int(n) for b, a, n in rows}
    table = pd.DataFrame(
        [[count_or_label(counts.get((b, a), 0), scope) for a in SSP_LEVELS] for b in SSP_LEVELS],
        index=pd.Index(SSP_LEVELS, name="baseline"),
        columns=pd.Index(SSP_LEVELS, name="latest"),
        dtype="object",
    )
    return table


def course_month_series(
    engine: Engine,
    programme_id: str,
    as_of: date,
    measure: Measure,
    *,
    district_id: str | None = None,
    scope: Scope = SYSTEM,
) -> pd.DataFrame:
    """The measure's family average per course month, and how many families each point rests on.

    x = whole months since the family's start (assessments before the start,
    at intake, count as month 0), so families that started at different
    times are compared at the same point of their course. Each family counts
    once per month: its members' values on that month are averaged first
    (school attendance is per child). For `employment` the value is the
    share of assessed parents who are self-supporting (value 2). Only
    assessments on or before D of families started on or before D. `small`
    marks points on fewer than 5 families; for a suppressed scope their
    value is withheld (None) and the count reads "<5". The per-family
    averages come from `course_months.course_month_sums` (stored at load).
    """
    with engine.connect() as conn:
        sums = course_month_sums(conn, programme_id, measure, as_of, district_id)
    shown = []
    for course_month, (total, n) in sums.items():
        withheld = suppress_share(1.0, n, scope)[1] is not None
        shown.append(
            (course_month, None if withheld else total / n, count_or_label(n, scope), is_small(n))
        )
    return pd.DataFrame(shown, columns=list(SERIES_COLUMNS))


def outcomes_by_district(
    engine: Engine, programme_id: str, as_of: date, *, scope: Scope = SYSTEM
) -> pd.DataFrame:
    """Improved parental authority and self-supporting parents per district of the programme.

    One row per district where the programme's families live, computed with
    the figure functions themselves (so a row equals the figure filtered to
    that district). Counts and shares are disclosed for `scope`; `*_small`
    says a share rests on fewer than 5 families (or parents) for every role.
    """
    with engine.connect() as conn:
        places = conn.execute(
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
        ).all()
        counts = _counts_by_home_district(conn, programme_id, as_of)
        parent_of = dict(conn.execute(select(districts.c.district_id, districts.c.parent_id)).all())
    raw: list[tuple[str, str, int, int, int, int]] = []
    for district_id, name in places:
        totals = [0, 0, 0, 0]
        for home in _district_tree(str(district_id), parent_of):
            for i, value in enumerate(counts.get(home, (0, 0, 0, 0))):
                totals[i] += value
        improved, eligible, supporting, assessed = totals
        raw.append((str(district_id), str(name), improved, eligible, supporting, assessed))
    # Each base is one breakdown by district: one hidden district would be
    # given away by the headline figure, so a second one is hidden with it.
    eligible_cells = suppress_breakdown({r[0]: r[3] for r in raw}, scope)
    parent_cells = suppress_breakdown({r[0]: r[5] for r in raw}, scope)
    rows = []
    for district_id, name, improved, eligible, supporting, parents in raw:
        rows.append(
            (
                district_id,
                name,
                *_disclosed(improved, eligible, eligible_cells[district_id], scope),
                is_small(eligible),
                *_disclosed(supporting, parents, parent_cells[district_id], scope),
                is_small(parents),
            )
        )
    return pd.DataFrame(rows, columns=list(DISTRICT_COLUMNS))


def _counts_by_home_district(
    conn: Connection, programme_id: str, as_of: date
) -> dict[str, tuple[int, int, int, int]]:
    """(improved, eligible, self-supporting, parents) per district a family is registered on.

    Two grouped statements instead of the two figure queries per district:
    both figures are computed family by family (parent by parent), so
    grouping by the family's district and summing a district's areas gives
    exactly what the figure filtered to that district gives.
    """
    eligible = ssp_baseline_latest(programme_id, as_of)
    improved = conn.execute(
        select(
            eligible.c.district_id,
            func.sum(case((eligible.c.latest < eligible.c.baseline, 1), else_=0)),
            func.count(),
        ).group_by(eligible.c.district_id)
    ).all()
    employment = employment_of_parents(programme_id, as_of)
    supporting = conn.execute(
        select(
            employment.c.district_id,
            func.sum(case((employment.c.value == SELF_SUPPORTING, 1), else_=0)),
            func.count(),
        ).group_by(employment.c.district_id)
    ).all()
    counts: dict[str, list[int]] = {}
    for district_id, n_improved, n_eligible in improved:
        counts.setdefault(str(district_id), [0, 0, 0, 0])[0:2] = [
            int(n_improved or 0),
            int(n_eligible or 0),
        ]
    for district_id, n_supporting, n_parents in supporting:
        counts.setdefault(str(district_id), [0, 0, 0, 0])[2:4] = [
            int(n_supporting or 0),
            int(n_parents or 0),
        ]
    return {key: (v[0], v[1], v[2], v[3]) for key, v in counts.items()}


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
        suppress_share(numerator, denominator, scope)[0],
    )


def _shown_numerator(numerator: int, denominator: int, scope: Scope) -> int | str | None:
    """A share's numerator as a cell: withheld (None) with its share, else like a count."""
    if suppress_share(numerator, denominator, scope)[1] is not None:
        return None
    value, display = suppress_count(numerator, scope)
    return display if value is None else value
