"""A figure on screen: `st.metric` under its catalogue label, Danish formats.

Every page shows figures through `show_figure`, so a figure has the same
label, format, definition (on hover) and suppression text everywhere. The
text of a value and its change comes from `figure_format`, which the report
uses too.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from dashboard.catalogue import figure
from dashboard.figure_format import format_delta, format_value
from data_access.queries.figures import FigureValue

DeltaColor = Literal["normal", "inverse", "off"]


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
