"""Alembic environment of the dashboard's own tables (`appstate.schema`), own version table."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from data_access.appstate.schema import APP_VERSION_TABLE, app_metadata

config = context.config


def _include(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Compare only the dashboard's own tables, never the reporting tables beside them."""
    if type_ == "table":
        return name in app_metadata.tables
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=app_metadata,
        render_as_batch=True,
        version_table=APP_VERSION_TABLE,
        include_object=_include,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)


run_migrations()
