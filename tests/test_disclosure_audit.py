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

import math
from datetime import date
from pathlib import Path

import pytest

from dashboard.__main__ import main
from dashboard.disclosure_audit import Audit, Tree, collect, seen_numbers, shown_interval
from data_access.bundle.loader import load_bundle
from data_access.db.engine import make_engine
from data_access.queries.context import QueryContext
from data_access.rules.access import Scope
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
    # The same numbers rounded: total 10 (9-13), B 10 (9-13): A anything from 0 to 4.
    audit = Audit()
    audit.truth = {A: 3, B: 9}
    audit.show("total", {A: 1, B: 1}, shown_interval(10, suppressed=True))
    audit.show("B", {B: 1}, shown_interval(10, suppressed=True))
    audit.show("A", {A: 1}, shown_interval("<5", suppressed=True))
    result = audit.solve(intervals=True)
    assert result.pinned == []
    [finding] = result.findings
    assert (finding.low, finding.high) == (pytest.approx(0.0), pytest.approx(4.0))


def _areas_case(hidden: tuple[float, float] | None) -> Audit:
    # City 8 reads 5 (5-8), district B 5 reads 5 (5-8): district N = city - B is at
    # most 3. N and its three areas D, E and F read "<5", taken as `hidden`.
    d, e, f, b = (("s", node, date(2011, 6, 30)) for node in ("D", "E", "F", "B"))
    audit = Audit()
    audit.truth = {d: 1, e: 1, f: 1, b: 5}
    audit.show("city", {d: 1, e: 1, f: 1, b: 1}, shown_interval(5, suppressed=True))
    audit.show("B", {b: 1}, shown_interval(5, suppressed=True))
    audit.show("N", {d: 1, e: 1, f: 1}, hidden)
    for name, area in (("D", d), ("E", e), ("F", f)):
        audit.show(name, {area: 1}, hidden)
    return audit


def test_rounding_with_a_visible_zero_can_be_beaten_and_the_audit_says_so() -> None:
    # Were 0 shown as 0, "<5" would mean 1-4: D, E and F at least 1 each, N at most 3,
    # so N is 3 and each area 1 (the demo's 724 worked-out counts were of this kind).
    pinned = {f.where: (f.truth, f.low, f.high) for f in _areas_case((1.0, 4.0)).solve().pinned}
    assert pinned == {
        "N": (3, pytest.approx(3), pytest.approx(3)),
        "D": (1, pytest.approx(1), pytest.approx(1)),
        "E": (1, pytest.approx(1), pytest.approx(1)),
        "F": (1, pytest.approx(1), pytest.approx(1)),
    }


def test_a_hidden_zero_keeps_the_areas_hidden() -> None:
    # The rule's "<5" is 0-4: N is 0-3, D, E and F 0-3 each; nothing is worked out.
    result = _areas_case(shown_interval("<5", suppressed=True)).solve(intervals=True)
    assert result.pinned == []
    bounds = {f.where: (f.low, f.high) for f in result.findings}
    assert bounds == {"N": (0.0, 3.0), "D": (0.0, 3.0), "E": (0.0, 3.0), "F": (0.0, 3.0)}


def _withheld_case(total: int, other: int, suppressed: bool, true_m: int = 8) -> Audit:
    # n (truly 1) + m reads `total`, m reads `other`, n's share among a base of 8 is withheld.
    n, m, b = (("s", node, date(2011, 6, 30)) for node in ("N", "M", "B"))
    audit = Audit()
    audit.truth = {n: 1, m: true_m, b: 8}
    audit.show("n + m", {n: 1, m: 1}, shown_interval(total, suppressed=suppressed))
    audit.show("m", {m: 1}, shown_interval(other, suppressed=suppressed))
    audit.show("base", {b: 1}, (8.0, 8.0))
    audit.show("n", {n: 1}, None)
    audit.withheld("share", {b: 1}, {n: 1})
    return audit


def test_a_withheld_share_rules_out_the_middle_but_not_a_zero_numerator() -> None:
    # n + m = 9 exactly and m 2-9 leave n 0-7; the withheld share of n among a base of
    # 12 says n is under 5 or 12 - n is (n >= 8): n is 0-4. A 0 numerator is withheld
    # too, so n = 0 stays possible (when 0 was shown, the share said n >= 1).
    audit = _withheld_case(9, 8, suppressed=False)
    day = date(2011, 6, 30)
    audit.truth[("s", "B", day)] = 12
    audit.bounds[((("s", "B", day), 1),)] = (12.0, 12.0, "base")
    audit.bounds[((("s", "M", day), 1),)] = (2.0, 9.0, "m")
    assert [(f.low, f.high) for f in audit.solve(intervals=True).findings] == [(0.0, 4.0)]
    audit.disjunctions = []
    assert [(f.low, f.high) for f in audit.solve(intervals=True).findings] == [(0.0, 7.0)]


