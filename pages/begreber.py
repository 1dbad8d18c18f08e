"""Begreber: every figure's label and definition, read from the same catalogue the pages use."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.catalogue import FIGURES, MEASURES, stage_definition, stage_label
from dashboard.i18n import N_, t
from dashboard.shell import download_csv, open_page
from data_access.rules.stages import STAGE_ORDER

context = open_page("begreber")
lang = context.lang
sections = (
    (N_("common.key_figures"), [(f.label(lang), f.definition(lang)) for f in FIGURES]),
    (N_("glossary.measures"), [(m.label(lang), m.definition(lang)) for m in MEASURES]),
    (
        N_("glossary.stages"),
        [(stage_label(s, lang), stage_definition(s, lang)) for s in STAGE_ORDER],
    ),
)
term, definition_heading = t("common.term", lang), t("common.definition", lang)
rows: list[dict[str, str]] = []
for heading, entries in sections:
    st.subheader(t(heading, lang))
    # One block per section, a paragraph per term: an element per term cost
    # more server time than the rest of the page.
    st.markdown("\n\n".join(f"**{label}**  \n{definition}" for label, definition in entries))
    rows.extend({term: label, definition_heading: definition} for label, definition in entries)
download_csv(lambda: pd.DataFrame(rows), "begreber", lang)
