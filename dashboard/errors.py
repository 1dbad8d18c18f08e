"""Database trouble shown as a clear Danish message, never as a stack trace.

Five kinds of trouble reach a user: the database cannot be reached (at
start or lost mid-session), a query ran past the statement timeout, the
database has an older schema than this code, or the configured database
address is not one SQLAlchemy can use (a typo in `DASHBOARD_DATABASE_URL`,
a driver that is not installed): that one no retry can heal, so the page
says to fix the setting and does not keep asking. Each becomes one message of
the catalogue (`db.*`: what happened, what to do); the error itself, which may hold a
host name or a connection string, goes to the server log only.

Nothing here needs to be reset when the database is back: engines ping
their connections before use, failed queries are never cached, and the
message box keeps checking the database (`_recovery_watch`) and reruns the
page by itself once it answers again, so a shared screen heals without
anyone pressing reload.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Final

import streamlit as st
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)

from dashboard.i18n import N_, t
from data_access.appstate.migrate import AppSchemaBehind

log = logging.getLogger(__name__)

TIMEOUT_MARKERS: Final = (
    "statement timeout",
    "canceling statement",
    "database is locked",
    "lock timeout",
    "query_canceled",
)
OLD_SCHEMA_MARKERS: Final = (
    "no such table",
    "no such column",
    "undefinedtable",
    "undefinedcolumn",
    "does not exist",
)
#: How often the message box asks the database whether it is back.
RECOVERY_CHECK_EVERY: Final = timedelta(seconds=5)


class OldSchemaError(Exception):
    """The database answers but is not at the newest migration (`migrate` was not run)."""


UNAVAILABLE: Final = N_("db.unavailable")
TIMEOUT: Final = N_("db.timeout")
OLD_SCHEMA: Final = N_("db.old_schema")
MISCONFIGURED: Final = N_("db.misconfigured")


def message_key(error: BaseException) -> str:
    """The id of the user message that fits `error`: one of the four above."""
    if isinstance(error, OldSchemaError | AppSchemaBehind):
        return OLD_SCHEMA
    if isinstance(error, ArgumentError):  # also NoSuchModuleError: an unknown driver
        return MISCONFIGURED
    original = getattr(error, "orig", None)
    text_ = f"{type(original).__name__} {original or error}".lower()
    if any(marker in text_ for marker in TIMEOUT_MARKERS):
        return TIMEOUT
    if isinstance(error, ProgrammingError) or any(m in text_ for m in OLD_SCHEMA_MARKERS):
        return OLD_SCHEMA
    if isinstance(error, OperationalError | DBAPIError):
        return UNAVAILABLE
    return UNAVAILABLE


def _database_ready() -> bool:
    """True when the reporting database answers and has the newest schema again."""
    from dashboard.data import check_schema

    try:
        check_schema(fresh=True)
    except (SQLAlchemyError, OldSchemaError):
        return False
    return True


@st.fragment(run_every=RECOVERY_CHECK_EVERY)
def _recovery_watch() -> None:
    """Rerun the whole page by itself once the database is ready again."""
    if _database_ready():
        st.rerun(scope="app")


@contextmanager
def database_guard(lang: str) -> Iterator[None]:
    """Run the page; a database error becomes a message and stops the page cleanly."""
    try:
        yield
    except (SQLAlchemyError, OldSchemaError, AppSchemaBehind) as error:
        from dashboard.data import forget_schema_check

        forget_schema_check()
        key = message_key(error)
        log.warning("database trouble (%s): %s", key, type(error).__name__, exc_info=True)
        if key == MISCONFIGURED:
            st.error(t(key, lang), icon=":material/settings:")
            st.stop()
        st.error(t(key, lang), icon=":material/cloud_off:")
        _recovery_watch()
        st.stop()
