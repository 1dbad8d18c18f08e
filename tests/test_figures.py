"""Every figure of kpis.md against small hand-made bundles, on SQLite and PostgreSQL.

Each test loads a bundle written here as CSV text with the real loader, and
every expected number is worked out by hand in the comment next to it.
Programme P1 runs 2010-2011 with 6 intensive and 12 course months; P2 (2012)
has no families. Districts: kk (city) > nb (Nørrebro), bh (Brønshøj-Husum) >
tb (Tingbjerg, a housing area inside bh).
"""

from __future__ import annotations

import math
from datetime import date

import pytest
from sqlalchemy import Engine

from data_access.db.engine import make_engine
from data_access.queries.figures import (
    FIGURE_IDS,
    STAGE_FIGURES,
    FigureValue,
    compute_figures,
    stage_counts,
)
from data_access.queries.outcomes import OUTCOME_FIGURES, outcome_results
from data_access.queries.programmes import data_as_of, list_programmes, programme_info
from data_access.queries.spend import BREAKDOWN_COLUMNS, spend_breakdown
from data_access.rules.access import SYSTEM, Scope
from data_access.rules.figures import FigureId
from tests.fixtures.bundles import Loader
from tests.fixtures.contexts import query_context

VIEWER = Scope(role="viewer")
DEPARTMENT_HEAD = Scope(role="department_head", department_id="SOF")
STEERING = Scope(role="steering")
COORDINATOR = Scope(role="coordinator", coordinator_id="C1")


def values(figures: dict[str, FigureValue]) -> dict[str, float | None]:
    return {key: f.value for key, f in figures.items()}


# --- stages ----------------------------------------------------------------

STAGE_FAMILIES = """
    F1,P1,nb,2010-01-10,,,2010-02-01,,,
    F2,P1,nb,2010-01-05,,,2010-03-15,,,
    F3,P1,nb,2009-11-01,,,2009-12-01,,,
    F4,P1,bh,2010-01-01,,,2010-02-01,2010-06-30,,
    F5,P1,bh,2009-11-01,,,2009-11-15,2010-07-01,,
    F6,P1,tb,2009-12-01,,,2010-01-01,,2010-06-30,completed
    F7,P1,tb,2009-12-01,,,2010-01-01,,2010-07-01,completed
    F8,P1,nb,2010-06-01,,,,,,
    F9,P1,nb,2010-05-01,2010-05-10,,,,,
    F10,P1,bh,2010-04-01,2010-04-10,2010-06-30,,,,
    F11,P1,nb,2010-07-01,,,,,,
    F12,P1,tb,2010-06-01,2010-07-01,,,,,
"""
D_STAGES = date(2010, 6, 30)


def test_stage_counts_follow_the_stage_rule(load: Loader) -> None:
    engine = load(families=STAGE_FAMILIES)
    counts = stage_counts(engine, query_context("P1", D_STAGES))
    # F6 ended_on == D -> ended. F7 ends 2010-07-01 (after D) -> still running.
    # F3 started 2009-12-01 + 6 months = 2010-06-01 <= D -> aftercare (default date).
    # F4 aftercare_on 2010-06-30 == D -> aftercare (given date).
    # F5 started 2009-11-15: default would be 2010-05-15, but aftercare_on 2010-07-01 > D
    #    -> intensive; F1, F2, F7 intensive too -> 4.
    # F10 approved on D -> approved. F9 investigation 2010-05-10 -> investigation.
    # F8 referred; F12 investigation only on 2010-07-01 (after D) -> referred -> 2.
    # F11 referred 2010-07-01, after D -> does not exist.
    assert counts == {
        "referred": 2,
        "investigation": 1,
        "approved": 1,
        "intensive": 4,
        "aftercare": 2,
        "ended": 1,
    }
    assert list(counts) == [
        "referred",
        "investigation",
        "approved",
        "intensive",
        "aftercare",
        "ended",
    ]


def test_stage_figures(load: Loader) -> None:
    engine = load(families=STAGE_FAMILIES)
    got = values(compute_figures(engine, query_context("P1", D_STAGES)))
    # Same families as above: active = intensive 4 + aftercare 2.
    assert got["active_families"] == 6
    assert got["intensive_families"] == 4
    assert got["aftercare_families"] == 2
    # referred 2 (F8, F12) + investigation 1 (F9) + approved 1 (F10).
    assert got["pipeline_families"] == 4
    assert got["ended_families"] == 1
    # Nobody started before 2009-06-30, so nobody is past 12 months.
    assert got["overdue_families"] == 0


def test_family_referred_after_report_date_does_not_exist(load: Loader) -> None:
    engine = load(families="F1,P1,nb,2010-07-01,,,2010-07-02,,,")
    # Referred 2010-07-01 > D 2010-06-30: not even "referred".
    assert set(stage_counts(engine, query_context("P1", D_STAGES)).values()) == {0}
    # On 2010-07-02 it has started -> intensive 1, active 1.
    got = values(compute_figures(engine, query_context("P1", date(2010, 7, 2))))
    assert got["intensive_families"] == 1
    assert got["active_families"] == 1


def test_aftercare_default_boundary(load: Loader) -> None:
    engine = load(families="F1,P1,nb,2010-08-01,,,2010-08-31,,,")
    # Started 31 Aug + 6 months = 28 Feb 2011 (no 31 Feb: clipped to the month's end).
    assert stage_counts(engine, query_context("P1", date(2011, 2, 27)))["intensive"] == 1
    assert stage_counts(engine, query_context("P1", date(2011, 2, 28)))["aftercare"] == 1


