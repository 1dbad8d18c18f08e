"""Small pieces the programme pages share: page texts, status lines, empty states, charts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import pandas as pd
import streamlit as st

from dashboard import formatting
from dashboard.catalogue import Figure, spend_status_text
from dashboard.charts import Trace, chart_config, figure
from data_access.queries.figures import FigureValue
from data_access.rules.spend import SpendStatus

Texts = Mapping[str, Mapping[str, str]]

#: Measures shown on the pages that kpis.md does not define: labelled and explained here,
#: and listed by the glossary next to the kpis.md figures.
MEASURES: Final[tuple[Figure, ...]] = (
    Figure(
        "capacity_left",
        "Ledig kapacitet",
        "Capacity left",
        "Mål for aktive familier minus aktive familier på opgørelsesdatoen: så mange "
        "familier kan endnu starte, før målet er nået.",
        "Target for active families minus active families on the report date: how many "
        "more families can start before the target is reached.",
        "count",
    ),
    Figure(
        "wait_median",
        "Ventetid (median)",
        "Waiting time (median)",
        "Det midterste antal dage, familierne har ventet på et trin i visitationen, blandt "
        "familier, der er gået videre til næste trin. Trin: henvist til § 50-undersøgelse, "
        "§ 50-undersøgelse til visiteret, visiteret til start.",
        "The middle number of days families waited at one intake step, among families "
        "that moved on to the next step. Steps: referred to § 50 investigation, "
        "investigation to approved, approved to start.",
        "days",
    ),
    Figure(
        "wait_slow",
        "Ventet over 30 dage",
        "Waited over 30 days",
        "Antal familier, der har ventet mere end 30 dage på et trin, enten før de gik "
        "videre, eller fordi de stadig venter på opgørelsesdatoen.",
        "Families that waited more than 30 days at a step, either before moving on or "
        "because they are still waiting on the report date.",
        "count",
    ),
    Figure(
        "due_aftercare",
        "Går i efterværn inden for 30 dage",
        "Moving to aftercare within 30 days",
        "Familier i intensiv fase, hvis efterværnsdato falder inden for de næste 30 dage.",
        "Families in the intensive phase whose aftercare date falls within the next 30 days.",
        "count",
    ),
    Figure(
        "next_review_due",
        "Næste kvartalsopfølgning",
        "Next quarterly review",
        "90 dage efter seneste kvartalsopfølgning (uden en sådan: 90 dage efter start). "
        "Forfaldne opfølgninger vises øverst.",
        "90 days after the latest quarterly review (without one: 90 days after the start). "
        "Overdue reviews are listed first.",
        "days",
    ),
)

_MEASURES_BY_ID: Final[dict[str, Figure]] = {m.id: m for m in MEASURES}

COMMON: Final[dict[str, dict[str, str]]] = {
    "no_families": {
        "da": "Ingen familier i perioden for det valgte program, dato og område.",
        "en": "No families in the period for the chosen programme, date and district.",
    },
    "on_track": {"da": "På sporet", "en": "On track"},
    "off_track": {"da": "Under målet", "en": "Below target"},
    "no_target": {"da": "Intet mål fastsat", "en": "No target set"},
    "since_quarter": {"da": "siden kvartalsskiftet", "en": "since quarter end"},
    "families": {"da": "Familier", "en": "Families"},
    "month": {"da": "Måned", "en": "Month"},
    "forecast_of_budget": {
        "da": "prognose {share} af budgettet",
        "en": "forecast {share} of budget",
    },
}

#: Streamlit's colour for each spend status's line (it adds to the sign and words).
STATUS_MARKDOWN_COLOURS: Final[dict[SpendStatus | None, str]] = {
    SpendStatus.OVER: "orange",
    SpendStatus.UNDER: "blue",
    SpendStatus.ON_PLAN: "green",
    None: "gray",
}


def measure(measure_id: str) -> Figure:
    """A page measure's catalogue entry (label and definition)."""
    return _MEASURES_BY_ID[measure_id]


def tr(texts: Texts, key: str, lang: str, **values: object) -> str:
    """`texts[key]` in `lang` (Danish when the English text is missing)."""
    entry = texts[key]
    text = entry.get(lang) or entry["da"]
    return text.format(**values) if values else text


def status(on_track: bool | None, lang: str, *, good: str = "", bad: str = "") -> None:
    """A status line read without colour: icon + words + colour (None: no target)."""
    if on_track is None:
        st.markdown(f":gray[:material/remove: {tr(COMMON, 'no_target', lang)}]")
    elif on_track:
        st.markdown(f":green[:material/check_circle: **{good or tr(COMMON, 'on_track', lang)}**]")
    else:
        st.markdown(f":orange[:material/warning: **{bad or tr(COMMON, 'off_track', lang)}**]")


def spend_status_line(item: FigureValue, lang: str) -> None:
    """kpis.md `spend_status` as a line under the spend figures: sign, words, forecast, colour.

    The same line on the overview, Økonomi and in the presentation, so the
    programme's status reads the same everywhere (and in black and white).
    """
    text = spend_status_text(item.status, lang)
    if item.value is not None:
        share = formatting.share(item.value, lang)
        text += f" · {tr(COMMON, 'forecast_of_budget', lang, share=share)}"
    st.markdown(f":{STATUS_MARKDOWN_COLOURS[item.status]}[**{text}**]")


def no_families(lang: str) -> None:
    """The empty state every chart falls back to."""
    st.info(tr(COMMON, "no_families", lang), icon=":material/info:")


def plot(
    traces: Iterable[Trace], lang: str, *, height: int = 380, key: str | None = None, **layout: Any
) -> None:
    """Draw traces full width with the shared layout (see `charts.figure`) and config."""
    chart = figure(traces, lang, height=height, **layout)
    st.plotly_chart(chart, config=chart_config(), width="stretch", key=key)


def numeric(column: pd.Series) -> pd.Series:
    """A disclosed count column as numbers for a chart: "<5" plots as 0 (its hover says "<5")."""
    return pd.to_numeric(column, errors="coerce").fillna(0)