def test_a_withheld_share_under_rounding_pins_nothing() -> None:
    # Rounded: n + m = 10 reads 10 (9-13), m = 9 reads 10 (9-13): n is 0-4, the share
    # says so too.
    result = _withheld_case(10, 10, suppressed=True, true_m=9).solve(intervals=True)
    assert result.pinned == []
    assert [(f.low, f.high) for f in result.findings] == [(0.0, 4.0)]


def _share_shown_case(total: int, suppressed: bool) -> Audit:
    # h (a hidden "<5") plus n reads `total`; n's share is shown, so n is at least 5.
    h, n = (("s", node, date(2011, 6, 30)) for node in ("H", "N"))
    audit = Audit()
    audit.truth = {h: 1, n: 5}
    audit.show("h + n", {h: 1, n: 1}, shown_interval(total, suppressed=suppressed))
    audit.show("h", {h: 1}, shown_interval("<5", suppressed=True))
    audit.not_small("n's share shown", {n: 1})
    return audit


def test_a_shown_share_rules_out_a_small_numerator() -> None:
    # Exact: h + n = 6 and h 0-4 leave n 2-6; shown, n is at least 5, so h is 0-1.
    audit = _share_shown_case(6, suppressed=False)
    assert [(f.low, f.high) for f in audit.solve(intervals=True).findings] == [(0.0, 1.0)]
    audit.gaps = []
    assert [(f.low, f.high) for f in audit.solve(intervals=True).findings] == [(0.0, 4.0)]


def test_a_shown_share_under_rounding_pins_nothing() -> None:
    # Rounded: h + n reads 5 (5-8) and n is at least 5: n is 5-8 and h 0-3.
    result = _share_shown_case(5, suppressed=True).solve(intervals=True)
    assert result.pinned == []
    assert [(f.low, f.high) for f in result.findings] == [(0.0, 3.0)]


def _median_case(other: tuple[float, float] | None, truth: tuple[int, int] = (2, 10)) -> Audit:
    # h "<5" and m make t; t reads 10 (9-13) and its median ends in ,5, so t is even.
    h, m = (("s", node, date(2011, 6, 30)) for node in ("H", "M"))
    audit = Audit()
    audit.truth = {h: truth[0], m: truth[1]}
    audit.show("t", {h: 1, m: 1}, shown_interval(10, suppressed=True))
    audit.show("m", {m: 1}, other)
    audit.show("h", {h: 1}, shown_interval("<5", suppressed=True))
    audit.even("t's median ends in ,5", {h: 1, m: 1})
    return audit


def test_a_median_ending_in_half_gives_an_even_count_away() -> None:
    # m exactly 11, h 1: h = t - 11 is 0-2 (t at most 13); t even leaves t = 12, h = 1.
    # Without parity 0-2.
    audit = _median_case(shown_interval(11, suppressed=False), truth=(1, 11))
    assert [(f.where, f.low, f.high) for f in audit.solve().pinned] == [("h", 1.0, 1.0)]
    audit.evens = []
    assert audit.solve().pinned == []


def test_a_median_ending_in_half_under_rounding_pins_nothing() -> None:
    # m reads 10 (9-13): h 0 (t 10, m 10), 1 (t 10, m 9), 2 (t 12, m 10), 3 (t 12, m 9);
    # 4 would need t = m + 4 >= 13, and t is at most 13 and even.
    result = _median_case(shown_interval(10, suppressed=True)).solve(intervals=True)
    assert result.pinned == []
    assert [(f.low, f.high) for f in result.findings] == [(0.0, 3.0)]


