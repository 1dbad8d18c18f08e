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

The filling statement is a frozen copy of the loader's (`derived/ssp_levels.py`
when this revision was written), not a call to it: the loader may change
with later schemas, and this revision must keep doing what it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: kpis.md: a family's SSP level on a date is the highest among its children's
#: latest `ssp_level` assessments on or before it. Levels are whole numbers
#: 0-4, so each family keeps a running count of its children per level
#: (window functions only: a range join took minutes at scale 1000).
FILL_FAMILY_SSP_LEVELS = """
INSERT INTO family_ssp_levels (family_id, valid_from, valid_until, level, first_on, baseline)
WITH child_day AS (
    -- One value per child and date; two assessments on one date count as the higher.
    SELECT a.family_id, a.member_id, a.assessed_on, CAST(max(a.value) AS INTEGER) AS value
    FROM assessments AS a
    JOIN members AS m ON m.member_id = a.member_id AND m.family_id = a.family_id
    WHERE a.measure = 'ssp_level' AND m.role = 'child'
    GROUP BY a.family_id, a.member_id, a.assessed_on
),
child_change AS (
    -- Each child's new value and the value it replaces.
    SELECT family_id, assessed_on, value,
           lag(value) OVER (PARTITION BY family_id, member_id ORDER BY assessed_on) AS replaced
    FROM child_day
),
family_day AS (
    -- Per family and date: +1 at each child's new level, -1 at the level it leaves.
    SELECT family_id, assessed_on,
           sum(CASE WHEN value = 0 THEN 1 ELSE 0 END
               - CASE WHEN replaced = 0 THEN 1 ELSE 0 END) AS change_0,
           sum(CASE WHEN value = 1 THEN 1 ELSE 0 END
               - CASE WHEN replaced = 1 THEN 1 ELSE 0 END) AS change_1,
           sum(CASE WHEN value = 2 THEN 1 ELSE 0 END
               - CASE WHEN replaced = 2 THEN 1 ELSE 0 END) AS change_2,
           sum(CASE WHEN value = 3 THEN 1 ELSE 0 END
               - CASE WHEN replaced = 3 THEN 1 ELSE 0 END) AS change_3,
           sum(CASE WHEN value = 4 THEN 1 ELSE 0 END
               - CASE WHEN replaced = 4 THEN 1 ELSE 0 END) AS change_4
    FROM child_change
    GROUP BY family_id, assessed_on
),
counts AS (
    -- The family's children on each level from this date on.
    SELECT family_id, assessed_on AS valid_from,
           sum(change_0) OVER so_far AS at_0,
           sum(change_1) OVER so_far AS at_1,
           sum(change_2) OVER so_far AS at_2,
           sum(change_3) OVER so_far AS at_3,
           sum(change_4) OVER so_far AS at_4
    FROM family_day
    WINDOW so_far AS (
        PARTITION BY family_id ORDER BY assessed_on
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    )
),
levels AS (
    -- The highest level with a child on it.
    SELECT family_id, valid_from,
           CASE WHEN at_4 > 0 THEN 4
                WHEN at_3 > 0 THEN 3
                WHEN at_2 > 0 THEN 2
                WHEN at_1 > 0 THEN 1
                ELSE 0 END AS level
    FROM counts
)
SELECT family_id, valid_from,
       lead(valid_from) OVER (PARTITION BY family_id ORDER BY valid_from) AS valid_until,
       level,
       min(valid_from) OVER (PARTITION BY family_id) AS first_on,
       first_value(level) OVER (PARTITION BY family_id ORDER BY valid_from) AS baseline
FROM levels
"""


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
    op.execute(FILL_FAMILY_SSP_LEVELS)
    # Statistics now, so the first page view after the upgrade gets real plans.
    op.execute("ANALYZE family_ssp_levels")


def downgrade() -> None:
    op.drop_table("family_ssp_levels")
