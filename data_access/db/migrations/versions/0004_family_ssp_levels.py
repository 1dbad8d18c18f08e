"""each family's SSP level per assessment date (family_ssp_levels)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 14:30:00

`improved_share` and the caseload need each family's SSP level on the report
date; computed from the assessments on every page view that ranked close to
a million rows at city scale and ran into the statement timeout. The loader
now stores the level per family and assessment date (`ssp_levels.py`); this
migration creates the table and fills it from the assessments already
loaded, so an upgraded database answers the same as a freshly loaded one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from data_access.derived.ssp_levels import refresh_family_ssp_levels

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "family_ssp_levels",
        sa.Column("family_id", sa.String(100), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False),
        sa.Column("baseline", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["families.family_id"],
            name=op.f("fk_family_ssp_levels_family_id_families"),
        ),
        sa.PrimaryKeyConstraint("family_id", "valid_from", name=op.f("pk_family_ssp_levels")),
    )
    refresh_family_ssp_levels(op.get_bind())
    # Statistics now, so the first page view after the upgrade gets real plans.
    op.execute("ANALYZE family_ssp_levels")


def downgrade() -> None:
    op.drop_table("family_ssp_levels")
