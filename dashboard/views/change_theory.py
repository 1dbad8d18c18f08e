"""Forandringsteori: the programme's change theory, box by box, with the measure under each.

The chain comes from the database (`change_theory` rows per programme), so
this view only lays it out: one column per level, left to right, arrows
between the columns. Labels are shown as plain text (`st.text`), never as
Markdown or HTML, because they come from a data file.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

from dashboard import formatting
from dashboard.catalogue import figure
from dashboard.data import cached
from dashboard.i18n import N_, t
from dashboard.shell import PageContext
from data_access.queries import change_theory
from data_access.queries.change_theory import Box
from data_access.rules.change_theory import LEVELS
from data_access.rules.disclosure import WITHHELD

boxes_at = cached(change_theory.change_theory_boxes)

#: Level of the chain (`rules.change_theory.LEVELS`) -> message id of its column heading.
LEVEL_TITLES: Final[dict[str, str]] = {
    "activity": N_("change_theory.level.activity"),
    "result": N_("change_theory.level.result"),
    "short": N_("change_theory.level.short"),
    "medium": N_("change_theory.level.medium"),
    "long": N_("change_theory.level.long"),
}
#: A box's measure (`rules.change_theory.MEASURES`) -> message id of its name.
MEASURE_NAMES: Final[dict[str, str]] = {
    "ssp_falling": N_("change_theory.measure.ssp_falling"),
    "self_supporting_parents": figure("self_supporting_parents").label_id,
    "school_attendance": N_("change_theory.measure.school_attendance"),
    "indicator:tryghedsindex": N_("change_theory.indicator.tryghedsindex"),
    "indicator:inklusion": N_("change_theory.indicator.inklusion"),
}


def measure_text(box: Box, lang: str) -> str:
    """What a box's measure shows: its value and target, "ikke målt", or why not shown."""
    if box.measure is None:
        return t("change_theory.not_measured", lang)
    if box.display == WITHHELD:
        value = t("change_theory.withheld", lang)
    elif box.measure.startswith("indicator:"):
        name = t(MEASURE_NAMES[box.measure], lang)
        if box.value is None and box.city is None:
            return name + ": " + t("change_theory.no_data", lang)
        return t(
            "change_theory.indicator_line",
            lang,
            name=name,
            home=formatting.number(box.value, lang, decimals=1),
            city=formatting.number(box.city, lang, decimals=1),
        )
    elif box.value is None:
        value = t("change_theory.no_data", lang)
    elif box.measure == "school_attendance":
        value = formatting.share(box.value / 100, lang)
    else:
        value = formatting.share(box.value, lang)
    text = t(MEASURE_NAMES[box.measure], lang) + ": " + value
    if box.target is not None:
        target = box.target / 100 if box.measure == "school_attendance" else box.target
        shown = t("change_theory.target", lang, value=formatting.share(target, lang))
        text += f" ({shown})"
    return text


def change_theory_page(context: PageContext) -> None:
    """Five columns of boxes, activities to long-term effects, with arrows between."""
    lang = context.lang
    boxes = boxes_at(context.query)
    if not boxes:
        st.info(t("change_theory.empty", lang))
        return
    st.caption(t("change_theory.intro", lang))
    widths: list[float] = []
    for i in range(len(LEVELS)):
        widths += [4.0] if i == 0 else [0.5, 4.0]
    columns = st.columns(widths)
    for i, level in enumerate(LEVELS):
        if i > 0:
            with columns[2 * i - 1]:
                st.subheader("→")
        with columns[2 * i]:
            st.subheader(t(LEVEL_TITLES[level], lang))
            for box in (b for b in boxes if b.level == level):
                # One text per box (label, blank line, measure): two elements
                # per box were a third of the page's server time.
                with st.container(border=True):
                    st.text(f"{box.label}\n\n{measure_text(box, lang)}")
