"""The Beslutninger page: every decision of the programme, overdue ones first, with history.

The steering group and admins see every decision, change statuses and add
new ones; a coordinator or department head sees the decisions its role owns,
read only. Which rows a role gets and who may write is decided in
`data_access` (`appstate.decisions`, `rules.decisions`); this view only
draws. Decision and remark texts are the group's own words: shown in tables
or with `st.text`, never as Markdown.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import formatting
from dashboard.catalogue import FIGURES
from dashboard.i18n import role_label, t
from dashboard.navigation import PAGES
from dashboard.report.content import quarter_of
from dashboard.report.notes import DECISION_STATUSES
from dashboard.shell import PageContext
from data_access.appstate import decisions, quarters
from data_access.appstate.decisions import Decision
from data_access.appstate.migrate import audit_url
from data_access.rules import decisions as rules
from data_access.rules.access import ROLES
from data_access.rules.calendar import local_today


def concerns_label(code: str | None, lang: str) -> str:
    """What a decision concerns, as users name it: a figure's label or a page's title."""
    parts = rules.split_concerns(code)
    if parts is None:
        return ""
    kind, key = parts
    names = (
        {f.id: f.label(lang) for f in FIGURES}
        if kind == "figure"
        else {spec.key: spec.title(lang) for spec in PAGES}
    )
    return names.get(key, key)


def _concerns_options(lang: str) -> dict[str, str]:
    """Stored code -> label for the add form: nothing, each page, each figure."""
    options = {"": "–"}
    for spec in PAGES:
        options[rules.concerns_code("page", spec.key)] = spec.title(lang)
    for item in FIGURES:
        options[rules.concerns_code("figure", item.id)] = item.label(lang)
    return options


def _table(rows: list[Decision], lang: str, today: date) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (
                d.quarter,
                d.text,
                concerns_label(d.concerns, lang),
                role_label(d.owner_role, lang),
                formatting.short_date(d.due_on, lang),
                t(DECISION_STATUSES[d.status], lang),
                t("decisions.overdue", lang) if d.is_overdue(today) else "",
                formatting.timestamp(d.written_at, lang) + " · " + d.written_by,
            )
            for d in rows
        ],
        columns=[
            t("decisions.quarter", lang),
            t("quarter.decision", lang),
            t("decisions.concerns", lang),
            t("quarter.owner", lang),
            t("quarter.due", lang),
            t("common.status", lang),
            t("decisions.overdue", lang),
            t("decisions.changed", lang),
        ],
    )


def decisions_page(context: PageContext) -> None:
    """Overdue decisions at the top, then all the caller may see, then the history on request."""
    lang = context.lang
    url = audit_url()
    programme_id = context.filters.programme_id
    today = local_today()
    visible = decisions.programme_decisions(url, programme_id, context.user)
    overdue = [d for d in visible if d.is_overdue(today)]
    if overdue:
        st.error(t("decisions.overdue_heading", lang, count=len(overdue)), icon=":material/alarm:")
        st.dataframe(_table(sorted(overdue, key=lambda d: d.due_on), lang, today), hide_index=True)
    writer = rules.may_change(context.user.role)
    if not writer:
        st.caption(t("decisions.read_only", lang))
    st.subheader(t("decisions.all", lang))
    if visible:
        st.dataframe(_table(visible, lang, today), hide_index=True)
    else:
        st.caption(t("quarter.no_decisions", lang))
    if writer and visible:
        _change_status(context, url, visible)
    if writer:
        _add(context, url)
    if visible:
        _history(context, url, visible)
    _remark_history(context, url)


def _change_status(context: PageContext, url: str, visible: list[Decision]) -> None:
    lang = context.lang
    texts = {d.decision_key: f"{d.quarter} · {d.text[:80]}" for d in visible}
    current = {d.decision_key: d.status for d in visible}
    with st.form("decision_status"):
        st.markdown("**" + t("decisions.change_status", lang) + "**")
        key = st.selectbox(t("quarter.decision", lang), list(texts), format_func=lambda k: texts[k])
        status = st.radio(
            t("common.status", lang),
            rules.STATUSES,
            format_func=lambda s: t(DECISION_STATUSES[s], lang),
            horizontal=True,
        )
        if st.form_submit_button(t("decisions.save_status", lang)) and key is not None:
            if status == current[key]:
                st.info(t("decisions.status_unchanged", lang))
                return
            try:
                decisions.set_decision_status(url, key, status, context.user)
            except quarters.QuarterError as error:
                st.error(str(error))
            else:
                st.rerun()


def _add(context: PageContext, url: str) -> None:
    lang = context.lang
    quarter = quarter_of(context.filters.as_of)
    options = _concerns_options(lang)
    with st.form("decision_add", clear_on_submit=True):
        st.markdown("**" + t("decisions.add_heading", lang, quarter=quarter.label(lang)) + "**")
        text = st.text_area(t("quarter.decision", lang), max_chars=quarters.MAX_TEXT)
        concerns = st.selectbox(
            t("decisions.concerns", lang), list(options), format_func=lambda k: options[k]
        )
        owner = st.selectbox(
            t("quarter.owner", lang), list(ROLES), format_func=lambda role: role_label(role, lang)
        )
        due = st.date_input(
            t("quarter.due", lang),
            value=context.filters.as_of + timedelta(days=90),
            format=formatting.date_input_format(lang),
        )
        if st.form_submit_button(t("quarter.add", lang)) and isinstance(due, date):
            try:
                decisions.add_decision(
                    url,
                    context.filters.programme_id,
                    quarter.code,
                    text,
                    owner,
                    due,
                    context.user,
                    concerns=concerns or None,
                )
            except quarters.QuarterError as error:
                st.error(str(error))
            else:
                st.rerun()


def _history(context: PageContext, url: str, visible: list[Decision]) -> None:
    """One decision's versions, newest first, when the user asks for them."""
    lang = context.lang
    texts = {d.decision_key: f"{d.quarter} · {d.text[:80]}" for d in visible}
    with st.expander(t("decisions.history", lang), icon=":material/history:"):
        key = st.selectbox(
            t("quarter.decision", lang),
            list(texts),
            format_func=lambda k: texts[k],
            key="decision_history",
        )
        if key is None:
            return
        versions = decisions.decision_history(url, key)
        st.dataframe(
            pd.DataFrame(
                [
                    (
                        v.version,
                        formatting.timestamp(v.written_at, lang),
                        v.written_by,
                        role_label(v.written_role, lang),
                        t(DECISION_STATUSES[v.status], lang),
                    )
                    for v in versions
                ],
                columns=[
                    t("decisions.version", lang),
                    t("common.time", lang),
                    t("quarter.written_by", lang),
                    t("decisions.role", lang),
                    t("common.status", lang),
                ],
            ),
            hide_index=True,
        )


