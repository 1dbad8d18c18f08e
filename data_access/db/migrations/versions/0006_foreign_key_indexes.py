"""indexes on the foreign keys a reload deletes through

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 14:50:00

A reload deletes the replaced families' members, assessments and
interventions chunk by chunk, and the database checks every foreign key
that points at a deleted row. Without an index on assessments.family_id,
assessments.member_id, interventions.member_id and spend.family_id each of
those checks read the whole table: reloading the scale-1000 demo into a
filled PostgreSQL database had not finished one chunk of members after four
minutes.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_assessments_family", "assessments", "family_id"),
    ("ix_assessments_member", "assessments", "member_id"),
    ("ix_interventions_member", "interventions", "member_id"),
    ("ix_spend_family", "spend", "family_id"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
