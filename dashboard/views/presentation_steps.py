"""The presentation's steps: a handful of large figures and at most one chart or table each.

Each step draws one page's figures for the steering group's shared
1920x1080 screen (`dashboard.presentation` steps through them): the same
data_access queries and `show_figure` as the pages, in larger type, with
nothing below the screen's edge.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any, Final

import streamlit as st

from dashboard import formatting
from dashboard.catalogue import figure, spend_status_text, stage_label, status_of
from dashboard.charts import (
    PALETTE,
    SPEND_STATUS_TEXT_COLOURS,
    STAGE_COLOURS,
    Trace,
    count_axis,
    hline,
    is_hidden_cell,
    mark_hidden,
    money_axis,
    money_unit,
    month_ticks,
    title,
    type_size,
    with_hidden,
)
from dashboard.data import cached
from dashboard.i18n import t
from dashboard.metrics import show_figure
from dashboard.shell import PageContext
from dashboard.views.common import plot, spend_status_line
from dashboard.views.districts import indicator_matrix
from dashboard.views.quarter import present_decisions, present_notes
from data_access.queries import courses, figures, indicators, reference, spend
from data_access.queries.figures import FigureValue
from data_access.rules.calendar import add_months, quarter_end_before
from data_access.rules.figures import FigureId
from data_access.rules.stages import ENDED, PIPELINE_STAGES, STAGE_ORDER

CHART_HEIGHT: Final = 430
#: Chart text in px: readable from the back of a meeting room on a 1920x1080 screen.
CHART_TYPE: Final = 22

figures_at = cached(figures.compute_figures)
stages_at = cached(figures.stage_counts)
spend_at = cached(spend.spend_breakdown)
stage_months_at = cached(courses.stage_months)
districts_of = cached(reference.list_districts)
district_indicators = cached(indicators.district_indicators)


def _metrics(
    now: dict[str, FigureValue], before: dict[str, FigureValue], ids: tuple[str, ...], lang: str
) -> None:
    """One row of large metrics with the change since the previous quarter end.

    Changes are coloured by the catalogue's direction, as on the pages; the
    year-end forecast carries the programme's spend status beneath it.
    """
    for column, figure_id in zip(st.columns(len(ids)), ids, strict=True):
        with column:
            show_figure(now[figure_id], lang, previous=before.get(figure_id))
            if figure_id == FigureId.FORECAST_YEAR:
                spend_status_line(now[FigureId.SPEND_STATUS], lang)


def _plot(traces: list[Trace], lang: str, **layout: Any) -> None:
    """One chart in the presentation's larger type."""
    plot(traces, lang, height=CHART_HEIGHT, **type_size(layout, CHART_TYPE))


def _step_overview(
    context: PageContext, now: dict[str, FigureValue], before: dict[str, FigureValue]
) -> None:
    lang = context.lang
    present_decisions(context)
    _metrics(
        now,
        before,
        ("active_families", "pipeline_families", "overdue_families", "improved_share"),
        lang,
    )
    _metrics(now, before, ("spent_ytd", "spent_share", "expected_share", "forecast_year"), lang)
    present_notes(context)


def _step_intake(
    context: PageContext, now: dict[str, FigureValue], before: dict[str, FigureValue]
) -> None:
    lang = context.lang
    _metrics(now, before, ("pipeline_families", "median_days_to_start", "active_families"), lang)
    counts = stages_at(context.query)
    traces: list[Trace] = []
    for stage in PIPELINE_STAGES:
        value = counts.get(stage)
        bar = {
            "type": "bar",
            "x": [stage_label(stage, lang)],
            "y": [value if isinstance(value, int) else 0],
            "text": [formatting.count_text(value, lang)],
            "marker": {"color": STAGE_COLOURS[stage]},
            "name": stage_label(stage, lang),
        }
        traces.append(mark_hidden(bar, [value]))
    _plot(
        with_hidden(traces, t("disclosure.hidden", lang)),
        lang,
        showlegend=any(is_hidden_cell(counts.get(s)) for s in PIPELINE_STAGES),
        yaxis={
            "title": title(t("common.families", lang)),
            **count_axis([counts.get(s) for s in PIPELINE_STAGES], lang),
        },
    )


def _step_courses(
    context: PageContext, now: dict[str, FigureValue], before: dict[str, FigureValue]
) -> None:
    f, lang = context.filters, context.lang
    _metrics(
        now,
        before,
        ("active_families", "intensive_families", "aftercare_families", "overdue_families"),
        lang,
    )
    first = max(f.starts_on, add_months(f.as_of, -11)).replace(day=1)
    frame = stage_months_at(context.query, first)
    traces: list[Trace] = []
    for stage in STAGE_ORDER:
        if stage == ENDED:
            continue
        rows = frame[frame["stage"] == stage]
        bar = {
            "type": "bar",
            "x": list(rows["month_end"]),
            "y": [v if v is not None else 0 for v in rows["families"]],
            "customdata": list(rows["display"]),
            "hovertemplate": "%{customdata}",
            "name": stage_label(stage, lang),
            "marker": {"color": STAGE_COLOURS[stage]},
        }
        traces.append(mark_hidden(bar, list(rows["display"])))
    # The axis reaches the tallest stack; a hidden cell is drawn 4 high.
    shown = frame[frame["stage"] != ENDED]
    stacks: dict[object, float] = {}
    for month, value in zip(shown["month_end"], shown["families"], strict=True):
        hidden = value is None or math.isnan(value)
        stacks[month] = stacks.get(month, 0) + (4 if hidden else value)
    stacked = list(stacks.values())
    _plot(
        with_hidden(traces, t("disclosure.hidden", lang)),
        lang,
        barmode="stack",
        xaxis=month_ticks(sorted(set(frame["month_end"])), lang, every=2),
        yaxis={"title": title(t("common.families", lang)), **count_axis(stacked, lang)},
    )


