"""Stored per-family course-month sums and the course-month chart read from them.

Hand-made bundle (both backends); every expected number is worked out in
the comments. A report date inside a family-month must leave out that
month's later assessments, so the chart is checked on such a date too.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from data_access.outcomes import course_month_series
from data_access.schema import family_course_months
from tests.hand_bundle import Loader

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
    series = course_month_series(engine, "P1", date(2010, 2, 15), "school_attendance")
    assert list(series["course_month"]) == [0, 1]
    assert list(series["value"]) == pytest.approx([80.0, 60.0])
    assert list(series["families"]) == [1, 2]


def test_chart_after_every_assessment(engine: Engine) -> None:
    # 31 Mar: F1 month 1 = (80 + 60 + 50) / 3 = 63.33; with F2's 40: 51.67.
    series = course_month_series(engine, "P1", date(2010, 3, 31), "school_attendance")
    assert list(series["value"]) == pytest.approx([80.0, (190 / 3 + 40) / 2])
    employment = course_month_series(engine, "P1", date(2010, 3, 31), "employment")
    # One of F1's two assessed parents self-supporting in month 1.
    assert list(employment["course_month"]) == [1]
    assert list(employment["value"]) == pytest.approx([0.5])
    assert list(employment["families"]) == [1]
