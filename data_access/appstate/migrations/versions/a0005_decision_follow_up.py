"""decision follow-up: what a decision concerns, version numbers, append-only remarks and decisions

Revision ID: a0005
Revises: a0002
Create Date: 2026-12-06 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a0005"
down_revision = "a0002"
branch_labels = None
depends_on = None

#: The tables whose rows are the steering group's record: never rewritten.
_TABLES = ("quarter_decisions", "quarter_remarks")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION steering_record_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$
"""


def upgrade() -> None:
    # Rows written before this revision keep a null version; readers number
    # them by their order. New rows carry theirs, and the unique index makes
    # two status changes that both read version n fail instead of forking.
    op.add_column("quarter_decisions", sa.Column("concerns", sa.String(length=120), nullable=True))
    op.add_column("quarter_decisions", sa.Column("version", sa.Integer(), nullable=True))
    op.create_index(
        op.f("ix_quarter_decisions_decision_key_version"),
        "quarter_decisions",
        ["decision_key", "version"],
        unique=True,
    )
    dialect = op.get_bind().dialect.name
    for table in _TABLES:
        if dialect == "postgresql":
            op.execute(_PG_FUNCTION)
            op.execute(
                f"CREATE OR REPLACE TRIGGER {table}_versions_only "
                f"BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION steering_record_append_only()"
            )
            op.execute(
                f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION steering_record_append_only()"
            )
        elif dialect == "sqlite":
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_versions_no_{action.lower()} "
                    f"BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in _TABLES:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_versions_only ON {table}")
        elif dialect == "sqlite":
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_versions_no_{action}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS steering_record_append_only()")
    op.drop_index(op.f("ix_quarter_decisions_decision_key_version"), "quarter_decisions")
    with op.batch_alter_table("quarter_decisions") as batch:
        batch.drop_column("version")
        batch.drop_column("concerns")
