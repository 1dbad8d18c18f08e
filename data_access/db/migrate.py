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
