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

The filling statements are frozen copies of the loader's
(`derived/course_months.py` when this revision was written), not calls to
it: the loader may change with later schemas, and this revision must keep
doing what it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _date_field(field: str, day: str, dialect: str) -> str:
    """The year, month or day of the date `day` as an integer, in the backend's SQL."""
    if dialect == "sqlite":
        pattern = {"year": "%Y", "month": "%m", "day": "%d"}[field]
        return f"CAST(strftime('{pattern}', {day}) AS INTEGER)"
    return f"CAST(date_part('{field}', {day}) AS INTEGER)"


def _month_number(day: str, dialect: str) -> str:
    """year x 12 + month of the date `day`, as one integer."""
    return f"({_date_field('year', day, dialect)} * 12 + {_date_field('month', day, dialect)})"


def fill_family_course_months(dialect: str) -> str:
    """Sum, count and first and last date per family, measure and course month.

    The course month is the whole calendar months from the start to the
    assessment (one less while the day of month has not come round), 0 before
    the start. Employment counts parents only, as 1 when self-supporting
    (value 2) and 0 otherwise; the other measures count every assessment with
    its value. A family-month counts from its last assessment (the start, if
    that is later).
    """
    months_in = (
        f"{_month_number('a.assessed_on', dialect)} - {_month_number('f.started_on', dialect)}"
        f" - CASE WHEN {_date_field('day', 'a.assessed_on', dialect)}"
        f" < {_date_field('day', 'f.started_on', dialect)} THEN 1 ELSE 0 END"
    )
    return f"""
INSERT INTO family_course_months
    (family_id, measure, course_month, first_on, last_on, total, n, counted_from)
WITH counted AS (
    SELECT a.family_id, a.measure, a.assessed_on, f.started_on,
           CAST(CASE WHEN a.measure = 'employment'
                     THEN CASE WHEN a.value = 2 THEN 1.0 ELSE 0.0 END
                     ELSE a.value END AS FLOAT) AS value,
           {months_in} AS months_in
    FROM assessments AS a
    JOIN families AS f ON f.family_id = a.family_id
    LEFT OUTER JOIN members AS m ON m.member_id = a.member_id
    WHERE a.measure IN ('school_attendance', 'life_quality', 'employment', 'parental_authority')
      AND f.started_on IS NOT NULL
      AND (a.measure != 'employment' OR m.role = 'parent')
),
by_month AS (
    SELECT family_id, measure, assessed_on, started_on, value,
           CASE WHEN months_in < 0 THEN 0 ELSE months_in END AS course_month
    FROM counted
)
SELECT family_id, measure, course_month,
       min(assessed_on), max(assessed_on), sum(value), count(*),
       CASE WHEN max(assessed_on) > started_on THEN max(assessed_on) ELSE started_on END
FROM by_month
GROUP BY family_id, measure, course_month, started_on
"""  # noqa: S608 (fragments are this file's constants, no outside input)


def fill_course_month_totals(dialect: str) -> str:
    """The family averages added up per programme, district, measure and course month.

    And per calendar month in which each family-month became complete (its
    `counted_from`), so a report date reads the months before its own here.
    """
    per_family = (
        "m.total / (m.n + 0.0)" if dialect == "sqlite" else "m.total / CAST(m.n AS NUMERIC)"
    )
    month = _month_number("m.counted_from", dialect)
    return f"""
INSERT INTO course_month_totals
    (programme_id, district_id, measure, course_month, month, families, total)
SELECT f.programme_id, f.district_id, m.measure, m.course_month, {month},
       count(*), sum({per_family})
FROM family_course_months AS m
JOIN families AS f ON f.family_id = m.family_id
GROUP BY f.programme_id, f.district_id, m.measure, m.course_month, {month}
"""  # noqa: S608 (fragments are this file's constants, no outside input)


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
    dialect = op.get_bind().dialect.name
    op.execute(fill_family_course_months(dialect))
    op.execute(fill_course_month_totals(dialect))
    # Statistics now, so the first page view after the upgrade gets real plans.
    op.execute("ANALYZE family_course_months")
    op.execute("ANALYZE course_month_totals")


def downgrade() -> None:
    op.drop_table("course_month_totals")
    op.drop_index("ix_family_course_months_counted", table_name="family_course_months")
    with op.batch_alter_table("family_course_months") as batch:
        batch.drop_column("counted_from")
