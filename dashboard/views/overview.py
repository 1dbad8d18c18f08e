"""The steering group's overview: the few figures a meeting starts with, on a projector.

Each figure is shown with its change since the previous quarter end and,
where there is a target or a plan, a status line that reads without colour.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import streamlit as st

from dashboard import formatting
from dashboard.i18n import N_, t
from dashboard.metrics import DeltaColor, show_figure
from dashboard.navigation import page
from dashboard.views.common import status
from data_access.queries.figures import FigureValue

#: Spend within this many percentage points of the linear plan is on track.
SPEND_TOLERANCE: Final = 0.05

#: Large metric type for the shared screen; a constant, no data in it.
BIG_TYPE_CSS: Final = (
    "<style>[data-testid='stMetricValue']{font-size:3.4rem;line-height:1.1}"
    "[data-testid='stMetricLabel'] p{font-size:1.25rem}"
    "[data-testid='stMetricDelta']{font-size:1.1rem}</style>"
)

#: Figures whose change since the quarter end says nothing (plans and targets).
NO_DELTA: Final = frozenset({"target_active", "budget_year", "expected_share"})

Row = tuple[tuple[str, DeltaColor], ...]
FAMILIES: Final[Row] = (
    ("active_families", "normal"),
    ("target_active", "off"),
    ("intensive_families", "off"),
    ("aftercare_families", "off"),
)
FLOW: Final[Row] = (
    ("pipeline_families", "off"),
    ("overdue_families", "inverse"),
    ("improved_share", "normal"),
)
#: Amounts get half a row each: `31.866.667 kr.` in projector type needs the width.
MONEY: Final[Row] = (
    ("spent_ytd", "off"),
    ("budget_year", "off"),
)
SHARES: Final[Row] = (
    ("spent_share", "off"),
    ("expected_share", "off"),
)


def _status_of(item: FigureValue, figures: dict[str, FigureValue], lang: str) -> None:
    """The status line under the figures that have a target or a plan."""
    value = item.value
    if item.figure_id == "active_families" and value is not None:
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
    elif item.figure_id == "overdue_families" and value is not None:
        n = formatting.number(value, lang)
        status(
            value == 0,
            lang,
            good=t("overview.none_overdue", lang),
            bad=t("overview.some_overdue", lang, n=n),
        )
    elif item.figure_id == "improved_share" and value is not None:
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
    elif item.figure_id == "spent_share" and value is not None:
        expected = figures["expected_share"].value or 0.0
        gap = value - expected
        if abs(gap) <= SPEND_TOLERANCE:
            status(True, lang, good=t("overview.spend_on_plan", lang))
        else:
            key = N_("overview.spend_over") if gap > 0 else N_("overview.spend_under")
            status(False, lang, bad=t(key, lang))


def _row(
    row: Row,
    figures: dict[str, FigureValue],
    previous: dict[str, FigureValue],
    previous_day: date,
    lang: str,
) -> None:
    since = t("overview.since", lang, date=formatting.short_date(previous_day, lang))
    for column, (figure_id, colour) in zip(st.columns(len(row)), row, strict=True):
        with column:
            show_figure(
                figures[figure_id],
                lang,
                previous=None if figure_id in NO_DELTA else previous[figure_id],
                delta_color=colour,
                delta_description=since,
            )
            _status_of(figures[figure_id], figures, lang)


def overview(
    figures: dict[str, FigureValue],
    previous: dict[str, FigureValue],
    previous_day: date,
    lang: str,
) -> None:
    """Three rows of large metrics: families, intake and outcome, spend."""
    st.html(BIG_TYPE_CSS)
    for heading, rows in (
        (N_("common.families"), (FAMILIES,)),
        (N_("overview.flow"), (FLOW,)),
        (page("oekonomi").title_id, (MONEY, SHARES)),
    ):
        st.subheader(t(heading, lang))
        for row in rows:
            _row(row, figures, previous, previous_day, lang)
