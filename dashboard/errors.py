"""Database trouble shown as a clear Danish message, never as a stack trace.

The engine pings its connections before use, so once the database is back the
next rerun works again by itself; nothing here needs to be reset.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError, SQLAlchemyError

from dashboard.i18n import t

log = logging.getLogger(__name__)

TIMEOUT_MARKERS = ("statement timeout", "canceling statement", "database is locked", "timeout")


def message_key(error: SQLAlchemyError) -> str:
    """Which user message fits `error`: unavailable, timeout or old schema."""
    text = str(getattr(error, "orig", error)).lower()
    if any(marker in text for marker in TIMEOUT_MARKERS):
        return "db_timeout"
    if isinstance(error, ProgrammingError) or "no such table" in text or "no such column" in text:
        return "db_old_schema"
    if isinstance(error, OperationalError | DBAPIError):
        return "db_unavailable"
    return "db_unavailable"


@contextmanager
def database_guard(lang: str) -> Iterator[None]:
    """Run the page; a database error becomes a message and stops the page cleanly."""
    try:
        yield
    except SQLAlchemyError as error:
        log.warning("database error: %s", type(error).__name__)
        st.error(t(message_key(error), lang), icon=":material/cloud_off:")
        st.stop()
