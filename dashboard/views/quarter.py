"""The overview's quarter panel: freeze the quarter, the group's remarks and decisions.

The quarter is the one of the page's report date. The steering group and
admins get the freeze button, a remarks box per page and the decisions with
add and mark-done; every other role sees the remarks and decisions read
only. The role check itself sits in `data_access.appstate.quarters`; this view only
decides what to draw. User text is shown with `st.text` or in a table,
never rendered as Markdown or HTML.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import formatting
from dashboard.i18n import role_label, t
from dashboard.navigation import PAGES
from dashboard.report.content import quarter_of
from dashboard.report.notes import DECISION_STATUSES
from dashboard.shell import PageContext
from data_access.appstate import decisions, quarters
from data_access.appstate.migrate import audit_url
from data_access.db.engine import default_database_url
from data_access.rules.access import QUARTERS_WRITE, ROLES, may
from data_access.rules.calendar import local_today
from data_access.rules.decisions import DONE, OPEN, may_see


def quarter_panel(context: PageContext) -> None:
    """Draw the panel for the report date's quarter; nothing outside the programme's period."""
    filters = context.filters
    lang = context.lang
    quarter = quarter_of(filters.as_of)
    if quarter.last_day < filters.starts_on or quarter.first_day > filters.ends_on:
        return
    url = audit_url()
    writer = may(context.user.role, QUARTERS_WRITE)
    st.divider()
    st.subheader(t("quarter.remarks_heading", lang) + " – " + quarter.label(lang))
    if writer:
        _freeze(context, url, quarter.code, quarter.label(lang))
    _remarks(context, url, quarter.code, writer)
    _decisions(context, url, quarter.code, writer)
    _history(context, url, quarter.code)


def present_notes(context: PageContext) -> None:
    """For presentation mode: the quarter's current remarks, plain text."""
    filters = context.filters
    lang = context.lang
    quarter = quarter_of(filters.as_of)
    current = quarters.remarks(audit_url(), filters.programme_id, quarter.code)
    if not current:
        return
    st.subheader(t("quarter.remarks_heading", lang))
    for remark in current:
        st.text(remark.text)


def present_decisions(context: PageContext) -> None:
    """For presentation mode, first: what the last meeting decided that is still open.

    The last meeting is the latest quarter up to the report date in which
    decisions were made; a role sees only the decisions it may see.
    """
    filters = context.filters
    lang = context.lang
    code = quarter_of(filters.as_of).code
    made_in, open_ones = decisions.last_meeting_open(audit_url(), filters.programme_id, code)
    open_ones = [d for d in open_ones if may_see(context.user.role, d.owner_role)]
    if not open_ones:
        return
    label = quarter_of(quarters.quarter_bounds_of(made_in)[1]).label(lang)
    st.subheader(t("presentation.open_decisions", lang, quarter=label))
    owner_label = t("quarter.owner", lang)
    today = local_today()
    for decision in open_ones:
        due = formatting.long_date(decision.due_on, lang)
        owner = role_label(decision.owner_role, lang)
        flag = " · " + t("decisions.overdue", lang) if decision.is_overdue(today) else ""
        st.text(f"{decision.text}\n{owner_label}: {owner} · {due}{flag}")


def _freeze(context: PageContext, url: str, code: str, label: str) -> None:
    lang = context.lang
    programme_id = context.filters.programme_id
    frozen = quarters.frozen_quarter(url, programme_id, code)
    if frozen is not None:
        st.button(t("quarter.freeze", lang), disabled=True, key="freeze_quarter")
        when = formatting.long_date(frozen.frozen_at.date(), lang)
        st.caption(t("quarter.frozen", lang, quarter=label, date=when, who=frozen.frozen_by))
        return
    if st.button(
        t("quarter.freeze", lang),
        help=t("quarter.freeze_help", lang, quarter=label),
        icon=":material/ac_unit:",
        key="freeze_quarter",
    ):
        try:
            quarters.freeze_quarter(
                default_database_url(), programme_id, code, context.user, app_url=url
            )
        except quarters.QuarterError as error:
            st.error(str(error))
        else:
            st.toast(t("quarter.frozen_ok", lang, quarter=label))
            st.rerun()


