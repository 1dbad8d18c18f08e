"""Begreber: every figure's label and definition, read from the same catalogue the pages use."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.catalogue import FIGURES, STAGE_DEFINITIONS, stage_label
from dashboard.shell import download_csv, open_page
from dashboard.views.common import MEASURES, tr

TEXT = {
    "figures": {"da": "Nøgletal", "en": "Key figures"},
    "measures": {"da": "Øvrige mål på siderne", "en": "Other measures on the pages"},
    "stages": {"da": "Faser i et forløb", "en": "Stages of a course"},
    "term": {"da": "Begreb", "en": "Term"},
    "definition": {"da": "Definition", "en": "Definition"},
}

context = open_page("begreber")
lang = context.lang
sections = (
    ("figures", [(f.label(lang), f.definition(lang)) for f in FIGURES]),
    ("measures", [(m.label(lang), m.definition(lang)) for m in MEASURES]),
    (
        "stages",
        [(stage_label(s, lang), d[1 if lang == "en" else 0]) for s, d in STAGE_DEFINITIONS.items()],
    ),
)
rows = []
for key, entries in sections:
    st.subheader(tr(TEXT, key, lang))
    for label, definition in entries:
        st.markdown(f"**{label}**  \n{definition}")
        rows.append({tr(TEXT, "term", lang): label, tr(TEXT, "definition", lang): definition})
download_csv(pd.DataFrame(rows), "begreber", lang)
