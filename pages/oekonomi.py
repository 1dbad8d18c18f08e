"""Økonomi: the report year's spend against budget, by department, funder and activity.

For department heads browsing their spend: the kpis.md spend figures for the
whole programme, then a breakdown they can narrow to one department (their
own by default) and drill from department to activity to month, then every
year of the programme side by side. Booked items appear only as sums.
"""

from __future__ import annotations

import streamlit as st

from dashboard.catalogue import SPEND_BREAKDOWNS
from dashboard.data import cached, start
from dashboard.i18n import N_, t
from dashboard.shell import download_csv, open_page
from dashboard.views import spend as view
from data_access.queries import figures
from data_access.queries import spend as spend_queries
from data_access.queries.money_figures import SpendBy

compute_figures = cached(figures.compute_figures)
spend_breakdown = cached(spend_queries.spend_breakdown)
spend_by_month = cached(spend_queries.spend_by_month)
spend_by_year = cached(spend_queries.spend_by_year)
department_activities = cached(spend_queries.department_activities)

context = open_page("oekonomi")
filters = context.filters
lang = context.lang
programme, as_of, year = filters.programme_id, filters.as_of, filters.as_of.year

headline = start(compute_figures, programme, as_of, scope=context.user, figure_ids=view.HEADLINE)
years_pending = start(spend_by_year, programme, as_of)

st.subheader(t("spend.year_heading", lang, year=year))
values = headline.result()
view.headline(values, lang)
if values["budget_year"].value is None:
    st.info(t("spend.no_budget_year", lang, year=year), icon=":material/info:")


@st.fragment
def breakdown() -> None:
    """Department, funder and activity breakdowns with the drill-down pickers.

    A fragment: picking a department or an activity reruns only this part,
    not the headline figures and the years table.
    """
    by_department = spend_breakdown(programme, as_of, "department", scope=context.user)
    st.subheader(t("spend.breakdown", lang))
    if by_department.empty:
        st.info(t("spend.nothing", lang, year=year), icon=":material/info:")
        return
    names = dict(zip(by_department["key"], by_department["name"], strict=True))
    options = ["", *names]
    own = context.user.department_id if context.user.role == "department_head" else None
    department = st.selectbox(
        t("spend.department", lang),
        options,
        index=options.index(own) if own in names else 0,
        format_func=lambda key: names.get(key) or t("spend.all_departments", lang),
        key="oekonomi_department",
    )
    view.status_note(lang)
    activity = ""
    if not department:
        tabs = st.tabs(
            [
                t(N_("spend.by_department"), lang),
                t(N_("spend.by_funder"), lang),
                t(N_("spend.by_activity"), lang),
            ]
        )
        breakdowns: tuple[SpendBy, ...] = ("department", "funder", "activity")
        first_columns = (N_("spend.department"), N_("spend.name"), SPEND_BREAKDOWNS["activity"])
        for tab, by, first in zip(tabs, breakdowns, first_columns, strict=True):
            with tab:
                frame = (
                    by_department
                    if by == "department"
                    else spend_breakdown(programme, as_of, by, scope=context.user)
                )
                if by == "funder":
                    st.caption(t("spend.funder_note", lang))
                view.breakdown_table(frame, lang, t(first, lang))
                view.breakdown_chart(frame, lang, key=f"oekonomi_chart_{by}")
    else:
        frame = spend_breakdown(
            programme, as_of, "activity", department_id=department, scope=context.user
        )
        view.breakdown_table(frame, lang, t(SPEND_BREAKDOWNS["activity"], lang))
        view.breakdown_chart(frame, lang, key="oekonomi_chart_drill")
        activities = ["", *department_activities(programme, as_of, department)]
        activity = st.selectbox(
            t(SPEND_BREAKDOWNS["activity"], lang),
            activities,
            format_func=lambda a: a or t("spend.all_activities", lang),
            key="oekonomi_activity",
        )
    months = spend_by_month(
        programme, as_of, department_id=department or None, activity=activity or None
    )
    scope_label = activity or names.get(department) or t("spend.all_departments", lang)
    view.month_chart(months, lang, scope_label)
    with st.expander(t("common.month", lang)):
        view.month_table(months, lang)


breakdown()

st.subheader(t("spend.years", lang))
years = years_pending.result()
if years.empty:
    st.info(t("spend.nothing", lang, year=year), icon=":material/info:")
else:
    shown = view.years_table(years, lang)
    download_csv(shown, f"oekonomi_{programme}_{as_of.isoformat()}", lang)