def _waits_case(suppressed: bool) -> Audit:
    # Visitation: N's finished first waits (N and its area M) against the funnel's
    # families that reached investigation, registered on M and directly on N.
    # M has 8 families exactly (9 when rounded, so that 10 can show it: 9-13).
    day = date(2011, 6, 30)
    on_m = 9 if suppressed else 8
    finished = {("wait.referred.finished", node, day): 1 for node in ("N", "M")}
    audit = Audit()
    audit.truth = {
        ("wait.referred.finished", "N", day): 1,
        ("wait.referred.finished", "M", day): on_m,
        ("funnel.investigation", "N", day): 1,
        ("funnel.investigation", "M", day): on_m,
    }
    for node in ("N", "M"):
        audit.identity(
            {("wait.referred.finished", node, day): 1, ("funnel.investigation", node, day): -1}
        )
    audit.show("waits of N", finished, shown_interval(10 if suppressed else 9, suppressed))
    shown = shown_interval(10 if suppressed else 8, suppressed)
    audit.show("funnel on M", {("funnel.investigation", "M", day): 1}, shown)
    audit.show("funnel on N", {("funnel.investigation", "N", day): 1}, shown_interval("<5", True))
    return audit


def test_waits_against_the_funnel_give_the_family_directly_on_a_district_away() -> None:
    # Exact: 9 finished first waits on N's subtree, 8 reached investigation on M: 1 on N.
    pinned = {f.where for f in _waits_case(suppressed=False).solve().pinned}
    assert pinned == {"funnel on N"}


def test_waits_against_the_funnel_under_rounding_pin_nothing() -> None:
    # 10 (9-13) and 10 (9-13): N's own are 0-4, and so is the funnel's "<5".
    result = _waits_case(suppressed=True).solve(intervals=True)
    assert result.pinned == []
    assert {f.where: (f.low, f.high) for f in result.findings}["funnel on N"] == (0.0, 4.0)


def _transitions_case(suppressed: bool) -> Audit:
    # One district: 2 families went from SSP level 3 to 1, 7 stayed at 3; 9 eligible.
    day = date(2011, 6, 30)
    down, stay = ("ssp.3.1", "N", day), ("ssp.3.3", "N", day)
    audit = Audit()
    audit.truth = {down: 2, stay: 7, ("eligible", "N", day): 9}
    audit.identity({down: 1, stay: 1, ("eligible", "N", day): -1})
    audit.show("3 -> 1", {down: 1}, shown_interval("<5", suppressed=True))
    audit.show("3 -> 3", {stay: 1}, shown_interval(5 if suppressed else 7, suppressed))
    eligible = {down: 1, stay: 1}
    audit.show("eligible", eligible, shown_interval(10 if suppressed else 9, suppressed))
    return audit


def test_the_transition_table_against_its_base_gives_a_cell_away() -> None:
    # Exact: 9 eligible, 7 stayed: the "<5" cell is 2.
    assert [f.where for f in _transitions_case(suppressed=False).solve().pinned] == ["3 -> 1"]


def test_the_transition_table_under_rounding_pins_nothing() -> None:
    # 10 (9-13) eligible, 5 (5-8) stayed: the cell is 1-8, and "<5" makes it 1-4.
    result = _transitions_case(suppressed=True).solve(intervals=True)
    assert result.pinned == []
    assert [(f.low, f.high) for f in result.findings] == [(1.0, 4.0)]


def _family_months_case(suppressed: bool) -> Audit:
    # Forebyggelse: a year of two month ends, November (1 active) and December (5).
    nov, dec = (("stage.intensive", "", date(2010, m, d)) for m, d in ((11, 30), (12, 31)))
    audit = Audit()
    audit.truth = {nov: 1, dec: 5}
    audit.show(
        "family-months 2010", {nov: 1, dec: 1}, shown_interval(5 if suppressed else 6, suppressed)
    )
    audit.show("active 31 December", {dec: 1}, shown_interval(5, suppressed))
    audit.hide_small_unknowns()
    return audit


def test_exact_family_months_give_a_month_away() -> None:
    # Spend / exact family-months gives 6 family-months; December 5: November is 1.
    pinned = _family_months_case(suppressed=False).solve().pinned
    assert [(f.truth, f.low, f.high) for f in pinned] == [(1, 1.0, 1.0)]


def test_rounded_family_months_keep_the_month_hidden() -> None:
    # Spend / rounded family-months gives 5 (5-8); December 5 (5-8): November 0-3.
    result = _family_months_case(suppressed=True).solve(intervals=True)
    assert result.pinned == []
    assert [(f.low, f.high) for f in result.findings] == [(0.0, 3.0)]


