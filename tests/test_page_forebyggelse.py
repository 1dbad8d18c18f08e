"""The Forebyggelse page in AppTest on the hand-computed bundle of tests/fixtures/business_case.py.

Figures by hand (see that module): spend to date 1.680.000 kr., 14
family-months, 120.000 kr. per family-month, 1.440.000 kr. per 12-month
course; a placement at 960.000 kr. a year pays one course in 1,5 years;
two placements avoided at once pay the spend to date in 0,875 -> 0,9 years.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.formatting import markdown_literal
from dashboard.navigation import page, pages_for
from data_access.bundle.loader import load_bundle
from tests.fixtures.apptest import checked_charts, metrics, render, table_text, texts
from tests.fixtures.business_case import load_case, write_case

QUERY = {"programme": "P1", "as_of": "2011-03-31"}


@pytest.fixture
def case_url(db_url: str, tmp_path: Path) -> str:
    return load_case(db_url, tmp_path)


def test_page_shows_the_hand_computed_case(
    monkeypatch: pytest.MonkeyPatch,
    case_url: str,
) -> None:
    app = render(monkeypatch, case_url, "forebyggelse", user="admin@example.org", query=QUERY)

    assert not app.exception, [e.value for e in app.exception]
    assert [title.value for title in app.title] == ["Forebyggelsesregnskab"]
    assert metrics(app) == {
        "Forbrug i alt til dato": "1.680.000 kr.",
        "Familiemåneder": "14",
        "Udgift pr. familiemåned": "120.000 kr.",
        "Udgift pr. familieforløb (12 mdr.)": "1.440.000 kr.",
    }
    years, measures, break_even = (table_text(frame) for frame in app.dataframe)
    # The grid sorts by value: amounts are numbers, the Danish text drawn beside them.
    assert list(app.dataframe[1].value["Udgift pr. år"]) == [960_000.0, 2_880_000.0]
    assert list(years["År"]) == ["2010", "2011", "I alt"]
    assert list(years["Familiemåneder"]) == ["8", "6", "14"]
    assert list(years["Udgift pr. familiemåned"]) == ["100.000 kr.", "146.667 kr.", "120.000 kr."]
    assert list(measures["Foranstaltning"]) == [
        "Anbringelse uden for hjemmet",
        "Sikret institution",
    ]
    assert list(measures["Udgift pr. år"]) == ["960.000 kr.", "2.880.000 kr."]
    # Short headings on the screen (1.440.000 / 960.000 = 1,5 years a course; its inverse
    # 0,67 courses a year; 1.680.000 / 960.000 = 1,75 years for the spend to date).
    assert list(measures.columns) == [
        "Foranstaltning",
        "Udgift pr. år",
        "År pr. forløb",
        "Forløb pr. år",
        "År for forbruget 2011",
        "År for forbruget til dato",
    ]
    assert list(measures["År pr. forløb"]) == ["1,5", "0,5"]
    assert list(measures["Forløb pr. år"]) == ["0,7", "2,0"]
    assert list(measures["År for forbruget til dato"]) == ["1,8", "0,6"]
    helps = {k: v.get("help") for k, v in json.loads(app.dataframe[1].proto.columns).items()}
    assert helps["År pr. forløb"] == "Undgåede år, der betaler ét forløb"
    assert helps["År for forbruget 2011"] == "Undgåede år, der betaler forbruget i 2011"
    # One placement avoided: 1.680.000 / 960.000 = 1,75 years; a secure place 0,58.
    assert list(break_even["År, til forbruget er betalt"]) == ["1,8", "0,6"]
    shown = texts(app)
    assert "Forudsætninger" in shown
    assert "**Kilde til priserne:** Eksempel B; Eksempel D" in shown
    assert "**Priserne gælder fra:** 1. januar 2010" in shown
    assert "til dato (1.680.000 kr.)." in shown
    assert "viser ikke, at programmet har forhindret" in shown
    assert len(checked_charts(app)) == 1

    app.slider(key="forebyggelse_avoided").set_value(2).run()

    assert not app.exception
    break_even = table_text(app.dataframe[2])
    assert list(break_even["År, til forbruget er betalt"]) == ["0,9", "0,3"]


def test_prices_of_different_dates_and_hostile_sources_read_as_text(
    monkeypatch: pytest.MonkeyPatch, db_url: str, tmp_path: Path
) -> None:
    rows = """
        anbringelse,Anbringelse uden for hjemmet,960000,2010-01-01,Takst [x](http://evil.invalid)
        sikret_institution,Sikret *institution*,2880000,2011-01-01,Eksempel D
    """
    load_bundle(write_case(tmp_path / "case", rows), db_url)
    app = render(monkeypatch, db_url, "forebyggelse", user="admin@example.org", query=QUERY)

    assert not app.exception
    shown = texts(app)
    # Bundle text is escaped (markdown_literal), so Markdown shows it letter for letter:
    # no link, no italics. Two dates: each measure with its own.
    assert "**Kilde til priserne:** " + markdown_literal("Takst [x](http://evil.invalid)") in shown
    assert (
        "**Priserne gælder fra:** Anbringelse uden for hjemmet: 1. januar 2010; "
        + markdown_literal("Sikret *institution*")
        + ": 1. januar 2011"
    ) in shown
    assert "](http" not in shown


def test_page_in_english(
    monkeypatch: pytest.MonkeyPatch,
    case_url: str,
) -> None:
    app = render(
        monkeypatch,
        case_url,
        "forebyggelse",
        user="steering@example.org",
        query={**QUERY, "lang": "en"},
    )

    assert not app.exception
    assert metrics(app)["Cost per family course (12 months)"] == "DKK 1,440,000"
    assert list(table_text(app.dataframe[1])["Years per course"]) == ["1.5", "0.5"]


def test_department_head_sees_the_page(
    monkeypatch: pytest.MonkeyPatch,
    case_url: str,
) -> None:
    app = render(
        monkeypatch, case_url, "forebyggelse", user="department_head@example.org", query=QUERY
    )

    assert not app.exception
    # 14 family-months read 15 for a department head: 12 x 1.680.000 / 15.
    assert metrics(app)["Udgift pr. familieforløb (12 mdr.)"] == "1.344.000 kr."


def test_page_allowed_per_role() -> None:
    allowed = {role for role in page("forebyggelse").roles}
    assert allowed == {"admin", "steering", "department_head"}
    assert "forebyggelse" not in {spec.key for spec in pages_for("coordinator")}
    assert "forebyggelse" not in {spec.key for spec in pages_for("viewer")}
