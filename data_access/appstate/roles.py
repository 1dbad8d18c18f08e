"""The three PostgreSQL roles that turn "read-only" and "append-only" into privileges.

A convention in the app's code protects nothing against the app's own
database user: if it owns `access_log` it can switch off the triggers and
empty the table, and a "read-only" session can `SET TRANSACTION READ WRITE`.
So the app never connects as the owner:

- **owner** (`<prefix>owner`) owns every table and migrates and loads
  (`python -m data_access migrate|load --database-url OWNER_URL`);
- **reader** (`<prefix>reader`) may SELECT the reporting tables and nothing
  else: the app's `DASHBOARD_DATABASE_URL`;
- **writer** (`<prefix>writer`) may INSERT and SELECT the app's own tables
  (log, remarks, decisions, frozen quarters, login subjects) and nothing
  else, so no UPDATE, DELETE, TRUNCATE, ALTER or trigger switch: the app's
  `DASHBOARD_AUDIT_URL`.

`setup_roles` creates or updates them (idempotent), hands every existing
table to the owner, migrates both schemas as the owner and grants. Run it
again after a migration that adds a table. SQLite has no roles: it stays
the single-user demo.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from data_access.appstate.migrate import app_alembic_config
from data_access.appstate.schema import APP_VERSION_TABLE, app_metadata
from data_access.db.migrate import alembic_config

DEFAULT_PREFIX: Final = "dashboard_"
#: The app tables the writer may INSERT into and SELECT, besides app_metadata's.
#: `login_subjects` (the login's subject binding) is granted when present.
EXTRA_WRITER_TABLES: Final[tuple[str, ...]] = ("login_subjects",)
#: Longest PostgreSQL identifier.
MAX_NAME: Final = 63


class RolesError(ValueError):
    """The roles could not be set up; the message says why (English, for operators)."""


@dataclass(frozen=True)
class RoleNames:
    """The three role names for one installation."""

    owner: str
    reader: str
    writer: str

    @classmethod
    def with_prefix(cls, prefix: str) -> RoleNames:
        names = cls(f"{prefix}owner", f"{prefix}reader", f"{prefix}writer")
        for name in (names.owner, names.reader, names.writer):
            if not name or len(name) > MAX_NAME or "\x00" in name:
                raise RolesError(f"not a usable PostgreSQL role name: {name!r}")
        return names


@dataclass(frozen=True)
class RolesResult:
    """What was set up, and the URLs to configure (passwords only when generated)."""

    names: RoleNames
    owner_url: str
    reader_url: str
    writer_url: str
    passwords: bool


def _quote(connection: Connection, name: str) -> str:
    """`name` as a quoted identifier, whatever characters it holds."""
    return connection.dialect.identifier_preparer.quote_identifier(name)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _role_url(url: str, role: str, password: str | None) -> str:
    return make_url(url).set(username=role, password=password).render_as_string(hide_password=False)


def _ensure_role(connection: Connection, role: str, password: str | None) -> None:
    exists = connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).first()
    verb = "ALTER" if exists else "CREATE"
    options = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    if password is not None:
        options += f" PASSWORD {_literal(password)}"
    connection.execute(text(f"{verb} ROLE {_quote(connection, role)} {options}"))


def _schema(connection: Connection) -> str:
    schema = connection.execute(text("SELECT current_schema()")).scalar()
    if not schema:
        raise RolesError("the connection has no current schema (check search_path)")
    return str(schema)


def _tables(connection: Connection, schema: str) -> list[str]:
    rows = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
        {"s": schema},
    )
    return [str(row[0]) for row in rows]


def _give_to_owner(connection: Connection, schema: str, owner: str) -> None:
    """The schema's tables (with their sequences), views and functions to `owner`."""
    q = _quote(connection, owner)
    s = _quote(connection, schema)
    connection.execute(text(f"GRANT USAGE, CREATE ON SCHEMA {s} TO {q}"))
    for table in _tables(connection, schema):
        connection.execute(text(f"ALTER TABLE {s}.{_quote(connection, table)} OWNER TO {q}"))
    views = connection.execute(
        text("SELECT viewname FROM pg_views WHERE schemaname = :s"), {"s": schema}
    )
    for (view,) in views.all():
        connection.execute(text(f"ALTER VIEW {s}.{_quote(connection, str(view))} OWNER TO {q}"))
    functions = connection.execute(
        text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :s"
        ),
        {"s": schema},
    )
    for (signature,) in functions.all():
        # regprocedure text is already schema-qualified and quoted where needed.
        connection.execute(text(f"ALTER FUNCTION {signature} OWNER TO {q}"))


def _upgrade(connection: Connection, config: Config, owner: str) -> None:
    """Run `config`'s migrations on `connection` as `owner`, so new objects are the owner's."""
    connection.execute(text(f"SET ROLE {_quote(connection, owner)}"))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    connection.execute(text("RESET ROLE"))