def test_overdue_boundary(load: Loader) -> None:
    engine = load(
        families="""
            F1,P1,nb,2010-01-01,,,2010-01-15,,,
            F2,P1,nb,2010-01-01,,,2010-01-15,,2011-01-10,completed
            F3,P1,nb,2010-01-01,,,2010-01-15,,2011-02-01,completed
        """
    )
    # course_due_on = 2010-01-15 + 12 months = 2011-01-15. D == due -> not overdue.
    assert (
        compute_figures(engine, query_context("P1", date(2011, 1, 15)))["overdue_families"].value
        == 0
    )
    # One day later: F1 and F3 (ends 2011-02-01, still active) are overdue;
    # F2 ended 2011-01-10 -> ended, never overdue -> 2.
    assert (
        compute_figures(engine, query_context("P1", date(2011, 1, 16)))["overdue_families"].value
        == 2
    )
    # On 2011-02-01 F3 has ended -> only F1 -> 1.
    assert (
        compute_figures(engine, query_context("P1", date(2011, 2, 1)))["overdue_families"].value
        == 1
    )


def test_target_active(load: Loader) -> None:
    engine = load()
    p1 = compute_figures(engine, query_context("P1", D_STAGES))
    # programmes.csv: P1 target_active_families 30; shown also as target of active_families.
    assert p1["target_active"].value == 30
    assert p1["active_families"].target == 30
    # P2 has an empty target -> no target set.
    assert (
        compute_figures(engine, query_context("P2", date(2012, 6, 30)))["target_active"].value
        is None
    )


# --- median days from referral to start ---------------------------------------


def test_median_days_to_start_odd_and_even(load: Loader) -> None:
    engine = load(
        families="""
            F4,P1,nb,2010-01-01,,,2010-02-10,,,
            F2,P1,nb,2010-01-01,,,2010-01-21,,,
            F1,P1,nb,2010-01-01,,,2010-01-11,,,
            F3,P1,nb,2010-01-01,,,2010-01-31,,2010-03-01,completed
            F5,P1,nb,2010-01-01,,,,,,
        """
    )
    # Days: F1 10, F2 20, F3 30 (ended still counts: it started), F4 40 (31 Jan days + 9).
    # F5 never started -> left out.
    # On 2010-02-09 F4 has not started: 10, 20, 30 -> median 20.
    median = compute_figures(engine, query_context("P1", date(2010, 2, 9)))["median_days_to_start"]
    assert median.value == 20
    assert median.denominator == 3
    # On 2010-03-01 all four: 10, 20, 30, 40 -> (20 + 30) / 2 = 25.
    assert (
        compute_figures(engine, query_context("P1", date(2010, 3, 1)))["median_days_to_start"].value
        == 25
    )


def test_median_days_with_repeated_day_counts(load: Loader) -> None:
    """Families share day counts: the median is read from counts per day count."""
    engine = load(
        families="""
            F1,P1,nb,2010-01-01,,,2010-01-11,,,
            F2,P1,nb,2010-01-01,,,2010-01-11,,,
            F3,P1,nb,2010-01-01,,,2010-01-11,,,
            F4,P1,nb,2010-01-01,,,2010-01-31,,,
            F5,P1,nb,2010-01-01,,,2010-01-31,,,
            F6,P1,nb,2010-01-01,,,2010-02-20,,,
        """
    )
    # By 25 Jan: 10, 10, 10 -> 10.
    assert (
        compute_figures(engine, query_context("P1", date(2010, 1, 25)))[
            "median_days_to_start"
        ].value
        == 10
    )
    # By 31 Jan: 10, 10, 10, 30, 30 -> the third of five: 10.
    assert (
        compute_figures(engine, query_context("P1", date(2010, 1, 31)))[
            "median_days_to_start"
        ].value
        == 10
    )
    # By 20 Feb: 10, 10, 10, 30, 30, 50 -> (third 10 + fourth 30) / 2 = 20.
    assert (
        compute_figures(engine, query_context("P1", date(2010, 2, 20)))[
            "median_days_to_start"
        ].value
        == 20
    )


def test_median_days_across_leap_day(load: Loader) -> None:
    engine = load(
        families="""
            F1,P1,nb,2012-02-28,,,2012-03-01,,,
            F2,P1,nb,2012-02-28,,,2012-03-02,,,
        """
    )
    # 28 Feb 2012 -> 1 Mar is 2 days (29 Feb exists), -> 2 Mar 3 days: median 2.5.
    assert (
        compute_figures(engine, query_context("P1", date(2012, 3, 31)))[
            "median_days_to_start"
        ].value
        == 2.5
    )


# --- improved share ---------------------------------------------------------------

