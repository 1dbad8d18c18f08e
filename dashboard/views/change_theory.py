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
from dashboard.data import cached
from dashboard.shell import PageContext
from dashboard.views.common import tr
from data_access.queries import change_theory
from data_access.queries.change_theory import Box
from data_access.rules.change_theory import LEVELS
from data_access.rules.disclosure import WITHHELD

boxes_at = cached(change_theory.change_theory_boxes)

TEXTS: Final[dict[str, dict[str, str]]] = {
    "activity": {"da": "Aktiviteter", "en": "Activities"},
    "result": {"da": "Resultater", "en": "Results"},
    "short": {"da": "Effekter på kort sigt", "en": "Short-term effects"},
    "medium": {"da": "Effekter på mellemlang sigt", "en": "Medium-term effects"},
    "long": {"da": "Effekter på lang sigt", "en": "Long-term effects"},
    "not_measured": {"da": "ikke målt", "en": "not measured"},
    "no_data": {"da": "ingen data endnu", "en": "no data yet"},
    "withheld": {"da": "vises ikke (< 5)", "en": "not shown (< 5)"},
    "target": {"da": "mål {value}", "en": "target {value}"},
    "ssp_falling": {"da": "Faldende SSP-niveau", "en": "Falling SSP level"},
    "self_supporting_parents": {"da": "Selvforsørgende forældre", "en": "Self-supporting parents"},
    "school_attendance": {"da": "Skolefremmøde (gns.)", "en": "School attendance (mean)"},
    "indicator": {
        "da": "{name}: {home} i familiernes bydele · {city} i hele byen",
        "en": "{name}: {home} in the families' districts · {city} in the whole city",
    },
    "tryghedsindex": {"da": "Tryghedsindex", "en": "Safety index"},
    "inklusion": {"da": "Inklusionsindikator", "en": "Inclusion indicator"},
    "empty": {
        "da": "Der er ikke indlæst nogen forandringsteori for dette program "
        "(filen change_theory.csv i datapakken).",
        "en": "No change theory has been loaded for this programme "
        "(file change_theory.csv in the bundle).",
    },
    "intro": {
        "da": "Programmets forandringsteori fra ansøgningen (tegning 1): aktiviteter fører til "
        "resultater og effekter på kort, mellemlang og lang sigt. Under hver boks står det mål, "
        "databasen kan følge den med, opgjort pr. opgørelsesdatoen.",
        "en": "The programme's change theory from the application (drawing 1): activities lead "
        "to results and to short-, medium- and long-term effects. Under each box is the measure "
        "the database can follow it with, at the report date.",
    },
}


def measure_text(box: Box, lang: str) -> str:
    """What a box's measure shows: its value and target, "ikke målt", or why not shown."""
    if box.measure is None:
        return tr(TEXTS, "not_measured", lang)
    if box.display == WITHHELD:
        value = tr(TEXTS, "withheld", lang)
    elif box.measure.startswith("indicator:"):
        indicator = box.measure.split(":", 1)[1]
        if box.value is None and box.city is None:
            return f"{tr(TEXTS, indicator, lang)}: {tr(TEXTS, 'no_data', lang)}"
        return tr(
            TEXTS,
            "indicator",
            lang,
            name=tr(TEXTS, indicator, lang),
            home=formatting.number(box.value, lang, decimals=1),
            city=formatting.number(box.city, lang, decimals=1),
        )
    elif box.value is None:
        value = tr(TEXTS, "no_data", lang)
    elif box.measure == "school_attendance":
        value = formatting.share(box.value / 100, lang)
    else:
        value = formatting.share(box.value, lang)
    text = f"{tr(TEXTS, box.measure, lang)}: {value}"
    if box.target is not None:
        target = box.target / 100 if box.measure == "school_attendance" else box.target
        text += f" ({tr(TEXTS, 'target', lang, value=formatting.share(target, lang))})"
    return text


def change_theory_page(context: PageContext) -> None:
    """Five columns of boxes, activities to long-term effects, with arrows between."""
    lang = context.lang
    boxes = boxes_at(context.query)
    if not boxes:
        st.info(tr(TEXTS, "empty", lang))
        return
    st.caption(tr(TEXTS, "intro", lang))
    widths: list[float] = []
    for i in range(len(LEVELS)):
        widths += [4.0] if i == 0 else [0.5, 4.0]
    columns = st.columns(widths)
    for i, level in enumerate(LEVELS):
        if i > 0:
            with columns[2 * i - 1]:
                st.subheader("→")
        with columns[2 * i]:
            st.subheader(tr(TEXTS, level, lang))
            for box in (b for b in boxes if b.level == level):
                with st.container(border=True):
                    st.text(box.label)
                    st.text(measure_text(box, lang))
