"""Intake, course and caseload queries against one hand-made bundle, on SQLite and PostgreSQL.

Programme P1 runs 2010-2011 (6 intensive / 12 course months, target 3 active,
target improved share 50 %). Report date D = 2010-09-30; the previous quarter
end is 2010-06-30. The families (all dates 2010):

    F1 nb C1  ref 01-04 inv 01-14 appr 01-24 start 02-01           -> aftercare (due 08-01)
    F2 nb C1  ref 02-01 inv 02-11 appr 03-03 start 03-15           -> aftercare (due 09-15)
    F3 bh C2  ref 05-03 inv 05-13 appr 06-02 start 06-14 aft 10-15 -> intensive, aftercare in 15 d
    F4 bh C2  ref 08-02 inv 08-23                                  -> investigation, waiting 38 days
    F5 nb C1  ref 01-11 inv 01-21 appr 02-10 start 02-22 end 06-30 -> ended (dropped out)

The bundle is tests/fixtures/programme.py; expected numbers are worked out
from this table.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from data_access.db.engine import make_engine
from data_access.queries.caseload import (
    coordinator_count,
    coordinator_families,
    coordinator_load,
)
from data_access.queries.courses import (
    course_flow,
    course_timeline,
    due_to_aftercare,
    end_reasons,
    stage_months,
)
from data_access.queries.family_figures import stage_tally
from data_access.queries.intake import intake_funnel, intake_waits, referrals_per_month
from data_access.queries.programmes import list_programmes
from tests.fixtures.contexts import query_context
from tests.fixtures.programme import ADMIN, C1, STEERING, VIEWER, D, load_small


def test_intake_queries(db_url: str, tmp_path: Path) -> None:
    engine = load_small(db_url, tmp_path / "bundle")
    funnel = intake_funnel(engine, query_context("P1", D)).set_index(["district_id", "step"])[
        "families"
    ]
    # nb: F1, F2, F5 reached every step; bh: F3 started, F4 only investigated.
    assert funnel["nb"].tolist() == [3, 3, 3, 3]
    assert funnel["bh"].tolist() == [2, 2, 1, 1]
    waits = intake_waits(engine, query_context("P1", D)).set_index("step")
    # referred -> investigation: 10,10,10,21,10 days -> median 10, none over 30.
    assert list(waits.loc["referred"]) == [10.0, 5, 0, 0]
    # investigation -> approved: F1 10, F2/F3/F5 20 -> median 20; F4 waits 38 days -> slow.
    assert list(waits.loc["investigation"]) == [20.0, 4, 1, 1]
    # approved -> started: 8, 12, 12, 12 -> median 12.
    assert list(waits.loc["approved"]) == [12.0, 4, 0, 0]
    months = referrals_per_month(engine, query_context("P1", D))
    # Jan F1+F5, Feb F2, May F3, Aug F4.
    assert months["referrals"].tolist() == [2, 1, 0, 0, 1, 0, 0, 1, 0]
    assert months["month_end"].iloc[-1] == D
    # A viewer sees 1-4 as "<5"; a median over 4 finished waits is withheld.
    viewer = intake_waits(engine, query_context("P1", D, scope=VIEWER)).set_index("step")
    assert list(viewer.loc["investigation"]) == ["withheld", "<5", "<5", "<5"]
    # Before the first referral every district with a family still has its rows, at 0:
    # a row that came with a district's first family told 1-4 from 0 behind a "<5".
    before = intake_funnel(engine, query_context("P1", date(2009, 12, 31)))
    assert sorted(set(before["district_id"])) == ["bh", "nb"]
    assert (before["families"] == 0).all()


def test_course_queries(db_url: str, tmp_path: Path) -> None:
    engine = load_small(db_url, tmp_path / "bundle")
    stages = stage_months(engine, query_context("P1", D), date(2010, 1, 1))
    table = stages.pivot(index="month_end", columns="stage", values="families")
    # 31 Jan: F1 approved (01-24), F5 under investigation (01-21).
    assert table["approved"][date(2010, 1, 31)] == 1
    assert table["investigation"][date(2010, 1, 31)] == 1
    # D: F1, F2 aftercare; F3 intensive; F4 investigation; F5 ended.
    assert table.loc[D].to_dict() == {
        "aftercare": 2, "approved": 0, "ended": 1, "intensive": 1, "investigation": 1,
        "referred": 0,
    }  # fmt: skip
    count, due = due_to_aftercare(engine, query_context("P1", D, scope=ADMIN))
    assert count == 1 and due["family_id"].tolist() == ["F3"]
    assert due["coordinator"].tolist() == ["Koordinator To"]  # C2's name, not its id
    count, due = due_to_aftercare(engine, query_context("P1", D, scope=C1))
    assert count == 1 and due.empty  # F3 belongs to C2
    count, due = due_to_aftercare(engine, query_context("P1", D, scope=ADMIN), 0)
    assert count == 1 and due.empty  # the limit cuts the list, not the count
    reasons = end_reasons(engine, query_context("P1", D)).set_index("reason")["families"]
    assert reasons.to_dict() == {"completed": 0, "dropped_out": 1, "moved": 0, "other": 0}
    flow = course_flow(engine, query_context("P1", D)).set_index("month_end")
    # Started: Feb F1+F5, Mar F2, Jun F3; ended: Jun F5.
    assert flow["started"].tolist() == [2, 1, 0, 0, 1, 0, 0, 0]
    assert flow["ended"].tolist() == [0, 0, 0, 0, 1, 0, 0, 0]
    total, timeline = course_timeline(engine, query_context("P1", D, scope=ADMIN))
    assert total == 4 and timeline["family_id"].tolist() == ["F1", "F5", "F2", "F3"]
    # F1: aftercare 2010-08-01 is 181 days after 02-01; still running on D: 241 days.
    assert timeline.iloc[0][["aftercare_days", "end_days", "ended"]].tolist() == [181, 241, 0]
    # At most `limit` courses: the newest starts (Jun F3, Mar F2), still in start order.
    total, newest = course_timeline(engine, query_context("P1", D, scope=ADMIN), limit=2)
    assert total == 4 and newest["family_id"].tolist() == ["F2", "F3"]
    # Steering sees aggregates only: one row per family is for admin and its coordinator.
    assert course_timeline(engine, query_context("P1", D, scope=STEERING))[1].empty
    total, own = course_timeline(engine, query_context("P1", D, scope=C1))
    assert total == 3 and own["family_id"].tolist() == ["F1", "F5", "F2"]
    assert course_timeline(engine, query_context("P1", D, scope=VIEWER))[1].empty


def test_caseload_queries(db_url: str, tmp_path: Path) -> None:
    engine = load_small(db_url, tmp_path / "bundle")
    load = coordinator_load(engine, query_context("P1", D)).set_index("coordinator_id")
    # C1: F1, F2 active (F5 ended) of capacity 2; C2: F3 active (F4 in intake).
    assert list(load.loc["C1", ["active", "capacity", "load"]]) == [2, 2, 1.0]
    assert load.loc["C2", "active"] == 1
    # Most loaded first: C1 at 2/2 = 100 %, C2 at 1/15; the limit cuts in SQL.
    admin = query_context("P1", D)
    assert coordinator_load(engine, admin)["coordinator_id"].tolist() == ["C1", "C2"]
    assert coordinator_load(engine, admin, limit=1)["coordinator_id"].tolist() == ["C1"]
    assert coordinator_load(engine, admin, "", 1, "C2")["coordinator_id"].tolist() == ["C2"]
    assert coordinator_load(engine, admin, search="r tO")["coordinator_id"].tolist() == ["C2"]
    assert coordinator_count(engine, admin) == 2
    assert coordinator_count(engine, admin, "koordinator") == 2
    assert coordinator_count(engine, admin, " r to ") == 1
    # % and _ are letters to the search, not SQL wildcards.
    assert coordinator_count(engine, admin, "%") == coordinator_count(engine, admin, "_") == 0
    # A viewer sees both counts as <5, so neither load orders them: by name.
    hidden = coordinator_load(engine, query_context("P1", D, scope=VIEWER))
    assert hidden["active"].tolist() == ["<5", "<5"]
    assert hidden["coordinator_id"].tolist() == ["C1", "C2"]
    rows = coordinator_families(engine, query_context("P1", D, scope=C1), "C1")
    # F1: last review 05-01 -> due 07-30, overdue, so first; F2: review 09-01 -> due 11-30.
    expected = pd.DataFrame(
        {
            "family_id": ["F1", "F2"],
            "stage": ["aftercare", "aftercare"],
            "months_in_course": [7, 6],
            "last_coordination": [date(2010, 9, 20), None],
            "next_review_due": [date(2010, 7, 30), date(2010, 11, 30)],
            "review_overdue": [True, False],
            "departments": ["SOF", "BIF"],
            "open_interventions": [1, 1],
            "ssp_latest": [1, 2],
            "ssp_change": [-2, 0],
        }
    )
    meetings = [None if d is None or pd.isna(d) else d for d in rows["last_coordination"]]
    got = rows.assign(last_coordination=pd.Series(meetings, dtype=object))
    assert got.astype(object).to_dict("records") == expected.astype(object).to_dict("records")
    assert coordinator_families(engine, query_context("P1", D, scope=STEERING), "C1").empty
    assert coordinator_families(engine, query_context("P1", D, scope=C1), "C2").empty


def test_stage_months_agree_with_the_stage_rule_on_every_month(demo_db_url: str) -> None:
    """The monthly chart (stored stage changes) counts what `stage_of` counts on each month end.

    The demo's families cover every stage, ended and moved families, and
    courses across years; each month is checked against the one-date tally.
    """
    engine = make_engine(demo_db_url)
    try:
        for info in list_programmes(engine):
            pid = info.programme_id
            months = stage_months(engine, query_context(pid, info.ends_on), info.starts_on)
            assert not months.empty
            for day in months["month_end"].unique():
                rows = months[months["month_end"] == day]
                with engine.connect() as conn:
                    tally = stage_tally(conn, pid, day)
                assert dict(zip(rows["stage"], rows["families"], strict=True)) == tally.stages, day
    finally:
        engine.dispose()
