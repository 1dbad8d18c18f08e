"""frozen quarters, remarks and decisions

Revision ID: a0002
Revises: a0001
Create Date: 2026-11-24 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a0002"
down_revision = "a0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "frozen_quarters",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_by", sa.String(length=320), nullable=False),
        sa.Column("frozen_role", sa.String(length=40), nullable=False),
        sa.Column("load_id", sa.Integer(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("tables", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frozen_quarters")),
        sa.UniqueConstraint(
            "programme_id", "quarter", name=op.f("uq_frozen_quarters_programme_id_quarter")
        ),
    )
    op.create_table(
        "quarter_remarks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("page", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by", sa.String(length=320), nullable=False),
        sa.Column("written_role", sa.String(length=40), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarter_remarks")),
    )
    op.create_index(
        op.f("ix_quarter_remarks_programme_id_quarter_page"),
        "quarter_remarks",
        ["programme_id", "quarter", "page"],
    )
    op.create_table(
        "quarter_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("decision_key", sa.String(length=36), nullable=False),
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_role", sa.String(length=40), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("written_by", sa.String(length=320), nullable=False),
        sa.Column("written_role", sa.String(length=40), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarter_decisions")),
    )
    op.create_index(
        op.f("ix_quarter_decisions_decision_key"), "quarter_decisions", ["decision_key"]
    )
    op.create_index(
        op.f("ix_quarter_decisions_programme_id_quarter"),
        "quarter_decisions",
        ["programme_id", "quarter"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_quarter_decisions_programme_id_quarter"), "quarter_decisions")
    op.drop_index(op.f("ix_quarter_decisions_decision_key"), "quarter_decisions")
    op.drop_table("quarter_decisions")
    op.drop_index(op.f("ix_quarter_remarks_programme_id_quarter_page"), "quarter_remarks")
    op.drop_table("quarter_remarks")
    op.drop_table("frozen_quarters")
