"""access log context columns; append-only triggers on every app table

Revision ID: a0004
Revises: a0002
Create Date: 2026-12-06 02:40:00

A data protection officer must be able to see what a user was shown and
with which filters, downloads and reports included, so the log gains the
context of each row. Remarks, decisions and frozen quarters are evidence of
what the steering group said and saw: like the log, a correction is a new
row, and triggers refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE. The app's
database roles own none of these tables, so they cannot drop the triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a0004"
down_revision = "a0002"
branch_labels = None
depends_on = None

#: The tables that only grow; access_log got its triggers in a0001.
GUARDED = ("frozen_quarters", "quarter_remarks", "quarter_decisions")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION appstate_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""

_COLUMNS = (
    ("action", sa.String(length=20), "view"),
    ("shown", sa.String(length=20), "pseudonyms"),
    ("programme_id", sa.String(length=100), None),
    ("report_date", sa.Date(), None),
    ("district_id", sa.String(length=100), None),
    ("file", sa.String(length=255), None),
)


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: a batch rebuild on SQLite would drop a0001's triggers.
    for name, type_, default in _COLUMNS:
        op.add_column(
            "access_log",
            sa.Column(
                name,
                type_,
                nullable=default is None,
                server_default=default,
            ),
        )
    op.create_index(op.f("ix_access_log_action"), "access_log", ["action"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in GUARDED:
            op.execute(
                f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION appstate_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION appstate_append_only()"
            )
    elif dialect == "sqlite":
        for table in GUARDED:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in GUARDED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table}")
        op.execute("DROP FUNCTION IF EXISTS appstate_append_only()")
    elif dialect == "sqlite":
        for table in GUARDED:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    op.drop_index(op.f("ix_access_log_action"), table_name="access_log")
    # SQLite 3.35+ drops a column in place, so a0001's triggers stay.
    for name, _type, _default in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE access_log DROP COLUMN {name}")
