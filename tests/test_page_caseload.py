"""Sagsstamme shows the hand-made bundle's caseload (tests/fixtures/programme.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.apptest import checked_charts, render, table_text
from tests.fixtures.programme import QUERY, load_small


def test_caseload_page_coordinator(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "sagsstamme", user="k1@example.org", query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    load = table_text(app.dataframe[0]).set_index("Koordinator")
    # C1: F1, F2 active of capacity 2 = 100 %.
    assert list(load.loc["Koordinator Et"]) == ["2", "2", "100,0 %"]
    families = table_text(app.dataframe[1])
    # F1's review (05-01) fell due 30.07.2010 and is overdue, so it comes first.
    assert families["Familie"].tolist() == ["F1", "F2"]
    # Short headings, so all ten columns fit a laptop; the full heading is each one's help.
    assert families["Opfølgning"].tolist() == ["30.07.2010", "30.11.2010"]
    assert families["Forfalden"].tolist() == ["⚠ Ja", "Nej"]
    assert families["SSP-ændring"].tolist() == ["−2", "±0"]
    assert families["Måneder"].tolist() == ["7", "6"]
    helps = {k: v.get("help") for k, v in json.loads(app.dataframe[1].proto.columns).items()}
    assert helps["Opfølgning"] == "Næste kvartalsopfølgning"
    assert helps["SSP-ændring"] == "SSP-ændring siden start"
    assert helps["SSP seneste"] == "SSP-niveau (seneste)"
    assert helps["Familie"] == "Familie (pseudonym)"
    # "Åbne indsatser" is short already: kept, with no tooltip repeating it.
    assert "Åbne indsatser" in families.columns and helps.get("Åbne indsatser") is None


def test_caseload_page_steering_gets_no_family_rows(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "sagsstamme", user="styre@example.org", query=QUERY)
    assert not app.exception
    assert len(app.dataframe) == 1
    assert any("koordinator" in str(i.value) for i in app.info)


def test_the_page_lists_the_most_loaded_coordinators_up_to_its_limit(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    monkeypatch.setattr("data_access.queries.caseload.COORDINATOR_LIMIT", 1)
    app = render(monkeypatch, db_url, "sagsstamme", user="styre@example.org", query=QUERY)
    assert not app.exception
    # C1: 2 active of capacity 2 (100 %); C2: 1 of 15 (7 %): the page keeps C1.
    assert ("Viser de 1 mest belastede af 2 koordinatorer. Søg på navn for at finde en anden.") in [
        c.value for c in app.caption
    ]
    spec = checked_charts(app)[0]
    names = {name for trace in spec["data"] for name in trace.get("y", [])}
    assert names == {"Koordinator Et"}
    assert app.dataframe[0].value["Koordinator"].tolist() == ["Koordinator Et"]


def test_the_search_finds_a_coordinator_by_part_of_the_name(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    monkeypatch.setattr("data_access.queries.caseload.COORDINATOR_LIMIT", 1)
    app = render(monkeypatch, db_url, "sagsstamme", user="admin@example.org", query=QUERY)
    names = app.dataframe[0].value["Koordinator"].tolist()
    assert names == ["Koordinator Et"]
    app.text_input(key="caseload_search").set_value("R TO").run()
    assert not app.exception
    assert app.dataframe[0].value["Koordinator"].tolist() == ["Koordinator To"]
    # One match of one: nothing left out, so no caption about the limit.
    assert not [c.value for c in app.caption if "mest belastede" in str(c.value)]
    app.text_input(key="caseload_search").set_value("zz%").run()
    assert [i.value for i in app.info] == [
        "Ingen koordinator har et navn, der indeholder søgningen."
    ]


def test_the_load_axis_counts_whole_families_up_to_the_largest_capacity(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """C1 holds 2 of capacity 2, C2 1 of 15: the axis reaches 15 in steps of 5."""
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "sagsstamme", user="styre@example.org", query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    axis = checked_charts(app)[0]["layout"]["xaxis"]
    assert axis["tickvals"] == [0, 5, 10, 15]
    assert axis["range"][1] > 15


def test_a_coordinator_s_own_families_keep_their_name_when_a_search_hides_their_row(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """k1 is C1, "Koordinator Et" (tests/fixtures/programme.py): searching "r To" leaves
    only "Koordinator To" in the load table, and the own families are still headed "Et",
    not the id "C1"."""
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "sagsstamme", user="k1@example.org", query=QUERY)
    app.text_input(key="caseload_search").set_value("r To").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.dataframe[0].value["Koordinator"].tolist() == ["Koordinator To"]
    assert [h.value for h in app.subheader if "Familier hos" in h.value] == [
        "Familier hos Koordinator Et"
    ]
    assert table_text(app.dataframe[1])["Familie"].tolist() == ["F1", "F2"]
