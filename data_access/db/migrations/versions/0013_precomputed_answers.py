"""precomputed answers: what every app process would compute alike, computed once

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 19:00:00

`python -m dashboard precompute` renders the pages after a load as the roles
whose answers all users of a rights class share and stores each cached
query's answer here (a safe codec, no pickle), keyed on the query and its
arguments and valid for one data version. Every replica then reads a cold
page's answers with one indexed SELECT each instead of computing them. The
app's reader role may only SELECT it (`python -m data_access roles`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "precomputed_answers",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=300), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_precomputed_answers")),
    )
    op.create_index(
        op.f("ix_precomputed_answers_data_version"),
        "precomputed_answers",
        ["data_version"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_precomputed_answers_data_version"), table_name="precomputed_answers")
    op.drop_table("precomputed_answers")
