"""Layout pieces of the Bydele page: one chart and one change table per indicator.

The city (kind `city`) is drawn black and dashed as the baseline, the
programme's start as a vertical line; the direction ("higher is better") is
written out with an arrow, never implied by colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import partial
from typing import Final

import pandas as pd
import streamlit as st

from dashboard import formatting, tables
from dashboard.charts import CITY, Trace, district_colours, month_ticks, title, vline
from dashboard.i18n import t
from dashboard.indicator_table import (
    DECIMALS,
    IndicatorCell,
    direction,
    indicator_rows,
    verdict_text,
)
from dashboard.tables import Column, Kind
from dashboard.views.common import chart_numbers, plot
from data_access.queries.indicators import CITY as CITY_KIND
from data_access.queries.indicators import Indicator, IndicatorPanel

#: Reading -> Streamlit's Markdown colour, as the figures' changes are coloured.
VERDICT_COLOURS: Final[dict[str, str]] = {"better": "green", "worse": "red"}


def heading(indicator: Indicator, lang: str) -> None:
    st.subheader(formatting.markdown_literal(indicator.label(lang)))
    parts = [f"**{direction(indicator, lang)}**"]
    unit = indicator.unit_label(lang)
    if unit:
        parts.append(t("districts.unit", lang, unit=formatting.markdown_literal(unit)))
    st.markdown(" · ".join(parts))


def indicator_chart(series: pd.DataFrame, indicator: Indicator, starts_on: date, lang: str) -> None:
    """Each district's line against the city's dashed black line, programme start marked."""
    # Plain lists, grouped in order: a few hundred rows, where pandas' groupby
    # over Arrow-backed columns cost more than drawing the chart.
    rows = zip(*(series[c].tolist() for c in ("kind", "name", "measured_on", "value")), strict=True)
    lines: dict[tuple[str, str], tuple[list[date], list[float]]] = {}
    for kind, name, measured_on, value in rows:
        days, values = lines.setdefault((str(kind), str(name)), ([], []))
        days.append(measured_on)
        values.append(value)
    traces: list[Trace] = []
    colours = district_colours(name for kind, name in lines if kind != CITY_KIND)
    for (kind, name), (days, values) in lines.items():
        if kind == CITY_KIND:
            line = {"color": CITY, "dash": "dash", "width": 3}
        else:
            colour, dash = colours[name]
            line = {"color": colour, "dash": dash, "width": 2.5}
        traces.append(
            {
                "type": "scatter",
                "x": days,
                "y": values,
                "mode": "lines+markers",
                "name": name,
                "line": line,
                "marker": {"size": 6},
            }
        )
    start = {
        "x": starts_on,
        "y": 1,
        "yref": "paper",
        "text": t("districts.programme_start", lang),
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "top",
        "font": {"size": 13, "color": "#555555"},
    }
    measured = sorted({day for days, _ in lines.values() for day in days})
    ticks = month_ticks(measured, lang, every=max(1, len(measured) // 8))
    plot(
        traces,
        lang,
        height=400,
        shapes=[vline(starts_on, colour="#555555", dash="dot")],
        annotations=[start],
        xaxis={"title": title(t("districts.measured", lang)), **ticks},
        yaxis={"title": title(indicator.unit_label(lang) or indicator.label(lang))},
    )
    chart_numbers(
        partial(_series_table, lines, measured, lang),
        lang,
        key=f"bydele_{indicator.indicator}_numbers",
    )


def _series_table(
    lines: dict[tuple[str, str], tuple[list[date], list[float]]], days: list[date], lang: str
) -> pd.DataFrame:
    """The chart's lines as a table: a row per measuring date, a column per line of the chart."""
    columns: dict[str, list[str]] = {
        t("districts.measured", lang): [formatting.short_date(day, lang) for day in days]
    }
    for (_, name), (measured_on, values) in lines.items():
        by_day = {day: v for day, v in zip(measured_on, values, strict=True) if not pd.isna(v)}
        columns[name] = [formatting.number(by_day.get(day), lang, decimals=1) for day in days]
    return pd.DataFrame(columns)


def change_table(changes: pd.DataFrame, indicator: Indicator, lang: str) -> None:
    """Value at start, latest value and change per district, with a worded reading."""
    change = changes["change"].tolist()
    table = tables.build(
        [
            Column(t("common.district", lang), changes["name"].tolist()),
            Column(t("common.at_start", lang), changes["start_value"], Kind.NUMBER, DECIMALS),
            Column(t("districts.latest", lang), changes["latest_value"], Kind.NUMBER, DECIMALS),
            Column(t("districts.change", lang), change, Kind.SIGNED, DECIMALS),
            Column(
                t("districts.verdict", lang),
                [verdict_text(c, indicator.higher_is_better, lang) for c in change],
            ),
        ],
        lang,
    )
    # Every row in view: with ten housing areas the city, the baseline, was
    # the eleventh row, behind the grid's inner scroll bar.
    tables.show(table, every_row=True)
    st.caption(
        t(
            "districts.dates",
            lang,
            start=_dates(changes["start_on"].tolist(), lang),
            latest=_dates(changes["latest_on"].tolist(), lang),
        )
    )


def indicator_matrix(
    found: Sequence[Indicator], panels: Mapping[str, IndicatorPanel], lang: str
) -> pd.DataFrame:
    """Every indicator at once: a row per district, the city last, a column per indicator.

    For the steering group's shared screen, where a chart per indicator does
    not fit (`indicator_table.indicator_rows`: the report's table too); "–"
    where a district has no value. The text is Markdown-safe, as `st.table`
    reads its cells as Markdown.
    """
    shown, rows = indicator_rows(found, panels, lang)
    literal = formatting.markdown_literal
    # The city is the baseline: its name in bold, as its line is black on the page.
    columns = {
        t("common.district", lang): [
            f"**{literal(row.name)}**" if row.is_city else literal(row.name) for row in rows
        ]
    }
    for index, indicator in enumerate(shown):
        parts = [f"**{literal(indicator.label(lang))}**", direction(indicator, lang)]
        unit = indicator.unit_label(lang)
        if unit:
            parts.append(literal(unit))
        heading = " · ".join(parts)
        columns[heading] = [_markdown_cell(row.cells[index], lang) for row in rows]
    return pd.DataFrame(columns)


def _markdown_cell(cell: IndicatorCell | None, lang: str) -> str:
    """The cell's text with its reading coloured as the figures' changes are, beside the words."""
    if cell is None:
        return formatting.MISSING
    reading = cell.reading_text(lang)
    if reading is None:
        return cell.figures
    # One unit on a narrow screen: the arrow never ends a line without its word.
    reading = reading.replace(" ", "\u00a0")
    colour = VERDICT_COLOURS.get(cell.reading or "")
    return f"{cell.figures} " + (f":{colour}[{reading}]" if colour else reading)


def _dates(days: list[date], lang: str) -> str:
    return ", ".join(formatting.short_date(d, lang) for d in sorted(set(days)))
