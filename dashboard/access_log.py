"""Pages call `log_view` before they show person-level rows; admins read the log.

Showing families without an audit trail breaks the rule, so a failure to
write the log stops the view (a message, no data) instead of being ignored.
Downloads and reports are logged by `audit_trail.logged_data`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import formatting, tables
from dashboard.audit_trail import record
from dashboard.i18n import N_, role_label, t
from dashboard.navigation import PAGES, page
from dashboard.shell import PageContext, download_csv
from dashboard.tables import Column, Kind
from data_access.appstate import access_log as audit
from data_access.appstate import migrate as app_migrate
from data_access.appstate.retention import OWNER_ROLE
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
        record(context.user, context.filters, page_key, family_ids=ids)
    except Exception as error:  # any failure must stop the view
        log.error("access log write failed on page %s: %s", page_key, type(error).__name__)
        st.error(t("audit.failed", context.lang), icon=":material/lock:")
        st.stop()


#: The newest rows matching the filters, on screen and in the CSV: 1 000 rows
#: of about 250 bytes each sent 245 KB to a new tab; 500 stay near 120 KB.
#: Narrow by person, family or period for older rows.
AUDIT_PAGE_LIMIT = 500
#: Pseudonyms per row the screen shows; the CSV download keeps them all.
#: Three keep the log's "what was shown" in view on a 1366 px laptop.
SCREEN_FAMILIES = 3


def screen_families(ids: object, keep: int = SCREEN_FAMILIES) -> str:
    """A row's families as the screen shows them: the first `keep`, then how many more.

    A Forløb view logs up to 100 pseudonyms; 1 000 such rows sent 850 KB to
    the browser (docs/benchmarks.md), so the table shows a few and the CSV
    download, which a data protection officer works from, holds every one.
    """
    families = [f for f in str(ids).split(",") if f]
    if len(families) <= keep:
        return ",".join(families)
    return f"{','.join(families[:keep])} … (+{len(families) - keep})"


AUDIT_DEFAULT_DAYS = 30
#: Log column -> message id of its heading on the page and in the CSV.
HEADINGS: dict[str, str] = {
    "at": N_("common.time"),
    "email": N_("audit.email"),
    "role": N_("audit.role"),
    "action": N_("audit.action"),
    "page": N_("common.page"),
    "programme_id": N_("audit.programme"),
    "report_date": N_("audit.report_date"),
    "district_id": N_("audit.district"),
    "shown": N_("audit.shown"),
    "family_ids": N_("audit.families"),
    "file": N_("audit.file"),
}
PAGE_KEYS = frozenset(spec.key for spec in PAGES)
#: Action / what was shown -> message id of its word.
WORDS: dict[str, str] = {
    audit.VIEW: N_("audit.action_view"),
    audit.DOWNLOAD: N_("audit.action_download"),
    audit.REPORT: N_("audit.action_report"),
    audit.PRUNE: N_("audit.action_prune"),
    audit.PSEUDONYMS: N_("audit.shown_pseudonyms"),
    audit.AGGREGATE: N_("audit.shown_aggregate"),
}


def _role_word(role: object, lang: str) -> str:
    """A dashboard role's name; the database owner (who prunes the log) in words too."""
    if role == OWNER_ROLE:
        return t("audit.role_owner", lang)
    return role_label(str(role), lang)


def _word(value: object, lang: str) -> str:
    """The word for an action or a "shown" value in `lang`; other values as text."""
    text = "" if value is None else str(value)
    return t(WORDS[text], lang) if text in WORDS else text


def access_log_page(context: PageContext) -> None:
    """The admin page: filter the log by person, family, period, page and action; export it."""
    lang = context.lang
    st.caption(t("audit.intro", lang))
    today = local_today()
    left, middle, right = st.columns(3)
    email = left.text_input(t("audit.email", lang), key="audit_email").strip()
    family_id = middle.text_input(t("audit.pseudonym", lang), key="audit_family").strip()
    pages = [""] + [spec.key for spec in PAGES]
    page_key = right.selectbox(
        t("common.page", lang),
        options=pages,
        format_func=lambda key: page(key).title(lang) if key else t("audit.any_page", lang),
        key="audit_page",
    )
    since = left.date_input(
        t("audit.since", lang),
        value=today - timedelta(days=AUDIT_DEFAULT_DAYS),
        key="audit_since",
        format=formatting.date_input_format(lang),
    )
    until = middle.date_input(
        t("audit.until", lang),
        value=today,
        key="audit_until",
        format=formatting.date_input_format(lang),
    )
    action = right.selectbox(
        t("audit.action", lang),
        options=["", *audit.ACTIONS],
        format_func=lambda key: _word(key, lang) if key else t("audit.any_action", lang),
        key="audit_action",
    )
    frame = audit.list_access(
        app_migrate.audit_url(),
        email=email or None,
        page=page_key or None,
        family_id=family_id or None,
        action=action or None,
        since=since if isinstance(since, date) else None,
        until=until if isinstance(until, date) else None,
        limit=AUDIT_PAGE_LIMIT,
    )
    st.caption(t("audit.rows", lang, count=len(frame), limit=AUDIT_PAGE_LIMIT))
    columns = log_columns(frame, lang)
    show_log(screen_columns(columns, lang), lang)
    shown = sorted({f for ids in frame["family_ids"].tolist() for f in str(ids).split(",") if f})
    download_csv(lambda: tables.build(columns, lang).text(), "adgangslog", lang, family_ids=shown)