def _sequences(connection: Connection, schema: str, table: str) -> list[str]:
    """The sequences behind `table`'s serial or identity columns, schema-qualified."""
    rows = connection.execute(
        text(
            "SELECT pg_get_serial_sequence(quote_ident(:s) || '.' || quote_ident(:t), a.attname)"
            " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = :s AND c.relname = :t AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        {"s": schema, "t": table},
    )
    return [str(row[0]) for row in rows if row[0]]


def app_table_names(present: Iterable[str]) -> list[str]:
    """The app's own tables among `present`: app_metadata's, the version table, the extras."""
    own = {*app_metadata.tables, APP_VERSION_TABLE, *EXTRA_WRITER_TABLES}
    return sorted(name for name in present if name in own)


def _grant_reader(connection: Connection, schema: str, names: RoleNames) -> None:
    """SELECT on every reporting table of `schema`, nothing on the app's tables."""
    s = _quote(connection, schema)
    reader = _quote(connection, names.reader)
    tables = _tables(connection, schema)
    app_tables = set(app_table_names(tables))
    connection.execute(text(f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC"))
    connection.execute(text(f"GRANT USAGE ON SCHEMA {s} TO {reader}"))
    writer = _quote(connection, names.writer)
    for table in tables:
        q = f"{s}.{_quote(connection, table)}"
        if table in app_tables:
            connection.execute(text(f"REVOKE ALL ON {q} FROM {reader}"))
            continue
        connection.execute(text(f"REVOKE ALL ON {q} FROM PUBLIC, {reader}, {writer}"))
        connection.execute(text(f"GRANT SELECT ON {q} TO {reader}"))


def _grant_writer(connection: Connection, schema: str, names: RoleNames) -> None:
    """INSERT and SELECT on the app's tables (SELECT only on the version table)."""
    s = _quote(connection, schema)
    writer = _quote(connection, names.writer)
    connection.execute(text(f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC"))
    connection.execute(text(f"GRANT USAGE ON SCHEMA {s} TO {writer}"))
    for table in app_table_names(_tables(connection, schema)):
        q = f"{s}.{_quote(connection, table)}"
        connection.execute(text(f"REVOKE ALL ON {q} FROM PUBLIC, {writer}"))
        if table == APP_VERSION_TABLE:
            connection.execute(text(f"GRANT SELECT ON {q} TO {writer}"))
            continue
        connection.execute(text(f"GRANT SELECT, INSERT ON {q} TO {writer}"))
        for sequence in _sequences(connection, schema, table):
            connection.execute(text(f"GRANT USAGE ON SEQUENCE {sequence} TO {writer}"))


def setup_roles(
    admin_url: str,
    app_url: str | None = None,
    *,
    prefix: str = DEFAULT_PREFIX,
    passwords: bool = False,
    given: Mapping[str, str] | None = None,
) -> RolesResult:
    """Create or update the owner, reader and writer roles and their grants.

    `admin_url` connects to the reporting database as a superuser (or a role
    with CREATEROLE that is a member of the owner role); `app_url` is the
    app's database (default: the same). Both schemas are migrated as the
    owner first, so every table exists and belongs to it. With `passwords`
    each role gets a new random password, returned in its URL; `given` sets
    chosen ones instead ("owner", "reader", "writer" -> password), e.g. from
    a container's secrets.
    """
    if make_url(admin_url).get_backend_name() != "postgresql":
        raise RolesError(
            "database roles need PostgreSQL; SQLite is the single-user demo and has none"
        )
    app_url = app_url or admin_url
    if make_url(app_url).get_backend_name() != "postgresql":
        raise RolesError("the app database must be PostgreSQL too")
    names = RoleNames.with_prefix(prefix)
    chosen = dict(given or {})
    secret = {
        role: chosen.get(kind) or (secrets.token_urlsafe(24) if passwords else None)
        for kind, role in (
            ("owner", names.owner),
            ("reader", names.reader),
            ("writer", names.writer),
        )
    }
    engine = create_engine(admin_url)
    try:
        with engine.begin() as connection:
            for role, password in secret.items():
                _ensure_role(connection, role, password)
            schema = _schema(connection)
            _give_to_owner(connection, schema, names.owner)
            _upgrade(connection, alembic_config(admin_url), names.owner)
    finally:
        engine.dispose()
    app_engine = create_engine(app_url)
    try:
        with app_engine.begin() as connection:
            app_schema = _schema(connection)
            _give_to_owner(connection, app_schema, names.owner)
            _upgrade(connection, app_alembic_config(app_url), names.owner)
            _grant_writer(connection, app_schema, names)
    finally:
        app_engine.dispose()
    engine = create_engine(admin_url)
    try:
        with engine.begin() as connection:
            _grant_reader(connection, _schema(connection), names)
    finally:
        engine.dispose()
    return RolesResult(
        names=names,
        owner_url=_role_url(admin_url, names.owner, secret[names.owner]),
        reader_url=_role_url(admin_url, names.reader, secret[names.reader]),
        writer_url=_role_url(app_url, names.writer, secret[names.writer]),
        passwords=any(value is not None for value in secret.values()),
    )
