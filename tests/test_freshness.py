"""Freshness and coverage: the load history row, the footer, the coverage and stale warnings.

The hand-made bundle of test_queries_programme books its only spend row on
2010-03-01, so its load covers data up to 1 March 2010 (spend.csv decides).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from dashboard import formatting
from dashboard.navigation import pages_for
from data_access.db import schema
from data_access.queries import reference
from data_access.queries.freshness import freshness
from tests.fixtures.apptest import render, table_text, texts
from tests.fixtures.programme import load_small

COVERS = date(2010, 3, 1)


def test_load_writes_its_history_row(db_url: str, tmp_path: Path) -> None:
    before = datetime.now().replace(microsecond=0) - timedelta(seconds=1)
    engine = load_small(db_url, tmp_path / "bundle")
    try:
        loads = reference.load_history_rows(engine)
    finally:
        engine.dispose()
    assert len(loads) == 1
    load = loads[0]
    assert load.bundle_name == "bundle"
    assert load.covers_until == COVERS
    assert not load.is_demo
    assert load.loaded_at >= before
    # families.csv: 5 rows; its latest date of any column is F3's aftercare_on 2010-10-15.
    assert load.files["families.csv"]["rows"] == 5
    assert load.files["families.csv"]["latest_date"] == "2010-10-15"
    assert load.files["spend.csv"]["latest_date"] == "2010-03-01"
    assert len(str(load.files["spend.csv"]["sha256"])) == 64
    assert json.dumps(load.files)  # stored as JSON


def test_footer_shows_load_time_and_coverage(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = load_small(db_url, tmp_path / "bundle")
    loaded = datetime(2031, 10, 3, 14, 5)  # UTC, as the loader stores it
    with engine.begin() as connection:
        connection.execute(update(schema.load_history).values(loaded_at=loaded))
    engine.dispose()
    monkeypatch.setenv("DASHBOARD_STALE_DAYS", "100000")
    query = {"programme": "P1", "as_of": "2010-02-15"}
    app = render(monkeypatch, db_url, "oversigt", user="styre@example.org", query=query)
    assert not app.exception, [e.value for e in app.exception]
    captions = [str(c.value) for c in app.caption]
    # 14.05 UTC is 16.05 in Copenhagen (summer time).
    assert "Data indlæst 3. oktober 2031 kl. 16.05 · bogført til 1. marts 2010" in captions
    # 15 February lies inside the coverage: no coverage warning, and the load is not stale.
    warnings = " ".join(str(w.value) for w in app.warning)
    assert "dækning" not in warnings and "Forældede data" not in warnings


def test_report_date_past_coverage_warns(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    query = {"programme": "P1", "as_of": "2010-09-30"}
    app = render(monkeypatch, db_url, "visitation", user="styre@example.org", query=query)
    assert not app.exception, [e.value for e in app.exception]
    warnings = [str(w.value) for w in app.warning]
    assert any(
        "30. september 2010 ligger efter dataenes dækning (bogført til 1. marts 2010)" in w
        for w in warnings
    ), warnings


def test_stale_load_warns_on_every_page(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = load_small(db_url, tmp_path / "bundle")
    old = datetime.now() - timedelta(days=41)
    with engine.begin() as connection:
        connection.execute(update(schema.load_history).values(loaded_at=old))
    engine.dispose()
    monkeypatch.delenv("DASHBOARD_STALE_DAYS", raising=False)
    query = {"programme": "P1", "as_of": "2010-02-15"}
    for page_key in ("oversigt", "begreber"):
        app = render(monkeypatch, db_url, page_key, user="styre@example.org", query=query)
        assert not app.exception
        page = texts(app)
        assert "Forældede data" in page and "(41 dage siden, grænsen er 40 dage)" in page
    monkeypatch.setenv("DASHBOARD_STALE_DAYS", "45")
    app = render(monkeypatch, db_url, "oversigt", user="styre@example.org", query=query)
    assert "Forældede data" not in texts(app)


def test_admin_page_lists_the_loads(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "first").dispose()
    load_small(db_url, tmp_path / "second").dispose()
    app = render(monkeypatch, db_url, "indlaesninger", user="admin@example.org")
    assert not app.exception, [e.value for e in app.exception]
    history = table_text(app.dataframe[0])
    assert list(history["Datapakke"]) == ["second", "first"]
    assert list(history["Bogført til"]) == [formatting.long_date(COVERS)] * 2
    files = table_text(app.dataframe[1]).set_index("Fil")
    assert files.loc["families.csv", "Rækker"] == "5"
    assert "indlaesninger" not in {spec.key for spec in pages_for("steering")}


def test_freshness_rules() -> None:
    load = reference.LoadInfo(1, datetime(2031, 10, 3, 14, 5), "b", date(2031, 9, 30), False, {})
    now = datetime(2031, 11, 12, 9, 0)  # 40 days later: not yet stale
    assert not freshness(load, date(2031, 9, 30), now=now, days=40).stale
    assert freshness(load, date(2031, 9, 30), now=now + timedelta(days=1), days=40).stale
    assert freshness(load, date(2031, 10, 1), now=now, days=40).beyond_coverage
    assert not freshness(load, date(2031, 9, 30), now=now, days=40).beyond_coverage
    assert freshness(None, None).stale
