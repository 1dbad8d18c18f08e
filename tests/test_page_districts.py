"""The Bydele page in AppTest: built-in and bundle-defined indicators, change and direction."""

from __future__ import annotations

import pytest

from tests.fixtures.apptest import checked_charts, render, texts


def test_indicators_with_change_and_direction(
    monkeypatch: pytest.MonkeyPatch,
    results_url: str,
) -> None:
    app = render(
        monkeypatch,
        results_url,
        "bydele",
        user="viewer@example.org",
        query={"programme": "P1", "as_of": "2012-06-30"},
    )
    assert not app.exception
    headers = [h.value for h in app.subheader]
    # Defined only in indicator_definitions.csv, yet on the page.
    assert "Tryghedsindeks" in headers and "Unge i fritidsjob" in headers
    shown = texts(app)
    assert "↑ Højere er bedre" in shown
    # Nørrebro tryghedsindex 60 -> 65: +5,0, better; the city 70 -> 74: +4,0.
    assert "+5,0" in shown and "+4,0" in shown
    assert "▲ Bedre" in shown
    # One line per district and one for the city, as the bundle lists them:
    # tryghedsindex nb 60 -> 65 and the city 70 -> 74 (dashed); fritidsjob nb 20 -> 25.
    lines = sorted(
        (trace["name"], tuple(trace["x"]), tuple(trace["y"]), trace["line"].get("dash"))
        for chart in checked_charts(app)
        for trace in chart["data"]
    )
    days = ("2010-01-01", "2012-01-01")
    assert lines == [
        ("Københavns Kommune", days, (70, 74), "dash"),
        ("Nørrebro", days, (20, 25), None),
        ("Nørrebro", days, (60, 65), None),
    ]


def test_programme_without_families_still_shows_bydele(
    monkeypatch: pytest.MonkeyPatch,
    results_url: str,
) -> None:
    app = render(
        monkeypatch,
        results_url,
        "bydele",
        user="admin@example.org",
        query={"programme": "P2", "as_of": "2013-06-30"},
    )
    assert not app.exception
    assert "Nørrebro" in texts(app)
