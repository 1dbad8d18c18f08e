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

The filling statement is a frozen copy of the loader's (`derived/stage_changes.py`
and the stage rule in `rules/stages.py` when this revision was written), not
a call to them: they may change with later schemas, and this revision must
keep doing what it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _month_number(day: str, dialect: str) -> str:
    """year x 12 + month of the date `day`, as one integer, in the backend's SQL."""
    if dialect == "sqlite":
        field = "CAST(strftime('{}', " + day + ") AS INTEGER)"
        return f"({field.format('%Y')} * 12 + {field.format('%m')})"
    field = "CAST(date_part('{}', " + day + ") AS INTEGER)"
    return f"({field.format('year')} * 12 + {field.format('month')})"


def fill_stage_changes(dialect: str) -> str:
    """Per programme, district, month and stage: families entering minus families leaving.

    A family's stage changes only on one of its own dates. Each distinct date
    starts a span with the stage on that date (kpis.md, "A family's stage on
    date D": the first rule that holds), ending at the family's next date;
    the span adds one to its stage in its first month and takes it away in
    the month the next span starts.
    """
    return f"""
INSERT INTO stage_changes (programme_id, district_id, month, stage, change)
WITH change_dates AS (
    SELECT family_id, referred_on AS changed_on FROM families WHERE referred_on IS NOT NULL
    UNION
    SELECT family_id, investigation_on FROM families WHERE investigation_on IS NOT NULL
    UNION
    SELECT family_id, approved_on FROM families WHERE approved_on IS NOT NULL
    UNION
    SELECT family_id, started_on FROM families WHERE started_on IS NOT NULL
    UNION
    SELECT family_id, aftercare_due_on FROM families WHERE aftercare_due_on IS NOT NULL
    UNION
    SELECT family_id, ended_on FROM families WHERE ended_on IS NOT NULL
),
spans AS (
    SELECT f.programme_id, f.district_id,
           CASE WHEN f.ended_on <= d.changed_on THEN 'ended'
                WHEN f.started_on <= d.changed_on
                     AND f.aftercare_due_on <= d.changed_on THEN 'aftercare'
                WHEN f.started_on <= d.changed_on THEN 'intensive'
                WHEN f.approved_on <= d.changed_on THEN 'approved'
                WHEN f.investigation_on <= d.changed_on THEN 'investigation'
                WHEN f.referred_on <= d.changed_on THEN 'referred'
           END AS stage,
           d.changed_on,
           lead(d.changed_on) OVER (PARTITION BY d.family_id ORDER BY d.changed_on) AS next_on
    FROM change_dates AS d
    JOIN families AS f ON f.family_id = d.family_id
),
moves AS (
    SELECT programme_id, district_id, {_month_number("changed_on", dialect)} AS month,
           stage, 1 AS change
    FROM spans
    WHERE stage IS NOT NULL
    UNION ALL
    SELECT programme_id, district_id, {_month_number("next_on", dialect)}, stage, -1
    FROM spans
    WHERE stage IS NOT NULL AND next_on IS NOT NULL
)
SELECT programme_id, district_id, month, stage, sum(change)
FROM moves
GROUP BY programme_id, district_id, month, stage
HAVING sum(change) <> 0
"""  # noqa: S608 (fragments are this file's constants, no outside input)


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
    op.execute(fill_stage_changes(op.get_bind().dialect.name))
    # Statistics now, so the first page view after the upgrade gets real plans.
    op.execute("ANALYZE stage_changes")


def downgrade() -> None:
    op.drop_table("stage_changes")
