"""Layout of the Forebyggelse page: the cost per course, the measures and the break-even slider.

The tables come from `dashboard.prevention`, which the quarterly report
uses too, so the page and the report show the same figures. The slider only
moves the break-even table and chart; it changes no stored figure.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

from dashboard import formatting
from dashboard import prevention as tables
from dashboard import tables as grid
from dashboard.charts import PALETTE
from dashboard.i18n import t
from dashboard.tables import Column, Kind
from dashboard.views.common import plot
from data_access.queries.business_case import BusinessCase

#: The slider's range of measures avoided at once.
MOST_AVOIDED: Final = 20


def intro(lang: str) -> None:
    """What the page answers, and what it does not."""
    st.markdown(t("prevention.intro", lang))


def headline(case: BusinessCase, lang: str) -> None:
    """Spend to date, family-months, cost per family-month and per course, four across."""
    items = (
        (t("prevention.spent_total", lang), formatting.money(case.spent_total, lang)),
        (
            t("prevention.col.family_months", lang),
            formatting.count(case.family_months_total, None, lang),
        ),
        (t("prevention.col.per_month", lang), formatting.money(case.cost_per_family_month, lang)),
        (
            t("prevention.per_course", lang, months=case.course_months),
            formatting.money(case.cost_per_course, lang),
        ),
    )
    for column, (label, value) in zip(st.columns(len(items)), items, strict=True):
        column.metric(label, value)


def years(case: BusinessCase, lang: str) -> None:
    st.subheader(t("prevention.years_heading", lang))
    numbers = tables.year_numbers(case, lang)
    kinds = (Kind.TEXT, Kind.MONEY, Kind.MONEY, Kind.COUNT, Kind.MONEY, Kind.MONEY)
    columns = [Column(h, numbers[h], k) for h, k in zip(numbers.columns, kinds, strict=True)]
    grid.show(grid.build(columns, lang), key="forebyggelse_years")


def measures(case: BusinessCase, lang: str) -> None:
    """The measures' prices with their sources, and what avoiding each would pay for."""
    st.subheader(t("prevention.measures_heading", lang))
    if case.measures.empty:
        st.info(t("prevention.no_unit_costs", lang), icon=":material/info:")
        return
    numbers = tables.measure_numbers(case, lang)
    shown = tables.screen_headings(case, lang)
    kinds = (Kind.TEXT, Kind.MONEY, *[Kind.NUMBER] * 4)
    columns = [
        Column(full, numbers[full], kind, decimals=1)
        for full, kind in zip(shown, kinds, strict=True)
    ]
    short = {full: heading for full, heading in shown.items() if heading != full}
    grid.show_short(columns, short, lang, key="forebyggelse_measures")
    sources = "; ".join(
        dict.fromkeys(formatting.markdown_literal(source) for source in case.measures["source"])
    )
    st.markdown(
        t("prevention.sources", lang, sources=sources)
        + "  \n"
        + t("prevention.prices_from", lang, dates=tables.price_dates(case, lang))
    )
    st.caption(t("prevention.measures_note", lang) + " " + t("prevention.short_headings", lang))


def break_even(case: BusinessCase, lang: str) -> None:
    """The slider: with N measures avoided at once, how long until the spend to date is paid."""
    if case.measures.empty:
        return
    st.subheader(t("prevention.break_even_heading", lang))
    avoided = st.slider(
        t("prevention.avoided", lang),
        min_value=1,
        max_value=MOST_AVOIDED,
        value=1,
        key="forebyggelse_avoided",
        help=t("prevention.avoided_help", lang),
    )
    st.caption(
        t(
            "prevention.break_even_note",
            lang,
            spent=formatting.money(case.spent_total, lang),
            avoided=avoided,
        )
    )
    names = list(case.measures["name"])
    values = tables.break_even_years(case, avoided)
    columns = [
        Column(t("prevention.col.measure", lang), names),
        Column(t("prevention.col.avoided", lang), [avoided] * len(names), Kind.NUMBER),
        Column(t("prevention.col.break_even_years", lang), values, Kind.NUMBER, decimals=1),
    ]
    grid.show(grid.build(columns, lang), key="forebyggelse_break_even")
    plot(
        [
            {
                "type": "bar",
                "orientation": "h",
                "y": names[::-1],
                "x": [v or 0 for v in values][::-1],
                "text": [formatting.number(v, lang, decimals=1) for v in values][::-1],
                "textposition": "auto",
                "marker": {"color": PALETTE[0]},
                "name": t("prevention.col.break_even_years", lang),
                "hoverinfo": "y+text",
            }
        ],
        lang,
        height=120 + 50 * len(names),
        key="forebyggelse_break_even_chart",
        xaxis={"title": {"text": t("prevention.col.break_even_years", lang)}},
        showlegend=False,
    )


def assumptions(case: BusinessCase, lang: str) -> None:
    """The assumptions in plain Danish, always visible: the case is only as good as they are."""
    st.subheader(t("prevention.assumptions_heading", lang))
    st.markdown("\n".join(f"- {line}" for line in tables.assumptions(case, lang)))
