"""Rows that appeared only once a district had a family: a leak, closed 7 December 2026.

The bundle: programme P (2011) in the city kk; district B holds 10 families
referred on 10 January, and bydel N's four areas A1-A4 get their first
family each on 10 March. March's referrals read `<5` (4), the programme's
referred families 10 (10) in February and 15 (14) in March.

The Visitation funnel used to have a row for a district only when a family
registered on it was referred by D: on 28 February none for A1-A4, on
31 March one each. So each area had 0 by February and at least 1 by March,
and March's 4 referrals (at most 4) left exactly 1 for each: four `<5`
worked out. Now every district with a family of the programme has its
rows on every date (`intake_funnel`), the course chart draws every course
month the period allows by D, and the audit (`seen_numbers`) reads what
is shown and what is missing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard.disclosure_audit import Audit, collect
from data_access.bundle.loader import load_bundle
from data_access.db.engine import make_engine
from tests.fixtures.bundles import write_bundle

WITHOUT = {
    "programmes.csv": ("target_improved_share", "intensive_months", "course_months"),
    "families.csv": ("coordinator_id", "single_parent"),
}
DAYS = [date(2011, 1, 31), date(2011, 2, 28), date(2011, 3, 31)]


def _bundle() -> dict[str, str]:
    rows = [f"B{n},P,B,2011-01-10,,,,,,," for n in range(1, 11)]
    rows += [f"A{n},P,A{n},2011-03-10,,,,,,," for n in range(1, 5)]
    return {
        "districts.csv": """
            kk,København,city,
            B,Distrikt B,bydel,kk
            N,Distrikt N,bydel,kk
            A1,Område 1,boligomraade,N
            A2,Område 2,boligomraade,N
            A3,Område 3,boligomraade,N
            A4,Område 4,boligomraade,N
        """,
        "departments.csv": "SOF,Socialforvaltningen,forvaltning",
        "programmes.csv": "P,Pilot,2011-01-01,2011-12-31,12",
        "families.csv": "\n".join(rows),
    }


def viewer_audit(url: str) -> Audit:
    """What the viewer is shown of programme P on DAYS, as the attacker audit reads it."""
    engine = make_engine(url)
    try:
        return collect(engine, "P", "viewer", dates=DAYS)
    finally:
        engine.dispose()


@pytest.fixture
def presence_db(db_url: str, tmp_path: Path) -> str:
    load_bundle(write_bundle(tmp_path / "bundle", _bundle(), without=WITHOUT), db_url)
    return db_url


def test_the_audit_reads_which_districts_have_funnel_rows(presence_db: str) -> None:
    audit = viewer_audit(presence_db)
    assert audit.mismatches == []
    february, march = (audit.bounds[((("funnel.referred", "A1", day), 1),)][:2] for day in DAYS[1:])
    # A1's row is there on 28 February, before its first family, as on 31 March:
    # "<5" both times, 0 to 4, where a missing row in February used to say 0 and
    # March's row at least 1.
    assert february == (0.0, 4.0)
    assert march == (0.0, 4.0)


def test_the_viewer_cannot_work_out_the_areas_first_families(presence_db: str) -> None:
    result = viewer_audit(presence_db).solve()
    assert result.pinned == []


def test_a_course_point_past_the_programmes_months_is_read_as_a_family(
    db_url: str, tmp_path: Path
) -> None:
    """Months up to the programme's whole months by D are always drawn; one past them is not.

    E1 started on 1 June 2010, before P began (1 January 2011), and is
    assessed on 20 January 2011: its course month 7. By 31 March P has had
    at most 2 whole months, so months 0-2 are drawn for everyone and month 7
    only because of E1: the audit must read that point as 1 or more.
    """
    rows = _bundle()
    rows["families.csv"] += "\nE1,P,B,2010-05-01,,,2010-06-01,,,,"
    rows["members.csv"] = "E1a,E1,child,,"
    rows["assessments.csv"] = "E1,E1a,2011-01-20,school_attendance,80"
    load_bundle(write_bundle(tmp_path / "bundle", rows, without=WITHOUT), db_url)
    audit = viewer_audit(db_url)
    assert audit.mismatches == []
    month_seven = [
        (low, high)
        for key, (low, high, _) in audit.bounds.items()
        if [var[0] for var, _ in key] == ["course.school_attendance.7"]
    ]
    assert month_seven and all(low >= 1 for low, _ in month_seven), month_seven
