"""indexes for the newest dated row (data_as_of)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:35:00

Every page's first render asks for the newest assessment, meeting and
booking date (`programmes.data_as_of`); without an index on the date alone that
is a full scan of the largest tables (millions of assessments at city
scale). With these, each MAX reads one index entry.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_assessments_assessed_on", "assessments", ["assessed_on"])
    op.create_index("ix_meetings_held_on", "meetings", ["held_on"])
    op.create_index("ix_spend_booked_on", "spend", ["booked_on"])


def downgrade() -> None:
    op.drop_index("ix_spend_booked_on", table_name="spend")
    op.drop_index("ix_meetings_held_on", table_name="meetings")
    op.drop_index("ix_assessments_assessed_on", table_name="assessments")
