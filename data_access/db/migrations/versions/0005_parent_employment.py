"""each parent's employment per assessment date (parent_employment)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 14:50:00

`self_supporting_parents` needs each parent's latest employment on the
report date; ranking every employment assessment on each view took 0.4 s at
city scale, twice on the Effekt page. The loader now stores the value per
parent and assessment date (`derived/employment.py`); this migration creates
the table and fills it from the assessments already loaded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from data_access.derived.employment import refresh_parent_employment

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "parent_employment",
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("family_id", sa.String(100), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["families.family_id"],
            name=op.f("fk_parent_employment_family_id_families"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.member_id"],
            name=op.f("fk_parent_employment_member_id_members"),
        ),
        sa.PrimaryKeyConstraint("member_id", "valid_from", name=op.f("pk_parent_employment")),
    )
    op.create_index("ix_parent_employment_family", "parent_employment", ["family_id"])
    refresh_parent_employment(op.get_bind())
    # Statistics now, so the first page view after the upgrade gets real plans.
    op.execute("ANALYZE parent_employment")


def downgrade() -> None:
    op.drop_index("ix_parent_employment_family", table_name="parent_employment")
    op.drop_table("parent_employment")
