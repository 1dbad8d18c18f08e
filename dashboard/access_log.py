"""Pages call `log_view` before they show person-level rows; admins read the log.

Showing families without an audit trail breaks the rule, so a failure to
write the log stops the view (a message, no data) instead of being ignored.
Downloads and reports are logged by `audit_trail.logged_data`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Final

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
        return ", ".join(families)
    return f"{', '.join(families[:keep])} … (+{len(families) - keep})"


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
#: The heading of the screen's one column for the filters a viewer had set.
FILTERS: Final = N_("audit.filters")
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
    if frame.empty:
        # The count says so; an empty grid would only add the grid's English "empty".
        return
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
    """The log's columns for the screen: what was shown in one column, the filters in another.

    A row shows pseudonyms exactly when it names families (`record_access`),
    so "Vist" and the families say one thing twice; on screen the families
    stand in for "Pseudonyms", a file handed out without them for "Aggregates",
    and the word stays where there is neither. The filters a viewer had set (programme,
    report date, district) read as one cell. With `SCREEN_FAMILIES` and rows
    of two lines (`show_log`) that keeps every column in view on a 1366 px
    laptop; the CSV keeps each column in full.
    """
    by_heading = {column.heading: column for column in columns}
    by_name = {name: by_heading[t(message, lang)] for name, message in HEADINGS.items()}
    what = [
        screen_families(ids) if _text(ids) else (_text(file) or word)
        for ids, word, file in zip(
            by_name["family_ids"].values,
            by_name["shown"].values,
            by_name["file"].values,
            strict=True,
        )
    ]
    filters = [
        ", ".join(
            part
            for part in (_text(programme), formatting.short_date(_day(day), lang), _text(district))
            if part and part != formatting.MISSING
        )
        for programme, day, district in zip(
            by_name["programme_id"].values,
            by_name["report_date"].values,
            by_name["district_id"].values,
            strict=True,
        )
    ]
    kept = [by_name[name] for name in ("at", "email", "role", "action", "page")]
    return [
        *kept,
        replace(by_name["shown"], values=what),
        Column(t(FILTERS, lang), filters),
    ]


#: Each column's width on screen (px), 900 in all: a 1366 px laptop's main column is 904.
#: In rows of two lines a longer text wraps: a role or the filters at a space, an email,
#: a file or a page title past its width between letters. The time keeps one line.
SCREEN_WIDTHS: Final[dict[str, int]] = {
    "at": 130,
    "email": 150,
    "role": 108,
    "action": 82,
    "page": 130,
    "shown": 150,
    "filters": 150,
}


def show_log(columns: Sequence[Column], lang: str) -> None:
    """The log on screen: the browser writes the time in the grid's own format.

    Not `tables.show`: its Styler sends every cell twice, value and text, and
    500 rows of pseudonyms then came to 234 KB a view (this way 110 KB, 89 KB with
    three pseudonyms a row in "Vist": docs/benchmarks.md).
    Each column has its width (`SCREEN_WIDTHS`) and each row two lines, so a
    1366 px laptop shows every column; on a narrower screen the time stays in
    view when the columns scroll sideways.
    """
    frame = pd.DataFrame({column.heading: column.values for column in columns})
    moment = formatting.grid_formats(lang)[1]
    widths = {t(HEADINGS.get(name, FILTERS), lang): px for name, px in SCREEN_WIDTHS.items()}
    config = {
        column.heading: st.column_config.DatetimeColumn(
            format=moment, pinned=True, width=widths.get(column.heading)
        )
        if column.kind is Kind.MOMENT
        else st.column_config.Column(width=widths.get(column.heading))
        for column in columns
    }
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        placeholder=formatting.MISSING,
        column_config=config,
        row_height=tables.TWO_LINE_ROW_PX,
    )


def _text(value: object) -> str:
    """A log cell as text: empty for a missing one (None, or pandas' NaN)."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _day(value: object) -> date | None:
    """A log's report date (a date, or None / NaT when the row has none)."""
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    return value if isinstance(value, date) else None


def _page_title(key: object, lang: str) -> str:
    """A page's title as the navigation shows it; a key that names no page (the CLI's) as is."""
    text = "" if key is None else str(key)
    return page(text).title(lang) if text in PAGE_KEYS else text
