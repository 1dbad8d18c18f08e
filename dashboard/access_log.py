"""Pages call `log_view` before they show person-level rows.

Showing families without an audit trail breaks the rule, so a failure to
write the log stops the view (a message, no data) instead of being ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import streamlit as st

from dashboard.i18n import t
from dashboard.shell import PageContext
from data_access import audit

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
            audit.audit_url(),
            email=context.user.email,
            role=context.user.role,
            page=page_key,
            family_ids=ids,
        )
    except Exception as error:  # any failure must stop the view
        log.error("access log write failed on page %s: %s", page_key, type(error).__name__)
        st.error(t("audit_failed", context.lang), icon=":material/lock:")
        st.stop()
