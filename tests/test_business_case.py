"""The prevention business case on a bundle small enough to work out by hand.

Programme P1 (course_months 12), report date D = 2011-03-31:

- F1 starts 2010-07-15: active on the month ends Jul-Dec 2010 (6) and on
  31 Jan, 28 Feb and D (3).
- F2 starts 2010-11-01: Nov, Dec 2010 (2) and Jan, Feb, D (3).
- F3 is only referred: never active.

So 2010 has 8 family-months, 2011 to D has 6: 14 in all.
Spend 2010: 500 000 + 300 000 = 800 000 -> 100 000 kr. per family-month;
2011 to D: 880 000 -> 146 666,67 per family-month (the 500 000 booked
after D does not count). Total 1 680 000 / 14 = 120 000 kr. per
family-month; one 12-month course = 1 440 000 kr.

Unit costs in force on D: anbringelse 960 000 (the 2009 price is
superseded, the 2012 one not yet valid), sikret_institution 2 880 000.
Anbringelse: 1 440 000 / 960 000 = 1,5 years of one avoided placement pay
one course; 960 000 / 1 440 000 = 2/3 course per placement-year; this
year's 880 000 = 0,9167 placement-years; to date 1 680 000 = 1,75.
Sikret institution: 0,5 years per course; to date 1 680 000 / 2 880 000.
Two placements avoided at once pay the 1 680 000 in 1 680 000 / 1 920 000
= 0,875 years.
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from data_access.bundle.loader import BundleRejected, load_bundle
from data_access.db.engine import make_engine
from data_access.db.schema import unit_costs
from data_access.derived.stage_changes import family_months
from data_access.queries.business_case import business_case
from data_access.rules.access import Scope
from data_access.rules.prevention import (
    UnitCost,
    cost_per_course,
    unit_costs_in_force,
    years_to_break_even,
    years_to_pay_course,
)
from tests.conftest import write_bundle
from tests.contexts import query_context
from tests.hand_bundle import DEFAULT_ROWS, HEADERS
from tests.test_loader_bundle import snapshot

D = date(2011, 3, 31)

UNIT_COSTS_HEADER = "measure,name,yearly_cost_dkk,valid_from,source"
UNIT_COSTS = """
    anbringelse,Anbringelse uden for hjemmet,900000,2009-01-01,Eksempel A
    anbringelse,Anbringelse uden for hjemmet,960000,2010-01-01,Eksempel B
    anbringelse,Anbringelse uden for hjemmet,1200000,2012-01-01,Eksempel C
    sikret_institution,Sikret institution,2880000.00,2010-01-01,Eksempel D
