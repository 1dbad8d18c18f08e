"""Spend, outcome and indicator queries against one hand-made bundle, on both backends.

The bundle (tests/fixtures/results.py) is loaded once per backend; every expected
number is worked out by hand next to its assertion. P1 runs 2011-2012
(2012 is a leap year), P2 (2013) has no families. P1 has budget for 2011
and 2012 only, but a late correction booked in 2013: a year with no budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine

from data_access.db.engine import make_engine
from data_access.queries.figures import compute_figures
from data_access.queries.indicators import indicator_panels, list_indicators, programme_districts
from data_access.queries.outcomes import OUTCOME_FIGURES, course_month_series, outcome_results
from data_access.queries.spend import spend_breakdown, spend_by_month, spend_by_year
from data_access.rules.access import Scope
from tests.fixtures.contexts import query_context

VIEWER = Scope(role="viewer")


@pytest.fixture
def engine(results_url: str) -> Iterator[Engine]:
    made = make_engine(results_url)
    yield made
    made.dispose()


MARCH = date(2011, 3, 31)


def test_breakdowns_sum_to_the_headline_with_a_negative_correction(engine: Engine) -> None:
    # spent_ytd on 2011-03-31 = 50.000 + 30.000 - 5.000 + 20.000 = 95.000; budget 1.000.000.
    figures = compute_figures(engine, query_context("P1", MARCH))
    assert figures["spent_ytd"].value == pytest.approx(95_000)
    assert figures["budget_year"].value == pytest.approx(1_000_000)
    for by in ("department", "funder", "activity"):
        frame = spend_breakdown(engine, query_context("P1", MARCH), by)
        assert frame["spent_ytd"].sum() == pytest.approx(95_000)
        assert frame["budget_year"].sum() == pytest.approx(1_000_000)
    funders = spend_breakdown(engine, query_context("P1", MARCH), "funder").set_index("key")
    # IM: 30.000 - 5.000 = 25.000 of 300.000.
    assert funders.loc["IM", "spent_ytd"] == pytest.approx(25_000)
    assert funders.loc["IM", "name"] == "Integrationsministeriet"
    # SOF forecast 75.000 / (90/365) = 304.166,67 = 33,8 % of 900.000 < 90 %: under.
    departments = spend_breakdown(engine, query_context("P1", MARCH), "department").set_index("key")
    assert departments.loc["SOF", "forecast_year"] == pytest.approx(75_000 * 365 / 90)
    assert departments.loc["SOF", "status"] == "under"


def test_department_drill_to_activity_and_month(engine: Engine) -> None:
    # SOF activities up to March: Koordinering 50.000 (budget 600.000), Mentor 25.000 (300.000).
    frame = spend_breakdown(
        engine, query_context("P1", MARCH), "activity", department_id="SOF"
    ).set_index("key")
    assert sorted(frame.index) == ["Koordinering", "Mentor"]
    assert frame.loc["Mentor", "spent_ytd"] == pytest.approx(25_000)
    assert frame.loc["Mentor", "variance_dkk"] == pytest.approx(25_000 - 300_000 * 90 / 365)
    months = spend_by_month(
        engine, query_context("P1", MARCH), department_id="SOF", activity="Mentor"
    )
    # Jan 0; Feb 30.000 - 5.000 = 25.000; Mar 0. Linear line: 300.000 x 31/365 in January.
    assert list(months["spent"]) == pytest.approx([0, 25_000, 0])
    assert list(months["cumulative"]) == pytest.approx([0, 25_000, 25_000])
    assert months["planned_cumulative"].iloc[0] == pytest.approx(300_000 * 31 / 365)


def test_all_programme_months_cumulate(engine: Engine) -> None:
    # Jan 50.000, Feb 25.000, Mar 20.000 -> 50.000, 75.000, 95.000; March line at 90/365.
    months = spend_by_month(engine, query_context("P1", MARCH))
    assert list(months["cumulative"]) == pytest.approx([50_000, 75_000, 95_000])
    assert months["planned_cumulative"].iloc[-1] == pytest.approx(1_000_000 * 90 / 365)


def test_leap_day(engine: Engine) -> None:
    # 2012-02-29 is day 60 of 366; spent 120.000 of 732.000; forecast 120.000 x 366/60 = 732.000.
    day = date(2012, 2, 29)
    figures = compute_figures(engine, query_context("P1", day))
    assert figures["expected_share"].value == pytest.approx(60 / 366)
    assert figures["spent_ytd"].value == pytest.approx(120_000)
    frame = spend_breakdown(engine, query_context("P1", day), "department")
    assert frame.loc[0, "status"] == "on_plan"


def test_year_without_budget_and_all_years(engine: Engine) -> None:
    day = date(2013, 3, 31)
    figures = compute_figures(engine, query_context("P1", day))
    assert figures["budget_year"].value is None
    assert figures["spent_share"].value is None
    assert spend_breakdown(engine, query_context("P1", day), "department").loc[0, "status"] is None
    years = spend_by_year(engine, query_context("P1", day)).set_index("year")
    # 2011: 95.000 + 100.000 (July) = 195.000; 2012: 120.000; 2013: 5.000, no budget.
    assert list(years.index) == [2011, 2012, 2013]
    assert years.loc[2011, "spent"] == pytest.approx(195_000)
    assert years.loc[2011, "budget_state"] == pytest.approx(300_000)
    assert years.loc[2011, "budget_municipal"] == pytest.approx(700_000)
    assert years["budget"].sum() == pytest.approx(1_732_000)
    assert pd.isna(years["budget"].iloc[2])  # 2013: no budget


JULY = date(2011, 7, 1)


def test_transition_table_matches_improved_share(engine: Engine) -> None:
    results = outcome_results(engine, query_context("P1", JULY))
    table = results.transitions
    # (start, latest): (4,2) (3,3) (4,1) (3,2) (4,4) (3,1); below the diagonal 4 of 6.
    assert table.loc[4, 2] == 1 and table.loc[3, 3] == 1 and table.loc[3, 1] == 1
    cells = table.to_numpy(dtype=int)
    assert cells.sum() == 6
    improved = sum(int(cells[b, a]) for b in range(5) for a in range(b))
    figure = compute_figures(engine, query_context("P1", JULY))["improved_share"]
    assert improved == 4 == figure.numerator
    assert figure.value == pytest.approx(4 / 6)
    assert results.figures["improved_share"] == figure
    viewer = outcome_results(engine, query_context("P1", JULY, scope=VIEWER)).transitions
    assert viewer.loc[4, 2] == "<5"


def test_outcomes_filtered_to_a_district(engine: Engine) -> None:
    # Nørrebro's 5 eligible families, of which F1, F3 and F4 improved; Brønshøj-Husum's 1 (F6).
    nb = outcome_results(engine, query_context("P1", JULY, district_id="nb"))
    cells = nb.transitions.to_numpy(dtype=int)
    assert cells.sum() == 5
    assert sum(int(cells[b, a]) for b in range(5) for a in range(b)) == 3
    assert nb.figures["improved_share"].value == pytest.approx(3 / 5)
    assert nb.figures == compute_figures(
        engine, query_context("P1", JULY, district_id="nb"), figure_ids=OUTCOME_FIGURES
    )
    bh = outcome_results(engine, query_context("P1", JULY, district_id="bh"))
    assert bh.transitions.to_numpy(dtype=int).sum() == 1
    # The district table does not follow the filter: it compares the districts.
    assert list(nb.districts["district_id"]) == list(bh.districts["district_id"]) == ["bh", "nb"]


def test_course_months_and_small_points(engine: Engine) -> None:
    # Month 0: (80 + 70) / 2 = 75 on 2 families; month 1: 90 on 1 family. P1 began on
    # 1 January 2011, so by 1 July six whole months have passed: months 2-6 are drawn
    # too, on no family (a point only where a family has a value said 1 or more).
    series = course_month_series(engine, query_context("P1", JULY), "school_attendance")
    assert list(series["course_month"]) == [0, 1, 2, 3, 4, 5, 6]
    assert list(series["value"][:2]) == pytest.approx([75.0, 90.0])
    assert series["value"][2:].isna().all()
    assert list(series["families"]) == [2, 1, 0, 0, 0, 0, 0]
    assert list(series["small"][:2]) == [True, True]
    hidden = course_month_series(
        engine, query_context("P1", JULY, scope=VIEWER), "school_attendance"
    )
    assert hidden["value"].isna().all()
    assert list(hidden["families"]) == ["<5"] * 7


def test_outcomes_by_district(engine: Engine) -> None:
    # Nørrebro: F1, F3, F4 improved of 5 = 60 %; Brønshøj-Husum: F6 of 1 (small base).
    frame = outcome_results(engine, query_context("P1", JULY)).districts.set_index("district_id")
    assert frame.loc["nb", "improved_share"] == pytest.approx(0.6)
    assert frame.loc["bh", "improved_small"]
    # A viewer never sees the share on one family (nb may be hidden with it, see disclosure).
    viewer = outcome_results(engine, query_context("P1", JULY, scope=VIEWER)).districts.set_index(
        "district_id"
    )
    assert pd.isna(viewer["improved_share"].iloc[0])  # bh (first by name): withheld


def test_indicators_from_definitions_and_change_since_start(engine: Engine) -> None:
    june = query_context("P1", date(2012, 6, 30))
    found = {i.indicator: i for i in list_indicators(engine, june)}
    assert found["fritidsjob"].name == "Unge i fritidsjob"
    assert found["fritidsjob"].higher_is_better is True
    assert found["tryghedsindex"].name == "Tryghedsindex"
    places = tuple(programme_districts(engine, june))
    assert places == ("bh", "nb")
    # Start 2011-01-01: latest value before it is 2010's. nb 60 -> 65 = +5; city 70 -> 74 = +4.
    panels = indicator_panels(
        engine, june, ("tryghedsindex", "fritidsjob", "inklusion"), places, date(2011, 1, 1)
    )
    # inklusion has no values: no panel. One query serves each indicator its own rows:
    # tryghedsindex kk 70, 74 (city, ordered after the bydele's kind) and nb 60, 65.
    assert sorted(panels) == ["fritidsjob", "tryghedsindex"]
    series = panels["tryghedsindex"].series
    assert list(zip(series["district_id"], series["value"], strict=True)) == [
        ("nb", 60),
        ("nb", 65),
        ("kk", 70),
        ("kk", 74),
    ]
    # fritidsjob: nb 20 -> 25 = +5, and no city row.
    assert panels["fritidsjob"].changes.set_index("district_id")["change"].to_dict() == {"nb": 5.0}
    changes = panels["tryghedsindex"].changes.set_index("district_id")
    assert changes.loc["nb", "change"] == pytest.approx(5)
    assert changes.loc["kk", "change"] == pytest.approx(4)
    # A programme without families falls back to every bydel.
    assert programme_districts(engine, query_context("P2", date(2012, 6, 30))) == ["bh", "nb"]