IMPROVED_FAMILIES = """
    G1,P1,nb,2010-01-01,,,2010-02-01,,,
    G2,P1,nb,2010-01-01,,,2010-02-01,,,
    G3,P1,nb,2010-01-01,,,2010-02-01,,,
    G4,P1,nb,2010-01-01,,,2010-02-01,,,
    G5,P1,nb,2010-01-01,,,2010-02-01,,,
    G6,P1,nb,2010-01-01,,,2010-02-01,,,
    G7,P1,nb,2010-01-01,,,2010-02-01,,,
    G8,P1,nb,2010-01-01,,,,,,
    G9,P1,nb,2010-01-01,,,2010-02-01,,,
    G10,P1,nb,2010-01-01,,,2010-02-01,,2010-10-01,completed
"""
IMPROVED_MEMBERS = """
    G1c,G1,child
    G1p,G1,parent
    G2c,G2,child
    G3c,G3,child
    G4c1,G4,child
    G4c2,G4,child
    G5c1,G5,child
    G5c2,G5,child
    G6c,G6,child
    G7c,G7,child
    G8c,G8,child
    G9c1,G9,child
    G9c2,G9,child
    G10c,G10,child
"""
IMPROVED_ASSESSMENTS = """
    G1,G1c,2010-01-20,ssp_level,3
    G1,G1c,2010-11-01,ssp_level,1
    G1,,2010-11-01,parental_authority,2
    G2,G2c,2010-03-04,ssp_level,3
    G2,G2c,2010-10-01,ssp_level,3
    G3,G3c,2010-03-05,ssp_level,4
    G3,G3c,2010-10-01,ssp_level,1
    G4,G4c1,2010-02-01,ssp_level,4
    G4,G4c2,2010-02-01,ssp_level,2
    G4,G4c1,2010-09-01,ssp_level,2
    G5,G5c1,2010-02-01,ssp_level,3
    G5,G5c2,2010-02-10,ssp_level,4
    G5,G5c1,2010-09-01,ssp_level,1
    G6,G6c,2010-02-01,ssp_level,3
    G7,G7c,2010-02-01,ssp_level,3
    G7,G7c,2011-01-15,ssp_level,1
    G8,G8c,2010-01-05,ssp_level,3
    G8,G8c,2010-06-01,ssp_level,1
    G9,G9c1,2010-02-01,ssp_level,3
    G9,G9c2,2010-02-01,ssp_level,1
    G9,G9c1,2010-08-01,ssp_level,0
    G9,G9c2,2010-08-01,ssp_level,3
    G10,G10c,2010-02-01,ssp_level,2
    G10,G10c,2010-09-01,ssp_level,1
"""


def test_improved_share(load: Loader) -> None:
    engine = load(
        families=IMPROVED_FAMILIES, members=IMPROVED_MEMBERS, assessments=IMPROVED_ASSESSMENTS
    )
    # All started 2010-02-01 -> baseline window ends 2010-02-01 + 31 days = 2010-03-04.
    # G1  baseline 3 (before start counts), latest 1                  -> eligible, improved
    # G2  baseline on 2010-03-04 (last day of window) 3, latest 3      -> eligible, not improved
    # G3  first assessment 2010-03-05, one day too late                -> excluded
    # G4  baseline max(4, 2) = 4; c1 falls to 2, c2 keeps 2 -> max 2   -> eligible, improved
    # G5  baseline = level on first date 2010-02-01 = c1 only = 3;
    #     latest max(c1 1, c2 4) = 4                                   -> eligible, not improved
    # G6  no later assessment                                          -> excluded
    # G7  later assessment 2011-01-15 is after D                       -> excluded
    # G8  never started                                                -> excluded
    # G9  baseline max(3, 1) = 3; latest max(0, 3) = 3                 -> eligible, not improved
    # G10 ended 2010-10-01 but started <= D; 2 -> 1                    -> eligible, improved
    # eligible 6 (G1 G2 G4 G5 G9 G10), improved 3 (G1 G4 G10) -> 3/6 = 0.5, target 0.6.
    share = compute_figures(engine, query_context("P1", date(2010, 12, 31)))["improved_share"]
    assert share.value == 0.5
    assert (share.numerator, share.denominator) == (3, 6)
    assert share.target == 0.6
    assert share.display is None
    # On 2011-01-31 G7's 2011-01-15 assessment counts: 3 -> 1 -> eligible 7, improved 4.
    later = compute_figures(engine, query_context("P1", date(2011, 1, 31)))["improved_share"]
    assert (later.numerator, later.denominator) == (4, 7)
    assert later.value == pytest.approx(4 / 7)


def test_improved_share_ignores_assessments_after_report_date(load: Loader) -> None:
    engine = load(
        families=IMPROVED_FAMILIES, members=IMPROVED_MEMBERS, assessments=IMPROVED_ASSESSMENTS
    )
    # On 2010-08-31: G1 (2010-11-01), G2 (2010-10-01), G4 and G10 (2010-09-01) have no
    # later assessment yet -> excluded. G5 has one: c2's first, 2010-02-10, is after the
    # family's first date -> eligible, baseline 3 (c1 on 2010-02-01), latest max(c1 3,
    # c2 4) = 4 -> not improved. G9: 3 -> 3, not improved. eligible 2, improved 0 -> 0.0.
    share = compute_figures(engine, query_context("P1", date(2010, 8, 31)))["improved_share"]
    assert (share.numerator, share.denominator, share.value) == (0, 2, 0.0)


# --- self-supporting parents ------------------------------------------------------


