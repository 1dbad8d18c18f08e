"""Small pieces the programme pages share: status lines, empty states, charts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import partial
from typing import Any, Final

import pandas as pd
import streamlit as st

from dashboard import formatting
from dashboard.catalogue import spend_status_text
from dashboard.charts import Trace, chart_config, figure
from dashboard.i18n import t
from data_access.queries.figures import FigureValue
from data_access.rules.spend import SpendStatus

#: Streamlit's colour for each spend status's line (it adds to the sign and words).
STATUS_MARKDOWN_COLOURS: Final[dict[SpendStatus | None, str]] = {
    SpendStatus.OVER: "orange",
    SpendStatus.UNDER: "blue",
    SpendStatus.ON_PLAN: "green",
    None: "gray",
}


def status(on_track: bool | None, lang: str, *, good: str = "", bad: str = "") -> None:
    """A status line read without colour: icon + words + colour (None: no target)."""
    if on_track is None:
        words = t("common.no_target", lang)
        st.markdown(f":gray[:material/remove: {words}]")
    elif on_track:
        words = good or t("common.on_track", lang)
        st.markdown(f":green[:material/check_circle: **{words}**]")
    else:
        words = bad or t("common.off_track", lang)
        st.markdown(f":orange[:material/warning: **{words}**]")


def spend_status_line(item: FigureValue, lang: str) -> None:
    """kpis.md `spend_status` as a line under the spend figures: sign, words, forecast, colour.

    The same line on the overview, Økonomi and in the presentation, so the
    programme's status reads the same everywhere (and in black and white).
    """
    text = spend_status_text(item.status, lang)
    if item.value is not None:
        share = formatting.share(item.value, lang)
        text += " · " + t("common.forecast_of_budget", lang, share=share)
    st.markdown(f":{STATUS_MARKDOWN_COLOURS[item.status]}[**{text}**]")


def no_families(lang: str) -> None:
    """The empty state every chart falls back to."""
    st.info(t("common.no_families", lang), icon=":material/info:")


def plot(
    traces: Iterable[Trace], lang: str, *, height: int = 380, key: str | None = None, **layout: Any
) -> None:
    """Draw traces full width with the shared layout (see `charts.figure`) and config."""
    chart = figure(traces, lang, height=height, **layout)
    st.plotly_chart(chart, config=chart_config(), width="stretch", key=key)


def numeric(column: pd.Series) -> pd.Series:
    """A disclosed count column as numbers for a chart: "<5" plots as 0 (its hover says "<5")."""
    return pd.to_numeric(column, errors="coerce").fillna(0)


def chart_numbers(make: Callable[[], pd.DataFrame], lang: str, *, key: str) -> None:
    """A switch under a chart that shows its numbers as a table: the chart's text alternative.

    A screen reader reads nothing of a Plotly chart (WCAG 1.1.1), and a
    keyboard cannot reach its hover. The table is HTML (`st.table`, read cell
    by cell) and holds the cells as shown, `<5` included: `make` is the
    chart's download table, so nothing is shown that the chart does not show.
    It is made only when switched on, so a page costs nothing more until asked.
    Dates read as the page writes them (`30.06.2011`), not as ISO.
    """
    if st.toggle(t("common.chart_numbers", lang), key=key):
        st.table(make().map(partial(_date_text, lang=lang)), hide_index=True)


def _date_text(cell: object, lang: str) -> object:
    """A date cell in the page's short form; any other cell as it is."""
    if isinstance(cell, datetime):
        return formatting.short_date(cell.date(), lang)
    if isinstance(cell, date):
        return formatting.short_date(cell, lang)
    return cell
