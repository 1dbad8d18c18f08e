"""The dashboard's own database: where it is, and its schema (Alembic, `appstate/migrations/`).

The app's writable tables (access log, frozen quarters, remarks, decisions)
have their own history and version table, apart from the reporting schema.
They are migrated on first use per URL, so a fresh database needs no step.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from data_access.db.engine import default_database_url, make_engine

APP_MIGRATIONS_DIR: Final = Path(__file__).resolve().parent / "migrations"

_lock = threading.Lock()
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


def writer(url: str) -> Engine:
    """A writable engine on `url`, migrated once per process."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            migrate_app(url)
            engine = make_engine(url)
            _engines[url] = engine
        return engine
