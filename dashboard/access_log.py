"""Pages call `log_view` before they show person-level rows; admins read the log.

Showing families without an audit trail breaks the rule, so a failure to
write the log stops the view (a message, no data) instead of being ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta

import streamlit as st

from dashboard.i18n import t
from dashboard.navigation import PAGES, page
from dashboard.shell import PageContext, download_csv
from data_access.appstate import access_log as audit
from data_access.appstate import migrate as app_migrate
from data_access.rules.calendar import local_today

log = logging.getLogger(__name__)


def log_view(context: PageContext, page_key: str, family_ids: Sequence[str]) -> None:
    """Write who saw `family_ids` on `page_key` now; stop the page if that fails.

    Call it after the query and before drawing the rows. Nothing is written
    when `family_ids` is empty (no person-level rows shown).
    """
    ids = [str(family_id) for family_id in family_ids if str(family_id)]
    if not ids:
        return
    try:
        audit.record_access(
            app_migrate.audit_url(),
            email=context.user.email,
            role=context.user.role,
            page=page_key,
            family_ids=ids,
        )
    except Exception as error:  # any failure must stop the view
        log.error("access log write failed on page %s: %s", page_key, type(error).__name__)
        st.error(t("audit.failed", context.lang), icon=":material/lock:")
        st.stop()


AUDIT_PAGE_LIMIT = 1000
AUDIT_DEFAULT_DAYS = 30


def access_log_page(context: PageContext) -> None:
    """The admin page: filter the log by user, page, pseudonym and dates; download it."""
    lang = context.lang
    st.caption(t("audit.intro", lang))
    today = local_today()
    left, middle, right = st.columns(3)
    email = left.text_input(t("audit.email", lang), key="audit_email").strip()
    pages = [""] + [spec.key for spec in PAGES]
    page_key = middle.selectbox(
        t("common.page", lang),
        options=pages,
        format_func=lambda key: page(key).title(lang) if key else t("audit.any_page", lang),
        key="audit_page",
    )
    family_id = right.text_input(t("audit.pseudonym", lang), key="audit_family").strip()
    since = left.date_input(
        t("audit.since", lang), value=today - timedelta(days=AUDIT_DEFAULT_DAYS), key="audit_since"
    )
    until = middle.date_input(t("audit.until", lang), value=today, key="audit_until")
    frame = audit.list_access(
        app_migrate.audit_url(),
        email=email or None,
        page=page_key or None,
        family_id=family_id or None,
        since=since if isinstance(since, date) else None,
        until=until if isinstance(until, date) else None,
        limit=AUDIT_PAGE_LIMIT,
    )
    frame["at"] = frame["at"].dt.strftime("%Y-%m-%d %H:%M:%S")
    frame = frame.rename(
        columns={
            "at": t("common.time", lang),
            "email": t("audit.email", lang),
            "role": t("audit.role", lang),
            "page": t("common.page", lang),
            "family_ids": t("audit.families", lang),
        }
    )
    st.caption(t("audit.rows", lang, count=len(frame), limit=AUDIT_PAGE_LIMIT))
    st.dataframe(frame, hide_index=True, width="stretch")
    download_csv(frame, "adgangslog", lang)
