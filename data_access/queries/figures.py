"""Every figure of kpis.md for one programme at one report date, for one caller.

The numbers are aggregated in SQL (`family_figures.py`, `spend.py`);
this module puts them together, applies disclosure control for the caller's
scope before anything leaves `data_access`, and offers the programme look-ups
the pages need. Figure ids are those of kpis.md and of `dashboard.catalogue`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine, select

from data_access.db.schema import families
from data_access.derived.stage_changes import family_months
from data_access.queries.context import QueryContext
from data_access.queries.family_figures import (
    StageTally,
    improved_parental_authority,
    median_days_to_start,
    self_supporting_parents,
    stage_tally,
)
from data_access.queries.programmes import read_programme
from data_access.queries.spend import budget_year, spent_ytd
from data_access.rules.access import Scope
from data_access.rules.disclosure import (
    SECONDARY,
    WITHHELD,
    is_hidden,
    protect_single,
    suppress_breakdown,
    suppress_count,
    suppress_share,
    withhold_small_base,
)
from data_access.rules.figures import FigureId
from data_access.rules.spend import SpendStatus, expected_share, forecast_ratio, spend_status
from data_access.rules.stages import (
    ACTIVE_STAGES,
    AFTERCARE,
    ENDED,
    INTENSIVE,
    PIPELINE_STAGES,
    STAGE_ORDER,
)

#: The figures counted from the families' stages on the report date (one pass).
STAGE_FIGURES: tuple[FigureId, ...] = (
    FigureId.ACTIVE_FAMILIES,
    FigureId.INTENSIVE_FAMILIES,
    FigureId.AFTERCARE_FAMILIES,
    FigureId.PIPELINE_FAMILIES,
    FigureId.ENDED_FAMILIES,
    FigureId.OVERDUE_FAMILIES,
)

#: Every figure id of kpis.md, in its order.
FIGURE_IDS: tuple[FigureId, ...] = tuple(FigureId)


@dataclass(frozen=True)
class FigureValue:
    """One figure as a caller may see it.

    value None means not available (no data, division by zero) or not shown;
    display then says why: "<5" for a suppressed count, "withheld" for a share
    on fewer than 5 families. numerator/denominator are the parts of a share
    (suppressed like counts), target the programme's target where one is set.
    status: for `spend_status` only, the rule's verdict on value =
    forecast_year / budget_year (numerator / denominator); None without a
    budget.
    """

    figure_id: FigureId
    value: float | None
    display: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    target: float | None = None
    status: SpendStatus | None = None


def spend_status_figure(forecast: float | None, budget: float | None) -> FigureValue:
    """kpis.md `spend_status` of a forecast against a budget, as a figure (rules.spend)."""
    return FigureValue(
        FigureId.SPEND_STATUS,
        forecast_ratio(forecast, budget),
        numerator=forecast,
        denominator=budget,
        status=spend_status(forecast, budget),
    )


def stage_counts(engine: Engine, context: QueryContext) -> dict[str, int | str]:
    """Families per stage on `as_of` in STAGE_ORDER, disclosed as one breakdown.

    For a suppressed scope 1-4 reads "<5", and the secondary rule hides a
    second stage where only one would be hidden. With a district, a stage
    also hidden for another district of the programme is hidden here too,
    so flipping the district filter cannot give a hidden cell back.
    """
    with engine.connect() as conn:
        tally = stage_tally(conn, context.programme_id, context.as_of, context.district_id)
        peers = _peer_hidden(
            conn,
            context.programme_id,
            context.as_of,
            context.district_id,
            context.scope,
            {"stage_tally"},
        )
    cells = suppress_breakdown(tally.stages, context.scope)
    for stage in STAGE_ORDER:
        if stage in peers and not is_hidden(cells[stage]):
            cells[stage] = SECONDARY
    if context.scope.suppressed:
        protect_single(cells, tally.stages)
    return {stage: cells[stage] for stage in STAGE_ORDER}


def _raw_counts(
    conn: Connection,
    programme_id: str,
    as_of: date,
    district_id: str | None,
    passes: Collection[str],
) -> dict[str, int]:
    """The family and people counts behind the figures, before disclosure.

    Only the counts of `passes` (keys of FIGURE_PASSES) are made: each count
    is its own breakdown, so the ones a caller does not show change nothing.
    """
    counts: dict[str, int] = {}
    if "stage_tally" in passes:
        tally = stage_tally(conn, programme_id, as_of, district_id)
        stages = tally.stages
        counts |= {
            **stages,
            "active_families": sum(stages[s] for s in ACTIVE_STAGES),
            "pipeline_families": sum(stages[s] for s in PIPELINE_STAGES),
            "overdue_families": tally.overdue,
        }
    if "median_days_to_start" in passes:
        counts["median_days_to_start"] = median_days_to_start(
            conn, programme_id, as_of, district_id
        )[1]
    for name, count in SHARE_PASSES.items():
        if name in passes:
            counts[name] = count(conn, programme_id, as_of, district_id)[1]
    return counts


def _peer_hidden(
    conn: Connection,
    programme_id: str,
    as_of: date,
    district_id: str | None,
    scope: Scope,
    passes: Collection[str],
) -> set[str]:
    """Counts (by `_raw_counts` key) hidden for `district_id` because of its sibling districts.

    The district filter makes every family figure a breakdown by district
    whose total is the unfiltered headline: a viewer who sees 12 for the
    programme and 9 for one of two districts knows the other has 3. So each
    count is treated as one breakdown over the programme's districts (those
    the filter offers) and `suppress_breakdown` decides which districts'
    cells are hidden; the set says which counts that hides for `district_id`.
    """
    if not scope.suppressed or district_id is None:
        return set()
    peers = (
        conn.execute(
            select(families.c.district_id)
            .where(families.c.programme_id == programme_id)
            .group_by(families.c.district_id)
        )
        .scalars()
        .all()
    )
    if district_id not in peers:
        return set()
    raw = {str(peer): _raw_counts(conn, programme_id, as_of, str(peer), passes) for peer in peers}
    hidden: set[str] = set()
    for key in raw[district_id]:
        cells = suppress_breakdown({peer: counts[key] for peer, counts in raw.items()}, scope)
        if is_hidden(cells[district_id]):
            hidden.add(key)
    return hidden


def _count(
    figure_id: FigureId, n: int, scope: Scope, target: float | None = None, hidden: bool = False
) -> FigureValue:
    """A count figure; `hidden` (secondary suppression) shows "x" where 1-4 would show."""
    value, display = suppress_count(n, scope)
    if hidden and value is not None and value > 0:
        return FigureValue(figure_id, None, SECONDARY, target=target)
    return FigureValue(figure_id, value, display, target=target)


def _share(
    figure_id: FigureId,
    numerator: int,
    denominator: int,
    scope: Scope,
    target: float | None = None,
    hidden: bool = False,
) -> FigureValue:
    """A share of families or people: parts and share disclosed as counts and shares.

    `hidden`: the base is hidden by the secondary rule, so the share is
    withheld as if the base were small.
    """
    value, display = suppress_share(numerator, denominator, scope)
    if hidden and display is None and value is not None:
        return FigureValue(figure_id, None, WITHHELD, None, None, target)
    shown_numerator, _ = suppress_count(numerator, scope)
    shown_denominator, _ = suppress_count(denominator, scope)
    if display is not None:
        shown_numerator = None
    return FigureValue(figure_id, value, display, shown_numerator, shown_denominator, target)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, None when either is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


#: The passes over the data behind the figures, and the figures each pass feeds:
#: a page that shows a few figures makes only their passes.
FIGURE_PASSES: dict[str, frozenset[FigureId]] = {
    "stage_tally": frozenset(STAGE_FIGURES),
    "median_days_to_start": frozenset({FigureId.MEDIAN_DAYS_TO_START}),
    "improved_share": frozenset({FigureId.IMPROVED_SHARE}),
    "self_supporting_parents": frozenset({FigureId.SELF_SUPPORTING_PARENTS}),
    "budget_year": frozenset({FigureId.BUDGET_YEAR, FigureId.SPENT_SHARE, FigureId.SPEND_STATUS}),
    "spent_ytd": frozenset(
        {
            FigureId.SPENT_YTD,
            FigureId.SPENT_SHARE,
            FigureId.FORECAST_YEAR,
            FigureId.SPEND_STATUS,
            FigureId.COST_PER_FAMILY_MONTH,
        }
    ),
    "family_months": frozenset({FigureId.COST_PER_FAMILY_MONTH}),
}

#: (numerator, base) of a share figure, as its pass counts them before disclosure.
RawShare = tuple[int, int]


#: The share passes a caller may hand to `figures_from`, and how each is counted.
SHARE_PASSES: dict[str, Callable[[Connection, str, date, str | None], RawShare]] = {
    "improved_share": improved_parental_authority,
    "self_supporting_parents": self_supporting_parents,
}


def compute_figures(
    engine: Engine, context: QueryContext, *, figure_ids: Collection[FigureId] | None = None
) -> dict[str, FigureValue]:
    """The figures of kpis.md (`figure_ids`, default all of FIGURE_IDS) for programme P at D.

    Family figures honour the context's district (the district and the areas
    below it); budget and spend figures, and cost per family-month which
    divides them, are programme-wide. Values are already disclosed for the
    context's scope.
    Only the passes the asked-for figures need are made (`FIGURE_PASSES`);
    a figure's value does not depend on which others are asked for.
    """
    with engine.connect() as conn:
        return figures_from(conn, context, figure_ids=figure_ids)


def figures_from(
    conn: Connection,
    context: QueryContext,
    *,
    figure_ids: Collection[FigureId] | None = None,
    known: Mapping[str, RawShare] | None = None,
) -> dict[str, FigureValue]:
    """`compute_figures` on an open connection, reusing the passes a caller has already made.

    `known` maps a share pass of FIGURE_PASSES ("improved_share",
    "self_supporting_parents") to its raw (numerator, base) for
    the context's district: a query that grouped the same families for its own table
    hands them over instead of this module counting them again. Disclosure
    is the same either way.
    """
    asked = set(FIGURE_IDS if figure_ids is None else figure_ids)
    unknown = {str(f) for f in asked} - set(FIGURE_IDS)
    if unknown:
        raise ValueError(f"unknown figure ids: {sorted(unknown)}")
    wanted = {FigureId(f) for f in asked}
    given = dict(known or {})
    unknown_passes = set(given) - set(SHARE_PASSES)
    if unknown_passes:
        raise ValueError(f"passes that cannot be handed over: {sorted(unknown_passes)}")
    passes = {name for name, fed in FIGURE_PASSES.items() if fed & wanted}
    needed = passes - set(given)
    info = read_programme(conn, context.programme_id)
    peers = _peer_hidden(
        conn, context.programme_id, context.as_of, context.district_id, context.scope, passes
    )
    tally = (
        stage_tally(conn, context.programme_id, context.as_of, context.district_id)
        if "stage_tally" in needed
        else None
    )
    median, started = (
        median_days_to_start(conn, context.programme_id, context.as_of, context.district_id)
        if "median_days_to_start" in needed
        else (None, 0)
    )
    for name, count in SHARE_PASSES.items():
        if name in needed:
            given[name] = count(conn, context.programme_id, context.as_of, context.district_id)
    improved, eligible = given.get("improved_share", (0, 0))
    supporting, assessed = given.get("self_supporting_parents", (0, 0))
    budget = (
        budget_year(conn, context.programme_id, context.as_of.year)
        if "budget_year" in needed
        else None
    )
    spent = spent_ytd(conn, context.programme_id, context.as_of) if "spent_ytd" in needed else 0.0
    months = (
        family_months(conn, context.programme_id, context.as_of) if "family_months" in needed else 0
    )

    target_active = (
        None if info.target_active_families is None else float(info.target_active_families)
    )
    figures = (
        _family_figures(tally, target_active, peers, context.scope) if tally is not None else []
    )
    day, days_in_year = expected_share(context.as_of)
    expected = day / days_in_year
    forecast = spent / expected
    median_value, median_display = withhold_small_base(median, started, context.scope)
    if "median_days_to_start" in peers and median_display is None and median_value is not None:
        median_value, median_display = None, WITHHELD
    figures += [
        FigureValue(FigureId.TARGET_ACTIVE, target_active, target=target_active),
        FigureValue(
            FigureId.MEDIAN_DAYS_TO_START,
            median_value,
            median_display,
            denominator=suppress_count(started, context.scope)[0],
        ),
        _share(
            FigureId.IMPROVED_SHARE,
            improved,
            eligible,
            context.scope,
            info.target_improved_share,
            "improved_share" in peers,
        ),
        _share(
            FigureId.SELF_SUPPORTING_PARENTS,
            supporting,
            assessed,
            context.scope,
            hidden="self_supporting_parents" in peers,
        ),
        FigureValue(FigureId.BUDGET_YEAR, budget),
        FigureValue(FigureId.SPENT_YTD, spent),
        FigureValue(
            FigureId.SPENT_SHARE, _ratio(spent, budget), numerator=spent, denominator=budget
        ),
        FigureValue(FigureId.EXPECTED_SHARE, expected, numerator=day, denominator=days_in_year),
        FigureValue(FigureId.FORECAST_YEAR, forecast, numerator=spent, denominator=expected),
        spend_status_figure(forecast, budget),
        FigureValue(
            FigureId.COST_PER_FAMILY_MONTH,
            _ratio(spent, months),
            numerator=spent,
            denominator=months,
        ),
    ]
    found = {f.figure_id: f for f in figures}
    return {figure_id: found[figure_id] for figure_id in FIGURE_IDS if figure_id in wanted}


def _family_figures(
    tally: StageTally, target_active: float | None, peers: set[str], scope: Scope
) -> list[FigureValue]:
    """The stage counts: active (against its target), its parts, pipeline, ended, overdue."""
    stages = tally.stages
    # Intensive and aftercare are the parts of the active headline: one breakdown.
    parts = suppress_breakdown({INTENSIVE: stages[INTENSIVE], AFTERCARE: stages[AFTERCARE]}, scope)
    hidden = {key for key in peers if key in (INTENSIVE, AFTERCARE)} | {
        key for key, cell in parts.items() if cell == SECONDARY
    }
    return [
        _count(
            FigureId.ACTIVE_FAMILIES,
            sum(stages[s] for s in ACTIVE_STAGES),
            scope,
            target_active,
            "active_families" in peers,
        ),
        _count(FigureId.INTENSIVE_FAMILIES, stages[INTENSIVE], scope, hidden=INTENSIVE in hidden),
        _count(FigureId.AFTERCARE_FAMILIES, stages[AFTERCARE], scope, hidden=AFTERCARE in hidden),
        _count(
            FigureId.PIPELINE_FAMILIES,
            sum(stages[s] for s in PIPELINE_STAGES),
            scope,
            hidden="pipeline_families" in peers,
        ),
        _count(FigureId.ENDED_FAMILIES, stages[ENDED], scope, hidden=ENDED in peers),
        _count(FigureId.OVERDUE_FAMILIES, tally.overdue, scope, hidden="overdue_families" in peers),
    ]
