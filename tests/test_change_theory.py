"""The change theory: loaded from change_theory.csv, checked, and measured box by box.

The bundle is tests/fixtures/programme.py's (D = 2010-09-30; active families F1,
F2 in aftercare and F3 intensive) with parents, employment, school
attendance, indicators and a seven-box chain added. Hand-computed:

- self-supporting parents: P1 (F1) 2, P2 (F2) 0, P3 (F3) 2 -> 2 of 3 = 66,7 %
- falling SSP level: F1 3 -> 1 fell, F2 2 -> 2 did not -> 1 of 2 = 50,0 %, target 50 %
- school attendance: M1's latest by D is 90 (80 earlier, 10 after D), M2's 70
  -> (90 + 70) / 2 = 80,0 %, target 95 %
- Tryghedsindex: nb 60 and bh 64 (the families' districts) -> 62,0; city kk 70,0
  (nb's 10 in 2011 is after D)
- a1, r1, l2 have no measure -> "ikke målt"
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data_access.bundle.loader import load_bundle
from data_access.bundle.reader import BundleRejected
from data_access.db.engine import make_engine
from data_access.queries.change_theory import change_theory_boxes
from tests.fixtures.apptest import render
from tests.fixtures.bundles import csv_text, required_only, spec_bundle, write_files
from tests.fixtures.contexts import query_context
from tests.fixtures.programme import BUNDLE, STEERING, D

THEORY = """
    P1,a1,activity,Tværgående team,,,,1
    P1,r1,result,Koordineret indsats,,a1,,2
    P1,s1,short,Forældre i arbejde,self_supporting_parents,r1,,3
    P1,m1,medium,Mindre kriminalitet,ssp_falling,s1,,4
    P1,m2,medium,Skolegang,school_attendance,r1,95,5
    P1,l1,long,Tryghed,indicator:tryghedsindex,m1,,6
    P1,l2,long,Mainstreaming,,m2,,7
"""

_EXTRA_ROWS = {
    "members.csv": """
        M1,F1,child
        M2,F2,child
        PA1,F1,parent
        PA2,F2,parent
        PA3,F3,parent
    """,
    "assessments.csv": """
        F1,M1,2010-02-10,ssp_level,3
        F1,M1,2010-09-01,ssp_level,1
        F2,M2,2010-03-20,ssp_level,2
        F2,M2,2010-09-10,ssp_level,2
        F1,PA1,2010-08-01,employment,2
        F2,PA2,2010-08-01,employment,0
        F3,PA3,2010-07-01,employment,2
        F1,M1,2010-05-01,school_attendance,80
        F1,M1,2010-09-01,school_attendance,90
        F1,M1,2010-10-10,school_attendance,10
        F2,M2,2010-09-15,school_attendance,70
    """,
    "indicators.csv": """
        kk,tryghedsindex,2010-07-01,70
        nb,tryghedsindex,2010-07-01,60
        bh,tryghedsindex,2010-07-01,64
        nb,tryghedsindex,2011-01-01,10
    """,
}


EXTRA = spec_bundle(_EXTRA_ROWS, without={"members.csv": ("birth_year", "employment_act")})


def _files(theory: str = THEORY) -> dict[str, str]:
    """The programme bundle with EXTRA's files and a change theory (rows; header from the spec)."""
    return {**BUNDLE, **EXTRA, "change_theory.csv": csv_text("change_theory.csv", theory)}


def test_boxes_are_measured_at_the_report_date(db_url: str, tmp_path: Path) -> None:
    summary = load_bundle(write_files(tmp_path / "b", _files()), db_url)
    assert summary.load_id > 0
    engine = make_engine(db_url)
    try:
        boxes = {
            b.box_id: b for b in change_theory_boxes(engine, query_context("P1", D, scope=STEERING))
        }
    finally:
        engine.dispose()
    assert [b.level for b in boxes.values()] == [
        "activity",
        "result",
        "short",
        "medium",
        "medium",
        "long",
        "long",
    ]
    assert boxes["s1"].value == pytest.approx(2 / 3)
    assert boxes["m1"].value == pytest.approx(0.5) and boxes["m1"].target == 0.5
    assert boxes["m2"].value == pytest.approx(80.0) and boxes["m2"].target == 95.0
    assert boxes["l1"].value == pytest.approx(62.0) and boxes["l1"].city == pytest.approx(70.0)
    assert boxes["a1"].measure is None and boxes["a1"].value is None