def test_self_supporting_parents(load: Loader) -> None:
    engine = load(
        families="""
            H1,P1,nb,2010-01-01,,,2010-02-01,,,
            H2,P1,nb,2010-01-01,,,2010-02-01,,,
            H3,P1,nb,2010-01-01,,,2010-02-01,,2010-05-31,moved
            H4,P1,nb,2010-01-01,2010-01-02,2010-01-03,,,,
            H5,P1,nb,2010-01-01,,,2010-02-01,,,
        """,
        members="""
            p1,H1,parent
            p2,H1,parent
            c1,H1,child
            p3,H2,parent
            p4,H2,parent
            p5,H3,parent
            p6,H4,parent
            p7,H5,parent
        """,
        assessments="""
            H1,p1,2010-03-01,employment,0
            H1,p1,2010-06-01,employment,2
            H1,p2,2010-03-01,employment,2
            H1,p2,2010-06-15,employment,1
            H2,p3,2010-05-01,employment,2
            H2,p3,2010-07-01,employment,0
            H3,p5,2010-04-01,employment,2
            H4,p6,2010-04-01,employment,2
            H5,p7,2010-07-15,employment,2
        """,
    )
    # Active on 2010-06-30: H1, H2, H5 (H3 ended 2010-05-31, H4 not started).
    # p1 latest 2 (2010-06-01) -> yes; p2 latest 1 -> no;
    # p3 latest on/before D is 2 (the 0 comes 2010-07-01) -> yes;
    # p4 never assessed and p7 only after D -> not in the denominator.
    # 2 of 3 parents -> 2/3.
    share = compute_figures(engine, query_context("P1", D_STAGES))["self_supporting_parents"]
    assert (share.numerator, share.denominator) == (2, 3)
    assert share.value == pytest.approx(2 / 3)


# --- budget and spend --------------------------------------------------------------

BUDGET = """
    P1,2010,SOF,SOF,Koordinering,1000000
    P1,2010,BIF,IM,Beskæftigelse,600000
    P1,2010,BIF,BIF,Beskæftigelse,400000
    P1,2011,SOF,SOF,Koordinering,5000000
    P2,2010,SOF,SOF,Koordinering,999
"""
SPEND = """
    S1,P1,2010-01-15,SOF,SOF,Koordinering,300000
    S2,P1,2010-06-30,BIF,IM,Beskæftigelse,200000
    S3,P1,2010-07-01,SOF,SOF,Koordinering,50000
    S4,P1,2009-12-31,SOF,SOF,Koordinering,70000
    S5,P1,2010-03-01,SOF,SOF,Koordinering,-20000
    S6,P1,2010-04-01,BIF,BIF,Mentor,10000
    S7,P2,2010-02-01,SOF,SOF,Koordinering,5000
"""
# 2010-06-30 is day 31 + 28 + 31 + 30 + 31 + 30 = 181 of 365.
EXPECTED_2010_06_30 = 181 / 365


def test_budget_and_spend_figures(load: Loader) -> None:
    engine = load(budget=BUDGET, spend=SPEND)
    got = compute_figures(engine, query_context("P1", D_STAGES))
    # P1 2010: 1,000,000 + 600,000 + 400,000 (2011 row and P2 row left out).
    assert got["budget_year"].value == 2_000_000
    # S1 300,000 + S2 200,000 (booked on D) - S5 20,000 correction + S6 10,000 = 490,000;
    # S3 after D, S4 last year, S7 other programme.
    assert got["spent_ytd"].value == 490_000
    # 490,000 / 2,000,000.
    assert got["spent_share"].value == pytest.approx(0.245)
    assert got["expected_share"].value == pytest.approx(EXPECTED_2010_06_30)
    assert (got["expected_share"].numerator, got["expected_share"].denominator) == (181, 365)
    # 490,000 / (181/365) = 178,850,000 / 181.
    assert got["forecast_year"].value == pytest.approx(178_850_000 / 181)


def test_spend_on_first_of_january_counts_and_new_year_resets(load: Loader) -> None:
    engine = load(
        spend="""
            S1,P1,2010-12-31,SOF,SOF,Koordinering,100
            S2,P1,2011-01-01,SOF,SOF,Koordinering,7
        """
    )
    # On 2011-01-01 only S2 (booked on 1 January) -> 7; day 1 of 365.
    got = compute_figures(engine, query_context("P1", date(2011, 1, 1)))
    assert got["spent_ytd"].value == 7
    assert got["expected_share"].value == pytest.approx(1 / 365)
    assert got["forecast_year"].value == pytest.approx(7 * 365)


def test_year_without_budget(load: Loader) -> None:
    engine = load(budget=BUDGET, spend="S1,P1,2012-03-01,SOF,SOF,Koordinering,1000")
    got = compute_figures(engine, query_context("P1", date(2012, 6, 30)))
    # No budget rows for 2012: no budget, nothing to divide by.
    assert got["budget_year"].value is None
    assert got["spent_share"].value is None
    assert got["spent_ytd"].value == 1000
    # 2012-06-30 is day 182 of 366 -> forecast 1000 * 366 / 182.
    assert got["forecast_year"].value == pytest.approx(1000 * 366 / 182)


def test_zero_budget_gives_no_spent_share(load: Loader) -> None:
    engine = load(budget="P1,2010,SOF,SOF,Koordinering,0", spend=SPEND)
    got = compute_figures(engine, query_context("P1", D_STAGES))
    # Budget 0 -> division by zero -> not available.
    assert got["budget_year"].value == 0
    assert got["spent_share"].value is None


@pytest.mark.parametrize(
    ("as_of", "day", "days"),
    [
        # 31 Jan + 29 Feb -> day 60 of a leap year.
        (date(2012, 2, 29), 60, 366),
        (date(2012, 12, 31), 366, 366),
        (date(2010, 12, 31), 365, 365),
        (date(2012, 3, 1), 61, 366),
    ],
)
def test_expected_share_leap_years(load: Loader, as_of: date, day: int, days: int) -> None:
    engine = load()
    expected = compute_figures(engine, query_context("P1", as_of))["expected_share"]
    assert expected.value == pytest.approx(day / days)
    assert (expected.numerator, expected.denominator) == (day, days)