"""

ROWS = {
    "families.csv": """
        F1,P1,nb,2010-05-01,2010-05-10,2010-06-01,2010-07-15,,,
        F2,P1,nb,2010-09-01,2010-09-10,2010-10-01,2010-11-01,,,
        F3,P1,nb,2010-12-01,,,,,,
    """,
    "spend.csv": """
        S1,P1,2010-03-31,SOF,SOF,Koordinering,500000
        S2,P1,2010-12-31,SOF,IM,Koordinering,300000
        S3,P1,2011-02-15,SOF,SOF,Koordinering,880000
        S4,P1,2011-04-10,SOF,SOF,Koordinering,500000
    """,
}


#: One user per role: (role, department_id, coordinator_id).
USERS = (
    ("admin", "", ""),
    ("steering", "", ""),
    ("department_head", "SOF", ""),
    ("coordinator", "", "C1"),
    ("viewer", "", ""),
)


def bundle_files(unit_cost_rows: str | None = UNIT_COSTS) -> dict[str, str]:
    files = {
        name: header + "\n" + textwrap.dedent(ROWS.get(name, DEFAULT_ROWS.get(name, ""))).strip()
        for name, header in HEADERS.items()
    }
    files["users.csv"] = "email,role,department_id,coordinator_id\n" + "\n".join(
        f"{role}@example.org,{role},{department},{coordinator}"
        for role, department, coordinator in USERS
    )
    if unit_cost_rows is not None:
        files["unit_costs.csv"] = UNIT_COSTS_HEADER + "\n" + textwrap.dedent(unit_cost_rows).strip()
    return files


@pytest.fixture
def case_url(db_url: str, tmp_path: Path) -> str:
    load_bundle(write_bundle(tmp_path / "case", bundle_files()), db_url)
    return db_url


def test_rules_on_the_brief_figures() -> None:
    assert cost_per_course(1_680_000, 14, 12) == pytest.approx(1_440_000)
    assert years_to_pay_course(1_440_000, 960_000) == pytest.approx(1.5)
    assert years_to_pay_course(None, 960_000) is None
    assert cost_per_course(1_000, 0, 12) is None
    assert years_to_break_even(1_680_000, 960_000, 2) == pytest.approx(0.875)
    assert years_to_break_even(1_680_000, 960_000, 0) is None


def test_price_in_force_is_the_latest_valid_on_the_date() -> None:
    rows = [
        UnitCost("specialskole", "Specialskole", 500_000, date(2010, 1, 1), "s"),
        UnitCost("anbringelse", "Anbringelse", 900_000, date(2009, 1, 1), "a"),
        UnitCost("anbringelse", "Anbringelse", 960_000, date(2010, 1, 1), "b"),
        UnitCost("anbringelse", "Anbringelse", 1_200_000, date(2012, 1, 1), "c"),
        UnitCost("ny", "Ny foranstaltning", 1, date(2010, 1, 1), "d"),
    ]

    chosen = unit_costs_in_force(rows, D)

    assert [(r.measure, r.yearly_cost_dkk) for r in chosen] == [
        ("anbringelse", 960_000),
        ("specialskole", 500_000),
        ("ny", 1),
    ]
    assert unit_costs_in_force(rows, date(2008, 12, 31)) == []


def test_unit_costs_are_stored_typed(case_url: str) -> None:
    engine = make_engine(case_url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(
                select(
                    unit_costs.c.measure, unit_costs.c.valid_from, unit_costs.c.yearly_cost_dkk
                ).order_by(unit_costs.c.measure, unit_costs.c.valid_from)
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in stored] == [
        ("anbringelse", date(2009, 1, 1), 900_000.0),
        ("anbringelse", date(2010, 1, 1), 960_000.0),
        ("anbringelse", date(2012, 1, 1), 1_200_000.0),
        ("sikret_institution", date(2010, 1, 1), 2_880_000.0),
    ]


def test_business_case_by_hand(case_url: str) -> None:
    engine = make_engine(case_url)
    try:
        case = business_case(engine, query_context("P1", D))
        with engine.connect() as conn:
            this_year = family_months(conn, "P1", D)
    finally:
        engine.dispose()

    years = case.years.set_index("year")
    assert list(years.index) == [2010, 2011]
    assert list(years["spent"]) == [800_000, 880_000]
    assert list(years["cumulative_spent"]) == [800_000, 1_680_000]
    assert list(years["family_months"]) == [8, 6]
    # D's year agrees with kpis.md's cost_per_family_month denominator.
    assert this_year == 6
    assert years.loc[2010, "cost_per_family_month"] == pytest.approx(100_000)
    assert years.loc[2011, "cost_per_family_month"] == pytest.approx(880_000 / 6)
    assert years.loc[2010, "cost_per_course"] == pytest.approx(1_200_000)
    assert case.spent_total == 1_680_000
    assert case.spent_this_year == 880_000
    assert case.family_months_total == 14
    assert case.cost_per_family_month == pytest.approx(120_000)
    assert case.cost_per_course == pytest.approx(1_440_000)

    measures = case.measures.set_index("measure")
    assert list(measures.index) == ["anbringelse", "sikret_institution"]
    placement = measures.loc["anbringelse"]
    assert placement["yearly_cost_dkk"] == 960_000
    assert placement["source"] == "Eksempel B"
    assert placement["years_per_course"] == pytest.approx(1.5)
    assert placement["courses_per_measure_year"] == pytest.approx(2 / 3)
    assert placement["measures_this_year"] == pytest.approx(880_000 / 960_000)
    assert placement["measure_years_to_date"] == pytest.approx(1.75)
    secure = measures.loc["sikret_institution"]
    assert secure["years_per_course"] == pytest.approx(0.5)
    assert secure["measure_years_to_date"] == pytest.approx(1_680_000 / 2_880_000)


def test_small_family_months_hidden_from_department_heads(case_url: str) -> None:
    # On 2010-08-31 only F1 has been active: July and August, 2 family-months.
    engine = make_engine(case_url)
    head = Scope(role="department_head", email="head@example.org", department_id="SOF")
    try:
        exact = business_case(engine, query_context("P1", date(2010, 8, 31)))
        hidden = business_case(engine, query_context("P1", date(2010, 8, 31), scope=head))
    finally:
        engine.dispose()

    assert exact.family_months_total == 2
    assert exact.cost_per_family_month == pytest.approx(250_000)
    row = hidden.years.iloc[0]
    assert row["family_months"] is None or row["family_months"] != row["family_months"]
    assert row["family_months_display"] == "<5"
    assert hidden.family_months_total is None
    assert hidden.cost_per_course is None
    assert hidden.spent_total == 500_000


def test_broken_unit_costs_refused_with_file_line_and_column(case_url: str, tmp_path: Path) -> None:
    before = snapshot(case_url)
    broken = """
        anbringelse,Anbringelse,960000,2010-01-01,Eksempel
        specialskole,Specialskole,1.440.000,2010-01-01,Eksempel
        dagbehandling,Dagbehandling,700000,2010-13-01,Eksempel
        anbringelse,Anbringelse,980000,2010-01-01,Eksempel
        sikret_institution,Sikret institution,-5,2010-01-01,
    """

    with pytest.raises(BundleRejected) as caught:
        load_bundle(write_bundle(tmp_path / "broken", bundle_files(broken)), case_url)

    assert [str(p) for p in caught.value.problems] == [
        "unit_costs.csv:3: yearly_cost_dkk: not a number: '1.440.000'",
        "unit_costs.csv:4: valid_from: not a real date: '2010-13-01'",
        "unit_costs.csv:5: valid_from: duplicate row for (measure 'anbringelse', "
        "valid_from '2010-01-01') (first on line 2)",
        "unit_costs.csv:6: yearly_cost_dkk: must be at least 0.01, got '-5'",
        "unit_costs.csv:6: source: value missing",
    ]
    assert snapshot(case_url) == before
