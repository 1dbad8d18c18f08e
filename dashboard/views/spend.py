"""Layout pieces of the Økonomi page: headline, breakdown tables and charts, years.

Tables hold the numbers and show Danish (or English) text (`dashboard.tables`),
so a click on a header sorts by amount; charts get the same numbers.
Every status is an icon, a word and a colour, so it reads without colour.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Final

import pandas as pd
import streamlit as st

from dashboard import formatting, tables
from dashboard.catalogue import figure, spend_column_label, spend_status_text
from dashboard.charts import (
    PALETTE,
    SPEND_STATUS_TEXT_COLOURS,
    money_axis,
    month_ticks,
    title,
)
from dashboard.i18n import t
from dashboard.metrics import show_figure
from dashboard.tables import Column, Kind
from dashboard.views.common import plot, spend_status_line
from data_access.queries.figures import FigureValue
from data_access.rules.figures import FigureId
from data_access.rules.spend import OVER_BUDGET_ABOVE, UNDER_SPEND_BELOW

HEADLINE: Final[tuple[FigureId, ...]] = (
    FigureId.BUDGET_YEAR,
    FigureId.SPENT_YTD,
    FigureId.SPENT_SHARE,
    FigureId.EXPECTED_SHARE,
    FigureId.FORECAST_YEAR,
    FigureId.COST_PER_FAMILY_MONTH,
)
#: What the page asks for: the headline and the programme's status under its forecast.
ASKED: Final[tuple[FigureId, ...]] = (*HEADLINE, FigureId.SPEND_STATUS)

MONEY_COLUMNS: Final[tuple[str, ...]] = ("budget", "budget_municipal", "budget_state", "spent")


def headline(values: dict[str, FigureValue], lang: str) -> None:
    """The six kpis.md spend figures, three to a row so millions fit on a shared screen.

    The programme's spend status stands under the year-end forecast it is read from.
    """
    for start in range(0, len(HEADLINE), 3):
        for column, figure_id in zip(st.columns(3), HEADLINE[start : start + 3], strict=True):
            with column:
                show_figure(values[figure_id], lang)
                if figure_id == FigureId.FORECAST_YEAR:
                    spend_status_line(values[FigureId.SPEND_STATUS], lang)


def breakdown_table(frame: pd.DataFrame, lang: str, first: str) -> None:
    """One row per key: its status, then budget, spend, forecast and variance; sorts by value.

    The columns are the report's (`spend_column_label`), so that a laptop shows
    them all: the variance in percentage points is left to the workbook, as it
    is the share spent minus the expected share shown above the table for
    every row alike, and long names (a department's 44 characters) wrap.
    """
    status_heading = t("common.status", lang)
    label = partial(spend_column_label, lang=lang)
    table = tables.build(
        [
            Column(first, frame["name"]),
            Column(status_heading, [spend_status_text(s, lang) for s in frame["status"]]),
            Column(label("budget_year"), frame["budget_year"], Kind.MONEY),
            Column(label("spent_ytd"), frame["spent_ytd"], Kind.MONEY),
            Column(label("spent_share"), frame["spent_share"], Kind.SHARE),
            Column(label("forecast_year"), frame["forecast_year"], Kind.MONEY),
            Column(label("variance_dkk"), frame["variance_dkk"], Kind.SIGNED_MONEY),
        ],
        lang,
    )
    colours = {spend_status_text(s, lang): c for s, c in SPEND_STATUS_TEXT_COLOURS.items()}
    tables.show(table, colours={status_heading: colours}, wrap_names=True)


def status_note(lang: str) -> None:
    st.caption(
        t(
            "spend.status_note",
            lang,
            over=formatting.share(OVER_BUDGET_ABOVE, lang),
            under=formatting.share(UNDER_SPEND_BELOW, lang),
        )
    )


def breakdown_chart(frame: pd.DataFrame, lang: str, key: str) -> None:
    """Budget and spend side by side per key, with the linear expectation as a tick."""
    names = list(frame["name"])[::-1]
    budget = list(frame["budget_year"].fillna(0))[::-1]
    spent = list(frame["spent_ytd"])[::-1]
    expected = [b * e for b, e in zip(budget, list(frame["expected_share"])[::-1], strict=True)]
    traces = [
        {
            "type": "bar",
            "y": names,
            "x": budget,
            "orientation": "h",
            "name": figure("budget_year").label(lang),
            "marker": {"color": "#BBBBBB"},
        },
        {
            "type": "bar",
            "y": names,
            "x": spent,
            "orientation": "h",
            "name": figure("spent_ytd").label(lang),
            "marker": {"color": PALETTE[0]},
        },
        {
            "type": "scatter",
            "y": names,
            "x": expected,
            "mode": "markers",
            "name": figure("expected_share").label(lang),
            "marker": {
                "symbol": "line-ns-open",
                "size": 22,
                "color": "#000000",
                "line": {"width": 3},
            },
        },
    ]
    # Own key: two breakdowns can hold the same numbers (one funder per department).
    plot(
        traces,
        lang,
        height=max(260, 70 * len(names) + 120),
        key=key,
        barmode="group",
        xaxis=money_axis([*budget, *spent, *expected], lang),
    )


def month_chart(frame: pd.DataFrame, lang: str, scope_label: str) -> None:
    """Cumulative spend month by month against the linear budget line of the year."""
    heading = t("spend.month_chart", lang, scope=formatting.markdown_literal(scope_label))
    st.markdown(f"**{heading}**")
    months = list(frame["month"])
    traces = [
        {
            "type": "bar",
            "x": months,
            "y": frame["spent"],
            "name": t("spend.monthly", lang),
            "marker": {"color": "#CCCCCC"},
        },
        {
            "type": "scatter",
            "x": months,
            "y": frame["cumulative"],
            "mode": "lines+markers",
            "name": t("spend.cumulative", lang),
            "line": {"color": PALETTE[0], "width": 3},
        },
    ]
    if frame["planned_cumulative"].notna().any():
        traces.append(
            {
                "type": "scatter",
                "x": months,
                "y": frame["planned_cumulative"],
                "mode": "lines",
                "name": t("spend.planned", lang),
                "line": {"color": "#000000", "dash": "dash", "width": 2},
            }
        )
    plot(
        traces,
        lang,
        xaxis={"title": title(t("common.month", lang)), **month_ticks(months, lang)},
        yaxis=money_axis([*frame["cumulative"], *frame["planned_cumulative"]], lang),
    )


def month_table(frame: pd.DataFrame, lang: str) -> None:
    tables.show(
        tables.build(
            [
                Column(t("common.month", lang), frame["month"], Kind.MONTH),
                Column(t("spend.monthly", lang), frame["spent"], Kind.MONEY),
                Column(t("spend.cumulative", lang), frame["cumulative"], Kind.MONEY),
                Column(t("spend.planned", lang), frame["planned_cumulative"], Kind.MONEY),
            ],
            lang,
        )
    )


def years_table(frame: pd.DataFrame, lang: str) -> Callable[[], pd.DataFrame]:
    """All years side by side, with a total row; returns what makes its text (for the CSV)."""
    sums = {c: _num(frame[c].sum(min_count=1)) for c in MONEY_COLUMNS}
    budget_total, spent_total = sums["budget"], sums["spent"]
    total_share = spent_total / budget_total if budget_total and spent_total is not None else None
    years = [str(y) for y in frame["year"]] + [t("common.total", lang)]
    headings = {
        "budget_municipal": t("spend.budget_municipal", lang),
        "budget_state": t("spend.budget_state", lang),
        "budget": figure("budget_year").label(lang),
        "spent": t("spend.spent", lang),
    }
    shares = [_num(v) for v in frame["spent_share"]] + [total_share]
    table = tables.build(
        [
            Column(t("spend.year", lang), years),
            *(
                Column(heading, [_num(v) for v in frame[column]] + [sums[column]], Kind.MONEY)
                for column, heading in headings.items()
            ),
            Column(figure("spent_share").label(lang), shares, Kind.SHARE),
        ],
        lang,
    )
    tables.show(table)
    st.caption(t("spend.years_note", lang))
    return table.text


def _num(value: object) -> float | None:
    """A frame cell as a float, None for NaN/None (formatting then writes "–")."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return float(value)  # type: ignore[arg-type]
