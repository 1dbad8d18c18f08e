"""The Bydele page in AppTest: built-in and bundle-defined indicators, change and direction."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.formatting import markdown_literal
from tests.fixtures.apptest import checked_charts, render, texts


def _pilot_as_viewer(monkeypatch: pytest.MonkeyPatch, url: str, **query: str) -> AppTest:
    """Bydele for results.py's P1 on 30 June 2012, as the viewer."""
    return render(
        monkeypatch,
        url,
        "bydele",
        user="viewer@example.org",
        query={"programme": "P1", "as_of": "2012-06-30", **query},
    )


def test_indicators_with_change_and_direction(
    monkeypatch: pytest.MonkeyPatch,
    results_url: str,
) -> None:
    app = _pilot_as_viewer(monkeypatch, results_url)
    assert not app.exception
    headers = [h.value for h in app.subheader]
    # Defined only in indicator_definitions.csv, yet on the page.
    assert "Tryghedsindex" in headers and "Unge i fritidsjob" in headers
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


def test_the_indicator_matrix_reads_each_direction_and_escapes_bundle_text() -> None:
    """The presentation's table: one cell per district and indicator, Markdown-safe.

    Hand-made changes: crime falls 40 -> 35 (lower is better: better, green),
    the index falls 60 -> 58 (higher is better: worse, red), an indicator
    without a direction reads no verdict, and one unchanged reads "Uændret".
    A bundle's name is escaped, its colon too: no `:red[…]` from outside.
    Arrow and word are joined by a no-break space: a 1280 px projector
    ended a line with "▲" and began the next with "Bedre".
    """
    import pandas as pd

    from dashboard.views.districts import indicator_matrix
    from data_access.queries.indicators import CHANGE_COLUMNS, Indicator, IndicatorPanel

    def panel(*rows: tuple[str, str, str, float, float | None]) -> IndicatorPanel:
        changes = pd.DataFrame(
            [(d, n, k, None, s, None, s + c if c is not None else s, c) for d, n, k, s, c in rows],
            columns=list(CHANGE_COLUMNS),
        )
        return IndicatorPanel(series=pd.DataFrame(), changes=changes)

    found = [
        Indicator("crime", "Kriminalitet", None, False),
        Indicator("index", "[Indeks](http://x)", None, True),
        Indicator("share", "Andel", "%", None),
    ]
    panels = {
        "crime": panel(
            ("a", "Område *A*", "boligomraade", 40.0, -5.0), ("kk", "Byen", "city", 30.0, 0.0)
        ),
        "index": panel(("a", "Område *A*", "boligomraade", 60.0, -2.0)),
        "share": panel(("a", "Område *A*", "boligomraade", 10.0, 1.5)),
    }
    frame = indicator_matrix(found, panels, "da")
    assert list(frame.columns) == [
        "Bydel/område",
        "**Kriminalitet** · ↓ Lavere er bedre",
        "**\\[Indeks\\]\\(http\\://x\\)** · ↑ Højere er bedre",
        "**Andel** · Ingen retning angivet · %",
    ]
    assert frame.values.tolist() == [
        [
            "Område \\*A\\*",
            "35,0 (−5,0) :green[▲\u00a0Bedre]",
            "58,0 (−2,0) :red[▼\u00a0Dårligere]",
            "11,5 (+1,5)",
        ],
        ["**Byen**", "30,0 (±0,0) ●\u00a0Uændret", "–", "–"],
    ]


def test_a_change_carries_no_binary_noise() -> None:
    """67,8 - 62,1 is 5,7 in the workbook too, not 5.699999999999996."""
    from datetime import date

    from data_access.queries.indicators import _changes

    measurements = [
        ("a", "Område", "boligomraade", date(2012, 1, 1), 62.1),
        ("a", "Område", "boligomraade", date(2013, 7, 1), 67.8),
    ]
    [change] = _changes(measurements, date(2012, 1, 1))["change"].tolist()
    assert change == 5.7


def test_in_english_a_built_in_indicator_s_unit_is_english_a_bundle_s_as_written(
    monkeypatch: pytest.MonkeyPatch, results_url: str
) -> None:
    """results.py: the built-in tryghedsindex, and fritidsjob defined by the bundle with unit %."""
    app = _pilot_as_viewer(monkeypatch, results_url, lang="en")
    assert not app.exception
    shown = texts(app)
    # Markdown source: the unit is escaped as bundle text is ("0\\-100").
    assert f"Unit: {markdown_literal('index 0-100')}" in shown
    assert "indeks" not in shown
    assert f"Unit: {markdown_literal('%')}" in shown
    axes = [chart["layout"]["yaxis"]["title"]["text"] for chart in checked_charts(app)]
    assert sorted(axes) == ["%", "index 0-100"]
