"""each parent's employment per assessment date (parent_employment)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 14:50:00

`self_supporting_parents` needs each parent's latest employment on the
report date; ranking every employment assessment on each view took 0.4 s at
city scale, twice on the Effekt page. The loader now stores the value per
parent and assessment date (`derived/employment.py`); this migration creates
the table and fills it from the assessments already loaded.

The filling statement is a frozen copy of the loader's (`derived/employment.py`
when this revision was written), not a call to it: the loader may change
with later schemas, and this revision must keep doing what it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

#: One row per parent and assessment date, valid until the parent's next one;
#: two assessments on one date count as the higher (kpis.md
#: `self_supporting_parents` reads the row in force on the report date).
FILL_PARENT_EMPLOYMENT = """
INSERT INTO parent_employment (member_id, valid_from, valid_until, family_id, value)
WITH per_day AS (
    SELECT a.family_id, a.member_id, a.assessed_on, CAST(max(a.value) AS INTEGER) AS value
    FROM assessments AS a
    JOIN members AS m ON m.member_id = a.member_id AND m.family_id = a.family_id
    WHERE a.measure = 'employment' AND m.role = 'parent'
    GROUP BY a.family_id, a.member_id, a.assessed_on
)
SELECT member_id, assessed_on,
       lead(assessed_on) OVER (PARTITION BY member_id ORDER BY assessed_on) AS valid_until,
       family_id, value
FROM per_day
"""


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
    op.execute(FILL_PARENT_EMPLOYMENT)
    # Statistics now, so the first page view after the upgrade gets real plans.
    op.execute("ANALYZE parent_employment")


def downgrade() -> None:
    op.drop_index("ix_parent_employment_family", table_name="parent_employment")
    op.drop_table("parent_employment")
