"""Visitation shows the hand-made bundle's intake figures (tests/fixtures/programme.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.apptest import checked_charts, metrics, render, table_text
from tests.fixtures.programme import QUERY, load_small


def test_intake_page(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "visitation", user="styre@example.org", query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    shown = metrics(app)
    assert shown["Under visitation"] == "1"  # F4
    # Days to start: F1 28, F2 42, F3 42, F5 42 -> median 42.
    assert shown["Dage fra henvisning til start (median)"] == "42 dage"
    # Target 3 - active 3 = 0.
    assert shown["Ledig kapacitet"] == "0"
    waits = table_text(app.dataframe[0]).set_index("Trin")
    # investigation -> approved: median 20, F4 still waiting 38 days.
    row = waits.loc["§ 50-undersøgelse → visiteret"]
    assert list(row) == ["20,0", "4", "1", "1"]


def test_intake_before_start_says_what_is_missing(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    query = {**QUERY, "as_of": "2009-12-31"}
    app = render(monkeypatch, db_url, "visitation", user="styre@example.org", query=query)
    assert not app.exception
    assert any("Ingen familier i perioden" in str(i.value) for i in app.info)
    # The funnel has every district's rows at 0 before the first referral: no chart of
    # empty bars, but the same empty state.
    assert not app.get("plotly_chart"), [c.proto.spec[:80] for c in app.get("plotly_chart")]


def test_referrals_per_month_count_whole_families(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Referred in January (F1, F5), February (F2), May (F3), August (F4): 2 at most.

    The axis reads 0, 1, 2, never Plotly's own 0,5 and 1,5 of a family.
    """
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "visitation", user="styre@example.org", query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    monthly = [
        spec
        for spec in checked_charts(app)
        if spec["data"][0].get("orientation") != "h" and spec["data"][0]["type"] == "bar"
    ]
    assert len(monthly) == 1
    bars = monthly[0]["data"][0]
    assert max(bars["y"]) == 2
    axis = monthly[0]["layout"]["yaxis"]
    assert axis["tickvals"] == [0, 1, 2] and axis["ticktext"] == ["0", "1", "2"]
    assert axis["title"]["text"] == "Familier"