def test_spend_by_department(load: Loader) -> None:
    engine = load(budget=BUDGET, spend=SPEND)
    frame = spend_breakdown(engine, query_context("P1", D_STAGES), "department")
    assert list(frame.columns) == list(BREAKDOWN_COLUMNS)
    # BIF: budget 600,000 + 400,000; spent S2 200,000 + S6 10,000 = 210,000.
    # SOF: budget 1,000,000; spent S1 300,000 - S5 20,000 = 280,000.
    # Equal budgets -> by name: "Beskæftigelses..." before "Socialforvaltningen".
    assert list(frame["key"]) == ["BIF", "SOF"]
    assert list(frame["name"]) == [
        "Beskæftigelses- og Integrationsforvaltningen",
        "Socialforvaltningen",
    ]
    assert list(frame["budget_year"]) == [1_000_000, 1_000_000]
    assert list(frame["spent_ytd"]) == [210_000, 280_000]
    sof = frame.iloc[1]
    assert sof["spent_share"] == pytest.approx(0.28)
    assert sof["expected_share"] == pytest.approx(EXPECTED_2010_06_30)
    assert sof["forecast_year"] == pytest.approx(280_000 * 365 / 181)
    # 280,000 - 181/365 * 1,000,000.
    assert sof["variance_dkk"] == pytest.approx(280_000 - 181 / 365 * 1_000_000)
    assert sof["variance_share"] == pytest.approx(0.28 - 181 / 365)
    # The rows add up to the programme's totals.
    totals = compute_figures(engine, query_context("P1", D_STAGES))
    assert frame["budget_year"].sum() == totals["budget_year"].value
    assert frame["spent_ytd"].sum() == totals["spent_ytd"].value


def test_spend_by_funder(load: Loader) -> None:
    engine = load(budget=BUDGET, spend=SPEND)
    frame = spend_breakdown(engine, query_context("P1", D_STAGES), "funder")
    # SOF 1,000,000 / 280,000; IM 600,000 / 200,000; BIF 400,000 / 10,000 (largest budget first).
    assert list(frame["key"]) == ["SOF", "IM", "BIF"]
    assert list(frame["name"])[1] == "Integrationsministeriet"
    assert list(frame["budget_year"]) == [1_000_000, 600_000, 400_000]
    assert list(frame["spent_ytd"]) == [280_000, 200_000, 10_000]
    # IM: 200,000 / 600,000 = 1/3.
    assert frame.iloc[1]["spent_share"] == pytest.approx(1 / 3)


def test_spend_by_activity_with_unbudgeted_spend(load: Loader) -> None:
    engine = load(budget=BUDGET, spend=SPEND)
    frame = spend_breakdown(engine, query_context("P1", D_STAGES), "activity")
    # Beskæftigelse 1,000,000 / 200,000; Koordinering 1,000,000 / 280,000;
    # Mentor has spend (10,000) but no budget -> last, budget and shares NaN,
    # its whole spend is variance.
    assert list(frame["key"]) == ["Beskæftigelse", "Koordinering", "Mentor"]
    assert list(frame["name"]) == ["Beskæftigelse", "Koordinering", "Mentor"]
    assert list(frame["spent_ytd"]) == [200_000, 280_000, 10_000]
    mentor = frame.iloc[2]
    assert math.isnan(mentor["budget_year"])
    assert math.isnan(mentor["spent_share"])
    assert math.isnan(mentor["variance_share"])
    assert mentor["variance_dkk"] == 10_000
    assert mentor["forecast_year"] == pytest.approx(10_000 * 365 / 181)


def test_spend_by_with_budget_but_no_spend(load: Loader) -> None:
    engine = load(budget=BUDGET)
    frame = spend_breakdown(engine, query_context("P1", D_STAGES), "department")
    # Nothing booked: spent 0, share 0, variance = -181/365 of the budget.
    assert list(frame["spent_ytd"]) == [0, 0]
    assert list(frame["spent_share"]) == [0, 0]
    assert frame.iloc[0]["variance_dkk"] == pytest.approx(-181 / 365 * 1_000_000)


def test_spend_by_empty(load: Loader) -> None:
    engine = load()
    frame = spend_breakdown(engine, query_context("P2", date(2012, 6, 30), scope=VIEWER), "funder")
    assert frame.empty
    assert list(frame.columns) == list(BREAKDOWN_COLUMNS)


# --- cost per family-month ---------------------------------------------------------


def test_cost_per_family_month(load: Loader) -> None:
    engine = load(
        families="""
            K1,P1,nb,2010-01-01,,,2010-01-10,,,
            K2,P1,nb,2010-01-01,,,2010-02-01,,2010-03-01,dropped_out
            K3,P1,nb,2010-01-01,,,2010-03-15,,,
            K4,P1,nb,2009-05-01,,,2009-06-01,,2010-01-31,completed
            K5,P1,bh,2010-01-01,,,2010-02-15,,,
            K6,P1,bh,2010-01-01,,,,,,
        """,
        spend="""
            S1,P1,2010-01-20,SOF,SOF,Koordinering,50000
            S2,P1,2010-03-10,SOF,SOF,Koordinering,20000
        """,
    )
    # Month ends 31 Jan, 28 Feb and D = 15 Mar:
    # K1 active on all three -> 3; K2 active 28 Feb only (ended 1 Mar) -> 1;
    # K3 started on D -> 1; K4 ended 31 Jan -> 0; K5 28 Feb and 15 Mar -> 2;
    # K6 never started -> 0.  Family-months = 7; spent 70,000 -> 10,000.
    cost = compute_figures(engine, query_context("P1", date(2010, 3, 15)))["cost_per_family_month"]
    assert cost.denominator == 7
    assert cost.numerator == 70_000
    assert cost.value == pytest.approx(10_000)
    # Programme-wide even with a district filter: spend has no district.
    in_nb = compute_figures(engine, query_context("P1", date(2010, 3, 15), district_id="nb"))
    assert in_nb["cost_per_family_month"].value == pytest.approx(10_000)
    # D = 2010-01-20 counts only D's own month, on D: K1 (started 10 Jan) and K4
    # (ends 31 Jan) are active -> 2 family-months; spent S1 50,000 (booked on D) -> 25,000.
    jan = compute_figures(engine, query_context("P1", date(2010, 1, 20)))["cost_per_family_month"]
    assert jan.denominator == 2
    assert jan.value == pytest.approx(25_000)


