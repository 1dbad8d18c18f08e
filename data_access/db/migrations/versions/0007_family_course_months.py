"""each family's measures per course month (family_course_months)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 15:30:00

The Effekt course-month chart averaged every assessment of a measure per
family and course month on each new report date: 790 000 rows at city
scale, 1.6 s on PostgreSQL and 8.7 s on SQLite. The loader now stores the
sums per family-month (`course_months.py`); this migration creates the
table; migration 0009 recreates it with the `counted_from` column the
loader now writes, and fills it from the assessments already loaded (filling
it here, with today's loader code, would write a column this version of the
table does not have).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "family_course_months",
        sa.Column("measure", sa.String(40), nullable=False),
        sa.Column("family_id", sa.String(100), nullable=False),
        sa.Column("course_month", sa.Integer(), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["families.family_id"],
            name=op.f("fk_family_course_months_family_id_families"),
        ),
        sa.PrimaryKeyConstraint(
            "measure", "family_id", "course_month", name=op.f("pk_family_course_months")
        ),
    )
    op.create_index("ix_family_course_months_family", "family_course_months", ["family_id"])


def downgrade() -> None:
    op.drop_index("ix_family_course_months_family", table_name="family_course_months")
    op.drop_table("family_course_months")
