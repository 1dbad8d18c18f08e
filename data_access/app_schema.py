"""The dashboard's own, writable tables (SQLAlchemy Core), apart from the reporting data.

The reporting database is only ever read by the dashboard; what the dashboard
itself writes (the access log, later frozen quarters and remarks) lives here,
with its own MetaData and its own Alembic history in `app_migrations/`
(version table `app_alembic_version`), so both can share one database
without their migrations clashing. Add new dashboard tables to `app_metadata`
and a new revision to `app_migrations/versions/`.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text

app_metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: The Alembic version table of the dashboard's own schema.
APP_VERSION_TABLE: Final = "app_alembic_version"

#: Who looked at which families' person-level rows, when and on which page.
#: Append-only: no code updates or deletes rows; on PostgreSQL a trigger refuses it.
access_log = Table(
    "access_log",
    app_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("email", String(320), nullable=False),
    Column("role", String(40), nullable=False),
    Column("page", String(100), nullable=False),
    Column("family_ids", Text, nullable=False),
    Index(None, "at"),
    Index(None, "email"),
)