def test_cost_per_family_month_without_families(load: Loader) -> None:
    engine = load(spend="S1,P2,2012-02-01,SOF,SOF,Koordinering,5000")
    cost = compute_figures(engine, query_context("P2", date(2012, 6, 30)))["cost_per_family_month"]
    # No active family in any month -> family-months 0 -> not shown.
    assert cost.denominator == 0
    assert cost.value is None


# --- district filter ----------------------------------------------------------------


def test_district_filter(load: Loader) -> None:
    engine = load(families=STAGE_FAMILIES, budget=BUDGET, spend=SPEND)
    # nb: F1, F2 intensive; F3 aftercare; F8 referred, F9 investigation; F11 not yet.
    nb = values(compute_figures(engine, query_context("P1", D_STAGES, district_id="nb")))
    assert nb["active_families"] == 3
    assert nb["intensive_families"] == 2
    assert nb["aftercare_families"] == 1
    assert nb["pipeline_families"] == 2
    assert nb["ended_families"] == 0
    # bh includes its housing area tb: F4 aftercare, F5 intensive, F10 approved (bh);
    # F6 ended, F7 intensive, F12 referred (tb).
    bh = stage_counts(engine, query_context("P1", D_STAGES, district_id="bh"))
    assert bh == {
        "referred": 1,
        "investigation": 0,
        "approved": 1,
        "intensive": 2,
        "aftercare": 1,
        "ended": 1,
    }
    # tb alone: F6 ended, F7 intensive, F12 referred.
    tb = stage_counts(engine, query_context("P1", D_STAGES, district_id="tb"))
    assert (tb["ended"], tb["intensive"], tb["referred"]) == (1, 1, 1)
    # The city is everything: active 6 as without a filter.
    assert (
        compute_figures(engine, query_context("P1", D_STAGES, district_id="kk"))[
            "active_families"
        ].value
        == 6
    )
    # Money is programme-wide: same budget and spend in any district.
    assert nb["budget_year"] == 2_000_000
    assert nb["spent_ytd"] == 490_000


def test_district_filter_on_median_and_shares(load: Loader) -> None:
    engine = load(
        families="""
            F1,P1,nb,2010-01-01,,,2010-01-11,,,
            F2,P1,bh,2010-01-01,,,2010-01-31,,,
        """,
        members="""
            F1c,F1,child
            F1p,F1,parent
            F2c,F2,child
            F2p,F2,parent
        """,
        assessments="""
            F1,F1c,2010-01-11,ssp_level,3
            F1,F1c,2010-05-01,ssp_level,2
            F2,F2c,2010-01-31,ssp_level,3
            F2,F2c,2010-05-01,ssp_level,3
            F1,F1p,2010-05-01,employment,2
            F2,F2p,2010-05-01,employment,0
        """,
    )
    nb = compute_figures(engine, query_context("P1", D_STAGES, district_id="nb"))
    # Only F1: waited 10 days, improved 3 -> 2, its parent self-supporting.
    assert nb["median_days_to_start"].value == 10
    assert (nb["improved_share"].numerator, nb["improved_share"].denominator) == (1, 1)
    assert nb["self_supporting_parents"].value == 1.0
    whole = compute_figures(engine, query_context("P1", D_STAGES))
    # Both: median (10 + 30) / 2 = 20; improved 1 of 2; self-supporting 1 of 2.
    assert whole["median_days_to_start"].value == 20
    assert whole["improved_share"].value == 0.5
    assert whole["self_supporting_parents"].value == 0.5


# --- empty programme ----------------------------------------------------------------


def test_programme_without_families(load: Loader) -> None:
    engine = load(families=STAGE_FAMILIES, budget=BUDGET, spend=SPEND)
    got = compute_figures(engine, query_context("P2", date(2012, 6, 30)))
    assert list(got) == list(FIGURE_IDS)
    for figure_id in STAGE_FIGURES:
        assert got[figure_id].value == 0, figure_id
        assert got[figure_id].display is None
    for name in ("median_days_to_start", "improved_share", "self_supporting_parents"):
        assert got[name].value is None, name
    # P2 has no target and no 2012 budget; nothing spent.
    assert got["target_active"].value is None
    assert got["budget_year"].value is None
    assert got["spent_ytd"].value == 0
    assert got["spent_share"].value is None
    assert got["forecast_year"].value == 0
    assert got["cost_per_family_month"].value is None


def test_unknown_programme(load: Loader) -> None:
    engine = load()
    with pytest.raises(KeyError):
        compute_figures(engine, query_context("NOPE", D_STAGES))
    with pytest.raises(KeyError):
        programme_info(engine, "NOPE")


# --- disclosure ----------------------------------------------------------------------