def test_columns_spelt_in_another_case_are_read(db_url: str, tmp_path: Path) -> None:
    """`Label` and `TARGET` as a spreadsheet may spell them: before, the target was lost."""
    files = _files()
    header, _, rows = files["change_theory.csv"].partition("\n")
    respelt = header.replace("label", "Label").replace("target", "TARGET")
    files["change_theory.csv"] = f"{respelt}\n{rows}"

    load_bundle(write_files(tmp_path / "b", files), db_url)

    engine = make_engine(db_url)
    try:
        boxes = {
            b.box_id: b for b in change_theory_boxes(engine, query_context("P1", D, scope=STEERING))
        }
    finally:
        engine.dispose()
    assert boxes["m2"].label == "Skolegang" and boxes["m2"].target == 95.0


def test_page_shows_values_and_not_measured(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_bundle(write_files(tmp_path / "b", _files()), db_url)
    query = {"programme": "P1", "as_of": D.isoformat()}
    app = render(monkeypatch, db_url, "forandringsteori", user="styre@example.org", query=query)
    assert not app.exception, [e.value for e in app.exception]
    # Each box: its label, a blank line, its measure.
    boxes = dict(str(element.value).split("\n\n") for element in app.text)
    shown = list(boxes.values())
    assert "Selvforsørgende forældre: 66,7 %" in shown
    assert "Faldende SSP-niveau: 50,0 % (mål 50,0 %)" in shown
    assert "Skolefremmøde (gns.): 80,0 % (mål 95,0 %)" in shown
    assert "Tryghedsindex: 62,0 i familiernes bydele · 70,0 i hele byen" in shown
    assert shown.count("ikke målt") == 3
    for label in ("Tværgående team", "Koordineret indsats", "Mainstreaming"):
        assert boxes[label] == "ikke målt"


def test_a_broken_chain_is_refused_whole(db_url: str, tmp_path: Path) -> None:
    theory = """
        P1,a1,activity,Team,,,,1
        P9,a2,activity,Team,,,,2
        P1,a3,sideways,Team,crime_rate,zz,lots,x
        P1,a1,result,Igen,,,,
    """
    with pytest.raises(BundleRejected) as refused:
        load_bundle(write_files(tmp_path / "b", _files(theory)), db_url)
    problems = {str(p) for p in refused.value.problems}
    assert "change_theory.csv:3: programme_id: unknown programme 'P9'" in problems
    assert any(p.startswith("change_theory.csv:4: level: 'sideways'") for p in problems)
    assert any(p.startswith("change_theory.csv:4: measure: 'crime_rate'") for p in problems)
    assert "change_theory.csv:4: parent_box_id: no box 'zz' in programme 'P1'" in problems
    assert "change_theory.csv:4: target: not a number: 'lots'" in problems
    assert "change_theory.csv:5: box_id: duplicate box id, first on line 2" in problems
    engine = make_engine(db_url)
    try:
        assert change_theory_boxes(engine, query_context("P1", D)) == []
    finally:
        engine.dispose()


def test_an_unreadable_chain_names_file_and_line_and_writes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    folder = write_files(tmp_path / "b", _files())
    # Saved as Latin-1 by a spreadsheet: the "ø" of line 3 is byte 0xf8.
    rows = "P1,a1,activity,Team\nP1,r1,result,Større tryghed"
    text = required_only("change_theory.csv", rows) + "\n"
    (folder / "change_theory.csv").write_bytes(text.encode("latin-1"))
    with pytest.raises(BundleRejected) as refused:
        load_bundle(folder, db_url)
    assert [str(p) for p in refused.value.problems] == [
        "change_theory.csv:3: not valid UTF-8 (byte 0xf8); save the file as UTF-8"
    ]
    engine = make_engine(db_url)
    try:
        assert change_theory_boxes(engine, query_context("P1", D)) == []
    finally:
        engine.dispose()


def test_chain_line_numbers_count_a_bom_and_blank_lines(db_url: str, tmp_path: Path) -> None:
    folder = write_files(tmp_path / "b", _files())
    # Line 1 header (after a BOM), 2 a box, 3 blank, 4 a box with an unknown level.
    rows = "P1,a1,activity,Team\n\nP1,r1,sideways,Tryghed"
    text = required_only("change_theory.csv", rows) + "\n"
    (folder / "change_theory.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    with pytest.raises(BundleRejected) as refused:
        load_bundle(folder, db_url)
    assert [str(p) for p in refused.value.problems] == [
        "change_theory.csv:4: level: 'sideways' is not one of activity, result, short, medium, long"
    ]
