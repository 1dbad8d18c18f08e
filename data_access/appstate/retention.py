"""Deleting access-log rows past the retention period, and only those, as the table's owner.

The log says who saw which family: personal data itself, which may be kept
no longer than it is needed (GDPR art. 5(1)(e)). How long is the data
protection officer's decision, so the period is always given, never
defaulted. For the app the log stays append-only: its roles have no DELETE
privilege and triggers refuse UPDATE and DELETE for everyone. Here, in one
transaction, the owner lifts the DELETE trigger, deletes the rows logged
before the cut-off, puts the trigger back and appends a row that records
the deletion; anything failing on the way undoes all of it.
"""

from __future__ import annotations

import calendar
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Final

from sqlalchemy import Connection, delete, insert, text
from sqlalchemy.engine import make_url

from data_access.appstate.access_log import AGGREGATE, PRUNE
from data_access.appstate.migrate import ensure_app_schema
from data_access.appstate.schema import access_log
from data_access.db.engine import make_engine
from data_access.rules.calendar import LOCAL_TZ

#: The triggers (appstate migration a0001) that refuse deleting log rows, and the
#: statements that lift and restore them (whole constants: no SQL built from values).
SQLITE_DELETE_TRIGGER: Final = "access_log_no_delete"
PG_LIFT: Final = "ALTER TABLE access_log DISABLE TRIGGER access_log_no_update_delete"
PG_RESTORE: Final = "ALTER TABLE access_log ENABLE TRIGGER access_log_no_update_delete"
SQLITE_LIFT: Final = "DROP TRIGGER access_log_no_delete"
#: The role the deletion's own log row names: the database owner, no dashboard role.
OWNER_ROLE: Final = "owner"
#: The deletion's own log row names the page the log is read on.
PRUNE_PAGE: Final = "adgangslog"


@dataclass(frozen=True)
class Pruned:
    """What a prune removed: rows logged before `cutoff` (a Copenhagen calendar day)."""

    cutoff: date
    deleted: int


def months_before(day: date, months: int) -> date:
    """`day` moved back `months` calendar months; the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def prune_access_log(url: str, *, keep_months: int, by: str, today: date | None = None) -> Pruned:
    """Delete the rows logged before `today` minus `keep_months` months; record who did it.

    `by` is who runs it (the command line's `cli:<login>`). Raises ValueError
    for a period under one month, and the driver's error when the session
    may not lift the trigger (on PostgreSQL only the table's owner may).
    """
    if keep_months < 1:
        raise ValueError(f"the retention period must be at least 1 month, got {keep_months}")
    cutoff = months_before(today or datetime.now(LOCAL_TZ).date(), keep_months)
    before = datetime.combine(cutoff, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)
    ensure_app_schema(url)
    if make_url(url).get_backend_name() == "sqlite":
        deleted = _prune_sqlite(url, before, by, cutoff)
    else:
        deleted = _prune_postgresql(url, before, by, cutoff)
    return Pruned(cutoff, deleted)


def _record(cutoff: date, deleted: int, by: str) -> dict[str, Any]:
    """The deletion's own log row: who, when, how many rows, logged before which day."""
    return {
        "at": datetime.now(UTC),
        "email": by,
        "role": OWNER_ROLE,
        "page": PRUNE_PAGE,
        "family_ids": "",
        "action": PRUNE,
        "shown": AGGREGATE,
        "file": f"rows={deleted} before={cutoff.isoformat()}",
    }


def _delete_and_record(connection: Connection, before: datetime, by: str, cutoff: date) -> int:
    deleted = connection.execute(delete(access_log).where(access_log.c.at < before)).rowcount
    connection.execute(insert(access_log).values(**_record(cutoff, deleted, by)))
    return deleted


def _prune_postgresql(url: str, before: datetime, by: str, cutoff: date) -> int:
    """DISABLE TRIGGER is transactional DDL: a failure or a crash leaves it enabled."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(PG_LIFT))
            deleted = _delete_and_record(connection, before, by, cutoff)
            connection.execute(text(PG_RESTORE))
        return deleted
    finally:
        engine.dispose()


def _prune_sqlite(url: str, before: datetime, by: str, cutoff: date) -> int:
    """SQLite cannot disable a trigger: drop it and create it again from its own SQL.

    pysqlite commits before nothing but opens a transaction only for DML, so
    the DROP TRIGGER would run outside one; the transaction is begun by hand.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            previous = raw.isolation_level
            raw.isolation_level = None
            raw.execute("BEGIN IMMEDIATE")
            try:
                found = raw.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                    (SQLITE_DELETE_TRIGGER,),
                ).fetchone()
                if found is None:
                    raise ValueError(f"trigger {SQLITE_DELETE_TRIGGER} not found: not pruned")
                raw.execute(SQLITE_LIFT)
                deleted = _delete_and_record(connection, before, by, cutoff)
                raw.execute(found[0])
                raw.execute("COMMIT")
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            finally:
                raw.isolation_level = previous
        return deleted
    finally:
        engine.dispose()