SMALL_FAMILIES = """
    A1,P1,nb,2010-04-01,,,2010-05-01,,,
    A2,P1,nb,2010-04-01,,,2010-05-01,,,
    A3,P1,nb,2010-04-01,,,2010-05-11,,,
    E1,P1,nb,2010-01-01,,,2010-02-01,,2010-06-01,completed
    R1,P1,nb,2010-06-01,,,,,,
    R2,P1,nb,2010-06-01,,,,,,
    R3,P1,nb,2010-06-01,,,,,,
    R4,P1,nb,2010-06-01,,,,,,
    R5,P1,nb,2010-06-01,,,,,,
"""
SMALL_MEMBERS = """
    A1c,A1,child
    A2c,A2,child
    A3c,A3,child
    A1p1,A1,parent
    A1p2,A1,parent
    A2p1,A2,parent
    A2p2,A2,parent
    A3p1,A3,parent
"""
SMALL_ASSESSMENTS = """
    A1,A1c,2010-05-01,ssp_level,3
    A1,A1c,2010-06-01,ssp_level,1
    A2,A2c,2010-05-01,ssp_level,3
    A2,A2c,2010-06-01,ssp_level,1
    A3,A3c,2010-05-11,ssp_level,3
    A3,A3c,2010-06-01,ssp_level,1
    A1,A1p1,2010-06-01,employment,2
    A1,A1p2,2010-06-01,employment,0
    A2,A2p1,2010-06-01,employment,2
    A2,A2p2,2010-06-01,employment,1
    A3,A3p1,2010-06-01,employment,0
"""


def _small(load: Loader) -> Engine:
    return load(families=SMALL_FAMILIES, members=SMALL_MEMBERS, assessments=SMALL_ASSESSMENTS)


@pytest.mark.parametrize("scope", [VIEWER, DEPARTMENT_HEAD], ids=["viewer", "department_head"])
def test_disclosure_for_suppressed_roles(load: Loader, scope: Scope) -> None:
    engine = load(
        families=SMALL_FAMILIES,
        members=SMALL_MEMBERS,
        assessments=SMALL_ASSESSMENTS,
        budget=BUDGET,
        spend=SPEND,
    )
    got = compute_figures(engine, query_context("P1", D_STAGES, scope=scope))
    # On 2010-06-30: A1-A3 intensive (3), E1 ended (1), R1-R5 referred (5), no aftercare.
    assert (got["active_families"].value, got["active_families"].display) == (None, "<5")
    assert (got["intensive_families"].value, got["intensive_families"].display) == (None, "<5")
    assert (got["ended_families"].value, got["ended_families"].display) == (None, "<5")
    # 0 reads "<5" like 1-4 (so "<5" never says "at least 1"); 5 is shown exactly.
    assert (got["aftercare_families"].value, got["aftercare_families"].display) == (None, "<5")
    assert (got["overdue_families"].value, got["overdue_families"].display) == (None, "<5")
    assert (got["pipeline_families"].value, got["pipeline_families"].display) == (5, None)
    # Improved: eligible A1-A3 (3 < 5 families) -> withheld, parts hidden too.
    improved = got["improved_share"]
    assert (improved.value, improved.display) == (None, "withheld")
    assert (improved.numerator, improved.denominator) == (None, None)
    assert improved.target == 0.6
    # Median over 4 started families (A1-A3, E1) -> withheld.
    median = got["median_days_to_start"]
    assert (median.value, median.display, median.denominator) == (None, "withheld", None)
    # Parents with employment in active families: A1p1, A1p2, A2p1, A2p2, A3p1 = 5,
    # 2 of them self-supporting: a share 2/5 would give back the 2, so it is withheld.
    parents = got["self_supporting_parents"]
    assert (parents.value, parents.display) == (None, "withheld")
    assert (parents.numerator, parents.denominator) == (None, 5)
    # Money and plan figures are not about people: unchanged.
    assert got["budget_year"].value == 2_000_000
    assert got["spent_ytd"].value == 490_000
    assert got["target_active"].value == 30
    counts = stage_counts(engine, query_context("P1", D_STAGES, scope=scope))
    assert counts == {
        "referred": 5,
        "investigation": "<5",
        "approved": "<5",
        "intensive": "<5",
        "aftercare": "<5",
        "ended": "<5",
    }


@pytest.mark.parametrize(
    "scope", [SYSTEM, STEERING, COORDINATOR], ids=["admin", "steering", "coordinator"]
)
def test_exact_for_other_roles(load: Loader, scope: Scope) -> None:
    engine = _small(load)
    got = compute_figures(engine, query_context("P1", D_STAGES, scope=scope))
    # Same bundle: active 3, ended 1 exact.
    assert (got["active_families"].value, got["active_families"].display) == (3, None)
    assert got["ended_families"].value == 1
    # Improved 3 of 3; A1, A2 waited 30 days, A3 40 days, E1 31 days -> 30, 30, 31, 40 -> 30.5.
    assert got["improved_share"].value == 1.0
    assert (got["improved_share"].numerator, got["improved_share"].denominator) == (3, 3)
    assert got["median_days_to_start"].value == 30.5
    assert got["self_supporting_parents"].numerator == 2
    assert stage_counts(engine, query_context("P1", D_STAGES, scope=scope))["intensive"] == 3


