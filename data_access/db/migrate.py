"""Bringing the reporting database to the newest schema (Alembic, `db/migrations/`).

Each revision carries its own SQL, so an upgrade never depends on today's
application code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from data_access.db.engine import default_database_url, make_engine

MIGRATIONS_DIR: Final = Path(__file__).resolve().parent / "migrations"


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


def has_schema(url: str) -> bool:
    """Whether the database at `url` holds a migrated schema; asking creates nothing.

    A SQLite file that does not exist (or is empty) has none, and is not
    opened, which would create it; another database is asked for Alembic's
    version table.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            return False
        path = Path(database)
        if not path.exists() or path.stat().st_size == 0:
            return False
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision() is not None
    finally:
        engine.dispose()


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration's id; read once, because parsing the scripts is slow."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def schema_is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration (the app checks this).

    False too when the version table is missing (a database not made by
    `migrate`). Raises the driver's error when the database cannot be reached.
    """
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == head_revision()
