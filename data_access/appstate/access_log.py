"""The access log: who saw which families' rows or took which file, when, and with which filters.

A data protection officer asks "who has seen family X" and "what left the
building": every view of person-level rows (`action` view, `shown`
"pseudonyms") and every download or report (`action` download or report,
`shown` "aggregate" unless pseudonyms were in it) is one row, with the
page, programme, report date and district filter. Rows go to the
dashboard's own writable database (`DASHBOARD_AUDIT_URL`, default the
reporting database). The table is append-only: this module offers no
update or delete, triggers refuse them, and the app's writer role has
neither privilege (`roles.py`). Only the owner deletes rows past the
retention period the data protection officer set (`retention.py`), and that
deletion is a row of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

import pandas as pd
from sqlalchemy import func, insert, literal, select

from data_access.appstate.migrate import writer
from data_access.appstate.schema import access_log
from data_access.rules.calendar import LOCAL_TZ

#: Separator of the pseudonyms in `access_log.family_ids`.
SEPARATOR: Final = ","
VIEW: Final = "view"
DOWNLOAD: Final = "download"
REPORT: Final = "report"
#: Rows past the retention period deleted by the owner (`retention.py`), logged like a view.
PRUNE: Final = "prune"
ACTIONS: Final[tuple[str, ...]] = (VIEW, DOWNLOAD, REPORT, PRUNE)
PSEUDONYMS: Final = "pseudonyms"
AGGREGATE: Final = "aggregate"
#: The command line's user is logged as `cli:<login name>`.
CLI_PREFIX: Final = "cli:"
COLUMNS: Final = [
    "at",
    "email",
    "role",
    "action",
    "page",
    "programme_id",
    "report_date",
    "district_id",
    "shown",
    "family_ids",
    "file",
]


def record_access(
    url: str,
    *,
    email: str,
    role: str,
    page: str,
    family_ids: Sequence[str] = (),
    action: str = VIEW,
    programme_id: str | None = None,
    report_date: date | None = None,
    district_id: str | None = None,
    file: str | None = None,
    at: datetime | None = None,
) -> None:
    """Append one row: `email` (`role`) saw `family_ids`, or took `file`, on `page` at `at` (now).

    A view must name the pseudonyms shown (views of aggregates are not
    logged); a download or report without pseudonyms is logged as "aggregate".
    Raises on any failure, so the caller can refuse to show or hand out.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    ids = sorted({str(family_id) for family_id in family_ids})
    if action == VIEW and not ids:
        raise ValueError("record_access needs at least one family pseudonym for a view")
    if any(SEPARATOR in family_id for family_id in ids):
        raise ValueError("a family pseudonym may not contain a comma")
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    row = {
        "at": moment,
        "email": email,
        "role": role,
        "page": page,
        "family_ids": SEPARATOR.join(ids),
        "action": action,
        "shown": PSEUDONYMS if ids else AGGREGATE,
        "programme_id": programme_id,
        "report_date": report_date,
        "district_id": district_id,
        "file": file,
    }
    with writer(url).begin() as connection:
        connection.execute(insert(access_log).values(**row))


def _day_start_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)


def list_access(
    url: str,
    *,
    email: str | None = None,
    page: str | None = None,
    family_id: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """The newest `limit` log rows matching every given filter, newest first.

    `since`/`until` are Copenhagen calendar days, both inclusive; `email`
    matches case-insensitively; `family_id` matches one whole pseudonym;
    `action` is one of ACTIONS.
    `at` comes back in Copenhagen time.
    """
    table = access_log
    query = select(*(table.c[name] for name in COLUMNS))
    if email:
        query = query.where(func.lower(table.c.email) == email.strip().lower())
    if page:
        query = query.where(table.c.page == page)
    if action:
        query = query.where(table.c.action == action)
    if family_id:
        wrapped = literal(SEPARATOR) + table.c.family_ids + literal(SEPARATOR)
        query = query.where(
            wrapped.contains(f"{SEPARATOR}{family_id.strip()}{SEPARATOR}", autoescape=True)
        )
    if since is not None:
        query = query.where(table.c.at >= _day_start_utc(since))
    if until is not None:
        query = query.where(table.c.at < _day_start_utc(until + timedelta(days=1)))
    query = query.order_by(table.c.at.desc(), table.c.id.desc()).limit(max(1, limit))
    with writer(url).connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True).dt.tz_convert(LOCAL_TZ)
    return frame
