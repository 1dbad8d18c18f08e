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

from sqlalchemy import Connection, Engine

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
    WITHHELD,
    count_share,
    suppress_breakdown,
    suppress_count,
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

    For a suppressed scope 1-4 reads "<5" and the others are rounded to 5
    (rules.disclosure), the same whatever the district filter.
    """
    with engine.connect() as conn:
        tally = stage_tally(conn, context.programme_id, context.as_of, context.district_id)
    cells = suppress_breakdown(tally.stages, context.scope)
    return {stage: cells[stage] for stage in STAGE_ORDER}


def _count(figure_id: FigureId, n: int, scope: Scope, target: float | None = None) -> FigureValue:
    """A count figure, disclosed for `scope` (rounded to 5, 1-4 as "<5")."""
    value, display = suppress_count(n, scope)
    return FigureValue(figure_id, value, display, target=target)


def _share(
    figure_id: FigureId,
    numerator: int,
    denominator: int,
    scope: Scope,
    target: float | None = None,
) -> FigureValue:
    """A share of families or people: parts disclosed as counts, the share from the shown parts."""
    value, display = count_share(numerator, denominator, scope)
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
    figures = _family_figures(tally, target_active, context.scope) if tally is not None else []
    day, days_in_year = expected_share(context.as_of)
    expected = day / days_in_year
    forecast = spent / expected
    median_value, median_display = withhold_small_base(median, started, context.scope)
    shown_months = suppress_count(months, context.scope)[0]
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
        ),
        _share(
            FigureId.SELF_SUPPORTING_PARENTS,
            supporting,
            assessed,
            context.scope,
        ),
        FigureValue(FigureId.BUDGET_YEAR, budget),
        FigureValue(FigureId.SPENT_YTD, spent),
        FigureValue(
            FigureId.SPENT_SHARE, _ratio(spent, budget), numerator=spent, denominator=budget
        ),
        FigureValue(FigureId.EXPECTED_SHARE, expected, numerator=day, denominator=days_in_year),
        FigureValue(FigureId.FORECAST_YEAR, forecast, numerator=spent, denominator=expected),
        spend_status_figure(forecast, budget),
        # Spend is shown exactly, so dividing by exact family-months would
        # give back the active count of each month: the divisor is rounded too.
        # Withheld for 0-4 alike: a "–" for 0 beside "withheld" for 1-4 said
        # "at least one family active this year", a lower bound like a 0.
        FigureValue(
            FigureId.COST_PER_FAMILY_MONTH,
            _ratio(spent, shown_months),
            WITHHELD if shown_months is None else None,
            numerator=spent,
            denominator=shown_months,
        ),
    ]
    found = {f.figure_id: f for f in figures}
    return {figure_id: found[figure_id] for figure_id in FIGURE_IDS if figure_id in wanted}


def _family_figures(
    tally: StageTally, target_active: float | None, scope: Scope
) -> list[FigureValue]:
    """The stage counts: active (against its target), its parts, pipeline, ended, overdue."""
    stages = tally.stages
    return [
        _count(
            FigureId.ACTIVE_FAMILIES, sum(stages[s] for s in ACTIVE_STAGES), scope, target_active
        ),
        _count(FigureId.INTENSIVE_FAMILIES, stages[INTENSIVE], scope),
        _count(FigureId.AFTERCARE_FAMILIES, stages[AFTERCARE], scope),
        _count(FigureId.PIPELINE_FAMILIES, sum(stages[s] for s in PIPELINE_STAGES), scope),
        _count(FigureId.ENDED_FAMILIES, stages[ENDED], scope),
        _count(FigureId.OVERDUE_FAMILIES, tally.overdue, scope),
    ]
