"""Layout pieces of the Bydele page: one chart and one change table per indicator.

The city (kind `city`) is drawn black and dashed as the baseline, the
programme's start as a vertical line; the direction ("higher is better") is
written out with an arrow, never implied by colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Final

import pandas as pd
import streamlit as st

from dashboard import formatting, tables
from dashboard.charts import CITY, Trace, district_colours, month_ticks, title, vline
from dashboard.i18n import N_, t
from dashboard.tables import Column, Kind
from dashboard.views.common import plot
from data_access.queries.indicators import CITY as CITY_KIND
from data_access.queries.indicators import Indicator, IndicatorPanel


def direction(indicator: Indicator, lang: str) -> str:
    """Arrow and words for the indicator's good direction; unknown says so."""
    if indicator.higher_is_better is None:
        return t("districts.no_direction", lang)
    if indicator.higher_is_better:
        return t("districts.higher", lang)
    return t("districts.lower", lang)


def heading(indicator: Indicator, lang: str) -> None:
    st.subheader(formatting.markdown_literal(indicator.label(lang)))
    parts = [f"**{direction(indicator, lang)}**"]
    if indicator.unit:
        parts.append(t("districts.unit", lang, unit=formatting.markdown_literal(indicator.unit)))
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
        yaxis={"title": title(indicator.unit or indicator.label(lang))},
    )


def change_table(changes: pd.DataFrame, indicator: Indicator, lang: str) -> None:
    """Value at start, latest value and change per district, with a worded reading."""
    change = changes["change"].tolist()
    table = tables.build(
        [
            Column(t("common.district", lang), changes["name"].tolist()),
            Column(t("common.at_start", lang), changes["start_value"], Kind.NUMBER, 1),
            Column(t("districts.latest", lang), changes["latest_value"], Kind.NUMBER, 1),
            Column(t("districts.change", lang), change, Kind.SIGNED, 1),
            Column(
                t("districts.verdict", lang),
                [_verdict(c, indicator.higher_is_better, lang) for c in change],
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


#: The `IndicatorPanel.changes` columns a matrix cell is made of.
MATRIX_COLUMNS: Final = ("district_id", "name", "kind", "latest_value", "change")


def indicator_matrix(
    found: Sequence[Indicator], panels: Mapping[str, IndicatorPanel], lang: str
) -> pd.DataFrame:
    """Every indicator at once: a row per district, the city last, a column per indicator.

    For the steering group's shared screen, where a chart per indicator does
    not fit. A cell is the latest value, the change since the programme's
    start and its reading, from the same `changes` as the page's tables;
    "–" where a district has no value. Rows, not columns, grow with the ten
    housing areas of later programmes. The text is Markdown-safe, as
    `st.table` reads its cells as Markdown.
    """
    shown = [i for i in found if i.indicator in panels]
    cells: dict[str, dict[str, str]] = {}
    names: dict[str, tuple[bool, str]] = {}
    for indicator in shown:
        changes = panels[indicator.indicator].changes
        rows = zip(*(changes[c].tolist() for c in MATRIX_COLUMNS), strict=True)
        for district_id, name, kind, latest, change in rows:
            names[district_id] = (kind == CITY_KIND, str(name))
            cells.setdefault(district_id, {})[indicator.indicator] = _cell(
                latest, change, indicator, lang
            )
    order = sorted(names, key=lambda district_id: names[district_id])
    literal = formatting.markdown_literal
    # The city is the baseline: its name in bold, as its line is black on the page.
    districts = [
        f"**{literal(name)}**" if is_city else literal(name)
        for is_city, name in (names[d] for d in order)
    ]
    columns = {t("common.district", lang): districts}
    for indicator in shown:
        heading = f"**{literal(indicator.label(lang))}** · {direction(indicator, lang)}"
        columns[heading] = [cells[d].get(indicator.indicator, formatting.MISSING) for d in order]
    return pd.DataFrame(columns)


def _cell(latest: float, change: float, indicator: Indicator, lang: str) -> str:
    """`63,1 (+3,0) ▲ Bedre`; only the value when there is no change to read yet."""
    value = tables.cell_text(latest, Kind.NUMBER, lang, 1)
    if pd.isna(change):
        return value
    signed = tables.cell_text(change, Kind.SIGNED, lang, 1)
    verdict = _verdict(change, indicator.higher_is_better, lang)
    if verdict == formatting.MISSING:
        return f"{value} ({signed})"
    # Colour as the figures' changes are coloured, beside the arrow and the word.
    colour = VERDICT_COLOURS.get(str(verdict_of(change, indicator.higher_is_better)))
    return f"{value} ({signed}) " + (f":{colour}[{verdict}]" if colour else verdict)


def _dates(days: list[date], lang: str) -> str:
    return ", ".join(formatting.short_date(d, lang) for d in sorted(set(days)))


def verdict_of(change: float, higher_is_better: bool | None) -> str | None:
    """`better`, `worse` or `same` for a change; None when it cannot be read."""
    if pd.isna(change) or higher_is_better is None:
        return None
    if change == 0:
        return "same"
    return "better" if (change > 0) == higher_is_better else "worse"


#: Reading -> its words; a change that cannot be read shows "–".
VERDICTS: Final[dict[str, str]] = {
    "better": N_("districts.better"),
    "worse": N_("districts.worse"),
    "same": N_("districts.same"),
}
#: Reading -> Streamlit's Markdown colour, as the figures' changes are coloured.
VERDICT_COLOURS: Final[dict[str, str]] = {"better": "green", "worse": "red"}


def _verdict(change: float, higher_is_better: bool | None, lang: str) -> str:
    reading = verdict_of(change, higher_is_better)
    return formatting.MISSING if reading is None else t(VERDICTS[reading], lang)
