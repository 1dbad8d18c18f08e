"""Oversigt and Begreber show each figure of the hand-made programme bundle exactly.

D = 2010-09-30, previous quarter end 2010-06-30 (see the bundle's table).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.catalogue import FIGURES
from tests.fixtures.apptest import metrics, render, texts
from tests.fixtures.programme import QUERY, load_small


def test_overview_figures(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "oversigt", user="styre@example.org", query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    shown = metrics(app)
    # Active F1, F2 (aftercare) + F3 (intensive) = 3 against target 3; F4 in intake; none overdue.
    assert shown["Aktive familier"] == "3"
    assert shown["Mål: aktive familier"] == "3"
    assert shown["I intensiv fase"] == "1"
    assert shown["I efterværn"] == "2"
    assert shown["Under visitation"] == "1"
    assert shown["Forløb over tid"] == "0"
    # F1 SSP 3 -> 1 improved, F2 2 -> 2 not: 1 of 2 = 50,0 %.
    assert shown["Forbedret forældreautoritet"] == "50,0 %"
    # 100.000 kr. spent of a 1.000.000 kr. budget.
    assert shown["Forbrug år til dato"] == "100.000 kr."
    assert shown["Budget (år)"] == "1.000.000 kr."
    assert shown["Forbrugt af budget"] == "10,0 %"
    # On 2010-06-30 F1, F2, F3 were intensive: intensive 3 -> 1 is -2, aftercare 0 -> 2 is +2.
    deltas = {str(m.label): str(m.delta) for m in app.metric}
    assert deltas["I intensiv fase"].startswith("-2")
    assert deltas["I efterværn"].startswith("+2")
    page = texts(app)
    assert "På sporet – mål 3" in page  # active 3 >= target 3
    assert "Ingen forløb over tid" in page
    # kpis.md spend_status: 100.000 kr. by day 273 of 365 forecasts 100.000 x 365 / 273 =
    # 133.700 kr. for the year, 13,4 % of the budget: below 90 %, an underspend.
    assert "▼ Underforbrug · prognose 13,4 % af budgettet" in page


def test_overview_viewer_sees_small_counts_hidden(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "oversigt", user="laeser@example.org", query=QUERY)
    assert not app.exception
    shown = metrics(app)
    assert shown["Aktive familier"] == "<5"
    assert shown["Forbedret forældreautoritet"] == "Vises ikke (< 5)"


def test_glossary_lists_every_figure(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "begreber", query={**QUERY, "lang": "en"})
    assert not app.exception
    page = texts(app)
    for entry in FIGURES:
        assert entry.label("en") in page and entry.definition("en") in page
