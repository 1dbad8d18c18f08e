"""A figure on screen: `st.metric` under its catalogue label, Danish formats.

Every page and the presentation show figures through `show_figure`, so a
figure has the same label, format, definition (on hover), suppression text
and colour of change (the catalogue's direction) everywhere. The text of a
value and its change comes from `figure_format`, which the report uses too.
"""

from __future__ import annotations

from typing import Final, Literal

import streamlit as st

from dashboard.catalogue import Direction, change_tone, figure
from dashboard.charts import is_hidden_cell
from dashboard.figure_format import format_delta, format_value
from dashboard.i18n import t
from data_access.queries.figures import FigureValue

DeltaColor = Literal["normal", "inverse", "off"]

#: `st.metric`'s colouring for each catalogue direction ("plan": no change shown).
DELTA_COLOURS: Final[dict[Direction, DeltaColor]] = {
    "good": "normal",
    "bad": "inverse",
    "neutral": "off",
    "plan": "off",
}


def change_reading(item: FigureValue, previous: FigureValue | None, lang: str) -> str | None:
    """A change's reading in words, "bedre" or "værre", beside its colour (WCAG 1.4.1).

    The colour alone said whether a change was good news; the words come
    from the same rule (`catalogue.change_tone`). None when the change is
    neither (a neutral figure, a plan, no change) or there is none.
    """
    if previous is None or item.value is None or previous.value is None:
        return None
    tone = change_tone(item.figure_id, item.value - previous.value)
    if tone == "good":
        return t("change.better", lang)
    if tone == "bad":
        return t("change.worse", lang)
    return None


def show_figure(
    item: FigureValue,
    lang: str,
    *,
    previous: FigureValue | None = None,
    delta_description: str | None = None,
) -> None:
    """`st.metric` with the catalogue label, the definition as help, and the change.

    The change is coloured by the figure's direction in the catalogue, and
    a coloured change says its reading in words too; plans and targets show
    none.
    """
    entry = figure(item.figure_id)
    direction = entry.direction or "neutral"
    delta = None if direction == "plan" else format_delta(item, previous, lang)
    unchanged = delta is not None and delta.startswith("±")
    reading = None if delta is None else change_reading(item, previous, lang)
    if delta is not None and delta_description:
        delta = f"{delta} {delta_description}"
    if reading is not None:
        delta = f"{delta} · {reading}"
    shown = format_value(item, lang)
    st.metric(
        entry.label(lang),
        shown,
        delta=delta,
        delta_color="off" if unchanged else DELTA_COLOURS[direction],
        delta_arrow="off" if unchanged else "auto",
        help=card_help(entry.definition(lang), shown, lang),
        border=True,
    )


def card_help(definition: str, shown: str, lang: str) -> str:
    """A card's help: its definition, and when its value reads `<5` what that means.

    A card that says `<5` must not leave the reader guessing between "a few"
    and "none": the help says the count is 1 to 4 and hidden on purpose.
    """
    if not is_hidden_cell(shown):
        return definition
    return definition + "\n\n" + t("disclosure.hidden_help", lang)