def _remark_history(context: PageContext, url: str) -> None:
    """Every version of the programme's remarks, newest first, on request."""
    lang = context.lang
    versions = quarters.remark_history(url, context.filters.programme_id, None)
    if not versions:
        return
    titles = {spec.key: spec.title(lang) for spec in PAGES}
    with st.expander(t("decisions.remark_history", lang), icon=":material/history:"):
        st.dataframe(
            pd.DataFrame(
                [
                    (
                        r.quarter,
                        titles.get(r.page, r.page),
                        formatting.timestamp(r.written_at, lang),
                        r.written_by,
                        r.text,
                    )
                    for r in versions
                ],
                columns=[
                    t("decisions.quarter", lang),
                    t("common.page", lang),
                    t("common.time", lang),
                    t("quarter.written_by", lang),
                    t("quarter.remark", lang),
                ],
            ),
            hide_index=True,
        )


def overdue_warning(context: PageContext) -> None:
    """The overview's warning: open decisions past their due date that the user may see."""
    lang = context.lang
    overdue = decisions.overdue_decisions(
        audit_url(), context.filters.programme_id, context.user, local_today()
    )
    if not overdue:
        return
    st.warning(t("decisions.overdue_heading", lang, count=len(overdue)), icon=":material/alarm:")
    for decision in overdue[:5]:
        due = formatting.short_date(decision.due_on, lang)
        st.text(f"{due} · {role_label(decision.owner_role, lang)} · {decision.text[:120]}")
