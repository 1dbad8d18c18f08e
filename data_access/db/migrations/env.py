"""Alembic environment for the reporting schema, run through `db.migrate`.

The dashboard's own tables (access log, frozen quarters) may share the
database but have their own history in `app_migrations/`; autogenerate here
only looks at the reporting tables, so it never proposes to drop them.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection, create_engine

from data_access.db.schema import metadata

config = context.config
target_metadata = metadata


def _reporting_only(name: str | None, type_: str, parent_names: Any) -> bool:
    return type_ != "table" or name in metadata.tables


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_name=_reporting_only,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _configure(conn)


run_migrations()
