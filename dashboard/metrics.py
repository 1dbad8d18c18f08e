"""A figure on screen: `st.metric` under its catalogue label, Danish formats.

Every page and the presentation show figures through `show_figure`, so a
figure has the same label, format, definition (on hover), suppression text
and colour of change (the catalogue's direction) everywhere.
"""

from __future__ import annotations

from typing import Final, Literal

import streamlit as st

from dashboard import formatting
from dashboard.catalogue import Direction, figure, spend_status_text
from data_access.queries.figures import FigureValue
from data_access.rules.disclosure import SUPPRESSED, WITHHELD

WITHHELD_TEXT: Final[dict[str, str]] = {"da": "Vises ikke (< 5)", "en": "Not shown (< 5)"}
DAYS: Final[dict[str, str]] = {"da": "dage", "en": "days"}
POINTS: Final[dict[str, str]] = {"da": "pct.point", "en": "pp"}

DeltaColor = Literal["normal", "inverse", "off"]

#: `st.metric`'s colouring for each catalogue direction ("plan": no change shown).
DELTA_COLOURS: Final[dict[Direction, DeltaColor]] = {
    "good": "normal",
    "bad": "inverse",
    "neutral": "off",
    "plan": "off",
}


def format_value(item: FigureValue, lang: str) -> str:
    """The figure's value as text in its kind's format, or why it is not shown."""
    if item.display == SUPPRESSED:
        return SUPPRESSED
    if item.display == WITHHELD:
        return WITHHELD_TEXT.get(lang, WITHHELD_TEXT["da"])
    kind = figure(item.figure_id).kind
    if kind == "status":
        return spend_status_text(item.status, lang)
    if kind == "money":
        return formatting.money(item.value, lang)
    if kind == "share":
        return formatting.share(item.value, lang)
    if kind == "days":
        if item.value is None:
            return formatting.MISSING
        return f"{formatting.number(item.value, lang)} {DAYS.get(lang, DAYS['da'])}"
    return formatting.count(item.value, item.display, lang)


def format_delta(item: FigureValue, previous: FigureValue | None, lang: str) -> str | None:
    """Change since `previous` in the figure's own unit ("+3", "-4,5 pct.point")."""
    kind = figure(item.figure_id).kind
    if previous is None or item.value is None or previous.value is None or kind == "status":
        return None
    change = item.value - previous.value
    sign = "+" if change > 0 else "-" if change < 0 else "±"
    if kind == "share":
        amount = formatting.number(abs(change) * 100, lang, decimals=1)
        return f"{sign}{amount} {POINTS.get(lang, POINTS['da'])}"
    if kind == "money":
        return f"{sign}{formatting.money(abs(change), lang)}"
    return f"{sign}{formatting.number(abs(change), lang)}"


def show_figure(
    item: FigureValue,
    lang: str,
    *,
    previous: FigureValue | None = None,
    delta_description: str | None = None,
) -> None:
    """`st.metric` with the catalogue label, the definition as help, and the change.

    The change is coloured by the figure's direction in the catalogue; plans
    and targets show none.
    """
    entry = figure(item.figure_id)
    direction = entry.direction or "neutral"
    delta = None if direction == "plan" else format_delta(item, previous, lang)
    unchanged = delta is not None and delta.startswith("±")
    if delta is not None and delta_description:
        delta = f"{delta} {delta_description}"
    st.metric(
        entry.label(lang),
        format_value(item, lang),
        delta=delta,
        delta_color="off" if unchanged else DELTA_COLOURS[direction],
        delta_arrow="off" if unchanged else "auto",
        help=entry.definition(lang),
        border=True,
    )
