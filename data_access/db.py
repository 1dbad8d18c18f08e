"""Engines, the default database location and schema migration (Alembic)."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "demo.sqlite"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def default_database_url() -> str:
    """`DASHBOARD_DATABASE_URL`, else the demo SQLite file under var/."""
    return os.environ.get("DASHBOARD_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def is_default_demo_url(url: str) -> bool:
    return url == f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """An engine for `url`; `read_only` makes every session refuse writes.

    SQLite opens the file with `mode=ro`; PostgreSQL starts each connection
    with `default_transaction_read_only = on`, so even a forgotten write in a
    page fails instead of touching the reporting data.
    """
    url = url or default_database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        if read_only and database and database != ":memory:":
            uri = f"file:{Path(database).resolve()}?mode=ro"
            engine = create_engine(
                "sqlite://",
                creator=lambda: _sqlite_ro_connect(uri),
                pool_pre_ping=True,
            )
        else:
            engine = create_engine(url, pool_pre_ping=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args: dict[str, object] = {"connect_timeout": 5}
    if read_only:
        options = str(parsed.query.get("options", ""))
        connect_args["options"] = f"{options} -c default_transaction_read_only=on".strip()
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_ro_connect(uri: str):  # type: ignore[no-untyped-def]
    import sqlite3

    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str | None = None) -> None:
    """Bring the schema to the newest Alembic revision."""
    url = url or default_database_url()
    engine = make_engine(url)
    try:
        config = alembic_config(url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def schema_is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration (the app checks this)."""
    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == head
