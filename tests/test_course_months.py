"""Stored per-family course-month sums and the course-month chart read from them.

Hand-made bundle (both backends); every expected number is worked out in
the comments. A report date inside a family-month must leave out that
month's later assessments, so the chart is checked on such a date too.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from data_access.db.schema import course_month_totals, family_course_months
from data_access.queries.outcomes import course_month_series
from tests.fixtures.bundles import Loader
from tests.fixtures.contexts import query_context

FAMILIES = """
    F1,P1,nb,2010-01-01,,,2010-01-05,,,
    F2,P1,nb,2010-01-01,,,2010-01-10,,,
"""
MEMBERS = """
    F1a,F1,child
    F1b,F1,child
    F1p,F1,parent
    F1q,F1,parent
    F2a,F2,child
"""
# F1 started 5 Jan: 2 Jan (before the start) and 20 Jan are month 0; 10 Feb,
# 20 Feb and 4 Mar (the 5th not yet come round) are month 1.
# F2 started 10 Jan: 15 Feb is month 1.
ASSESSMENTS = """
    F1,F1a,2010-01-02,school_attendance,90
    F1,F1a,2010-01-20,school_attendance,70
    F1,F1b,2010-02-10,school_attendance,80
    F1,F1b,2010-02-20,school_attendance,60
    F1,F1a,2010-03-04,school_attendance,50
    F1,F1p,2010-02-10,employment,2
    F1,F1q,2010-02-10,employment,0
    F2,F2a,2010-02-15,school_attendance,40