def _step_spend(
    context: PageContext, now: dict[str, FigureValue], before: dict[str, FigureValue]
) -> None:
    lang = context.lang
    _metrics(now, before, ("budget_year", "spent_ytd", "spent_share", "forecast_year"), lang)
    frame = spend_at(context.query, "department")
    budget, spent = list(frame["budget_year"].fillna(0)), list(frame["spent_ytd"])
    unit = money_unit([*budget, *spent])
    # Each bar says its amount; spend adds the department's status (the headline's rule).
    budget_texts = [formatting.money_short(v, unit, lang) for v in budget]
    spent_texts = [
        f"{formatting.money_short(v, unit, lang)} · {spend_status_text(s, lang)}"
        for v, s in zip(spent, frame["status"], strict=True)
    ]
    traces = [
        {
            "type": "bar",
            "y": list(frame["name"]),
            "x": list(values),
            "orientation": "h",
            "name": figure(figure_id).label(lang),
            "marker": {"color": colour},
            "cliponaxis": False,
            **extra,
        }
        for figure_id, values, colour, extra in (
            (
                FigureId.BUDGET_YEAR,
                budget,
                "#888888",
                {"text": budget_texts, "textposition": "outside"},
            ),
            (
                FigureId.SPENT_YTD,
                spent,
                PALETTE[0],
                {
                    "text": spent_texts,
                    "textposition": "outside",
                    "textfont": {
                        "color": [SPEND_STATUS_TEXT_COLOURS[status_of(s)] for s in frame["status"]]
                    },
                },
            ),
        )
    ]
    # Room right of the longest bar for its label and status, read from the back row.
    axis = money_axis([*budget, *spent], lang)
    axis["range"] = [axis["range"][0], axis["tickvals"][-1] * 1.45]
    _plot(traces, lang, barmode="group", xaxis=axis, yaxis={"autorange": "reversed"})


def _quarter_ends(starts_on: date, as_of: date) -> list[date]:
    """Quarter ends from the programme's start up to `as_of` (the last point is `as_of`)."""
    ends = [as_of]
    day = quarter_end_before(as_of)
    while day >= starts_on and len(ends) < 8:
        ends.append(day)
        day = quarter_end_before(day)
    return sorted(ends)


def _step_outcomes(
    context: PageContext, now: dict[str, FigureValue], before: dict[str, FigureValue]
) -> None:
    f, lang = context.filters, context.lang
    _metrics(now, before, ("improved_share", "self_supporting_parents", "ended_families"), lang)
    days = _quarter_ends(f.starts_on, f.as_of)
    values = [figures_at(context.query.at(day))["improved_share"] for day in days]
    line = {
        "type": "scatter",
        "x": [formatting.short_date(day, lang) for day in days],
        "y": [None if v.value is None else v.value * 100 for v in values],
        "mode": "lines+markers",
        "name": figure("improved_share").label(lang),
        "line": {"color": PALETTE[2], "width": 4},
        "marker": {"size": 12},
    }
    target = now["improved_share"].target
    _plot(
        [line],
        lang,
        title=title(t("presentation.improved_by_quarter", lang)),
        yaxis={"ticksuffix": " %", "rangemode": "tozero"},
        shapes=[] if target is None else [hline(target * 100, colour="#000000", dash="dash")],
    )


def _step_districts(
    context: PageContext, now: dict[str, FigureValue], before: dict[str, FigureValue]
) -> None:
    f, lang = context.filters, context.lang
    _metrics(now, before, ("active_families", "pipeline_families", "ended_families"), lang)
    districts = districts_of(f.programme_id)
    if not districts:
        st.info(t("presentation.no_districts", lang))
        return
    names, counts, labels, cells = [], [], [], []
    for district in districts:
        item = figures_at(context.query.in_district(district.district_id))["active_families"]
        names.append(district.name)
        counts.append(item.value or 0)
        labels.append(item.display or formatting.number(item.value, lang))
        cells.append(item.display if item.display is not None else item.value)
    bars = {"type": "bar", "x": names, "y": counts, "text": labels, "marker": {"color": PALETTE[0]}}
    _plot(
        with_hidden([mark_hidden(bars, cells)], t("disclosure.hidden", lang)),
        lang,
        title=title(t("presentation.active_by_district", lang)),
        yaxis={"title": title(t("common.families", lang)), **count_axis(cells, lang)},
    )


def _step_indicators(
    context: PageContext, now: dict[str, FigureValue], before: dict[str, FigureValue]
) -> None:
    """The Bydele page's indicators in one table: where the families live, against the city."""
    f, lang = context.filters, context.lang
    shown = district_indicators(context.query, f.starts_on)
    if not shown.panels:
        st.info(t("districts.no_indicators", lang), icon=":material/info:")
        return
    st.markdown(
        t(
            "presentation.indicators_note",
            lang,
            start=formatting.long_date(f.starts_on, lang),
        )
    )
    st.table(indicator_matrix(shown.indicators, shown.panels, lang), hide_index=True)


Step = Callable[[PageContext, dict[str, FigureValue], dict[str, FigureValue]], None]
RENDER: Final[dict[str, Step]] = {
    "overview": _step_overview,
    "intake": _step_intake,
    "courses": _step_courses,
    "spend": _step_spend,
    "outcomes": _step_outcomes,
    "districts": _step_districts,
    "indicators": _step_indicators,
}
