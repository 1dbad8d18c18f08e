"""course-month totals per programme and month (course_month_totals)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 17:40:00

The Effekt course-month chart read every stored family-month of the
programme on each new report date (0.6 s on PostgreSQL at city scale). The
loader now adds them up per programme, district, measure, course month and
the month each family-month became complete (`course_months.py`). This
migration recreates family_course_months with that date (`counted_from`)
and its index, creates the totals, and fills both from the data already
loaded. Downgrading drops the totals and the column and keeps the rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from data_access.derived.course_months import (
    refresh_course_month_totals,
    refresh_family_course_months,
)

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_family_course_months_family", table_name="family_course_months")
    op.drop_table("family_course_months")
    op.create_table(
        "family_course_months",
        sa.Column("measure", sa.String(40), nullable=False),
        sa.Column("family_id", sa.String(100), nullable=False),
        sa.Column("course_month", sa.Integer(), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("counted_from", sa.Date(), nullable=False),
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
    op.create_index(
        "ix_family_course_months_counted", "family_course_months", ["measure", "counted_from"]
    )
    op.create_table(
        "course_month_totals",
        sa.Column("programme_id", sa.String(100), nullable=False),
        sa.Column("district_id", sa.String(100), nullable=False),
        sa.Column("measure", sa.String(40), nullable=False),
        sa.Column("course_month", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("families", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.programme_id"],
            name=op.f("fk_course_month_totals_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.district_id"],
            name=op.f("fk_course_month_totals_district_id_districts"),
        ),
        sa.PrimaryKeyConstraint(
            "programme_id",
            "district_id",
            "measure",
            "course_month",
            "month",
            name=op.f("pk_course_month_totals"),
        ),
    )
    connection = op.get_bind()
    refresh_family_course_months(connection)
    refresh_course_month_totals(connection, None)
    # Statistics now, so the first page view after the upgrade gets real plans.
    op.execute("ANALYZE family_course_months")
    op.execute("ANALYZE course_month_totals")


def downgrade() -> None:
    op.drop_table("course_month_totals")
    op.drop_index("ix_family_course_months_counted", table_name="family_course_months")
    with op.batch_alter_table("family_course_months") as batch:
        batch.drop_column("counted_from")