def log_columns(frame: pd.DataFrame, lang: str) -> list[Column]:
    """The log rows in words: a role's, an action's and a page's name; times and dates as such.

    Who saw which families on which page comes first, the filters they had
    set last: on a laptop those scroll out of view. Each word is looked up
    once per distinct value (500 rows repeat a handful), and every column is
    read with `tolist`: iterating pandas' Arrow-backed text one cell at a
    time took 20 ms for 500 rows.
    """

    def words(column: str, word: Callable[[object, str], str]) -> list[str]:
        values = frame[column].tolist()
        found = {value: word(value, lang) for value in set(values)}
        return [found[value] for value in values]

    cells: dict[str, tuple[Sequence[object] | pd.Series, Kind]] = {
        "at": (frame["at"], Kind.MOMENT),
        "email": (frame["email"].tolist(), Kind.TEXT),
        "role": (words("role", _role_word), Kind.TEXT),
        "action": (words("action", _word), Kind.TEXT),
        "page": (words("page", _page_title), Kind.TEXT),
        "shown": (words("shown", _word), Kind.TEXT),
        "family_ids": (frame["family_ids"].tolist(), Kind.TEXT),
        "file": (frame["file"].tolist(), Kind.TEXT),
        "programme_id": (frame["programme_id"].tolist(), Kind.TEXT),
        "report_date": (frame["report_date"].tolist(), Kind.DATE),
        "district_id": (frame["district_id"].tolist(), Kind.TEXT),
    }
    return [Column(t(HEADINGS[name], lang), values, kind) for name, (values, kind) in cells.items()]


def screen_columns(columns: Sequence[Column], lang: str) -> list[Column]:
    """The log's columns for the screen: what was shown in one column, a few pseudonyms each.

    A row shows pseudonyms exactly when it names families (`record_access`),
    so "Vist" and the families say one thing twice; on screen the families
    stand in for "Pseudonyms" and the word stays where there are none. That
    and `SCREEN_FAMILIES` narrow the table so that who saw what, when and on
    which page is in view on a laptop; the CSV keeps both columns in full.
    """
    shown = t(HEADINGS["shown"], lang)
    families = t(HEADINGS["family_ids"], lang)
    by_heading = {column.heading: column for column in columns}
    what = [
        screen_families(ids) if ids else word
        for ids, word in zip(by_heading[families].values, by_heading[shown].values, strict=True)
    ]
    return [
        replace(column, values=what) if column.heading == shown else column
        for column in columns
        if column.heading != families
    ]


def show_log(columns: Sequence[Column], lang: str) -> None:
    """The log on screen: the browser writes the time and date in the grid's own formats.

    Not `tables.show`: its Styler sends every cell twice, value and text, and
    500 rows of pseudonyms then came to 234 KB a view (this way 110 KB, 89 KB with
    three pseudonyms a row in "Vist": docs/benchmarks.md).
    The time stays in view when the columns scroll sideways.
    """
    frame = pd.DataFrame({column.heading: column.values for column in columns})
    day, moment = formatting.grid_formats(lang)
    config = {
        column.heading: st.column_config.DatetimeColumn(format=moment, pinned=True)
        if column.kind is Kind.MOMENT
        else st.column_config.DateColumn(format=day)
        for column in columns
        if column.kind in (Kind.MOMENT, Kind.DATE)
    }
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        placeholder=formatting.MISSING,
        column_config=config,
    )


def _page_title(key: object, lang: str) -> str:
    """A page's title as the navigation shows it; a key that names no page (the CLI's) as is."""
    text = "" if key is None else str(key)
    return page(text).title(lang) if text in PAGE_KEYS else text