def test_a_course_point_is_at_most_the_started_families() -> None:
    # Exact: 1 family started (shown), so the "<5" under a course-chart point is 1.
    # Rounded ("<5" started) the point is 1-4.
    day = date(2011, 6, 30)
    point, started = ("course.life_quality.3", "N", day), ("funnel.started", "N", day)
    for suppressed, expected in ((False, {"point", "started"}), (True, set())):
        audit = Audit()
        audit.truth = {point: 1, started: 1}
        audit.relation({point: 1, started: -1}, -math.inf, 0.0)
        audit.show("point", {point: 1}, (1.0, 4.0))
        cell = "<5" if suppressed else 1
        audit.show("started", {started: 1}, shown_interval(cell, suppressed))
        assert {f.where for f in audit.solve().pinned} == expected


def test_shown_intervals() -> None:
    assert shown_interval("<5", suppressed=True) == (0.0, 4.0)
    assert shown_interval(0, suppressed=True) == (0.0, 0.0)
    assert shown_interval(5, suppressed=True) == (5.0, 8.0)
    assert shown_interval(10, suppressed=True) == (9.0, 13.0)
    assert shown_interval("15", suppressed=True) == (14.0, 18.0)
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
    # shows N's own families as "<5"). On 30 June N's subtree has 8 active families
    # and M 7, both read 5 (5-8): the one directly on N stays anything from 0 to 3.
    direct = [
        f for f in viewer.findings if f.where == "stage.intensive directly on N on 2011-06-30"
    ]
    assert [(f.truth, f.low, f.high) for f in direct] == [(1, pytest.approx(0), pytest.approx(3))]
    assert viewer.findings and viewer.pinned == []
    # The same equations over exact counts (what steering sees) give it away.
    assert any(f.where == direct[0].where for f in exact.pinned)
    args = ["disclosure-audit", "--role", "viewer", "--every", "3", "--database-url", hard_db]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "P, role viewer:" in out and "0 worked out" in out


def test_the_audit_reads_what_each_role_sees_and_no_more(hard_db: str) -> None:
    days = [date(2011, 1, 31), date(2011, 6, 30)]
    engine = make_engine(hard_db)
    try:
        viewer = collect(engine, "P", "viewer", dates=days)
        head = collect(engine, "P", "department_head", dates=days)
    finally:
        engine.dispose()
    assert viewer.mismatches == [] and head.mismatches == []

    def pages(audit: Audit) -> set[str]:
        return {where.split()[0] for _, _, where in audit.bounds.values()}

    # The viewer opens Visitation, Forløb and Effekt; the department head does not,
    # but has Forebyggelse (programme-wide family-months, read on every report date).
    assert pages(viewer) == {"card", "forloeb", "visitation", "effekt"}
    assert pages(head) <= {"card", "forebyggelse"}
    wheres = {where for _, _, where in viewer.bounds.values()}
    assert "visitation wait referred slow district=all as_of=2011-06-30" in wheres
    assert "effekt transition 3->1 district=T as_of=2011-06-30" in wheres
    # T's three children all fell: 3 -> 1 holds the 3 improved, the cell reads "<5" (0-4).
    [t_cell] = [
        b[:2]
        for b in viewer.bounds.values()
        if b[2] == "effekt transition 3->1 district=T as_of=2011-06-30"
    ]
    assert t_cell == (0.0, 4.0)
    # Rules the collector adds: the first step's finished waits are the families
    # that reached investigation; M's 0 improved of 8 is withheld (a numerator under 5).
    finished = ("wait.referred.finished", "M", date(2011, 6, 30))
    assert any(finished in expr for expr in viewer.identities)
    assert any("improved share withheld of M" in where for where, _, _ in viewer.disjunctions)
    assert viewer.gaps == []  # no share is shown on this small bundle
    # The filter offers M, N and T, not the city kk: nobody is registered directly
    # on kk, and M has a family.
    june = date(2011, 6, 30)
    assert {("stage.intensive", "kk", june): 1} in viewer.identities
    assert ({("funnel.referred", "M", june): 1}, 1.0, math.inf) in viewer.relations
    # 31 January: 2 active families, so 2 family-months: the cost per family-month
    # is withheld, and that says the family-months are 0-4.
    context = QueryContext("P", date(2011, 1, 31), None, Scope(role="department_head"))
    engine = make_engine(hard_db)
    try:
        seen = {s.where: s for s in seen_numbers(engine, context, date(2011, 1, 1), Tree({}))}
    finally:
        engine.dispose()
    months = seen["card family-months district=all as_of=2011-01-31"]
    assert (months.cell, months.interval) == (None, (0.0, 4.0))
    result = head.solve()
    assert result.findings and result.pinned == []
