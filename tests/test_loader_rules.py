"""One test per bundle rule: break the valid bundle in one place, expect exactly one problem.

Each case names the file, the line (header = 1) and the column, and checks
that the refused bundle left the database exactly as it was.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from data_access.bundle.loader import BundleRejected, Problem, load_bundle, read_bundle
from tests.fixtures.bundles import csv_text, required_only, write_files
from tests.fixtures.valid import append_lines, make_bundle, replace_line, snapshot

F2 = "F2,it,bronshoj,c1,2010-03-01,2010-03-10,2010-04-01,2010-08-31,,2011-06-30,completed,false"


def refused(folder: Path, db_url: str) -> list[Problem]:
    """Load `folder`, expect a refusal, and check nothing changed."""
    before = snapshot(db_url)
    with pytest.raises(BundleRejected) as caught:
        load_bundle(folder, db_url)
    assert snapshot(db_url) == before
    return caught.value.problems


# (file, line, new text of that line, column, message)
Case = tuple[str, int, str, str, str]

CELL_RULES: dict[str, Case] = {
    # Required values.
    "required-value": (
        "families.csv",
        3,
        F2.replace("F2,it,", "F2,,"),
        "programme_id",
        "value missing",
    ),
    # Enumerations.
    "district-kind": (
        "districts.csv",
        4,
        "bronshoj,Brønshøj-Husum,town,kk",
        "kind",
        "unknown kind 'town' (expected one of: city, bydel, boligomraade)",
    ),
    "department-kind": (
        "departments.csv",
        5,
        "IM,Integrationsministeriet,ministerium",
        "kind",
        "unknown kind 'ministerium' (expected one of: forvaltning, stat, andet)",
    ),
    "end-reason": (
        "families.csv",
        3,
        F2.replace("completed", "finished"),
        "end_reason",
        "unknown end_reason 'finished' (expected one of: completed, dropped_out, moved, other)",
    ),
    "member-role": (
        "members.csv",
        5,
        "M4,F2,kid,1998,",
        "role",
        "unknown role 'kid' (expected one of: parent, child)",
    ),
    "intervention-kind": (
        "interventions.csv",
        4,
        "I3,F2,,SOF,therapy,2010-09-01,2011-03-01",
        "kind",
        "unknown kind 'therapy' (expected one of: kombinationspakke, familiebehandling, "
        "mentor, ppr, fritidsjob, klub, foraeldrekursus, psykolog, sprogkursus, "
        "uu_vejledning, boliganvisning, other)",
    ),
    "meeting-kind": (
        "meetings.csv",
        4,
        "MT3,F2,2010-09-02,review,SOF",
        "kind",
        "unknown kind 'review' (expected one of: coordination, quarterly_review)",
    ),
    "user-role": (
        "users.csv",
        2,
        "admin@demo.invalid,superuser,,",
        "role",
        "unknown role 'superuser' (expected one of: admin, steering, department_head, "
        "coordinator, viewer)",
    ),
    "unknown-measure": (
        "assessments.csv",
        6,
        "F2,,2010-09-01,happiness,6",
        "measure",
        "unknown measure 'happiness' (expected one of: ssp_level, parental_authority, "
        "employment, school_attendance, life_quality)",
    ),
    # Cell formats.
    "date-format": (
        "families.csv",
        4,
        "F3,it,norrebro,,01-05-2010,,,,,,,",
        "referred_on",
        "not a date in the form YYYY-MM-DD: '01-05-2010'",
    ),
    "impossible-date": (
        "spend.csv",
        5,
        "S4,it,2011-02-30,SOF,SOF,Lokal koordinering,250000,",
        "booked_on",
        "not a real date: '2011-02-30'",
    ),
    "boolean": (
        "families.csv",
        4,
        "F3,it,norrebro,,2010-05-01,,,,,,,maybe",
        "single_parent",
        "not true or false (also 1/0, ja/nej): 'maybe'",
    ),
    "decimal-comma": (
        "budget.csv",
        3,
        'it,2010,BIF,IM,Beskæftigelsestilbud,"1500000,50"',
        "amount_dkk",
        "not a number (use '.' as decimal point and no thousands separator): '1500000,50'",
    ),
    "amount-nan": (
        "spend.csv",
        2,
        "S1,it,2010-03-31,SOF,SOF,Lokal koordinering,nan,",
        "amount_dkk",
        "not a finite number: 'nan'",
    ),
    "amount-inf": (
        "spend.csv",
        2,
        "S1,it,2010-03-31,SOF,SOF,Lokal koordinering,-inf,",
        "amount_dkk",
        "not a finite number: '-inf'",
    ),
    "amount-overflows-to-inf": (
        "spend.csv",
        2,
        "S1,it,2010-03-31,SOF,SOF,Lokal koordinering,1e999,",
        "amount_dkk",
        "not a finite number: '1e999'",
    ),
    "amount-too-large-for-the-column": (
        "budget.csv",
        2,
        "it,2010,SOF,SOF,Lokal koordinering,1e15",
        "amount_dkk",
        "amount too large: '1e15'",
    ),
    "whole-number": (
        "coordinators.csv",
        2,
        "c1,Koordinator Nørrebro,c1@demo.invalid,norrebro,2.5",
        "capacity",
        "not a whole number: '2.5'",
    ),
    "whole-number-too-large": (
        "members.csv",
        6,
        "M5,F3,parent,99999999999,ja",
        "birth_year",
        "number too large: '99999999999'",
    ),
    "text-too-long": (
        "spend.csv",
        5,
        "S" * 101 + ",it,2011-01-31,SOF,SOF,Lokal koordinering,250000,",
        "spend_id",
        "longer than 100 characters (101): '" + "S" * 40 + "...'",
    ),
    # Programme settings.
    "target-share-above-one": (
        "programmes.csv",
        2,
        "it,Interventionsteam,2010-01-01,2011-12-31,30,1.5,6,12",
        "target_improved_share",
        "must be between 0 and 1, got '1.5'",
    ),
    "target-families-negative": (
        "programmes.csv",
        2,
        "it,Interventionsteam,2010-01-01,2011-12-31,-1,0.6,6,12",
        "target_active_families",
        "must be at least 0, got '-1'",
    ),
    "capacity-positive": (
        "coordinators.csv",
        2,
        "c1,Koordinator Nørrebro,c1@demo.invalid,norrebro,0",
        "capacity",
        "must be at least 1, got '0'",
    ),
    "intensive-months-positive": (
        "programmes.csv",
        2,
        "it,Interventionsteam,2010-01-01,2011-12-31,30,0.6,0,12",
        "intensive_months",
        "must be at least 1, got '0'",
    ),
    "course-months-positive": (
        "programmes.csv",
        2,
        "it,Interventionsteam,2010-01-01,2011-12-31,30,0.6,6,-12",
        "course_months",
        "must be at least 1, got '-12'",
    ),
    "programme-ends-before-it-starts": (
        "programmes.csv",
        2,
        "it,Interventionsteam,2012-01-01,2011-12-31,30,0.6,6,12",
        "ends_on",
        "date is before starts_on (2011-12-31 < 2012-01-01)",
    ),
    # Measure scales.
    "ssp-level-scale": (
        "assessments.csv",
        2,
        "F1,M2,2010-02-20,ssp_level,5",
        "value",
        "ssp_level must be a whole number from 0 to 4, got 5",
    ),
    "ssp-level-whole": (
        "assessments.csv",
        2,
        "F1,M2,2010-02-20,ssp_level,2.5",
        "value",
        "ssp_level must be a whole number from 0 to 4, got 2.5",
    ),
    "ssp-level-needs-member": (
        "assessments.csv",
        2,
        "F1,,2010-02-20,ssp_level,3",
        "member_id",
        "ssp_level is measured on a child: member_id is missing",
    ),
    "ssp-level-needs-child": (
        "assessments.csv",
        2,
        "F1,M1,2010-02-20,ssp_level,3",
        "member_id",
        "ssp_level is measured on a child, but member 'M1' is a parent",
    ),
    "parental-authority-low": (
        "assessments.csv",
        3,
        "F1,,2010-02-20,parental_authority,0",
        "value",
        "parental_authority must be a number from 1 to 5, got 0",
    ),
    "parental-authority-high": (
        "assessments.csv",
        3,
        "F1,,2010-02-20,parental_authority,5.5",
        "value",
        "parental_authority must be a number from 1 to 5, got 5.5",
    ),
    "employment-scale": (
        "assessments.csv",
        4,
        "F1,M1,2010-02-20,employment,3",
        "value",
        "employment must be a whole number from 0 to 2, got 3",
    ),
    "employment-whole": (
        "assessments.csv",
        4,
        "F1,M1,2010-02-20,employment,1.5",
        "value",
        "employment must be a whole number from 0 to 2, got 1.5",
    ),
    "employment-needs-member": (
        "assessments.csv",
        4,
        "F1,,2010-02-20,employment,1",
        "member_id",
        "employment is measured on a parent: member_id is missing",
    ),
    "employment-needs-parent": (
        "assessments.csv",
        4,
        "F1,M2,2010-02-20,employment,1",
        "member_id",
        "employment is measured on a parent, but member 'M2' is a child",
    ),
    "school-attendance-scale": (
        "assessments.csv",
        5,
        "F2,M4,2010-09-01,school_attendance,100.5",
        "value",
        "school_attendance must be a number from 0 to 100, got 100.5",
    ),
    "school-attendance-needs-member": (
        "assessments.csv",
        5,
        "F2,,2010-09-01,school_attendance,85.5",
        "member_id",
        "school_attendance is measured on a child: member_id is missing",
    ),
    "school-attendance-needs-child": (
        "assessments.csv",
        5,
        "F2,M3,2010-09-01,school_attendance,85.5",
        "member_id",
        "school_attendance is measured on a child, but member 'M3' is a parent",
    ),
    "life-quality-scale": (
        "assessments.csv",
        6,
        "F2,,2010-09-01,life_quality,11",
        "value",
        "life_quality must be a number from 1 to 10, got 11",
    ),
    "assessment-value-finite": (
        "assessments.csv",
        6,
        "F2,,2010-09-01,life_quality,inf",
        "value",
        "not a finite number: 'inf'",
    ),
    # Dates of one family never go backwards.
    "started-before-approved": (
        "families.csv",
        3,
        F2.replace("2010-08-31", "2010-03-01"),
        "started_on",
        "date is before approved_on (2010-03-01 < 2010-04-01)",
    ),
    "investigation-before-referral": (
        "families.csv",
        2,
        "F1,it,norrebro,c1,2010-01-10,2010-01-05,2010-02-01,2010-02-15,,,,true",
        "investigation_on",
        "date is before referred_on (2010-01-05 < 2010-01-10)",
    ),
    "approved-before-investigation": (
        "families.csv",
        2,
        "F1,it,norrebro,c1,2010-01-10,2010-01-20,2010-01-15,2010-02-15,,,,true",
        "approved_on",
        "date is before investigation_on (2010-01-15 < 2010-01-20)",
    ),
    "missing-dates-are-skipped": (
        "families.csv",
        4,
        "F3,it,norrebro,,2010-05-01,,2010-04-20,,,,,",
        "approved_on",
        "date is before referred_on (2010-04-20 < 2010-05-01)",
    ),
    "aftercare-before-start": (
        "families.csv",
        2,
        "F1,it,norrebro,c1,2010-01-10,2010-01-20,2010-02-01,2010-02-15,2010-02-01,,,true",
        "aftercare_on",
        "date is before started_on (2010-02-01 < 2010-02-15)",
    ),
    "ended-before-referral": (
        "families.csv",
        4,
        "F3,it,norrebro,,2010-05-01,,,,,2010-04-30,moved,",
        "ended_on",
        "date is before referred_on (2010-04-30 < 2010-05-01)",
    ),
    "intervention-ends-before-it-starts": (
        "interventions.csv",
        2,
        "I1,F1,M1,BIF,kombinationspakke,2010-03-01,2010-02-01",
        "ended_on",
        "date is before started_on (2010-02-01 < 2010-03-01)",
    ),
    # References.
    "family-programme": (
        "families.csv",
        4,
        "F3,p9,norrebro,,2010-05-01,,,,,,,",
        "programme_id",
        "unknown programme 'p9' (not in programmes.csv or the database)",
    ),
    "family-district": (
        "families.csv",
        4,
        "F3,it,amager,,2010-05-01,,,,,,,",
        "district_id",
        "unknown district 'amager' (not in districts.csv or the database)",
    ),
    "family-coordinator": (
        "families.csv",
        4,
        "F3,it,norrebro,c9,2010-05-01,,,,,,,",
        "coordinator_id",
        "unknown coordinator 'c9' (not in coordinators.csv or the database)",
    ),
    "coordinator-district": (
        "coordinators.csv",
        2,
        "c1,Koordinator Nørrebro,c1@demo.invalid,amager,15",
        "district_id",
        "unknown district 'amager' (not in districts.csv or the database)",
    ),
    "district-parent": (
        "districts.csv",
        4,
        "bronshoj,Brønshøj-Husum,bydel,kbh",
        "parent_id",
        "unknown district 'kbh' (not in districts.csv or the database)",
    ),
    "member-family": (
        "members.csv",
        6,
        "M5,F9,parent,1985,ja",
        "family_id",
        "unknown family 'F9' (not in families.csv)",
    ),
    "assessment-family": (
        "assessments.csv",
        6,
        "F9,,2010-09-01,life_quality,6",
        "family_id",
        "unknown family 'F9' (not in families.csv)",
    ),
    "intervention-family": (
        "interventions.csv",
        4,
        "I3,F9,,SOF,familiebehandling,2010-09-01,2011-03-01",
        "family_id",
        "unknown family 'F9' (not in families.csv)",
    ),
    "meeting-family": (
        "meetings.csv",
        4,
        "MT3,F9,2010-09-02,coordination,SOF",
        "family_id",
        "unknown family 'F9' (not in families.csv)",
    ),
    "assessment-member-unknown": (
        "assessments.csv",
        2,
        "F1,M9,2010-02-20,ssp_level,3",
        "member_id",
        "unknown member 'M9' (not in members.csv)",
    ),
    "assessment-member-of-other-family": (
        "assessments.csv",
        2,
        "F1,M4,2010-02-20,ssp_level,3",
        "member_id",
        "member 'M4' belongs to family 'F2', not to 'F1'",
    ),
    "intervention-member-of-other-family": (
        "interventions.csv",
        3,
        "I2,F1,M4,BUF,mentor,2010-03-15,",
        "member_id",
        "member 'M4' belongs to family 'F2', not to 'F1'",
    ),
    "intervention-department": (
        "interventions.csv",
        4,
        "I3,F2,,XYZ,familiebehandling,2010-09-01,2011-03-01",
        "department_id",
        "unknown department 'XYZ' (not in departments.csv or the database)",
    ),
    "meeting-departments": (
        "meetings.csv",
        2,
        "MT1,F1,2010-02-16,coordination,SOF;XYZ;BIF",
        "departments",
        "unknown department 'XYZ' (not in departments.csv or the database)",
    ),
    "budget-programme": (
        "budget.csv",
        4,
        "p9,2011,SOF,SOF,Lokal koordinering,1000000",
        "programme_id",
        "unknown programme 'p9' (not in programmes.csv or the database)",
    ),
    "budget-department": (
        "budget.csv",
        3,
        "it,2010,XX,IM,Beskæftigelsestilbud,1500000.50",
        "department_id",
        "unknown department 'XX' (not in departments.csv or the database)",
    ),
    "budget-funder": (
        "budget.csv",
        3,
        "it,2010,BIF,XX,Beskæftigelsestilbud,1500000.50",
        "funder_id",
        "unknown department 'XX' (not in departments.csv or the database)",
    ),
    "spend-programme": (
        "spend.csv",
        5,
        "S4,p9,2011-01-31,SOF,SOF,Lokal koordinering,250000,",
        "programme_id",
        "unknown programme 'p9' (not in programmes.csv or the database)",
    ),
    "spend-department": (
        "spend.csv",
        5,
        "S4,it,2011-01-31,XX,SOF,Lokal koordinering,250000,",
        "department_id",
        "unknown department 'XX' (not in departments.csv or the database)",
    ),
    "spend-funder": (
        "spend.csv",
        5,
        "S4,it,2011-01-31,SOF,XX,Lokal koordinering,250000,",
        "funder_id",
        "unknown department 'XX' (not in departments.csv or the database)",
    ),
    "ids-are-case-sensitive": (
        "spend.csv",
        5,
        "S4,it,2011-01-31,sof,SOF,Lokal koordinering,250000,",
        "department_id",
        "unknown department 'sof' (not in departments.csv or the database)",
    ),
    "spend-family": (
        "spend.csv",
        3,
        "S2,it,2010-04-07,BIF,IM,Beskæftigelsestilbud,1723.50,F9",
        "family_id",
        "unknown family 'F9' (not in families.csv or the database)",
    ),
    "indicator-district": (
        "indicators.csv",
        3,
        "amager,tryghedsindex,2010-01-01,62",
        "district_id",
        "unknown district 'amager' (not in districts.csv or the database)",
    ),
    "indicator-name": (
        "indicators.csv",
        3,
        "norrebro,lykke,2010-01-01,62",
        "indicator",
        "unknown indicator 'lykke' "
        "(not in the built-in indicators, indicator_definitions.csv or the database)",
    ),
    "user-department": (
        "users.csv",
        4,
        "chef@demo.invalid,department_head,XX,",
        "department_id",
        "unknown department 'XX' (not in departments.csv or the database)",
    ),
    "user-coordinator": (
        "users.csv",
        3,
        "c1@demo.invalid,coordinator,,c9",
        "coordinator_id",
        "unknown coordinator 'c9' (not in coordinators.csv or the database)",
    ),
}


@pytest.mark.parametrize("case", list(CELL_RULES.values()), ids=list(CELL_RULES))
def test_each_rule_is_checked(case: Case, tmp_path: Path, db_url: str) -> None:
    file, line, text, column, message = case
    folder = make_bundle(tmp_path / "bundle", **{file[:-4]: replace_line(file, line, text)})

    assert refused(folder, db_url) == [Problem(file, line, column, message)]


# (file, row appended as the next line, its line, column, message)
DUPLICATES: dict[str, tuple[str, str, int, str, str]] = {
    "district_id": (
        "districts.csv",
        "kk,Kbh,city,",
        5,
        "district_id",
        "duplicate district_id 'kk' (first on line 2)",
    ),
    "department_id": (
        "departments.csv",
        "SOF,Social,forvaltning",
        6,
        "department_id",
        "duplicate department_id 'SOF' (first on line 2)",
    ),
    "programme_id": (
        "programmes.csv",
        "it,Other,2012-01-01,2012-12-31,,,,",
        3,
        "programme_id",
        "duplicate programme_id 'it' (first on line 2)",
    ),
    "coordinator_id": (
        "coordinators.csv",
        "c1,Other,o@demo.invalid,bronshoj,",
        3,
        "coordinator_id",
        "duplicate coordinator_id 'c1' (first on line 2)",
    ),
    "family_id": (
        "families.csv",
        "F2,it,norrebro,,2010-06-01,,,,,,,",
        5,
        "family_id",
        "duplicate family_id 'F2' (first on line 3)",
    ),
    "member_id": (
        "members.csv",
        "M1,F3,child,2000,",
        7,
        "member_id",
        "duplicate member_id 'M1' (first on line 2)",
    ),
    "intervention_id": (
        "interventions.csv",
        "I1,F2,,SOF,mentor,2010-10-01,",
        5,
        "intervention_id",
        "duplicate intervention_id 'I1' (first on line 2)",
    ),
    "meeting_id": (
        "meetings.csv",
        "MT3,F2,2010-10-01,coordination,",
        5,
        "meeting_id",
        "duplicate meeting_id 'MT3' (first on line 4)",
    ),
    "spend_id": (
        "spend.csv",
        "S1,it,2011-02-28,SOF,SOF,Lokal koordinering,100,",
        6,
        "spend_id",
        "duplicate spend_id 'S1' (first on line 2)",
    ),
    "email": (
        "users.csv",
        "admin@demo.invalid,viewer,,",
        5,
        "email",
        "duplicate email 'admin@demo.invalid' (first on line 2)",
    ),
    "indicator-definition": (
        "indicator_definitions.csv",
        "anden_etnisk_herkomst,Other,%,",
        3,
        "indicator",
        "duplicate indicator 'anden_etnisk_herkomst' (first on line 2)",
    ),
    "budget-row": (
        "budget.csv",
        "it,2010,SOF,SOF,Lokal koordinering,5",
        5,
        "activity",
        "duplicate row for (programme_id 'it', year '2010', department_id 'SOF', "
        "funder_id 'SOF', activity 'Lokal koordinering') (first on line 2)",
    ),
    "indicator-row": (
        "indicators.csv",
        "kk,tryghedsindex,2010-01-01,71",
        5,
        "measured_on",
        "duplicate row for (district_id 'kk', indicator 'tryghedsindex', "
        "measured_on '2010-01-01') (first on line 2)",
    ),
}


@pytest.mark.parametrize("case", list(DUPLICATES.values()), ids=list(DUPLICATES))
def test_each_duplicate_key_is_reported_on_its_second_line(
    case: tuple[str, str, int, str, str], tmp_path: Path, db_url: str
) -> None:
    file, row, line, column, message = case
    folder = make_bundle(tmp_path / "bundle", **{file[:-4]: append_lines(file, row)})

    assert refused(folder, db_url) == [Problem(file, line, column, message)]


def test_emails_differing_only_in_case_load_and_never_pick_a_role_by_chance(
    tmp_path: Path, db_url: str
) -> None:
    """The contract keys nothing on emails, so such rows load; a login must never guess."""
    from data_access.db.engine import make_engine
    from data_access.queries.reference import user_scope

    users = append_lines("users.csv", "Chef@Demo.invalid,admin,,")
    load_bundle(make_bundle(tmp_path / "bundle", users=users), db_url)
    engine = make_engine(db_url)
    try:
        # Spelt exactly as a row: that row, whatever the other says.
        exact = user_scope(engine, "chef@demo.invalid")
        assert exact is not None and exact.role == "department_head"
        capital = user_scope(engine, "Chef@Demo.invalid")
        assert capital is not None and capital.role == "admin"
        # Spelt as neither: two roles would fit, so no user.
        assert user_scope(engine, "CHEF@DEMO.INVALID") is None
        # One row only: found in any case.
        coordinator = user_scope(engine, "C1@DEMO.INVALID")
        assert coordinator is not None and coordinator.role == "coordinator"
    finally:
        engine.dispose()


def test_a_budget_row_differing_only_in_activity_is_no_duplicate(
    tmp_path: Path, db_url: str
) -> None:
    budget = append_lines("budget.csv", "it,2010,SOF,SOF,Lokal koordinering (ekstra),5")

    summary = load_bundle(make_bundle(tmp_path / "bundle", budget=budget), db_url)

    assert summary.rows["budget.csv"] == 4


def test_required_column_missing(tmp_path: Path, db_url: str) -> None:
    families = """
        family_id,programme_id,coordinator_id,referred_on
        F1,it,c1,2010-01-10
        F2,it,c1,2010-03-01
        F3,it,,2010-05-01
    """

    problems = refused(make_bundle(tmp_path / "bundle", families=families), db_url)

    assert problems == [Problem("families.csv", 1, "district_id", "required column missing")]


def test_required_column_missing_in_a_header_only_file(tmp_path: Path, db_url: str) -> None:
    problems = refused(make_bundle(tmp_path / "bundle", users="email,department_id"), db_url)

    assert problems == [Problem("users.csv", 1, "role", "required column missing")]


def test_file_that_is_not_utf8_names_the_line(tmp_path: Path, db_url: str) -> None:
    folder = make_bundle(tmp_path / "bundle")
    text = (folder / "districts.csv").read_text(encoding="utf-8")
    (folder / "districts.csv").write_bytes(text.encode("latin-1"))

    problems = refused(folder, db_url)

    # Line 2 has "Københavns": ø is the single byte 0xf8 in Latin-1.
    assert problems == [
        Problem("districts.csv", 2, "", "not valid UTF-8 (byte 0xf8); save the file as UTF-8")
    ]


NUL = "contains a NUL byte (0x00); save the file as UTF-8 text"


def test_a_nul_byte_is_refused_on_its_line(tmp_path: Path, db_url: str) -> None:
    """Valid UTF-8 all the same: SQLite stored it, PostgreSQL failed mid-load without a line."""
    folder = make_bundle(tmp_path / "bundle")
    departments = (folder / "departments.csv").read_text(encoding="utf-8")
    (folder / "departments.csv").write_text(
        departments.replace("Børne- og", "Børne-\x00og"), encoding="utf-8"
    )
    # UTF-16 without a byte order mark: each ASCII letter is followed by a NUL.
    programmes = (folder / "programmes.csv").read_text(encoding="utf-8")
    assert programmes.isascii()
    (folder / "programmes.csv").write_bytes(programmes.encode("utf-16-le"))

    problems = refused(folder, db_url)

    assert problems == [
        Problem("departments.csv", 3, "", NUL),
        Problem("programmes.csv", 1, "", NUL),
    ]


def test_an_unreadable_file_does_not_hide_the_broken_rows_of_the_others(
    tmp_path: Path, db_url: str
) -> None:
    families = replace_line(
        "families.csv",
        3,
        "F2,it,bronshoj,c1,2010-03-01,2010-03-10,2010-04-01,2010-08-31,,2011-06-30,completed,x,y",
    )
    spend = replace_line("spend.csv", 2, "S1,it,2010-03-31,SOF,SOF,Lokal koordinering,nan,")
    # members.csv names family F9, which no file has: a rule across files,
    # left until every file can be read (F2 could be in the unread row).
    members = replace_line("members.csv", 2, "M1,F9,parent,1975,maybe")
    folder = make_bundle(tmp_path / "bundle", families=families, spend=spend, members=members)
    text = (folder / "departments.csv").read_text(encoding="utf-8")
    (folder / "departments.csv").write_bytes(text.encode("latin-1"))
    load_bundle(make_bundle(tmp_path / "earlier"), db_url)

    problems = refused(folder, db_url)

    # departments.csv line 3 is "BUF,Børne- og ...": ø is 0xf8 in Latin-1.
    assert [str(p) for p in problems] == [
        "departments.csv:3: not valid UTF-8 (byte 0xf8); save the file as UTF-8",
        "families.csv:3: row has 13 fields but the header has 12",
        "members.csv:2: employment_act: not true or false (also 1/0, ja/nej): 'maybe'",
        "spend.csv:2: amount_dkk: not a finite number: 'nan'",
    ]


def test_row_with_too_many_fields(tmp_path: Path, db_url: str) -> None:
    spend = replace_line("spend.csv", 3, "S2,it,2010-04-07,BIF,IM,Beskæftigelsestilbud,1723,50,F1")

    problems = refused(make_bundle(tmp_path / "bundle", spend=spend), db_url)

    assert problems == [Problem("spend.csv", 3, "", "row has 9 fields but the header has 8")]


def test_row_with_too_few_fields(tmp_path: Path, db_url: str) -> None:
    problems = refused(
        make_bundle(tmp_path / "bundle", departments=replace_line("departments.csv", 3, "BUF")),
        db_url,
    )

    assert problems == [Problem("departments.csv", 3, "", "row has 1 fields but the header has 3")]


def test_trailing_empty_fields_are_tolerated(tmp_path: Path, db_url: str) -> None:
    departments = replace_line(
        "departments.csv", 3, "BUF,Børne- og Ungdomsforvaltningen,forvaltning,,"
    )

    summary = load_bundle(make_bundle(tmp_path / "bundle", departments=departments), db_url)

    assert summary.rows["departments.csv"] == 4


def test_column_twice_in_the_header(tmp_path: Path, db_url: str) -> None:
    districts = """
        district_id,name,kind,name
        kk,Københavns Kommune,city,København
    """

    problems = refused(make_bundle(tmp_path / "bundle", districts=districts), db_url)

    assert problems == [Problem("districts.csv", 1, "name", "column appears twice in the header")]


@pytest.mark.parametrize(("separator", "said"), [(";", "';'"), ("\t", "tabs")])
def test_semicolon_or_tab_separated_file(
    separator: str, said: str, tmp_path: Path, db_url: str
) -> None:
    departments = "department_id;name;kind\nSOF;Socialforvaltningen;forvaltning"

    bundle = make_bundle(tmp_path / "bundle", departments=departments.replace(";", separator))
    problems = refused(bundle, db_url)

    message = f"separated by {said}: bundle files use ',' between values"
    assert problems == [Problem("departments.csv", 1, "", message)]


def test_folder_without_bundle_files(tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    # A near miss in name: "Families.CSV" is read as families.csv (tests/test_loader_names.py).
    (folder / "familier.csv").write_text("family_id\nF1\n", encoding="utf-8")

    assert refused(folder, db_url) == [
        Problem("downloads", 1, "", "no bundle files found (expected e.g. families.csv)")
    ]


def test_unreadable_zip(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"this is not a zip file")

    with pytest.raises(BundleRejected) as caught:
        read_bundle(archive)

    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.column) == ("bundle.zip", 1, "")
    assert problem.message.startswith("not a readable zip file")


def test_zip_with_two_copies_of_a_file(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a/users.csv", "email,role\n")
        zipped.writestr("b/users.csv", "email,role\n")

    with pytest.raises(BundleRejected) as caught:
        read_bundle(archive)

    assert caught.value.problems == [
        Problem("users.csv", 1, "", "found more than once in the zip: a/users.csv, b/users.csv")
    ]


def test_unreadable_workbook(tmp_path: Path) -> None:
    workbook = tmp_path / "bundle.xlsx"
    workbook.write_bytes(b"not a workbook")

    with pytest.raises(BundleRejected) as caught:
        read_bundle(workbook)

    [problem] = caught.value.problems
    assert (problem.file, problem.line) == ("bundle.xlsx", 1)
    assert problem.message.startswith("not a readable .xlsx workbook")


def test_other_file_types_are_no_bundle(tmp_path: Path) -> None:
    other = tmp_path / "bundle.txt"
    other.write_text("hello", encoding="utf-8")

    with pytest.raises(BundleRejected) as caught:
        read_bundle(other)

    assert caught.value.problems == [
        Problem("bundle.txt", 1, "", "not a bundle: expected a folder, a .zip or an .xlsx file")
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path, db_url: str) -> None:
    folder = make_bundle(
        tmp_path / "bundle",
        districts=replace_line("districts.csv", 4, "bronshoj,Brønshøj-Husum,town,kk"),
        families=replace_line("families.csv", 3, F2.replace("2010-08-31", "2010-03-01")),
        spend=append_lines(
            "spend.csv",
            "S1,it,2011-02-28,SOF,SOF,Lokal koordinering,100,",
            "S6,it,2011-02-28,SOF,SOF,Lokal koordinering,nan,F9",
        ),
        users=replace_line("users.csv", 2, "admin@demo.invalid,superuser,,"),
    )

    problems = refused(folder, db_url)

    assert [str(p) for p in problems] == [
        "districts.csv:4: kind: unknown kind 'town' (expected one of: city, bydel, boligomraade)",
        "families.csv:3: started_on: date is before approved_on (2010-03-01 < 2010-04-01)",
        "spend.csv:6: spend_id: duplicate spend_id 'S1' (first on line 2)",
        "spend.csv:7: amount_dkk: not a finite number: 'nan'",
        "spend.csv:7: family_id: unknown family 'F9' (not in families.csv or the database)",
        "users.csv:2: role: unknown role 'superuser' (expected one of: admin, steering, "
        "department_head, coordinator, viewer)",
    ]


# -- rules that involve what the database already holds -----------------------

#: A second programme with one family: required columns only.
P2 = {
    "programmes.csv": required_only(
        "programmes.csv", "p2,Intensiveret indsats,2012-01-01,2015-12-31"
    ),
    "families.csv": required_only("families.csv", "G1,p2,bronshoj,2012-02-01"),
}


def test_family_rows_must_come_with_their_family(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "first"), db_url)
    members_only = write_files(
        tmp_path / "second",
        {"members.csv": required_only("members.csv", "M6,F1,child")},
    )

    assert refused(members_only, db_url) == [
        Problem(
            "members.csv",
            2,
            "family_id",
            "family 'F1' is not in families.csv (a family's members, assessments, "
            "interventions and meetings are loaded together with the family)",
        )
    ]


def test_member_id_used_by_a_family_the_load_keeps(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "first"), db_url)
    second = write_files(
        tmp_path / "second",
        {**P2, "members.csv": required_only("members.csv", "M1,G1,parent")},
    )

    assert refused(second, db_url) == [
        Problem(
            "members.csv",
            2,
            "member_id",
            "member_id 'M1' is already used in the database by family 'F1', "
            "which this bundle does not replace",
        )
    ]


def test_spend_id_used_by_a_programme_the_load_keeps(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "first"), db_url)
    spend = required_only("spend.csv", "S1,p2,2012-03-31,SOF,SOF,Lokal koordinering,500000")
    second = write_files(tmp_path / "second", {**P2, "spend.csv": spend})

    assert refused(second, db_url) == [
        Problem(
            "spend.csv",
            2,
            "spend_id",
            "spend_id 'S1' is already used in the database by programme 'it', "
            "which this bundle does not replace",
        )
    ]


def test_spend_may_not_name_a_family_the_load_removes(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "first"), db_url)
    # Spend of programme 'it' replaces it's families too: F1 would be gone.
    spend = csv_text("spend.csv", "S2,it,2010-04-07,BIF,IM,Beskæftigelsestilbud,1723.50,F1")
    second = write_files(tmp_path / "second", {"spend.csv": spend})

    assert refused(second, db_url) == [
        Problem(
            "spend.csv",
            2,
            "family_id",
            "family 'F1' is not in families.csv, and this bundle replaces the families "
            "of programme 'it'",
        )
    ]


def test_removing_a_family_that_kept_spend_refers_to(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "first"), db_url)
    spend = csv_text("spend.csv", "T1,p2,2012-03-31,SOF,SOF,Lokal koordinering,500000,F1")
    load_bundle(write_files(tmp_path / "second", {**P2, "spend.csv": spend}), db_url)
    # A bundle naming programme 'it' without families would remove F1, which T1 needs.
    third = write_files(tmp_path / "third", {"programmes.csv": VALID_PROGRAMMES})

    assert refused(third, db_url) == [
        Problem(
            "families.csv",
            1,
            "family_id",
            "family 'F1' of programme 'it' is not in families.csv and would be removed, "
            "but spend 'T1' of programme 'p2' in the database refers to it",
        )
    ]


VALID_PROGRAMMES = csv_text(
    "programmes.csv", "it,Interventionsteam,2010-01-01,2011-12-31,30,0.6,6,12"
)


@pytest.mark.parametrize(
    "content", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"], ids=["zero", "bom", "blank"]
)
def test_an_empty_file_is_said_to_be_empty(tmp_path: Path, db_url: str, content: bytes) -> None:
    # Before: one "required column missing" per column of users.csv, which read
    # as a wrong header rather than a file with nothing in it.
    folder = make_bundle(tmp_path / "bundle")
    (folder / "users.csv").write_bytes(content)
    assert [str(p) for p in refused(folder, db_url)] == [
        "users.csv:1: empty file: expected a header row"
    ]
