"""unit costs of the measures the programme aims to prevent

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 02:40:00

The optional bundle file `unit_costs.csv` (bundle.md) gives the yearly cost
of an out-of-home placement, a secure institution, a special school or day
treatment, valid from a date. The prevention business case sets the
programme's cost per course against them, so the prices are the
municipality's data rather than constants in code.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_costs",
        sa.Column("measure", sa.String(length=100), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "yearly_cost_dkk", sa.Numeric(precision=16, scale=2, asdecimal=False), nullable=False
        ),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("measure", "valid_from", name=op.f("pk_unit_costs")),
    )


def downgrade() -> None:
    op.drop_table("unit_costs")