"""


def with_values(series: pd.DataFrame) -> pd.DataFrame:
    """The points that rest on a family: the series has every course month up to D.

    P1 began on 1 January 2010, so on 31 March two whole months have passed
    and months 0-2 are drawn, whether a family has a value on them or not.
    """
    return series[series["families"] != 0]


@pytest.fixture
def engine(load: Loader) -> Engine:
    return load(families=FAMILIES, members=MEMBERS, assessments=ASSESSMENTS)


def test_sums_per_family_measure_and_course_month(engine: Engine) -> None:
    m = family_course_months.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                m.family_id, m.measure, m.course_month, m.first_on, m.last_on, m.total, m.n
            ).order_by(m.family_id, m.measure, m.course_month)
        ).all()
    assert [tuple(row) for row in rows] == [
        # employment: 1 for self-supporting (F1p), 0 for F1q.
        ("F1", "employment", 1, date(2010, 2, 10), date(2010, 2, 10), 1.0, 2),
        ("F1", "school_attendance", 0, date(2010, 1, 2), date(2010, 1, 20), 160.0, 2),
        ("F1", "school_attendance", 1, date(2010, 2, 10), date(2010, 3, 4), 190.0, 3),
        ("F2", "school_attendance", 1, date(2010, 2, 15), date(2010, 2, 15), 40.0, 1),
    ]


def test_chart_on_a_date_inside_a_family_month(engine: Engine) -> None:
    # 15 Feb: F1 month 0 = (90 + 70) / 2 = 80; F1 month 1 has only 10 Feb's 80
    # so far; F2 month 1 = 40. Month 1: (80 + 40) / 2 = 60 on 2 families.
    series = course_month_series(
        engine, query_context("P1", date(2010, 2, 15)), "school_attendance"
    )
    assert list(series["course_month"]) == [0, 1]
    assert list(series["value"]) == pytest.approx([80.0, 60.0])
    assert list(series["families"]) == [1, 2]


def test_chart_after_every_assessment(engine: Engine) -> None:
    # 31 Mar: F1 month 1 = (80 + 60 + 50) / 3 = 63.33; with F2's 40: 51.67.
    series = course_month_series(
        engine, query_context("P1", date(2010, 3, 31)), "school_attendance"
    )
    assert list(series["course_month"]) == [0, 1, 2]
    assert list(series["families"]) == [1, 2, 0]
    assert list(with_values(series)["value"]) == pytest.approx([80.0, (190 / 3 + 40) / 2])
    employment = course_month_series(engine, query_context("P1", date(2010, 3, 31)), "employment")
    # One of F1's two assessed parents self-supporting in month 1.
    employment = with_values(employment)
    assert list(employment["course_month"]) == [1]
    assert list(employment["value"]) == pytest.approx([0.5])
    assert list(employment["families"]) == [1]


def test_totals_per_month_each_family_month_became_complete(engine: Engine) -> None:
    t = course_month_totals.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                t.programme_id,
                t.district_id,
                t.measure,
                t.course_month,
                t.month,
                t.families,
                t.total,
            ).order_by(t.measure, t.course_month, t.month)
        ).all()
    jan, feb, mar = 2010 * 12 + 1, 2010 * 12 + 2, 2010 * 12 + 3
    assert [tuple(row[:6]) for row in rows] == [
        # F1's parents on 10 Feb: (1 + 0) / 2.
        ("P1", "nb", "employment", 1, feb, 1),
        # F1 month 0, complete on 20 Jan.
        ("P1", "nb", "school_attendance", 0, jan, 1),
        # F2 month 1, complete on 15 Feb; F1 month 1 on 4 Mar.
        ("P1", "nb", "school_attendance", 1, feb, 1),
        ("P1", "nb", "school_attendance", 1, mar, 1),
    ]
    assert [row[6] for row in rows] == pytest.approx([0.5, 80.0, 40.0, 190 / 3])


def test_chart_months_after_the_last_assessment(engine: Engine) -> None:
    # 30 Jun: every family-month comes from the totals; the same as on 31 Mar.
    series = course_month_series(
        engine, query_context("P1", date(2010, 6, 30)), "school_attendance"
    )
    # Months 0-5 are drawn (30 June is five whole months after 1 January).
    assert list(series["course_month"]) == [0, 1, 2, 3, 4, 5]
    series = with_values(series)
    assert list(series["value"]) == pytest.approx([80.0, (190 / 3 + 40) / 2])
    assert list(series["families"]) == [1, 2]


def test_a_family_month_before_the_start_counts_from_the_start(load: Loader) -> None:
    # G1 is assessed at intake on 25 Feb and starts on 20 Mar: its month 0
    # counts from 20 Mar. F1 (started 5 Jan) was assessed on 20 Jan.
    engine = load(
        families="""
            F1,P1,nb,2010-01-01,,,2010-01-05,,,
            G1,P1,nb,2010-02-01,,,2010-03-20,,,
        """,
        members="F1a,F1,child\nG1a,G1,child",
        assessments="""
            F1,F1a,2010-01-20,school_attendance,90
            G1,G1a,2010-02-25,school_attendance,50
        """,
    )
    t = course_month_totals.c
    with engine.connect() as conn:
        months = conn.execute(select(t.month).order_by(t.month)).scalars().all()
    assert months == [2010 * 12 + 1, 2010 * 12 + 3]
    # 10 Mar: G1 has not started, so month 0 is F1's 90 alone.
    before = course_month_series(
        engine, query_context("P1", date(2010, 3, 10)), "school_attendance"
    )
    before = with_values(before)
    assert (list(before["value"]), list(before["families"])) == ([90.0], [1])
    # 20 Mar (within the month) and 30 Apr (from the totals): (90 + 50) / 2.
    for as_of in (date(2010, 3, 20), date(2010, 4, 30)):
        after = course_month_series(engine, query_context("P1", as_of), "school_attendance")
        after = with_values(after)
        assert (list(after["value"]), list(after["families"])) == ([70.0], [2]), as_of


def test_loading_another_programme_keeps_the_totals_it_does_not_touch(
    engine: Engine, load: Loader
) -> None:
    load(
        programmes="P2,Andet program,2012-01-01,2012-12-31,,,,",
        families="G1,P2,tb,2012-01-01,,,2012-01-02,,,",
        members="G1a,G1,child",
        assessments="G1,G1a,2012-01-10,school_attendance,75",
    )
    t = course_month_totals.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.programme_id, t.district_id, t.month, t.families).order_by(
                t.programme_id, t.measure, t.course_month, t.month
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        ("P1", "nb", 2010 * 12 + 2, 1),
        ("P1", "nb", 2010 * 12 + 1, 1),
        ("P1", "nb", 2010 * 12 + 2, 1),
        ("P1", "nb", 2010 * 12 + 3, 1),
        ("P2", "tb", 2012 * 12 + 1, 1),
    ]


def test_an_open_course_month_keeps_its_intake_assessments(load: Loader) -> None:
    # H1 is assessed at intake on 1 Jan, starts on 10 Mar and is assessed on
    # 15 and 30 Mar: all three are month 0 (1 Jan - 30 Mar).
    engine = load(
        families="H1,P1,nb,2010-01-01,,,2010-03-10,,,",
        members="H1a,H1,child",
        assessments="""
            H1,H1a,2010-01-01,school_attendance,90
            H1,H1a,2010-03-15,school_attendance,50
            H1,H1a,2010-03-30,school_attendance,70
        """,
    )
    # 20 Mar lies inside month 0: its assessments so far are 90 and 50 -> 70.
    series = course_month_series(
        engine, query_context("P1", date(2010, 3, 20)), "school_attendance"
    )
    assert list(with_values(series)["value"]) == pytest.approx([70.0])
    # 12 Mar: the intake's 90 alone.
    early = course_month_series(engine, query_context("P1", date(2010, 3, 12)), "school_attendance")
    assert list(with_values(early)["value"]) == pytest.approx([90.0])
