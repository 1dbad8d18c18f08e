"""login subjects: the provider's stable subject bound to a users.csv email

Revision ID: a0003
Revises: a0002
Create Date: 2026-12-06 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a0003"
down_revision = "a0002"
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


def downgrade() -> None:
    op.drop_table("login_subjects")
