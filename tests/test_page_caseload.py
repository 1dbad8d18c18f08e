"""Sagsstamme shows the hand-made bundle's caseload (see test_queries_programme)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apptest import render
from tests.test_page_overview import QUERY
from tests.test_queries_programme import load_small


def test_caseload_page_coordinator(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "sagsstamme", user="k1@example.org", query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    load = app.dataframe[0].value.set_index("Koordinator")
    # C1: F1, F2 active of capacity 2 = 100 %.
    assert list(load.loc["Koordinator Et"]) == ["2", 2, "100,0 %"]
    families = app.dataframe[1].value
    # F1's review (05-01) fell due 30.07.2010 and is overdue, so it comes first.
    assert families["Familie (pseudonym)"].tolist() == ["F1", "F2"]
    assert families["Næste kvartalsopfølgning"].tolist() == ["30.07.2010", "30.11.2010"]
    assert families["SSP-ændring siden start"].tolist() == ["-2", "0"]
    assert families["Måneder i forløb"].tolist() == ["7", "6"]


def test_caseload_page_steering_gets_no_family_rows(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "sagsstamme", user="styre@example.org", query=QUERY)
    assert not app.exception
    assert len(app.dataframe) == 1
    assert any("koordinator" in str(i.value) for i in app.info)
