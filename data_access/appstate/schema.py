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

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

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

#: Who saw which families' person-level rows or took which file, when, where and
#: with which filters: `action` is view, download or report; `shown` is
#: "pseudonyms" (then `family_ids` lists them) or "aggregate" (`family_ids` empty).
#: Append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
access_log = Table(
    "access_log",
    app_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("email", String(320), nullable=False),
    Column("role", String(40), nullable=False),
    Column("page", String(100), nullable=False),
    Column("family_ids", Text, nullable=False),
    Column("action", String(20), nullable=False, server_default=text("'view'")),
    Column("shown", String(20), nullable=False, server_default=text("'pseudonyms'")),
    Column("programme_id", String(100), nullable=True),
    Column("report_date", Date, nullable=True),
    Column("district_id", String(100), nullable=True),
    Column("file", String(255), nullable=True),
    Index(None, "at"),
    Index(None, "email"),
    Index(None, "action"),
)

#: A quarter's figures and report tables as they stood when the steering group froze it.
#: One row per programme and quarter: the unique constraint makes a second freeze fail.
frozen_quarters = Table(
    "frozen_quarters",
    app_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", String(100), nullable=False),
    Column("quarter", String(6), nullable=False),
    Column("frozen_at", DateTime(timezone=True), nullable=False),
    Column("frozen_by", String(320), nullable=False),
    Column("frozen_role", String(40), nullable=False),
    Column("load_id", Integer, nullable=True),
    Column("figures", JSON, nullable=False),
    Column("tables", JSON, nullable=False),
    UniqueConstraint("programme_id", "quarter"),
)

#: The steering group's remarks per quarter and page. Append-only: every save is
#: a new version, the current remark is the newest one, so edits keep their history.
quarter_remarks = Table(
    "quarter_remarks",
    app_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", String(100), nullable=False),
    Column("quarter", String(6), nullable=False),
    Column("page", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("written_by", String(320), nullable=False),
    Column("written_role", String(40), nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
    Index(None, "programme_id", "quarter", "page"),
)

#: The steering group's decisions. Append-only versions keyed by `decision_key`:
#: a status change adds a version, so who changed what and when stays visible;
#: triggers refuse UPDATE and DELETE (revision a0004).
quarter_decisions = Table(
    "quarter_decisions",
    app_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decision_key", String(36), nullable=False),
    Column("programme_id", String(100), nullable=False),
    Column("quarter", String(6), nullable=False),
    Column("text", Text, nullable=False),
    Column("owner_role", String(40), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("status", String(10), nullable=False),
    Column("written_by", String(320), nullable=False),
    Column("written_role", String(40), nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
    #: `figure:<id>` or `page:<key>` (rules/decisions.py); null when it names neither.
    Column("concerns", String(120), nullable=True),
    #: 1, 2, ... per decision_key; null on rows from before revision a0005.
    Column("version", Integer, nullable=True),
    Index(None, "decision_key"),
    Index(None, "programme_id", "quarter"),
    Index(None, "decision_key", "version", unique=True),
)

#: Who a login is: the identity provider's stable subject (`entra:<tid>:<oid>`
#: or `oidc:<iss>:<sub>`) bound at the first login to the users.csv email it
#: arrived with. Later logins are matched on the subject only, so a changed
#: email claim (editable in Entra ID) neither loses nor takes over a role.
#: Each side binds once (both unique); a binding is never updated.
login_subjects = Table(
    "login_subjects",
    app_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(600), nullable=False),
    Column("email", String(320), nullable=False),
    Column("bound_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("subject"),
    UniqueConstraint("email"),
)
