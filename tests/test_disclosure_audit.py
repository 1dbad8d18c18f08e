"""The attacker audit: it finds a worked-out hidden count, and finds none under rounding.

The hard bundle: programme P (January to June 2011) in the city kk with
district N (Nørrebro-like) holding area M (Mjølnerparken-like) and a small
district T. N has 9 families: 8 registered on M and 1 directly on N, the
issue's "Nørrebro 9, Mjølnerparken 8 -> 1". T has 3. Starts are spread
one or two a month, so every monthly flow of a district is 1-4; two
families end (one completed, one moved) and the SSP levels of T's three
children fall, so T's improved share is 3 of 3.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard.__main__ import main
from dashboard.disclosure_audit import Audit, collect, shown_interval
from data_access.bundle.loader import load_bundle
from data_access.db.engine import make_engine
from tests.fixtures.bundles import write_bundle

A, B = ("a", "X", date(2011, 6, 30)), ("b", "X", date(2011, 6, 30))


def test_exact_tables_give_a_hidden_cell_away() -> None:
    # Total 12 and B 9 shown exactly, A "<5": A = 12 - 9 = 3.
    audit = Audit()
    audit.truth = {A: 3, B: 9}
    audit.show("total", {A: 1, B: 1}, shown_interval(12, suppressed=False))
    audit.show("B", {B: 1}, shown_interval(9, suppressed=False))
    audit.show("A", {A: 1}, shown_interval("<5", suppressed=True))
    result = audit.solve()
    assert [(f.where, f.truth, f.low, f.high) for f in result.pinned] == [("A", 3, 3.0, 3.0)]


def test_rounded_tables_keep_it_hidden() -> None:
    # The same numbers rounded: total 10 (8-12), B 10 (8-12): A anything from 1 to 4.
    audit = Audit()
    audit.truth = {A: 3, B: 9}
    audit.show("total", {A: 1, B: 1}, shown_interval(10, suppressed=True))
    audit.show("B", {B: 1}, shown_interval(10, suppressed=True))
    audit.show("A", {A: 1}, shown_interval("<5", suppressed=True))
    result = audit.solve(intervals=True)
    assert result.pinned == []
    [finding] = result.findings
    assert (finding.low, finding.high) == (pytest.approx(1.0), pytest.approx(4.0))


def test_rounding_alone_can_be_beaten_and_the_audit_says_so() -> None:
    # City 7 reads 5 (5-7), district B 5 reads 5 (5-7): district N = city - B is at
    # most 2. N's two areas D and E read "<5" (at least 1 each): N is 2, D and E 1.
    d, e, b = (("s", node, date(2011, 6, 30)) for node in ("D", "E", "B"))
    audit = Audit()
    audit.truth = {d: 1, e: 1, b: 5}
    audit.show("city", {d: 1, e: 1, b: 1}, shown_interval(5, suppressed=True))
    audit.show("B", {b: 1}, shown_interval(5, suppressed=True))
    audit.show("N", {d: 1, e: 1}, shown_interval("<5", suppressed=True))
    audit.show("D", {d: 1}, shown_interval("<5", suppressed=True))
    audit.show("E", {e: 1}, shown_interval("<5", suppressed=True))
    pinned = {f.where: (f.truth, f.low, f.high) for f in audit.solve().pinned}
    assert pinned == {
        "N": (2, pytest.approx(2), pytest.approx(2)),
        "D": (1, pytest.approx(1), pytest.approx(1)),
        "E": (1, pytest.approx(1), pytest.approx(1)),
    }


def _withheld_case(total: int, other: int, suppressed: bool) -> Audit:
    # n + m reads `total`, m reads `other`, n's share among a base of 8 is withheld.
    n, m, b = (("s", node, date(2011, 6, 30)) for node in ("N", "M", "B"))
    audit = Audit()
    audit.truth = {n: 1, m: 8, b: 8}
    audit.show("n + m", {n: 1, m: 1}, shown_interval(total, suppressed=suppressed))
    audit.show("m", {m: 1}, shown_interval(other, suppressed=suppressed))
    audit.show("base", {b: 1}, (8.0, 8.0))
    audit.show("n", {n: 1}, None)
    audit.withheld("share", {b: 1}, {n: 1})
    return audit


def test_a_withheld_share_rules_out_a_zero_numerator() -> None:
    # n + m = 9 and m = 8 or 9 leave n 0 or 1; the withheld share of n among 8
    # says n is 1-4 (or 4-7): n is 1. Without the disjunction n stays 0 or 1.
    audit = _withheld_case(9, 8, suppressed=False)
    audit.bounds[(((("s", "M", date(2011, 6, 30))), 1),)] = (8.0, 9.0, "m")
    assert [(f.where, f.low, f.high) for f in audit.solve().pinned] == [("n", 1.0, 1.0)]
    audit.disjunctions = []
    assert audit.solve().pinned == []


def test_a_withheld_share_under_rounding_pins_nothing() -> None:
    # Rounded: n + m reads 10 (8-12), m reads 10 (8-12): n is 0-4, the share says 1-4 or 4-7.
    result = _withheld_case(10, 10, suppressed=True).solve(intervals=True)
    assert result.pinned == []
    assert [(f.low, f.high) for f in result.findings] == [(1.0, 4.0)]


def test_shown_intervals() -> None:
    assert shown_interval("<5", suppressed=True) == (1.0, 4.0)
    assert shown_interval(0, suppressed=True) == (0.0, 0.0)
    assert shown_interval(5, suppressed=True) == (5.0, 7.0)
    assert shown_interval(10, suppressed=True) == (8.0, 12.0)
    assert shown_interval("15", suppressed=True) == (13.0, 17.0)
    assert shown_interval(9, suppressed=False) == (9.0, 9.0)
    assert shown_interval("withheld", suppressed=True) is None
    assert shown_interval(None, suppressed=True) is None


#: The optional columns the hard bundle leaves out (its headers come from the loader's spec).
WITHOUT = {
    "programmes.csv": ("target_improved_share", "intensive_months", "course_months"),
    "coordinators.csv": ("capacity",),
    "families.csv": ("coordinator_id", "single_parent"),
    "members.csv": ("birth_year", "employment_act"),
}


def _hard_bundle() -> dict[str, str]:
    families: list[str] = []
    members: list[str] = []
    assessments: list[str] = []
    places = ["M"] * 8 + ["N"] + ["T"] * 3
    for n, place in enumerate(places, start=1):
        fid = f"F{n:02d}"
        month = 1 + (n - 1) // 2  # two starts a month, January to June
        start = f"2011-{month:02d}-10"
        ended, reason = ("", "")
        if n == 1:
            ended, reason = "2011-04-20", "completed"
        elif n == 10:
            ended, reason = "2011-05-20", "moved"
        families.append(f"{fid},P,{place},{start[:8]}01,,,{start},,{ended},{reason}")
        members += [f"{fid}c,{fid},child", f"{fid}p,{fid},parent"]
        assessments += [
            f"{fid},{fid}c,{start},ssp_level,3",
            f"{fid},{fid}c,2011-06-15,ssp_level,{1 if place == 'T' else 3}",
            f"{fid},{fid}p,2011-06-01,employment,{2 if n % 3 == 0 else 0}",
        ]
    return {
        "districts.csv": """
            kk,København,city,
            N,Nørrebro,bydel,kk
            M,Mjølnerparken,boligomraade,N
            T,Tingbjerg,bydel,kk
        """,
        "departments.csv": "SOF,Socialforvaltningen,forvaltning",
        "programmes.csv": "P,Pilot,2011-01-01,2011-06-30,12",
        "coordinators.csv": "",
        "families.csv": "\n".join(families),
        "members.csv": "\n".join(members),
        "assessments.csv": "\n".join(assessments),
    }


@pytest.fixture
def hard_db(db_url: str, tmp_path: Path) -> str:
    load_bundle(write_bundle(tmp_path / "bundle", _hard_bundle(), without=WITHOUT), db_url)
    return db_url


def test_viewer_cannot_work_out_a_hidden_count_on_the_hard_bundle(
    hard_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(hard_db)
    try:
        viewer = collect(engine, "P", "viewer").solve(intervals=True)
        exact = collect(engine, "P", "steering").solve()
    finally:
        engine.dispose()
    assert viewer.mismatches == []
    # The family directly on N is one of the hidden counts (the Visitation funnel
    # shows N's own families as "<5"), and it stays anything from 1 to 4.
    direct = [
        f for f in viewer.findings if f.where == "stage.intensive directly on N on 2011-06-30"
    ]
    assert [(f.truth, f.low, f.high) for f in direct] == [(1, pytest.approx(1), pytest.approx(4))]
    assert viewer.findings and viewer.pinned == []
    # The same equations over exact counts (what steering sees) give it away.
    assert any(f.where == direct[0].where for f in exact.pinned)
    args = ["disclosure-audit", "--role", "viewer", "--every", "3", "--database-url", hard_db]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "P, role viewer:" in out and "0 worked out" in out
