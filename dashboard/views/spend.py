"""Layout pieces of the Økonomi page: headline, breakdown tables and charts, years.

Tables are formatted here into Danish (or English) text, because Streamlit's
number formats cannot write `31.866.667 kr.`; charts get the same numbers.
Every status is an icon, a word and a colour, so it reads without colour.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import streamlit as st

from dashboard import formatting
from dashboard.catalogue import figure, spend_status_text
from dashboard.charts import PALETTE, SPEND_STATUS_COLOURS, month_ticks, title
from dashboard.i18n import t
from dashboard.metrics import show_figure
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
    """One row per key: budget, spend, shares, variance and status, Danish formats."""
    label = figure
    shown = pd.DataFrame(
        {
            first: frame["name"],
            label("budget_year").label(lang): [
                formatting.money(_num(v), lang) for v in frame["budget_year"]
            ],
            label("spent_ytd").label(lang): [formatting.money(v, lang) for v in frame["spent_ytd"]],
            label("spent_share").label(lang): [
                formatting.share(_num(v), lang) for v in frame["spent_share"]
            ],
            t("spend.table.variance_dkk", lang): [
                _signed_money(v, lang) for v in frame["variance_dkk"]
            ],
            t("spend.table.variance_share", lang): [
                _signed_points(_num(v), lang) for v in frame["variance_share"]
            ],
            label("forecast_year").label(lang): [
                formatting.money(v, lang) for v in frame["forecast_year"]
            ],
            t("common.status", lang): [spend_status_text(s, lang) for s in frame["status"]],
        }
    )
    colours = {spend_status_text(s, lang): c for s, c in SPEND_STATUS_COLOURS.items()}
    styled = shown.style.map(
        lambda v: f"color: {colours.get(v, '')}; font-weight: 600",
        subset=[t("common.status", lang)],
    )
    st.dataframe(styled, hide_index=True, width="stretch")


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
        xaxis={"title": title(t("spend.kroner", lang)), "tickformat": ",.0f"},
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
        yaxis={"title": title(t("spend.kroner", lang)), "tickformat": ",.0f"},
    )


def month_table(frame: pd.DataFrame, lang: str) -> None:
    shown = pd.DataFrame(
        {
            t("common.month", lang): [formatting.month_label(m, lang) for m in frame["month"]],
            t("spend.monthly", lang): [formatting.money(v, lang) for v in frame["spent"]],
            t("spend.cumulative", lang): [formatting.money(v, lang) for v in frame["cumulative"]],
            t("spend.planned", lang): [
                formatting.money(_num(v), lang) for v in frame["planned_cumulative"]
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")


def years_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """All years side by side, with a total row; returns the shown table (for the CSV)."""
    sums = {c: _num(frame[c].sum(min_count=1)) for c in MONEY_COLUMNS}
    budget_total, spent_total = sums["budget"], sums["spent"]
    total_share = spent_total / budget_total if budget_total and spent_total is not None else None
    years = [str(y) for y in frame["year"]] + [t("common.total", lang)]
    columns = {
        "budget_municipal": t("spend.budget_municipal", lang),
        "budget_state": t("spend.budget_state", lang),
        "budget": figure("budget_year").label(lang),
        "spent": t("spend.spent", lang),
    }
    shown = pd.DataFrame({t("spend.year", lang): years})
    for column, heading in columns.items():
        amounts = [_num(v) for v in frame[column]] + [sums[column]]
        shown[heading] = [formatting.money(v, lang) for v in amounts]
    shares = [_num(v) for v in frame["spent_share"]] + [total_share]
    shown[figure("spent_share").label(lang)] = [formatting.share(v, lang) for v in shares]
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(t("spend.years_note", lang))
    return shown


def _num(value: object) -> float | None:
    """A frame cell as a float, None for NaN/None (formatting then writes "–")."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return float(value)  # type: ignore[arg-type]


def _signed_money(value: float, lang: str) -> str:
    sign = "+" if value > 0.5 else "−" if value < -0.5 else "±"
    return f"{sign}{formatting.money(abs(value), lang)}"


def _signed_points(value: float | None, lang: str) -> str:
    if value is None:
        return formatting.MISSING
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    unit = t("spend.points_unit", lang)
    return f"{sign}{formatting.number(abs(value) * 100, lang, decimals=1)} {unit}"
