"""Engines and the default database location: how every part of the project connects."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "demo.sqlite"
#: How long one dashboard query may run before the database cancels it.
STATEMENT_TIMEOUT_ENV = "DASHBOARD_STATEMENT_TIMEOUT_MS"
DEFAULT_STATEMENT_TIMEOUT_MS = 15_000
#: Seconds to wait for a PostgreSQL connection before calling the database unreachable.
CONNECT_TIMEOUT_SECONDS = 5
#: PostgreSQL settings for the dashboard's read-only sessions. Page queries are
#: aggregates over up to a million rows that finish in a second: JIT
#: compilation cost 150-200 ms of that and saved nothing, and with the default
#: 4 MB of work memory their sorts spilled to disk.
READ_SESSION_SETTINGS: Final[dict[str, str]] = {"jit": "off", "work_mem": "64MB"}


def statement_timeout_ms() -> int:
    """`DASHBOARD_STATEMENT_TIMEOUT_MS`, else 15 s; a bad or non-positive value means the default.

    A page that waits longer than this for one query is worse than a page
    that says the database is slow, so read-only connections cancel it.
    """
    try:
        value = int(os.environ.get(STATEMENT_TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_STATEMENT_TIMEOUT_MS
    return value if value > 0 else DEFAULT_STATEMENT_TIMEOUT_MS


def default_database_url() -> str:
    """`DASHBOARD_DATABASE_URL`, else the demo SQLite file under var/."""
    return os.environ.get("DASHBOARD_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


#: The backends the loader writes to and every query reads.
SUPPORTED_BACKENDS: Final = ("postgresql", "sqlite")


def url_problem(url: str) -> str:
    """Why `url` cannot name a reporting database ("" when it can): a usage error (exit 2).

    One check for every command line and for `make_engine`: an unparseable
    URL read as a failed load (exit 1), an unsupported backend ended in a
    driver's traceback, and an in-memory SQLite database (empty when opened,
    gone when closed) in "no such table".
    """
    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
    except ArgumentError:
        return f"not a database URL: {url!r} (e.g. postgresql+psycopg://user@host/db)"
    if backend not in SUPPORTED_BACKENDS:
        return f"unsupported database {backend!r}: use PostgreSQL or SQLite"
    if backend == "sqlite" and _in_memory(parsed):
        return (
            f"{url!r} is an in-memory SQLite database, which is empty when opened and "
            "gone when closed: give a file (e.g. sqlite:///var/reporting.sqlite) "
            "or a PostgreSQL URL"
        )
    return ""


def _in_memory(parsed: URL) -> bool:
    """`sqlite://`, `sqlite:///:memory:` and the URI forms (`mode=memory`, `file::memory:`)."""
    database = parsed.database or ""
    return (
        database in ("", ":memory:")
        or database.startswith("file::memory:")
        or parsed.query.get("mode") == "memory"
    )


def is_default_demo_url(url: str) -> bool:
    return url == f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """An engine for `url`; `read_only` makes every session refuse writes.

    SQLite opens the file with `mode=ro`; PostgreSQL starts each connection
    with `default_transaction_read_only = on`, so even a forgotten write in a
    page fails instead of touching the reporting data, and with
    READ_SESSION_SETTINGS.

    Read-only engines also bound how long a query may wait
    (`statement_timeout_ms`): PostgreSQL cancels a longer statement, SQLite
    gives up waiting for a lock. A read-only SQLite engine opens a fresh
    connection per checkout (cheap for a file), so a file that is removed or
    replaced under the running app is noticed at once instead of being read
    through a handle that still points at the old file.

    Raises `ArgumentError` for a URL `url_problem` refuses.
    """
    url = url or default_database_url()
    problem = url_problem(url)
    if problem:
        # What the app shows as "fix the setting" (dashboard.errors), as for a
        # URL SQLAlchemy cannot parse, instead of an empty database's errors.
        raise ArgumentError(problem)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        if read_only:
            uri = f"file:{Path(database).resolve()}?mode=ro"
            timeout = statement_timeout_ms() / 1000
            engine = create_engine(
                "sqlite://",
                creator=lambda: _sqlite_ro_connect(uri, timeout),
                poolclass=NullPool,
            )
        else:
            engine = create_engine(url, pool_pre_ping=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    if read_only:
        options = str(parsed.query.get("options", ""))
        connect_args["options"] = (
            f"{options} -c default_transaction_read_only=on"
            f" -c statement_timeout={statement_timeout_ms()}"
            + "".join(f" -c {name}={value}" for name, value in READ_SESSION_SETTINGS.items())
        ).strip()
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_ro_connect(uri: str, timeout: float) -> sqlite3.Connection:
    return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=timeout)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
