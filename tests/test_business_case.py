"""The prevention business case on the hand-computed bundle of tests/fixtures/business_case.py."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from dashboard.report import render_report
from dashboard.report.content import build_report, parse_quarter
from dashboard.report.xlsx import sheet_name
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
from tests.fixtures.business_case import D, load_case, write_case
from tests.fixtures.contexts import query_context
from tests.fixtures.valid import snapshot


@pytest.fixture
def case_url(db_url: str, tmp_path: Path) -> str:
    return load_case(db_url, tmp_path)


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


def test_department_heads_see_family_months_rounded_and_costs_from_them(case_url: str) -> None:
    # 8 and 6 family-months both read 5 (5-8 read 5), the 14 in total 15 (14-18);
    # costs divide by what is shown: 800.000 / 5, 880.000 / 5, 1.680.000 / 15.
    engine = make_engine(case_url)
    head = Scope(role="department_head", email="head@example.org", department_id="SOF")
    try:
        case = business_case(engine, query_context("P1", D, scope=head))
    finally:
        engine.dispose()

    years = case.years.set_index("year")
    assert list(years["family_months"]) == [5, 5]
    assert years.loc[2010, "cost_per_family_month"] == pytest.approx(160_000)
    assert years.loc[2011, "cost_per_family_month"] == pytest.approx(176_000)
    assert case.family_months_total == 15
    assert case.cost_per_family_month == pytest.approx(112_000)
    assert case.cost_per_course == pytest.approx(1_344_000)


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
        load_bundle(write_case(tmp_path / "broken", broken), case_url)

    assert [str(p) for p in caught.value.problems] == [
        "unit_costs.csv:3: yearly_cost_dkk: not a number: '1.440.000'",
        "unit_costs.csv:4: valid_from: not a real date: '2010-13-01'",
        "unit_costs.csv:5: valid_from: duplicate row for (measure 'anbringelse', "
        "valid_from '2010-01-01') (first on line 2)",
        "unit_costs.csv:6: yearly_cost_dkk: must be at least 0.01, got '-5'",
        "unit_costs.csv:6: source: value missing",
    ]
    assert snapshot(case_url) == before


def test_quarterly_report_carries_the_same_tables(case_url: str) -> None:
    engine = make_engine(case_url)
    try:
        content = build_report(engine, "P1", parse_quarter("2011Q1"))
    finally:
        engine.dispose()
    case = content.business_case
    assert case is not None and case.cost_per_course == pytest.approx(1_440_000)

    pdf = render_report(content, "pdf", "da")
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    assert "Forebyggelsesregnskab" in text
    assert "1.440.000 kr." in text
    assert "Eksempel B" in text
    assert "Forudsætninger" in text

    book = openpyxl.load_workbook(io.BytesIO(render_report(content, "xlsx", "da")))
    years = list(book[sheet_name("prevention_years", "da")].values)
    assert years[1:] == [
        ("2010", 800_000, 800_000, 8, 100_000, 1_200_000),
        ("2011", 880_000, 1_680_000, 6, pytest.approx(880_000 / 6), pytest.approx(1_760_000)),
        ("I alt", 1_680_000, 1_680_000, 14, 120_000, 1_440_000),
    ]
    measures = list(book[sheet_name("prevention_measures", "da")].values)
    assert [row[0] for row in measures[1:]] == [
        "Anbringelse uden for hjemmet",
        "Sikret institution",
    ]
    assert measures[1][2] == pytest.approx(1.5)
    assert measures[1][-1] == "Eksempel B"
