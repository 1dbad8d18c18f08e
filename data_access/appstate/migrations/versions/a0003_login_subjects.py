"""login subjects: the provider's stable subject bound to a users.csv email

Revision ID: a0003
Revises: a0004
Create Date: 2026-12-06 02:40:00

A binding is never changed: like the log, triggers refuse UPDATE, DELETE
and (PostgreSQL) TRUNCATE, with a0004's `appstate_append_only()`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a0003"
down_revision = "a0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_subjects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject", sa.String(length=600), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_subjects")),
        sa.UniqueConstraint("subject", name=op.f("uq_login_subjects_subject")),
        sa.UniqueConstraint("email", name=op.f("uq_login_subjects_email")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE TRIGGER login_subjects_no_update_delete BEFORE UPDATE OR DELETE "
            "ON login_subjects FOR EACH ROW EXECUTE FUNCTION appstate_append_only()"
        )
        op.execute(
            "CREATE TRIGGER login_subjects_no_truncate BEFORE TRUNCATE ON login_subjects "
            "FOR EACH STATEMENT EXECUTE FUNCTION appstate_append_only()"
        )
    elif dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER login_subjects_no_{action.lower()} BEFORE {action} "
                "ON login_subjects BEGIN SELECT RAISE(ABORT, 'login_subjects is append-only'); END"
            )


def downgrade() -> None:
    op.drop_table("login_subjects")