def test_viewer_share_on_zero_families_is_withheld_like_a_small_one(load: Loader) -> None:
    engine = load()
    got = compute_figures(engine, query_context("P2", date(2012, 6, 30), scope=VIEWER))
    # A base of 0 reads like a base of 1-4: withheld, and the counts 0 read "<5",
    # so the empty programme cannot be told from one with a few families.
    assert (got["improved_share"].value, got["improved_share"].display) == (None, "withheld")
    assert (got["active_families"].value, got["active_families"].display) == (None, "<5")
    exact = compute_figures(engine, query_context("P2", date(2012, 6, 30), scope=SYSTEM))
    assert (exact["improved_share"].value, exact["improved_share"].display) == (None, None)
    assert (exact["active_families"].value, exact["active_families"].display) == (0, None)


def test_viewer_share_that_gives_back_a_small_count_is_withheld(load: Loader) -> None:
    engine = load(
        families="""
            A1,P1,nb,2010-01-01,,,2010-02-01,,,
            A2,P1,nb,2010-01-01,,,2010-02-01,,,
            A3,P1,nb,2010-01-01,,,2010-02-01,,,
            A4,P1,nb,2010-01-01,,,2010-02-01,,,
            A5,P1,nb,2010-01-01,,,2010-02-01,,,
        """,
        members="""
            A1c,A1,child
            A2c,A2,child
            A3c,A3,child
            A4c,A4,child
            A5c,A5,child
        """,
        assessments="""
            A1,A1c,2010-02-01,ssp_level,3
            A2,A2c,2010-02-01,ssp_level,3
            A3,A3c,2010-02-01,ssp_level,3
            A4,A4c,2010-02-01,ssp_level,3
            A5,A5c,2010-02-01,ssp_level,3
            A1,A1c,2010-06-01,ssp_level,1
            A2,A2c,2010-06-01,ssp_level,1
            A3,A3c,2010-06-01,ssp_level,1
            A4,A4c,2010-06-01,ssp_level,1
            A5,A5c,2010-06-01,ssp_level,3
        """,
    )
    got = compute_figures(engine, query_context("P1", D_STAGES, scope=VIEWER))
    # 5 eligible families, A1-A4 improved: 4/5 would give back the 4 (and 1 not
    # improved), so the share is withheld; active 5 is shown (5-7 read 5).
    assert (got["improved_share"].value, got["improved_share"].display) == (None, "withheld")
    assert (got["improved_share"].numerator, got["improved_share"].denominator) == (None, 5)
    assert got["active_families"].value == 5
    # All waited 31 days -> median 31, on 5 families -> shown.
    assert got["median_days_to_start"].value == 31


# --- programmes and data date -----------------------------------------------------------


def test_programmes(load: Loader) -> None:
    engine = load()
    # Newest first: P2 starts 2012, P1 2010.
    assert [p.programme_id for p in list_programmes(engine)] == ["P2", "P1"]
    p1 = programme_info(engine, "P1")
    assert p1.name == "Interventionsteam"
    assert (p1.starts_on, p1.ends_on) == (date(2010, 1, 1), date(2011, 12, 31))
    assert (p1.target_active_families, p1.target_improved_share) == (30, 0.6)
    assert (p1.intensive_months, p1.course_months) == (6, 12)
    # P2 leaves the months empty -> defaults 6 and 12; no targets.
    p2 = programme_info(engine, "P2")
    assert (p2.intensive_months, p2.course_months) == (6, 12)
    assert (p2.target_active_families, p2.target_improved_share) == (None, None)


def test_data_as_of(load: Loader, db_url: str) -> None:
    empty = make_engine(db_url)
    try:
        assert data_as_of(empty) is None
    finally:
        empty.dispose()
    engine = load(
        families="F1,P1,nb,2010-01-01,,,2010-02-01,,2010-09-01,completed",
        members="F1c,F1,child",
        assessments="F1,F1c,2010-10-01,ssp_level,2",
        meetings="M1,F1,2010-11-05,coordination,SOF",
        spend="S1,P1,2010-08-01,SOF,SOF,Koordinering,100",
    )
    # Newest of ended 2010-09-01, assessment 2010-10-01, meeting 2010-11-05, spend 2010-08-01.
    # (course_due_on 2011-02-01 is a plan, not data.)
    assert data_as_of(engine) == date(2010, 11, 5)


def test_each_figure_asked_alone_is_the_figure_of_the_whole_set(demo_db_url: str) -> None:
    """Pages ask only for the figures they show (FIGURE_PASSES); none may come out different."""
    engine = make_engine(demo_db_url, read_only=True)
    try:
        day = date(2011, 6, 30)
        whole = compute_figures(engine, query_context("interventionsteam", day))
        # Every figure has a value on the demo, so a pass left out would show.
        assert [f for f, v in whole.items() if v.value is None] == []
        for figure_id in FIGURE_IDS:
            alone = compute_figures(
                engine, query_context("interventionsteam", day), figure_ids=(figure_id,)
            )
            assert alone == {figure_id: whole[figure_id]}, figure_id
        for district in (None, "norrebro", "tingbjerg"):
            expected = compute_figures(
                engine,
                query_context("interventionsteam", day, district_id=district),
                figure_ids=OUTCOME_FIGURES,
            )
            results = outcome_results(
                engine, query_context("interventionsteam", day, district_id=district)
            )
            assert results.figures == expected, district
        spend = (
            FigureId.BUDGET_YEAR,
            FigureId.SPENT_YTD,
            FigureId.SPENT_SHARE,
            FigureId.FORECAST_YEAR,
        )
        assert compute_figures(
            engine, query_context("interventionsteam", day), figure_ids=spend
        ) == {figure_id: whole[figure_id] for figure_id in spend}
    finally:
        engine.dispose()
