"""The Effekt page in AppTest: improved share and count, small bases, empty programme."""

from __future__ import annotations

import pytest

from tests.fixtures.apptest import render, texts

JULY = {"programme": "P1", "as_of": "2011-07-01"}


def test_improved_share_count_and_target(
    monkeypatch: pytest.MonkeyPatch,
    results_url: str,
) -> None:
    app = render(monkeypatch, results_url, "effekt", user="admin@example.org", query=JULY)
    assert not app.exception
    values = {m.label: m.value for m in app.metric}
    # 4 of 6 families improved = 66,7 %, above the 60 % target.
    assert values["Forbedret forældreautoritet"] == "66,7 %"
    shown = texts(app)
    assert "4 af 6 familier" in shown
    assert "Målet på 60,0 % er nået" in shown
    # Transition table: start 4 -> latest 2 holds one family.
    assert "4 personfarlig kriminalitet" in shown


def test_small_base_flagged_and_withheld(
    monkeypatch: pytest.MonkeyPatch,
    results_url: str,
) -> None:
    query = {**JULY, "district": "bh"}
    app = render(monkeypatch, results_url, "effekt", user="admin@example.org", query=query)
    values = {m.label: m.value for m in app.metric}
    # Brønshøj-Husum: F6 alone, 3 -> 1: 100 %, on one family.
    assert values["Forbedret forældreautoritet"] == "100,0 %"
    assert "færre end 5 familier" in texts(app)
    app = render(monkeypatch, results_url, "effekt", user="viewer@example.org", query=query)
    values = {m.label: m.value for m in app.metric}
    assert values["Forbedret forældreautoritet"] == "Vises ikke (< 5)"
    assert "færre end 5 familier" in texts(app)


def test_programme_without_families(
    monkeypatch: pytest.MonkeyPatch,
    results_url: str,
) -> None:
    app = render(
        monkeypatch,
        results_url,
        "effekt",
        user="admin@example.org",
        query={"programme": "P2", "as_of": "2013-06-30"},
    )
    assert not app.exception
    assert "Ingen familier i perioden" in texts(app)
    assert not app.metric
