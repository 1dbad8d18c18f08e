"""Forløb shows the hand-made bundle's course figures (tests/fixtures/programme.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.apptest import checked_charts, metrics, render, texts
from tests.fixtures.programme import QUERY, load_small


def test_courses_page_admin(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "forloeb", user="admin@example.org", query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    shown = metrics(app)
    assert shown["Aktive familier"] == "3"
    assert shown["Afsluttede forløb"] == "1"  # F5
    # F3's aftercare date 2010-10-15 is 15 days after D.
    assert shown["Går i efterværn inden for 30 dage"] == "1"
    assert app.dataframe[0].value.iloc[:, 0].tolist() == ["F3"]


def test_courses_page_steering_sees_no_pseudonym(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "forloeb", user="styre@example.org", query=QUERY)
    assert not app.exception
    assert metrics(app)["Går i efterværn inden for 30 dage"] == "1"
    page = texts(app)
    assert not any(f"F{i}" in page.split() for i in range(1, 6))
    assert len(app.dataframe) == 0  # no per-family list for steering


def test_timeline_says_when_it_shows_only_the_newest_courses(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    monkeypatch.setattr("data_access.queries.courses.TIMELINE_LIMIT", 2)
    app = render(monkeypatch, db_url, "forloeb", user="admin@example.org", query=QUERY)
    assert not app.exception
    # Four courses started by D (F1, F5, F2, F3); the chart keeps the newest two.
    captions = [c.value for c in app.caption]
    assert "Viser de 2 senest startede af 4 forløb. Vælg en bydel for at se færre." in captions
    specs = checked_charts(app)
    timeline = next(s for s in specs if s["data"][0].get("orientation") == "h")
    # One trace for the intensive months, one for aftercare, one bar per course.
    assert [list(trace["y"]) for trace in timeline["data"]] == [["F2", "F3"], ["F2", "F3"]]
    # P1: aftercare after 6 months, planned end after 12, named on the month axis.
    ticks = dict(
        zip(timeline["layout"]["xaxis"]["tickvals"], timeline["layout"]["xaxis"]["ticktext"])
    )
    assert ticks[6] == "6<br>efterværn" and ticks[12] == "12<br>planlagt slut"
    assert ticks[5] == "5"


def test_viewer_on_a_small_district_sees_hidden_months_as_hidden(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Brønshøj-Husum holds F3 (intensive from 2010-06-14) and F4 (investigation from 08-23)."""
    load_small(db_url, tmp_path / "bundle").dispose()
    query = {**QUERY, "district": "bh"}
    app = render(monkeypatch, db_url, "forloeb", user="laeser@example.org", query=query)
    assert not app.exception, [e.value for e in app.exception]
    assert metrics(app)["Aktive familier"] == "<5"
    specs = checked_charts(app)
    stages = next(s for s in specs if s["layout"].get("barmode") == "stack")
    traces = {trace["name"]: trace for trace in stages["data"]}
    # The legend says what the hatching means; no month of F3's is an empty month.
    assert "skjult, under 5" in traces
    intensive = traces["Intensiv fase"]
    # The first point may be the legend swatch's empty point (x None, charts.mark_hidden).
    points = list(zip(intensive["x"], intensive["marker"]["pattern"]["shape"], strict=True))
    months = [str(x)[:10] for x, _ in points if x is not None]
    hatched = {str(x)[:10]: shape for x, shape in points if x is not None}
    # 0-4 alike: F3's four months (June-September) and the empty months before them
    # are all hatched, so nobody can tell when F3 started from the chart.
    assert months == [
        "2010-01-31", "2010-02-28", "2010-03-31", "2010-04-30", "2010-05-31",
        "2010-06-30", "2010-07-31", "2010-08-31", "2010-09-30",
    ]  # fmt: skip
    assert set(hatched.values()) == {"/"}
    labels = {str(x)[:10]: text for x, text in zip(intensive["x"], intensive["text"], strict=True)}
    assert labels["2010-07-31"] == "&lt;5"  # Plotly draws it as "<5" (charts.literal)
    # The flow chart: F3's start in June is a hatched "<5" bar too.
    flow = next(
        s for s in specs if any(t.get("name") == "Startet" for t in s["data"]) and s is not stages
    )
    started = next(t for t in flow["data"] if t.get("name") == "Startet")
    june = [str(x)[:10] for x in started["x"]].index("2010-06-30")
    assert started["marker"]["pattern"]["shape"][june] == "/"


def test_course_charts_count_whole_families(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each count axis steps in whole families, reaching the largest bar of its own data.

    Stages: from August every one of F1-F5 is in some stage (F5 ended), 5 at most.
    Started: February F1 and F5, March F2, June F3; ended: June F5: 2 at most.
    End reasons: F5 dropped out, 1.
    """
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "forloeb", user="admin@example.org", query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    specs = checked_charts(app)
    stages = next(s for s in specs if s["layout"].get("barmode") == "stack")
    flow = next(s for s in specs if any(t.get("name") == "Startet" for t in s["data"]))
    reasons = next(
        s
        for s in specs
        if s["data"][0].get("orientation") == "h"
        and s["layout"]["xaxis"].get("title", {}).get("text") == "Familier"
    )
    assert stages["layout"]["yaxis"]["tickvals"] == [0, 1, 2, 3, 4, 5]
    assert flow["layout"]["yaxis"]["tickvals"] == [0, 1, 2]
    assert reasons["layout"]["xaxis"]["tickvals"] == [0, 1]
    assert reasons["layout"]["xaxis"]["ticktext"] == ["0", "1"]
