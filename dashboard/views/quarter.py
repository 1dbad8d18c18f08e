"""The overview's quarter panel: freeze the quarter, the group's remarks, a way to its decisions.

The quarter is the one of the page's report date. The steering group and
admins get the freeze button and a remarks box per page; every other role
sees the remarks read only. Decisions have one home, the Beslutninger page
(`views.decisions`: add, change status, history of decisions and remarks):
the panel links to it for the roles that may open it, so there is no second
form that could disagree with it. The role check itself sits in
`data_access.appstate.quarters`; this view only decides what to draw. User
text is shown with `st.text`, never rendered as Markdown or HTML.
"""

from __future__ import annotations

import streamlit as st

from dashboard import formatting
from dashboard.i18n import role_label, t
from dashboard.navigation import PAGES, page
from dashboard.report.content import quarter_of
from dashboard.shell import PageContext
from data_access.appstate import decisions, quarters
from data_access.appstate.migrate import audit_url
from data_access.db.engine import default_database_url
from data_access.rules.access import QUARTERS_WRITE, may
from data_access.rules.calendar import local_today
from data_access.rules.decisions import may_see


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
    _decisions_link(context)


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


def _decisions_link(context: PageContext) -> None:
    """A link to the Beslutninger page, for the roles the policy lets open it."""
    spec = page("beslutninger")
    if not spec.allows(context.user.role):
        return
    lang = context.lang
    st.page_link(
        str(spec.path),
        label=t("quarter.decisions_link", lang, page=spec.title(lang)),
        icon=spec.icon,
        query_params=st.query_params.to_dict(),
    )


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
