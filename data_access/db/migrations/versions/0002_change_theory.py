"""change theory boxes per programme

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_theory",
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.Column("box_id", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("measure", sa.String(length=100), nullable=True),
        sa.Column("parent_box_id", sa.String(length=100), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("sort", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.programme_id"],
            name=op.f("fk_change_theory_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("programme_id", "box_id", name=op.f("pk_change_theory")),
    )


def downgrade() -> None:
    op.drop_table("change_theory")
