"""The Økonomi page in AppTest: exact metric texts, tables, department default, empty year."""

from __future__ import annotations

import pytest

from tests.fixtures.apptest import render, table_text, texts

ADMIN = "admin@example.org"


def metric(app: object, label: str) -> str:
    for item in app.metric:  # type: ignore[attr-defined]
        if item.label == label:
            return str(item.value)
    raise AssertionError(f"no metric {label!r}")


def test_headline_and_years(monkeypatch: pytest.MonkeyPatch, results_url: str) -> None:
    app = render(
        monkeypatch,
        results_url,
        "oekonomi",
        user=ADMIN,
        query={"programme": "P1", "as_of": "2011-03-31"},
    )
    assert not app.exception
    # Budget 2011 = 600.000 + 300.000 + 100.000; spent 95.000 (a -5.000 correction included).
    assert metric(app, "Budget (år)") == "1.000.000 kr."
    assert metric(app, "Forbrug år til dato") == "95.000 kr."
    assert metric(app, "Forbrugt af budget") == "9,5 %"
    # 90/365 = 24,66 %.
    assert metric(app, "Forventet forbrug") == "24,7 %"
    shown = texts(app)
    # All years: 1.000.000 + 732.000 = 1.732.000, of which the ministry 300.000.
    assert "1.732.000 kr." in shown
    assert "300.000 kr." in shown
    assert "Under" in shown and "forbrug" in shown
    assert "F1" not in shown  # booked rows never carry a family reference


def test_year_without_budget(monkeypatch: pytest.MonkeyPatch, results_url: str) -> None:
    app = render(
        monkeypatch,
        results_url,
        "oekonomi",
        user=ADMIN,
        query={"programme": "P1", "as_of": "2012-12-31"},
    )
    assert not app.exception
    assert metric(app, "Budget (år)") == "732.000 kr."
    # 2013 has spend but no budget: budget "–", no share, no exception.
    app = render(
        monkeypatch,
        results_url,
        "oekonomi",
        user=ADMIN,
        query={"programme": "P2", "as_of": "2013-06-30"},
    )
    assert not app.exception
    assert metric(app, "Budget (år)") == "–"
    assert metric(app, "Forbrugt af budget") == "–"


def test_department_head_starts_on_own_department(
    monkeypatch: pytest.MonkeyPatch,
    results_url: str,
) -> None:
    app = render(
        monkeypatch,
        results_url,
        "oekonomi",
        user="chef@example.org",
        query={"programme": "P1", "as_of": "2011-03-31"},
    )
    assert not app.exception
    assert app.selectbox(key="oekonomi_department").value == "BUF"
    # BUF's only activity: Skole, 20.000 of 100.000.
    table = table_text(app.dataframe[0])
    assert list(table.iloc[:, 0]) == ["Skole"]
    # The report's columns, the status beside the name; the variance in points
    # (share spent minus the expected share above the table) is left to the workbook.
    assert list(table.columns) == [
        "Aktivitet",
        "Status",
        "Budget (år)",
        "Forbrug år til dato",
        "Forbrugt af budget",
        "Prognose for året",
        "Afvigelse fra plan",
    ]
    assert "20.000 kr." in table.to_csv()
