"""Økonomi: the report year's spend against budget, by department, funder and activity.

For department heads browsing their spend: the kpis.md spend figures for the
whole programme, then a breakdown they can narrow to one department (their
own by default) and drill from department to activity to month, then every
year of the programme side by side. Booked items appear only as sums.
"""

from __future__ import annotations

import streamlit as st

from dashboard.data import cached, start
from dashboard.shell import download_csv, open_page
from dashboard.views import spend as view
from dashboard.views.common import tr
from data_access.queries import figures
from data_access.queries import spend as spend_queries
from data_access.queries.spend import SpendBy

compute_figures = cached(figures.compute_figures)
spend_breakdown = cached(spend_queries.spend_breakdown)
spend_by_month = cached(spend_queries.spend_by_month)
spend_by_year = cached(spend_queries.spend_by_year)
department_activities = cached(spend_queries.department_activities)

context = open_page("oekonomi")
filters = context.filters
lang = context.lang
programme, as_of, year = filters.programme_id, filters.as_of, filters.as_of.year

query = context.query
headline = start(compute_figures, query, figure_ids=view.ASKED)
years_pending = start(spend_by_year, query)

st.subheader(tr(view.TEXTS, "year_heading", lang, year=year))
values = headline.result()
view.headline(values, lang)
if values["budget_year"].value is None:
    st.info(tr(view.TEXTS, "no_budget_year", lang, year=year), icon=":material/info:")


@st.fragment
def breakdown() -> None:
    """Department, funder and activity breakdowns with the drill-down pickers.

    A fragment: picking a department or an activity reruns only this part,
    not the headline figures and the years table.
    """
    by_department = spend_breakdown(query, "department")
    st.subheader(tr(view.TEXTS, "breakdown", lang))
    if by_department.empty:
        st.info(tr(view.TEXTS, "nothing", lang, year=year), icon=":material/info:")
        return
    names = dict(zip(by_department["key"], by_department["name"], strict=True))
    options = ["", *names]
    own = context.user.department_id if context.user.role == "department_head" else None
    department = st.selectbox(
        tr(view.TEXTS, "department", lang),
        options,
        index=options.index(own) if own in names else 0,
        format_func=lambda key: names.get(key) or tr(view.TEXTS, "all_departments", lang),
        key="oekonomi_department",
    )
    view.status_note(lang)
    activity = ""
    if not department:
        tabs = st.tabs(
            [tr(view.TEXTS, k, lang) for k in ("by_department", "by_funder", "by_activity")]
        )
        breakdowns: tuple[SpendBy, ...] = ("department", "funder", "activity")
        for tab, by, first in zip(
            tabs, breakdowns, ("department", "name", "activity"), strict=True
        ):
            with tab:
                frame = by_department if by == "department" else spend_breakdown(query, by)
                if by == "funder":
                    st.caption(tr(view.TEXTS, "funder_note", lang))
                view.breakdown_table(frame, lang, tr(view.TEXTS, first, lang))
                view.breakdown_chart(frame, lang, key=f"oekonomi_chart_{by}")
    else:
        frame = spend_breakdown(query, "activity", department_id=department)
        view.breakdown_table(frame, lang, tr(view.TEXTS, "activity", lang))
        view.breakdown_chart(frame, lang, key="oekonomi_chart_drill")
        activities = ["", *department_activities(query, department)]
        activity = st.selectbox(
            tr(view.TEXTS, "activity", lang),
            activities,
            format_func=lambda a: a or tr(view.TEXTS, "all_activities", lang),
            key="oekonomi_activity",
        )
    months = spend_by_month(query, department_id=department or None, activity=activity or None)
    scope_label = activity or names.get(department) or tr(view.TEXTS, "all_departments", lang)
    view.month_chart(months, lang, scope_label)
    with st.expander(tr(view.TEXTS, "month", lang)):
        view.month_table(months, lang)


breakdown()

st.subheader(tr(view.TEXTS, "years", lang))
years = years_pending.result()
if years.empty:
    st.info(tr(view.TEXTS, "nothing", lang, year=year), icon=":material/info:")
else:
    shown = view.years_table(years, lang)
    download_csv(shown, f"oekonomi_{programme}_{as_of.isoformat()}", lang)
