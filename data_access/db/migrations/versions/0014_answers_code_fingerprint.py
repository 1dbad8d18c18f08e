"""precomputed answers: which code computed them

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 01:30:00

An answer's key already folds in the fingerprint of the `data_access` code
that computed it, so a new release never reads an old answer. But the key
is a hash: nothing could tell a release whose answers are precomputed from
one whose store still holds the previous release's. With the fingerprint in
its own column the app asks the store only when it holds answers of its own
code, and the Indlæsninger page can tell an admin that the precompute is
missing after a load or a deploy. Rows from before this column (NULL) count
as another code's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "precomputed_answers",
        sa.Column("code_fingerprint", sa.String(length=64), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("precomputed_answers") as batch:
        batch.drop_column("code_fingerprint")
