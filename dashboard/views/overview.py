"""The steering group's overview: the few figures a meeting starts with, on a projector.

Each figure is shown with its change since the previous quarter end and,
where there is a target or a plan, a status line that reads without colour.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import streamlit as st

from dashboard import formatting
from dashboard.catalogue import group_heading, grouped
from dashboard.i18n import t
from dashboard.metrics import show_figure
from dashboard.views.common import spend_status_line, status
from data_access.queries.figures import FigureValue
from data_access.rules.figures import FigureId

#: Large metric type for the shared screen; a constant, no data in it.
BIG_TYPE_CSS: Final = (
    "<style>[data-testid='stMetricValue']{font-size:3.4rem;line-height:1.1}"
    "[data-testid='stMetricLabel'] p{font-size:1.25rem}"
    "[data-testid='stMetricDelta']{font-size:1.1rem}</style>"
)

#: The figures a meeting starts with, a row each; rows sit under their figures' catalogue
#: group. Amounts get half a row each: `31.866.667 kr.` in projector type needs the width.
ROWS: Final[tuple[tuple[FigureId, ...], ...]] = (
    (
        FigureId.ACTIVE_FAMILIES,
        FigureId.TARGET_ACTIVE,
        FigureId.INTENSIVE_FAMILIES,
        FigureId.AFTERCARE_FAMILIES,
    ),
    (FigureId.PIPELINE_FAMILIES, FigureId.OVERDUE_FAMILIES, FigureId.IMPROVED_SHARE),
    (FigureId.SPENT_YTD, FigureId.BUDGET_YEAR),
    (FigureId.SPENT_SHARE, FigureId.EXPECTED_SHARE),
)


def _status_of(item: FigureValue, figures: dict[str, FigureValue], lang: str) -> None:
    """The status line under the figures that have a target or a plan."""
    value = item.value
    if item.figure_id == FigureId.ACTIVE_FAMILIES and value is not None:
        if item.target is None:
            status(None, lang)
            return
        target = formatting.number(item.target, lang)
        met = value >= item.target
        status(
            met,
            lang,
            good=t("overview.target_met", lang, target=target),
            bad=t("overview.target_missed", lang, target=target),
        )
    elif item.figure_id == FigureId.OVERDUE_FAMILIES and value is not None:
        n = formatting.number(value, lang)
        status(
            value == 0,
            lang,
            good=t("overview.none_overdue", lang),
            bad=t("overview.some_overdue", lang, n=n),
        )
    elif item.figure_id == FigureId.IMPROVED_SHARE and value is not None:
        if item.target is None:
            status(None, lang)
            return
        target = formatting.share(item.target, lang)
        status(
            value >= item.target,
            lang,
            good=t("overview.target_met", lang, target=target),
            bad=t("overview.target_missed", lang, target=target),
        )
    elif item.figure_id == FigureId.SPENT_SHARE:
        # kpis.md spend_status, the same words as on Økonomi and in the report.
        spend_status_line(figures[FigureId.SPEND_STATUS], lang)


def _row(
    row: tuple[FigureId, ...],
    figures: dict[str, FigureValue],
    previous: dict[str, FigureValue],
    previous_day: date,
    lang: str,
) -> None:
    since = t("overview.since", lang, date=formatting.short_date(previous_day, lang))
    for column, figure_id in zip(st.columns(len(row)), row, strict=True):
        with column:
            show_figure(
                figures[figure_id],
                lang,
                previous=previous[figure_id],
                delta_description=since,
            )
            _status_of(figures[figure_id], figures, lang)


def overview(
    figures: dict[str, FigureValue],
    previous: dict[str, FigureValue],
    previous_day: date,
    lang: str,
) -> None:
    """Rows of large metrics under their catalogue groups: families, intake and outcome, spend."""
    st.html(BIG_TYPE_CSS)
    heading = None
    for row in ROWS:
        ((group, _),) = grouped(row)
        if group != heading:
            st.subheader(group_heading(group, lang))
            heading = group
        _row(row, figures, previous, previous_day, lang)
