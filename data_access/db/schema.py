"""The reporting database's tables (SQLAlchemy Core), one per bundle file.

The tables mirror ../shared/contract/bundle.md so that a bundle row maps to a
table row without translation. Two derived dates are stored on `families`
(`aftercare_due_on`, `course_due_on`): they are computed by the loader with
calendar-month arithmetic in Python, because SQLite and PostgreSQL disagree on
"31 January + 1 month". The stage rule reads them (see `stages.py`). Three
derived tables, refreshed by the loader in the same transaction, hold each
family's SSP level and each parent's employment over time and each family's
measures per course month (`ssp_levels.py`, `derived/employment.py`,
`course_months.py`).

Alembic migrations in `migrations/` create these tables; this module is the
model they are checked against.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(100)
Money = Numeric(16, 2, asdecimal=False)

districts = Table(
    "districts",
    metadata,
    Column("district_id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("parent_id", ID, nullable=True),
)

departments = Table(
    "departments",
    metadata,
    Column("department_id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
)

programmes = Table(
    "programmes",
    metadata,
    Column("programme_id", ID, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("target_active_families", Integer, nullable=True),
    Column("target_improved_share", Float, nullable=True),
    Column("intensive_months", Integer, nullable=False, default=6),
    Column("course_months", Integer, nullable=False, default=12),
)

coordinators = Table(
    "coordinators",
    metadata,
    Column("coordinator_id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(200), nullable=False),
    Column("district_id", ID, ForeignKey("districts.district_id"), nullable=False),
    Column("capacity", Integer, nullable=False, default=15),
)

#: The families columns `ix_families_programme_dates` holds, programme first.
FAMILY_SCAN_COLUMNS: tuple[str, ...] = (
    "programme_id",
    "referred_on",
    "investigation_on",
    "approved_on",
    "started_on",
    "aftercare_due_on",
    "ended_on",
    "course_due_on",
    "district_id",
    "coordinator_id",
    "family_id",
)

families = Table(
    "families",
    metadata,
    Column("family_id", ID, primary_key=True),
    Column("programme_id", ID, ForeignKey("programmes.programme_id"), nullable=False),
    Column("district_id", ID, ForeignKey("districts.district_id"), nullable=False),
    Column("coordinator_id", ID, ForeignKey("coordinators.coordinator_id"), nullable=True),
    Column("referred_on", Date, nullable=False),
    Column("investigation_on", Date, nullable=True),
    Column("approved_on", Date, nullable=True),
    Column("started_on", Date, nullable=True),
    Column("aftercare_on", Date, nullable=True),
    Column("ended_on", Date, nullable=True),
    Column("end_reason", String(20), nullable=True),
    Column("single_parent", Boolean, nullable=True),
    # Derived by the loader: aftercare_on, else started_on + intensive_months.
    Column("aftercare_due_on", Date, nullable=True),
    # Derived by the loader: started_on + course_months (the "overdue" line).
    Column("course_due_on", Date, nullable=True),
    Index("ix_families_programme_district", "programme_id", "district_id"),
    Index("ix_families_coordinator", "coordinator_id"),
    # Every column the stage rule and the family figures read: SQLite answers
    # a pass over a programme's families from this index alone instead of
    # looking up each family's row (a third of the time at city scale).
    Index("ix_families_programme_dates", *FAMILY_SCAN_COLUMNS),
)

members = Table(
    "members",
    metadata,
    Column("member_id", ID, primary_key=True),
    Column("family_id", ID, ForeignKey("families.family_id"), nullable=False),
    Column("role", String(10), nullable=False),
    Column("birth_year", Integer, nullable=True),
    Column("employment_act", Boolean, nullable=True),
    Index("ix_members_family", "family_id"),
)

assessments = Table(
    "assessments",
    metadata,
    Column("assessment_id", Integer, primary_key=True, autoincrement=True),
    Column("family_id", ID, ForeignKey("families.family_id"), nullable=False),
    Column("member_id", ID, ForeignKey("members.member_id"), nullable=True),
    Column("assessed_on", Date, nullable=False),
    Column("measure", String(40), nullable=False),
    Column("value", Float, nullable=False),
    Index("ix_assessments_measure_family", "measure", "family_id", "assessed_on"),
    # The newest assessment date (data_as_of) without scanning the table.
    Index("ix_assessments_assessed_on", "assessed_on"),
    # A reload deletes a family's rows and checks the foreign keys to it.
    Index("ix_assessments_family", "family_id"),
    Index("ix_assessments_member", "member_id"),
)

# Derived by the loader (`ssp_levels.refresh_family_ssp_levels`), one row per
# family and date on which one of its children got an `ssp_level` assessment:
# the family's SSP level from `valid_from` until the next such date
# (`valid_until`, exclusive; NULL while current), its level on its first
# assessment date (`baseline`, on `first_on`). `improved_share` and the
# caseload read one row per family from here instead of ranking millions of
# assessments on every page view.
family_ssp_levels = Table(
    "family_ssp_levels",
    metadata,
    Column("family_id", ID, ForeignKey("families.family_id"), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_until", Date, nullable=True),
    Column("level", Integer, nullable=False),
    Column("first_on", Date, nullable=False),
    Column("baseline", Integer, nullable=False),
    # Every column the figures read, so SQLite finds each family's row in
    # force from the index alone (the primary key index alone meant a table
    # lookup for each of a family's rows).
    Index(
        "ix_family_ssp_levels_in_force",
        "family_id",
        "valid_from",
        "valid_until",
        "first_on",
        "baseline",
        "level",
    ),
)

# Derived by the loader (`employment_spans.refresh_parent_employment`): each
# parent's `employment` value from `valid_from` (an assessment date) until
# their next assessment (`valid_until`, exclusive; NULL while current). Two
# assessments on one date count as the higher. `self_supporting_parents`
# reads the one row in force on the report date.
parent_employment = Table(
    "parent_employment",
    metadata,
    Column("member_id", ID, ForeignKey("members.member_id"), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_until", Date, nullable=True),
    Column("family_id", ID, ForeignKey("families.family_id"), nullable=False),
    Column("value", Integer, nullable=False),
    # By family (the figures start from the programme's families, reloads
    # delete by family), holding every column the figures read.
    Index(
        "ix_parent_employment_in_force",
        "family_id",
        "valid_from",
        "valid_until",
        "member_id",
        "value",
    ),
)

# Derived by the loader (`course_months.refresh_family_course_months`): per
# family, course-month measure and course month (whole months since the
# start, 0 before it), the sum and count of the values and the first and last
# assessment date, so the course-month chart reads one row per family-month.
family_course_months = Table(
    "family_course_months",
    metadata,
    # Measure first: the chart reads one measure's rows.
    Column("measure", String(40), primary_key=True),
    Column("family_id", ID, ForeignKey("families.family_id"), primary_key=True),
    Column("course_month", Integer, primary_key=True),
    Column("first_on", Date, nullable=False),
    Column("last_on", Date, nullable=False),
    Column("total", Float, nullable=False),
    Column("n", Integer, nullable=False),
    # The later of last_on and the family's start: from this date on the
    # family-month counts in full on a report date.
    Column("counted_from", Date, nullable=False),
    # A reload deletes a family's rows.
    Index("ix_family_course_months_family", "family_id"),
    # A report date reads the family-months that became complete in its own month.
    Index("ix_family_course_months_counted", "measure", "counted_from"),
)

# Derived by the loader (`course_months.refresh_course_month_totals`): per
# programme, district, measure and course month, the family-months that
# became complete (`counted_from`) in each calendar month (`month` = year x
# 12 + month): how many (`families`) and the sum of their averages
# (`total`). A report date adds up the months before its own.
course_month_totals = Table(
    "course_month_totals",
    metadata,
    Column("programme_id", ID, ForeignKey("programmes.programme_id"), primary_key=True),
    Column("district_id", ID, ForeignKey("districts.district_id"), primary_key=True),
    Column("measure", String(40), primary_key=True),
    Column("course_month", Integer, primary_key=True),
    Column("month", Integer, primary_key=True),
    Column("families", Integer, nullable=False),
    Column("total", Float, nullable=False),
)

# Derived by the loader (`stage_changes.refresh_stage_changes`): how many
# families of a programme and district entered (+) or left (-) each stage in
# each calendar month (`month` = year x 12 + month). A stage count at a month
# end is the sum of the changes up to that month, so the Forløb stage chart
# and cost per family-month read a few hundred rows instead of applying the
# stage rule to every family at every month end.
stage_changes = Table(
    "stage_changes",
    metadata,
    Column("programme_id", ID, ForeignKey("programmes.programme_id"), primary_key=True),
    Column("district_id", ID, ForeignKey("districts.district_id"), primary_key=True),
    Column("month", Integer, primary_key=True),
    Column("stage", String(20), primary_key=True),
    Column("change", Integer, nullable=False),
)

interventions = Table(
    "interventions",
    metadata,
    Column("intervention_id", ID, primary_key=True),
    Column("family_id", ID, ForeignKey("families.family_id"), nullable=False),
    Column("member_id", ID, ForeignKey("members.member_id"), nullable=True),
    Column("department_id", ID, ForeignKey("departments.department_id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date, nullable=True),
    Index("ix_interventions_family", "family_id"),
    Index("ix_interventions_member", "member_id"),
)

meetings = Table(
    "meetings",
    metadata,
    Column("meeting_id", ID, primary_key=True),
    Column("family_id", ID, ForeignKey("families.family_id"), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("departments", String(500), nullable=True),
    Index("ix_meetings_family_kind", "family_id", "kind", "held_on"),
    Index("ix_meetings_held_on", "held_on"),
)

budget = Table(
    "budget",
    metadata,
    Column("budget_id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", ID, ForeignKey("programmes.programme_id"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("department_id", ID, ForeignKey("departments.department_id"), nullable=False),
    Column("funder_id", ID, ForeignKey("departments.department_id"), nullable=False),
    Column("activity", String(300), nullable=False),
    Column("amount_dkk", Money, nullable=False),
    UniqueConstraint("programme_id", "year", "department_id", "funder_id", "activity"),
)

spend = Table(
    "spend",
    metadata,
    Column("spend_id", ID, primary_key=True),
    Column("programme_id", ID, ForeignKey("programmes.programme_id"), nullable=False),
    Column("booked_on", Date, nullable=False),
    Column("department_id", ID, ForeignKey("departments.department_id"), nullable=False),
    Column("funder_id", ID, ForeignKey("departments.department_id"), nullable=False),
    Column("activity", String(300), nullable=False),
    Column("amount_dkk", Money, nullable=False),
    Column("family_id", ID, ForeignKey("families.family_id"), nullable=True),
    Index("ix_spend_programme_booked", "programme_id", "booked_on"),
    Index("ix_spend_booked_on", "booked_on"),
    Index("ix_spend_family", "family_id"),
)

indicators = Table(
    "indicators",
    metadata,
    Column("indicator_row_id", Integer, primary_key=True, autoincrement=True),
    Column("district_id", ID, ForeignKey("districts.district_id"), nullable=False),
    Column("indicator", String(100), nullable=False),
    Column("measured_on", Date, nullable=False),
    Column("value", Float, nullable=False),
    UniqueConstraint("district_id", "indicator", "measured_on"),
    Index("ix_indicators_indicator_measured", "indicator", "measured_on"),
)

indicator_definitions = Table(
    "indicator_definitions",
    metadata,
    Column("indicator", String(100), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("unit", String(40), nullable=True),
    Column("higher_is_better", Boolean, nullable=True),
)

users = Table(
    "users",
    metadata,
    Column("email", String(200), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("department_id", ID, ForeignKey("departments.department_id"), nullable=True),
    Column("coordinator_id", ID, ForeignKey("coordinators.coordinator_id"), nullable=True),
)

# The yearly cost of a measure the programme aims to prevent (unit_costs.csv),
# one row per measure and the date its price applies from; the prevention
# business case reads the row in force on the report date.
unit_costs = Table(
    "unit_costs",
    metadata,
    Column("measure", ID, primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("yearly_cost_dkk", Money, nullable=False),
    Column("source", String(500), nullable=False),
)

load_history = Table(
    "load_history",
    metadata,
    Column("load_id", Integer, primary_key=True, autoincrement=True),
    Column("loaded_at", DateTime(timezone=False), nullable=False),
    Column("bundle_name", String(500), nullable=False),
    # JSON text: {file: {"rows": n, "sha256": "...", "latest_date": "YYYY-MM-DD" | null}}
    Column("files", Text, nullable=False),
    Column("covers_until", Date, nullable=True),
    Column("is_demo", Boolean, nullable=False, default=False),
)

#: Answers the dashboard's pages would compute alike in every process, computed
#: once after a load by `python -m dashboard precompute` (owner only; the app's
#: reader may SELECT). `key` is `answers.answer_key`; a row serves only the
#: load `data_version` names; `payload` is `answers.encode`'s bytes, never pickle.
precomputed_answers = Table(
    "precomputed_answers",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("data_version", Integer, nullable=False, index=True),
    Column("query", String(300), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
    # The `data_access` code that computed the answers (answers.code_fingerprint);
    # NULL for rows written before the column: another code's.
    Column("code_fingerprint", String(64), nullable=True),
)

#: The programme's change theory (optional bundle file change_theory.csv, see README):
#: boxes by level (activity, result, short, medium, long), each with the measure
#: that follows it where the database has one.
change_theory = Table(
    "change_theory",
    metadata,
    Column("programme_id", ID, ForeignKey("programmes.programme_id"), primary_key=True),
    Column("box_id", ID, primary_key=True),
    Column("level", String(20), nullable=False),
    Column("label", String(300), nullable=False),
    Column("measure", String(100), nullable=True),
    Column("parent_box_id", ID, nullable=True),
    Column("target", Float, nullable=True),
    Column("sort", Integer, nullable=True),
)

# Delete order that respects foreign keys (children first).
DELETE_ORDER: tuple[Table, ...] = (
    change_theory,
    unit_costs,
    family_ssp_levels,
    parent_employment,
    family_course_months,
    course_month_totals,
    stage_changes,
    spend,
    budget,
    meetings,
    interventions,
    assessments,
    members,
    families,
    users,
    coordinators,
    indicators,
    indicator_definitions,
    programmes,
    departments,
    districts,
)
