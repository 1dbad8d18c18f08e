"""The dashboard's own database: where it is, and its schema (Alembic, `appstate/migrations/`).

The app's writable tables (access log, frozen quarters, remarks, decisions)
have their own history and version table, apart from the reporting schema.
On first use per URL the schema is checked: the SQLite demo, or a session
that owns the tables (the owner role, see `roles.py`), migrates it there
and then; the app's writer role cannot and must not, so a schema that is
behind raises `AppSchemaBehind`, whose message says to run `migrate`.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from data_access.appstate.schema import APP_VERSION_TABLE
from data_access.db.engine import default_database_url, make_engine

APP_MIGRATIONS_DIR: Final = Path(__file__).resolve().parent / "migrations"

_lock = threading.Lock()


class AppSchemaBehind(RuntimeError):
    """The app database is not at the newest revision and this session may not migrate it."""


_engines: dict[str, Engine] = {}


def audit_url() -> str:
    """`DASHBOARD_AUDIT_URL`, else the reporting database (the log has its own table)."""
    return os.environ.get("DASHBOARD_AUDIT_URL") or default_database_url()


def app_alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(APP_MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate_app(url: str) -> None:
    """Bring the dashboard's own tables in `url` to their newest revision."""
    engine = make_engine(url)
    try:
        config = app_alembic_config(url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


@lru_cache(maxsize=1)
def app_head_revision() -> str | None:
    """The newest app revision; read once, because parsing the scripts is slow."""
    return ScriptDirectory.from_config(app_alembic_config("sqlite://")).get_current_head()


def app_revision(connection: Connection) -> str | None:
    """The app schema's current revision on `connection` (None before the first migration)."""
    context = MigrationContext.configure(connection, opts={"version_table": APP_VERSION_TABLE})
    return context.get_current_revision()


def may_migrate(connection: Connection) -> bool:
    """True on SQLite, or on PostgreSQL when this session owns the app schema.

    Owning means being (a member of) the owner of the version table, or,
    before the first migration, having CREATE on the current schema.
    """
    if connection.dialect.name != "postgresql":
        return True
    owner_check = connection.execute(
        text(
            "SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c"
            " WHERE c.oid = to_regclass(quote_ident(current_schema()) || '.' || :t)"
        ),
        {"t": APP_VERSION_TABLE},
    ).first()
    if owner_check is not None:
        return bool(owner_check[0])
    return bool(
        connection.execute(text("SELECT has_schema_privilege(current_schema(), 'CREATE')")).scalar()
    )


def ensure_app_schema(url: str) -> None:
    """Migrate the app schema at `url` if it is behind and this session may; else raise.

    Raises AppSchemaBehind when the schema is behind and the session is not
    its owner (the app's writer role): an operator runs
    `python -m data_access migrate` as the owner.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            current = app_revision(connection)
            if current == app_head_revision():
                return
            allowed = may_migrate(connection)
    finally:
        engine.dispose()
    if not allowed:
        raise AppSchemaBehind(
            f"the app database is at revision {current or 'none'}, not "
            f"{app_head_revision()}: run `python -m data_access migrate` as the owner role"
        )
    migrate_app(url)


def writer(url: str) -> Engine:
    """A writable engine on `url`, its schema checked (and migrated if allowed) once per process."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            ensure_app_schema(url)
            engine = make_engine(url)
            _engines[url] = engine
        return engine
