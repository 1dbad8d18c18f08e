"""Effekt: did the families' situation improve?

For the steering group: improved parental authority against its target and
self-supporting parents (kpis.md figures), the SSP level at intake against
the latest level, the measures over course months, and the districts side
by side. A programme without families shows an empty state, not charts.
"""

from __future__ import annotations

import streamlit as st

from dashboard.data import cached
from dashboard.i18n import t
from dashboard.shell import download_csv, open_page
from dashboard.views import outcomes as view
from dashboard.views.common import no_families
from data_access.queries import outcomes

has_families = cached(outcomes.has_families)
outcome_results = cached(outcomes.outcome_results)
course_month_series = cached(outcomes.course_month_series)

context = open_page("effekt")
filters = context.filters
lang = context.lang
programme, as_of, district = filters.programme_id, filters.as_of, filters.district_id

if not has_families(programme, as_of, district_id=district):
    no_families(lang)
    st.stop()

results = outcome_results(programme, as_of, district_id=district, scope=context.user)

st.subheader(t("outcomes.figures", lang))
view.outcome_figures(results.figures, lang)

st.subheader(t("outcomes.ssp", lang))
view.transition_table(results.transitions, lang)

st.subheader(t("outcomes.course", lang))


@st.fragment
def course_section() -> None:
    """The measure picker and its chart: picking a measure reruns only this part."""
    measure = view.measure_choice(lang)
    series = course_month_series(
        programme, as_of, measure, district_id=district, scope=context.user
    )
    view.course_chart(series, measure, lang)


course_section()

st.subheader(t("outcomes.districts", lang))
shown = view.district_table(results.districts, lang)
download_csv(shown, f"effekt_{programme}_{as_of.isoformat()}", lang)