def _remarks(context: PageContext, url: str, code: str, writer: bool) -> None:
    lang = context.lang
    programme_id = context.filters.programme_id
    current = quarters.remarks(url, programme_id, code)
    titles = {spec.key: spec.title(lang) for spec in PAGES}
    if not current:
        st.caption(t("quarter.no_remarks", lang))
    for remark in current:
        when = formatting.long_date(remark.written_at.date(), lang)
        st.caption(
            titles.get(remark.page, remark.page)
            + " · "
            + t("quarter.written", lang, who=remark.written_by, date=when)
        )
        st.text(remark.text)
    if not writer:
        return
    by_page = {remark.page: remark.text for remark in current}
    with st.form("quarter_remark", clear_on_submit=False):
        page_key = st.selectbox(
            t("common.page", lang), list(titles), format_func=lambda key: titles[key]
        )
        text = st.text_area(
            t("quarter.remark", lang), value=by_page.get(page_key, ""), max_chars=quarters.MAX_TEXT
        )
        if st.form_submit_button(t("quarter.save", lang)):
            try:
                quarters.save_remark(url, programme_id, code, page_key, text, context.user)
            except quarters.QuarterError as error:
                st.error(str(error))
            else:
                st.success(t("quarter.saved", lang))


def _decisions(context: PageContext, url: str, code: str, writer: bool) -> None:
    lang = context.lang
    programme_id = context.filters.programme_id
    heading = t("quarter.decisions", lang)
    st.markdown(f"**{heading}**")
    current = decisions.decisions(url, programme_id, code)
    if current:
        st.dataframe(
            pd.DataFrame(
                [
                    (
                        d.text,
                        role_label(d.owner_role, lang),
                        formatting.short_date(d.due_on, lang),
                        t(DECISION_STATUSES[d.status], lang),
                        d.written_by,
                    )
                    for d in current
                ],
                columns=[
                    t("quarter.decision", lang),
                    t("quarter.owner", lang),
                    t("quarter.due", lang),
                    t("common.status", lang),
                    t("quarter.written_by", lang),
                ],
            ),
            hide_index=True,
        )
    else:
        st.caption(t("quarter.no_decisions", lang))
    if not writer:
        return
    open_ones = [d for d in current if d.status == OPEN]
    if open_ones:
        texts = {d.decision_key: d.text for d in open_ones}
        key = st.selectbox(
            t("quarter.decision", lang), list(texts), format_func=lambda k: texts[k][:80]
        )
        if st.button(t("quarter.mark_done", lang), key="decision_done"):
            try:
                decisions.set_decision_status(url, key, DONE, context.user)
            except quarters.QuarterError as error:
                st.error(str(error))
            else:
                st.rerun()
    with st.form("quarter_decision", clear_on_submit=True):
        text = st.text_area(t("quarter.decision", lang), max_chars=quarters.MAX_TEXT)
        owner = st.selectbox(
            t("quarter.owner", lang), list(ROLES), format_func=lambda role: role_label(role, lang)
        )
        due = st.date_input(
            t("quarter.due", lang),
            value=context.filters.as_of + timedelta(days=90),
            format="DD.MM.YYYY",
        )
        if st.form_submit_button(t("quarter.add", lang)) and isinstance(due, date):
            try:
                decisions.add_decision(url, programme_id, code, text, owner, due, context.user)
            except quarters.QuarterError as error:
                st.error(str(error))
            else:
                st.rerun()


def _history(context: PageContext, url: str, code: str) -> None:
    """Every saved version of the quarter's remarks and decisions, newest first.

    Shown only once something has been changed: who wrote what when is the
    group's record, and an edit must not hide what stood there before.
    """
    lang = context.lang
    programme_id = context.filters.programme_id
    remark_versions = quarters.remark_history(url, programme_id, code)
    decision_versions = decisions.decision_versions(url, programme_id, code)
    current = len(quarters.remarks(url, programme_id, code))
    current += len({d.decision_key for d in decision_versions})
    if len(remark_versions) + len(decision_versions) <= current:
        return
    titles = {spec.key: spec.title(lang) for spec in PAGES}
    remark_label = t("quarter.remark", lang)
    rows = [
        (
            r.written_at,
            remark_label + ": " + titles.get(r.page, r.page),
            r.text,
            "",
            r.written_by,
        )
        for r in remark_versions
    ]
    rows += [
        (
            d.written_at,
            t("quarter.decision", lang),
            d.text,
            t(DECISION_STATUSES[d.status], lang),
            d.written_by,
        )
        for d in decision_versions
    ]
    rows.sort(key=lambda row: row[0], reverse=True)
    shown = [(formatting.timestamp(at, lang), *rest) for at, *rest in rows]
    with st.expander(t("quarter.history", lang), icon=":material/history:"):
        st.dataframe(
            pd.DataFrame(
                shown,
                columns=[
                    t("common.time", lang),
                    "",
                    t("quarter.remark", lang) + " / " + t("quarter.decision", lang).lower(),
                    t("common.status", lang),
                    t("quarter.written_by", lang),
                ],
            ),
            hide_index=True,
        )
