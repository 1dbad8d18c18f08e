"""The overview page's download buttons for the quarterly report (PDF and Excel).

The report is built by the same `build_report` as the command line, for the
quarter that contains the page's report date. It is generated only when a
button is clicked (Streamlit calls the data callable then) and cached per
programme, quarter, language and data version, so a second click is instant.
The report holds exact counts (steering scope), so only roles the policy
lets have it (`access.may(role, "report")`, as the command line asks) get
the buttons. A frozen quarter's report shows the frozen figures with the
steering group's remarks and decisions. Each download is written to the
access log (action "report") before the file is handed out; if the log
cannot be written, no file is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import streamlit as st
from sqlalchemy import Engine

from dashboard.audit_trail import logged_data
from dashboard.data import cached
from dashboard.i18n import N_, t
from dashboard.report import render_report
from dashboard.report.content import build_report, parse_quarter, quarter_of
from dashboard.shell import PageContext
from data_access.appstate import access_log as audit
from data_access.appstate.migrate import audit_url
from data_access.appstate.quarters import notes_version
from data_access.rules.access import REPORT, may

#: Format -> message id of its download button.
BUTTONS: Final[dict[str, str]] = {
    "pdf": N_("report.download_pdf"),
    "xlsx": N_("report.download_xlsx"),
}
MIME: Final[dict[str, str]] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _report_bytes(
    engine: Engine, programme_id: str, quarter_code: str, fmt: str, lang: str, notes: str
) -> bytes:
    """The rendered report; a data_access-style function so `cached` can key it.

    `notes` is `quarters.notes_version`: part of the cache key only, so a
    freeze, remark or decision made since shows in the next download.
    """
    content = build_report(engine, programme_id, parse_quarter(quarter_code), app_url=audit_url())
    return render_report(content, fmt, lang)


report_bytes = cached(_report_bytes)


def report_download_buttons(context: PageContext) -> None:
    """Two download buttons for the quarter of the report date; nothing for roles refused it."""
    if not may(context.user.role, REPORT):
        return
    filters = context.filters
    lang = context.lang
    quarter = quarter_of(filters.as_of)
    if quarter.last_day < filters.starts_on or quarter.first_day > filters.ends_on:
        return
    st.caption(t("report.download_caption", lang, quarter=quarter.label(lang)))
    columns = st.columns([1, 1, 2])
    for column, fmt in zip(columns[:2], ("pdf", "xlsx"), strict=True):
        file_name = f"kvartalsrapport_{filters.programme_id}_{quarter.code}.{fmt}"
        with column:
            st.download_button(
                t(BUTTONS[fmt], lang),
                data=logged_data(
                    _generator(filters.programme_id, quarter.code, fmt, lang),
                    context.user,
                    filters,
                    "oversigt",
                    file_name,
                    action=audit.REPORT,
                ),
                file_name=file_name,
                mime=MIME[fmt],
                icon=":material/download:",
                on_click="ignore",
                key=f"quarterly_report_{fmt}",
            )


def _generator(programme_id: str, quarter_code: str, fmt: str, lang: str) -> Callable[[], bytes]:
    """A no-argument callable for `st.download_button` (run only on click)."""

    def generate() -> bytes:
        notes = notes_version(audit_url(), programme_id, quarter_code)
        return report_bytes(programme_id, quarter_code, fmt, lang, notes)

    return generate
