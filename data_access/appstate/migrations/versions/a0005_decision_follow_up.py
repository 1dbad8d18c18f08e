"""decision follow-up: what a decision concerns and its version number

Revision ID: a0005
Revises: a0003
Create Date: 2026-12-06 02:40:00

Decisions and remarks are already append-only (a0004's triggers refuse
UPDATE and DELETE on both backends); a status change is a new row. This
revision adds what the follow-up needs: the figure or page a decision
concerns, and a version number per decision whose unique index makes two
status changes that both read version n fail instead of forking the history.
Rows written before it keep a null version; readers number them in order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a0005"
down_revision = "a0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: a batch rebuild on SQLite would drop a0004's triggers.
    op.add_column("quarter_decisions", sa.Column("concerns", sa.String(length=120), nullable=True))
    op.add_column("quarter_decisions", sa.Column("version", sa.Integer(), nullable=True))
    op.create_index(
        op.f("ix_quarter_decisions_decision_key_version"),
        "quarter_decisions",
        ["decision_key", "version"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_quarter_decisions_decision_key_version"), "quarter_decisions")
    # SQLite 3.35+ drops a column in place, so a0004's triggers stay.
    op.drop_column("quarter_decisions", "version")
    op.drop_column("quarter_decisions", "concerns")
