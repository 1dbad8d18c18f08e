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
        ("Nørrebro", days, (20, 25), "solid"),
        ("Nørrebro", days, (60, 65), "solid"),
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


def test_the_roll_out_s_ten_areas_each_keep_one_colour_on_funnel_and_lines(
    monkeypatch: pytest.MonkeyPatch, demo_db_url: str
) -> None:
    """The demo's roll-out runs in ten housing areas: ten colours, the same on both pages."""
    query = {"programme": "intensiveret-indsats", "as_of": "2013-12-31"}
    funnel_app = render(monkeypatch, demo_db_url, "visitation", query=query)
    assert not funnel_app.exception, [e.value for e in funnel_app.exception]
    funnel = next(
        spec
        for spec in checked_charts(funnel_app)
        if spec["data"][0].get("orientation") == "h" and spec["layout"].get("barmode") == "stack"
    )
    bar_colours = {
        trace["name"]: trace["marker"]["color"] for trace in funnel["data"] if trace.get("y")
    }
    bar_colours.pop("skjult, under 5", None)
    assert len(bar_colours) == 10
    assert len(set(bar_colours.values())) == 10

    lines_app = render(monkeypatch, demo_db_url, "bydele", query=query)
    assert not lines_app.exception, [e.value for e in lines_app.exception]
    first = checked_charts(lines_app)[0]
    line_colours = {
        trace["name"]: trace["line"]["color"]
        for trace in first["data"]
        if trace["line"].get("dash") != "dash"
    }
    assert line_colours == bar_colours
