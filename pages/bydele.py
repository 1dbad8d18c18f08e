"""Bydele: the district indicators over time, against the city, since the programme began.

One chart per indicator with a value on or before the report date, whatever
the bundle defines (`indicator_definitions.csv` rows appear without code
changes), and per district the value at the start, the latest and the change.
"""

from __future__ import annotations

import streamlit as st

from dashboard.data import cached
from dashboard.i18n import t
from dashboard.shell import open_page
from dashboard.views import districts as view
from data_access.queries import indicators

district_indicators = cached(indicators.district_indicators)

context = open_page("bydele")
filters = context.filters
lang = context.lang

st.caption(t("districts.intro", lang))
shown = district_indicators(context.query, filters.starts_on)
found, panels = shown.indicators, shown.panels
if not found:
    st.info(t("districts.no_indicators", lang), icon=":material/info:")
    st.stop()

for indicator in found:
    view.heading(indicator, lang)
    panel = panels.get(indicator.indicator)
    if panel is None:
        st.info(t("districts.no_values", lang), icon=":material/info:")
        continue
    # Half and half: at 3:2 a laptop (1366-1400 px) hid the change and its reading.
    chart, table = st.columns(2)
    with chart:
        view.indicator_chart(panel.series, indicator, filters.starts_on, lang)
    with table:
        view.change_table(panel.changes, indicator, lang)
