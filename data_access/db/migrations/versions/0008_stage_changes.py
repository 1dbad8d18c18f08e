"""families entering and leaving each stage per month (stage_changes)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 17:10:00

The Forløb stage chart applied the stage rule to every family at every month
end on each new report date (0.7 s on PostgreSQL, 1.8 s on SQLite at city
scale), and cost per family-month did the same for the year's month ends.
The loader now stores the monthly stage changes per programme and district
(`stage_changes.py`); this migration creates the table and fills it from
the families already loaded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from data_access.derived.stage_changes import refresh_stage_changes

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stage_changes",
        sa.Column("programme_id", sa.String(100), nullable=False),
        sa.Column("district_id", sa.String(100), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.programme_id"],
            name=op.f("fk_stage_changes_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.district_id"],
            name=op.f("fk_stage_changes_district_id_districts"),
        ),
        sa.PrimaryKeyConstraint(
            "programme_id", "district_id", "month", "stage", name=op.f("pk_stage_changes")
        ),
    )
    refresh_stage_changes(op.get_bind(), None)
    # Statistics now, so the first page view after the upgrade gets real plans.
    op.execute("ANALYZE stage_changes")


def downgrade() -> None:
    op.drop_table("stage_changes")
