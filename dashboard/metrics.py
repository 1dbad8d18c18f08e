"""A figure on screen: `st.metric` under its catalogue label, Danish formats.

Every page shows figures through `show_figure`, so a figure has the same
label, format, definition (on hover) and suppression text everywhere.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from dashboard import formatting
from dashboard.catalogue import figure
from dashboard.i18n import t
from data_access.queries.figures import FigureValue
from data_access.rules.disclosure import SUPPRESSED, WITHHELD

DeltaColor = Literal["normal", "inverse", "off"]


def format_value(item: FigureValue, lang: str) -> str:
    """The figure's value as text in its kind's format, or why it is not shown."""
    if item.display == SUPPRESSED:
        return SUPPRESSED
    if item.display == WITHHELD:
        return t("figure.withheld", lang)
    kind = figure(item.figure_id).kind
    if kind == "money":
        return formatting.money(item.value, lang)
    if kind == "share":
        return formatting.share(item.value, lang)
    if kind == "days":
        if item.value is None:
            return formatting.MISSING
        return formatting.number(item.value, lang) + " " + t("unit.days", lang)
    return formatting.count(item.value, item.display, lang)


def format_delta(item: FigureValue, previous: FigureValue | None, lang: str) -> str | None:
    """Change since `previous` in the figure's own unit ("+3", "-4,5 pct.point")."""
    if previous is None or item.value is None or previous.value is None:
        return None
    change = item.value - previous.value
    kind = figure(item.figure_id).kind
    sign = "+" if change > 0 else "-" if change < 0 else "±"
    if kind == "share":
        amount = formatting.number(abs(change) * 100, lang, decimals=1)
        return f"{sign}{amount} " + t("unit.points", lang)
    if kind == "money":
        return f"{sign}{formatting.money(abs(change), lang)}"
    return f"{sign}{formatting.number(abs(change), lang)}"


def show_figure(
    item: FigureValue,
    lang: str,
    *,
    previous: FigureValue | None = None,
    delta_color: DeltaColor = "normal",
    delta_description: str | None = None,
) -> None:
    """`st.metric` with the catalogue label, the definition as help, and the change."""
    entry = figure(item.figure_id)
    delta = format_delta(item, previous, lang)
    unchanged = delta is not None and delta.startswith("±")
    if delta is not None and delta_description:
        delta = f"{delta} {delta_description}"
    st.metric(
        entry.label(lang),
        format_value(item, lang),
        delta=delta,
        delta_color="off" if unchanged else delta_color,
        delta_arrow="off" if unchanged else "auto",
        help=entry.definition(lang),
        border=True,
    )
