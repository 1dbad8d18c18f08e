"""The loader's behaviour on valid input: formats, idempotence, atomicity, history."""

from __future__ import annotations

import hashlib
import io
import json
import re
import textwrap
import zipfile
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from data_access.bundle import loader
from data_access.bundle.loader import BundleRejected, LoadSummary, load_bundle, load_frames
from data_access.bundle.validation import parse_frames
from data_access.db import schema
from data_access.db.engine import make_engine
from tests.fixtures.bundles import (
    csv_text,
    header,
    optional_columns,
    required_only,
    write_bundle,
    write_files,
)
from tests.fixtures.valid import (
    VALID,
    VALID_ROWS,
    append_lines,
    counts,
    make_bundle,
    replace_line,
    snapshot,
    texts,
)
from tests.fixtures.workbooks import bundle_workbook

TABLE_OF = {name: name.removesuffix(".csv") for name in VALID_ROWS}


def rows(url: str, table: Any, *columns: Any, order_by: Any = None) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            query = select(*columns) if columns else select(table)
            query = query.order_by(order_by) if order_by is not None else query
            return [tuple(r) for r in connection.execute(query)]
    finally:
        engine.dispose()


def test_valid_bundle_loads_every_row(tmp_path: Path, db_url: str) -> None:
    summary = load_bundle(make_bundle(tmp_path / "bundle"), db_url)

    assert summary.rows == VALID_ROWS
    assert summary.load_id == 1
    stored = counts(db_url)
    for name, expected in VALID_ROWS.items():
        assert stored[TABLE_OF[name]] == expected, name
    assert stored["load_history"] == 1


def test_summary_lines_one_per_file_in_contract_order(tmp_path: Path, db_url: str) -> None:
    summary = load_bundle(make_bundle(tmp_path / "bundle", users=None), db_url)

    assert summary.lines() == [
        "districts.csv: 3 rows",
        "departments.csv: 4 rows",
        "programmes.csv: 1 row",
        "coordinators.csv: 1 row",
        "families.csv: 3 rows",
        "members.csv: 5 rows",
        "assessments.csv: 6 rows",
        "interventions.csv: 3 rows",
        "meetings.csv: 3 rows",
        "budget.csv: 3 rows",
        "spend.csv: 4 rows",
        "indicators.csv: 3 rows",
        "indicator_definitions.csv: 1 row",
        "users.csv: (not in bundle)",
        "unit_costs.csv: (not in bundle)",
    ]
    assert summary.rows["users.csv"] == 0


def test_values_are_stored_typed(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "bundle"), db_url)

    assert rows(db_url, None, *schema.programmes.c) == [
        ("it", "Interventionsteam", date(2010, 1, 1), date(2011, 12, 31), 30, 0.6, 6, 12)
    ]
    assert rows(
        db_url,
        None,
        schema.members.c.member_id,
        schema.members.c.birth_year,
        schema.members.c.employment_act,
        order_by=schema.members.c.member_id,
    ) == [
        ("M1", 1975, True),
        ("M2", 1996, None),
        ("M3", 1980, False),
        ("M4", 1998, None),
        ("M5", 1985, True),
    ]
    assert rows(
        db_url,
        None,
        schema.families.c.family_id,
        schema.families.c.coordinator_id,
        schema.families.c.single_parent,
        schema.families.c.end_reason,
        order_by=schema.families.c.family_id,
    ) == [("F1", "c1", True, None), ("F2", "c1", False, "completed"), ("F3", None, None, None)]
    # "SOF; BUF" is stored without the blank so queries can split on ";".
    assert rows(
        db_url,
        None,
        schema.meetings.c.meeting_id,
        schema.meetings.c.departments,
        order_by=schema.meetings.c.meeting_id,
    ) == [("MT1", "SOF;BUF;BIF"), ("MT2", "SOF;BUF"), ("MT3", "SOF")]
    assert rows(
        db_url,
        None,
        schema.spend.c.spend_id,
        schema.spend.c.amount_dkk,
        schema.spend.c.family_id,
        order_by=schema.spend.c.spend_id,
    ) == [
        ("S1", 250000.0, None),
        ("S2", 1723.5, "F1"),
        ("S3", -200.0, "F1"),
        ("S4", 250000.0, None),
    ]
    assert sorted(rows(db_url, None, schema.budget.c.amount_dkk)) == [
        (1000000.0,),
        (1000000.0,),
        (1500000.5,),
    ]
    assert rows(
        db_url,
        None,
        schema.districts.c.district_id,
        schema.districts.c.parent_id,
        order_by=schema.districts.c.district_id,
    ) == [("bronshoj", "kk"), ("kk", None), ("norrebro", "kk")]


def test_booleans_in_any_case(tmp_path: Path, db_url: str) -> None:
    members = csv_text(
        "members.csv",
        """
        M1,F1,parent,1975,JA
        M2,F1,child,1996,Nej
        M3,F2,parent,1980,FALSE
        M4,F2,child,1998,0
        M5,F3,parent,1985,True
        """,
    )
    load_bundle(make_bundle(tmp_path / "bundle", members=members), db_url)

    assert rows(
        db_url,
        None,
        schema.members.c.employment_act,
        order_by=schema.members.c.member_id,
    ) == [(True,), (False,), (False,), (False,), (True,)]


def test_derived_due_dates_use_calendar_months(tmp_path: Path, db_url: str) -> None:
    # F1 gets an explicit aftercare date; F2 starts on 31 August (6 months -> 28 February).
    families = replace_line(
        "families.csv",
        2,
        "F1,it,norrebro,c1,2010-01-10,2010-01-20,2010-02-01,2010-02-15,2010-07-01,,,true",
    )
    load_bundle(make_bundle(tmp_path / "bundle", families=families), db_url)

    assert rows(
        db_url,
        None,
        schema.families.c.family_id,
        schema.families.c.aftercare_due_on,
        schema.families.c.course_due_on,
        order_by=schema.families.c.family_id,
    ) == [
        ("F1", date(2010, 7, 1), date(2011, 2, 15)),
        ("F2", date(2011, 2, 28), date(2011, 8, 31)),
        ("F3", None, None),
    ]


def test_missing_optional_columns_take_their_defaults(tmp_path: Path, db_url: str) -> None:
    # No intensive_months/course_months/targets: 6 and 12 months, no targets.
    programmes = required_only("programmes.csv", "it,Interventionsteam,2010-01-01,2011-12-31")
    coordinators = required_only(
        "coordinators.csv", "c1,Koordinator Nørrebro,c1@demo.invalid,norrebro"
    )
    load_bundle(
        make_bundle(tmp_path / "bundle", programmes=programmes, coordinators=coordinators), db_url
    )

    assert rows(db_url, None, *schema.programmes.c) == [
        ("it", "Interventionsteam", date(2010, 1, 1), date(2011, 12, 31), None, None, 6, 12)
    ]
    assert rows(db_url, None, schema.coordinators.c.capacity) == [(15,)]
    assert rows(
        db_url,
        None,
        schema.families.c.aftercare_due_on,
        schema.families.c.course_due_on,
        order_by=schema.families.c.family_id,
    ) == [
        (date(2010, 8, 15), date(2011, 2, 15)),
        (date(2011, 2, 28), date(2011, 8, 31)),
        (None, None),
    ]


def test_programme_months_come_from_the_database_when_not_in_bundle(
    tmp_path: Path, db_url: str
) -> None:
    programmes = csv_text(
        "programmes.csv",
        "it,Interventionsteam,2010-01-01,2011-12-31,3,9",
        without=("target_active_families", "target_improved_share"),
    )
    load_bundle(make_bundle(tmp_path / "first", programmes=programmes), db_url)
    # The second bundle has no programmes.csv: months 3 and 9 are read from the database.
    load_bundle(make_bundle(tmp_path / "second", programmes=None), db_url)

    assert rows(
        db_url,
        None,
        schema.families.c.aftercare_due_on,
        schema.families.c.course_due_on,
        order_by=schema.families.c.family_id,
    ) == [
        (date(2010, 5, 15), date(2010, 11, 15)),
        (date(2010, 11, 30), date(2011, 5, 31)),
        (None, None),
    ]


def test_zip_with_top_level_folder(tmp_path: Path, db_url: str) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, body in texts().items():
            zipped.writestr(f"export-2011-06/{name}", body + "\n")
        zipped.writestr("export-2011-06/readme.txt", "extra files are ignored")
        zipped.writestr("__MACOSX/export-2011-06/._families.csv", b"\x00\x05\x16\x07")

    summary = load_bundle(archive, db_url)

    assert summary.rows == VALID_ROWS
    assert counts(db_url)["spend"] == 4


def test_zip_files_at_top_level(tmp_path: Path, db_url: str) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, body in texts().items():
            zipped.writestr(name, body + "\n")

    assert load_bundle(archive, db_url).rows == VALID_ROWS


def test_zip_from_windows_powershell_with_backslash_paths(tmp_path: Path, db_url: str) -> None:
    # Windows PowerShell 5's Compress-Archive names entries "folder\\file".
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, body in texts().items():
            zipped.writestr(f"udtraek juni\\{name}", body + "\n")
        zipped.writestr("udtraek juni\\gammelt\\families.csv", "not,this,one\n")

    summary = load_bundle(archive, db_url)

    assert summary.rows == VALID_ROWS
    assert counts(db_url)["families"] == 3


def _workbook(path: Path, files: dict[str, str], typed: bool = True) -> Path:
    """One sheet per file; with `typed`, dates and numbers become real Excel cells."""
    bundle_workbook(files, typed=typed).save(path)
    return path


def test_xlsx_with_real_dates_and_numbers(tmp_path: Path, db_url: str) -> None:
    csv_db = snapshot(db_url, keep_surrogates=False)
    assert all(not r for r in csv_db.values())
    load_bundle(_workbook(tmp_path / "bundle.xlsx", texts()), db_url)
    from_xlsx = snapshot(db_url, keep_surrogates=False)
    load_bundle(make_bundle(tmp_path / "bundle"), db_url)

    assert snapshot(db_url, keep_surrogates=False) == from_xlsx
    assert counts(db_url)["assessments"] == 6


def test_xlsx_line_numbers_are_sheet_rows(tmp_path: Path, db_url: str) -> None:
    families = replace_line("families.csv", 4, "F3,it,norrebro,,2010-05-01,,,,,,,perhaps")
    workbook = _workbook(tmp_path / "bundle.xlsx", texts(families=families))

    with pytest.raises(BundleRejected) as caught:
        load_bundle(workbook, db_url)

    assert [(p.file, p.line, p.column) for p in caught.value.problems] == [
        ("families.csv", 4, "single_parent")
    ]


def _numeric_ids(files: dict[str, str]) -> dict[str, str]:
    """The bundle with family ids F1..F3 as 1001..1003 and member ids M1..M5 as 2001..2005."""
    renamed = {name: re.sub(r"\bF(\d)\b", r"100\1", body) for name, body in files.items()}
    return {name: re.sub(r"\bM(\d)\b", r"200\1", body) for name, body in renamed.items()}


#: Columns an ETL job writes as numbers, dates and booleans (everything else is text).
NUMBER_COLUMNS = {"amount_dkk", "value", "target_improved_share"}
WHOLE_COLUMNS = {"family_id", "member_id", "year", "birth_year", "capacity"}
WHOLE_COLUMNS |= {"target_active_families", "intensive_months", "course_months"}
BOOL_COLUMNS = {"single_parent", "employment_act", "higher_is_better"}


def _typed_cell(column: str, text: str) -> Any:
    """`text` as the typed cell an ETL job would write: int ids, float amounts, TRUE/FALSE."""
    if text == "":
        return None
    if column.endswith("_on") or column == "valid_from":
        return date.fromisoformat(text)
    if column in BOOL_COLUMNS:
        return text.lower() in ("true", "ja", "1")
    if column in NUMBER_COLUMNS:
        return float(text)
    if column in WHOLE_COLUMNS:
        return int(text)
    return text


def _streamed_workbook(path: Path, files: dict[str, str]) -> Path:
    """Typed cells written in openpyxl's write-only mode: no stored sheet size, no empty cells.

    Rows end at their last value, as streaming writers leave them, and an
    extra sheet sits in front of the bundle's.
    """
    workbook = openpyxl.Workbook(write_only=True)
    workbook.create_sheet("Forside").append(["Udtræk", datetime(2011, 7, 1, 8, 30)])
    for name, body in files.items():
        sheet = workbook.create_sheet(name.removesuffix(".csv"))
        frame = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
        sheet.append(list(frame.columns))
        for record in frame.itertuples(index=False):
            cells = [_typed_cell(c, v) for c, v in zip(frame.columns, record, strict=True)]
            while cells and cells[-1] is None:
                cells.pop()
            sheet.append(cells)
    workbook.save(path)
    return path


def _with_sheet_size(path: Path, size: str) -> Path:
    """The workbook with every sheet claiming to span `size` (a stale `<dimension>`)."""
    stale = path.with_name(f"stale-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(stale, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b"", data)
                data = data.replace(
                    b"<sheetViews>", f'<dimension ref="{size}"/><sheetViews>'.encode(), 1
                )
            target.writestr(info, data)
    return stale


def test_xlsx_from_a_streaming_writer_loads_like_the_csv_bundle(
    tmp_path: Path, db_url: str
) -> None:
    files = _numeric_ids(texts())
    load_bundle(write_files(tmp_path / "csv", files), db_url)
    from_csv = snapshot(db_url, keep_surrogates=False)
    # Two trailing empty cells of F1's row (ended_on, end_reason before
    # single_parent) are inside the row; F3's row stops after referred_on.
    summary = load_bundle(_streamed_workbook(tmp_path / "bundle.xlsx", files), db_url)

    assert summary.rows == VALID_ROWS
    assert snapshot(db_url, keep_surrogates=False) == from_csv
    assert rows(
        db_url,
        None,
        schema.families.c.family_id,
        schema.families.c.single_parent,
        order_by=schema.families.c.family_id,
    ) == [("1001", True), ("1002", False), ("1003", None)]
    assert rows(db_url, None, schema.members.c.member_id, order_by=schema.members.c.member_id) == [
        ("2001",),
        ("2002",),
        ("2003",),
        ("2004",),
        ("2005",),
    ]
    assert rows(
        db_url,
        None,
        schema.spend.c.spend_id,
        schema.spend.c.amount_dkk,
        schema.spend.c.family_id,
        order_by=schema.spend.c.spend_id,
    ) == [
        ("S1", 250000.0, None),
        ("S2", 1723.5, "1001"),
        ("S3", -200.0, "1001"),
        ("S4", 250000.0, None),
    ]


@pytest.mark.parametrize("size", ["A1", "A1:C2"])
def test_xlsx_with_a_stale_sheet_size_is_read_whole(size: str, tmp_path: Path, db_url: str) -> None:
    # A sheet that claims to be smaller than it is must not lose rows or
    # columns: with "A1:C2" every sheet would keep one data row and three
    # columns.
    workbook = _workbook(tmp_path / "bundle.xlsx", texts())

    summary = load_bundle(_with_sheet_size(workbook, size), db_url)

    assert summary.rows == VALID_ROWS
    assert counts(db_url)["spend"] == 4
    assert rows(db_url, None, schema.spend.c.amount_dkk, order_by=schema.spend.c.spend_id) == [
        (250000.0,),
        (1723.5,),
        (-200.0,),
        (250000.0,),
    ]


def test_bom_is_tolerated(tmp_path: Path, db_url: str) -> None:
    folder = make_bundle(tmp_path / "bundle")
    families = folder / "families.csv"
    families.write_bytes(b"\xef\xbb\xbf" + families.read_bytes())

    summary = load_bundle(folder, db_url)

    assert summary.rows["families.csv"] == 3
    assert rows(db_url, None, schema.families.c.family_id, order_by=schema.families.c.family_id)[
        0
    ] == ("F1",)


def test_reordered_and_extra_columns_and_extra_files(tmp_path: Path, db_url: str) -> None:
    spend = """
        note,amount_dkk,family_id,spend_id,activity,funder_id,department_id,booked_on,programme_id
        x,250000,,S1,Lokal koordinering,SOF,SOF,2010-03-31,it
        y,1723.50,F1,S2,Beskæftigelsestilbud,IM,BIF,2010-04-07,it
        z,-200,F1,S3,Beskæftigelsestilbud,IM,BIF,2010-06-30,it
        ,250000,,S4,Lokal koordinering,SOF,SOF,2011-01-31,it
    """
    folder = make_bundle(tmp_path / "bundle", spend=spend)
    (folder / "notes.csv").write_text("anything,at,all\n1,2,3\n", encoding="utf-8")
    reference = make_bundle(tmp_path / "reference")

    load_bundle(reference, db_url)
    expected = snapshot(db_url, keep_surrogates=False)
    load_bundle(folder, db_url)

    assert snapshot(db_url, keep_surrogates=False) == expected


def test_whitespace_around_cells_is_stripped(tmp_path: Path, db_url: str) -> None:
    users = """
        email , role , department_id , coordinator_id
          admin@demo.invalid ,  admin  ,,
        c1@demo.invalid,coordinator,, c1
        chef@demo.invalid,department_head, SOF ,
    """
    load_bundle(make_bundle(tmp_path / "bundle", users=users), db_url)

    assert rows(db_url, None, *schema.users.c, order_by=schema.users.c.email) == [
        ("admin@demo.invalid", "admin", None, None),
        ("c1@demo.invalid", "coordinator", None, "c1"),
        ("chef@demo.invalid", "department_head", "SOF", None),
    ]


def test_blank_lines_and_quoted_line_breaks_keep_real_line_numbers(
    tmp_path: Path, db_url: str
) -> None:
    # Line 2 is blank, the department name on lines 3-4 spans two lines, so the
    # bad kind sits on line 5.
    departments = (
        header("departments.csv") + "\n"
        "\n"
        'SOF,"Social-\nforvaltningen",forvaltning\n'
        "BUF,Børne- og Ungdomsforvaltningen,kommune\n"
        "BIF,Beskæftigelses- og Integrationsforvaltningen,forvaltning\n"
        "IM,Integrationsministeriet,stat\n"
    )
    folder = make_bundle(tmp_path / "bundle")
    (folder / "departments.csv").write_text(departments, encoding="utf-8")

    with pytest.raises(BundleRejected) as caught:
        load_bundle(folder, db_url)

    assert [(p.file, p.line, p.column) for p in caught.value.problems] == [
        ("departments.csv", 5, "kind")
    ]


def test_missing_file_is_empty_and_reported_as_not_in_bundle(tmp_path: Path, db_url: str) -> None:
    summary = load_bundle(make_bundle(tmp_path / "bundle", meetings=None, users=None), db_url)

    assert "meetings.csv: (not in bundle)" in summary.lines()
    assert "users.csv: (not in bundle)" in summary.lines()
    assert summary.rows["meetings.csv"] == 0
    assert counts(db_url)["meetings"] == 0
    assert counts(db_url)["users"] == 0


def test_loading_twice_gives_the_same_database(tmp_path: Path, db_url: str) -> None:
    folder = make_bundle(tmp_path / "bundle")
    load_bundle(folder, db_url)
    once = snapshot(db_url, keep_surrogates=False)

    second = load_bundle(folder, db_url)

    assert snapshot(db_url, keep_surrogates=False) == once
    assert second.load_id == 2
    assert counts(db_url)["load_history"] == 2


def test_reload_replaces_the_programmes_facts_and_upserts_dimensions(
    tmp_path: Path, db_url: str
) -> None:
    load_bundle(make_bundle(tmp_path / "first"), db_url)
    # F3 (with member M5) and spend S4 are gone; Nørrebro is renamed; a new district.
    families = "\n".join(textwrap.dedent(VALID["families.csv"]).strip().splitlines()[:3])
    members = "\n".join(textwrap.dedent(VALID["members.csv"]).strip().splitlines()[:5])
    spend = "\n".join(textwrap.dedent(VALID["spend.csv"]).strip().splitlines()[:4])
    districts = csv_text(
        "districts.csv",
        """
        norrebro,Nørrebro bydel,bydel,kk
        valby,Valby,bydel,kk
        """,
    )
    load_bundle(
        make_bundle(
            tmp_path / "second",
            families=families,
            members=members,
            spend=spend,
            districts=districts,
        ),
        db_url,
    )

    assert rows(
        db_url, None, schema.families.c.family_id, order_by=schema.families.c.family_id
    ) == [
        ("F1",),
        ("F2",),
    ]
    assert ("M5",) not in rows(db_url, None, schema.members.c.member_id)
    assert rows(db_url, None, schema.spend.c.spend_id, order_by=schema.spend.c.spend_id) == [
        ("S1",),
        ("S2",),
        ("S3",),
    ]
    # Districts are upserted: kk and bronshoj stay, norrebro is renamed, valby is new.
    assert rows(
        db_url,
        None,
        schema.districts.c.district_id,
        schema.districts.c.name,
        order_by=schema.districts.c.district_id,
    ) == [
        ("bronshoj", "Brønshøj-Husum"),
        ("kk", "Københavns Kommune"),
        ("norrebro", "Nørrebro bydel"),
        ("valby", "Valby"),
    ]


def test_a_user_respelt_in_other_case_replaces_the_earlier_row(tmp_path: Path, db_url: str) -> None:
    # chef@demo.invalid was a department head; the next bundle spells the
    # email in capitals and makes the user an admin. A login matches emails
    # without regard to case, so the old row must not stay beside the new one.
    load_bundle(make_bundle(tmp_path / "first"), db_url)
    users = replace_line("users.csv", 4, "CHEF@demo.invalid,admin,,")
    second = make_bundle(tmp_path / "second", users=users)

    load_bundle(second, db_url)
    once = snapshot(db_url, keep_surrogates=False)
    load_bundle(second, db_url)

    # Sorted here: PostgreSQL's collation may not order capitals first.
    assert sorted(rows(db_url, None, *schema.users.c)) == [
        ("CHEF@demo.invalid", "admin", None, None),
        ("admin@demo.invalid", "admin", None, None),
        ("c1@demo.invalid", "coordinator", None, "c1"),
    ]
    assert snapshot(db_url, keep_surrogates=False) == once


def test_other_programmes_are_left_alone(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "first"), db_url)
    other = {
        "programmes.csv": "p2,Intensiveret indsats,2012-01-01,2015-12-31",
        "families.csv": "G1,p2,bronshoj,2012-02-01",
        "spend.csv": "T1,p2,2012-03-31,SOF,SOF,Lokal koordinering,500000",
    }
    required = {name: optional_columns(name) for name in other}
    load_bundle(write_bundle(tmp_path / "p2", other, without=required), db_url)

    assert rows(
        db_url, None, schema.families.c.family_id, order_by=schema.families.c.family_id
    ) == [
        ("F1",),
        ("F2",),
        ("F3",),
        ("G1",),
    ]
    assert len(rows(db_url, None, schema.spend.c.spend_id)) == 5
    assert counts(db_url)["members"] == 5


def test_ids_may_refer_to_rows_already_in_the_database(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "first"), db_url)
    # Only a coordinator and a user: district 'bronshoj' and department 'BUF' are in the database.
    second = write_bundle(
        tmp_path / "second",
        {
            "coordinators.csv": "c2,Koordinator Tingbjerg,c2@demo.invalid,bronshoj",
            "users.csv": """
                c2@demo.invalid,coordinator,,c2
                buf@demo.invalid,department_head,BUF,
            """,
        },
        without={"coordinators.csv": ("capacity",)},
    )

    summary = load_bundle(second, db_url)

    assert summary.rows["coordinators.csv"] == 1
    assert counts(db_url)["coordinators"] == 2
    assert counts(db_url)["users"] == 5
    assert counts(db_url)["families"] == 3


def test_refusal_leaves_a_loaded_database_exactly_as_it_was(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "first"), db_url)
    before = snapshot(db_url)
    broken = make_bundle(
        tmp_path / "second",
        districts=append_lines("districts.csv", "valby,Valby,bydel,kk"),
        spend=append_lines("spend.csv", "S5,it,2011-02-28,SOF,SOF,Lokal koordinering,abc,"),
    )

    with pytest.raises(BundleRejected):
        load_bundle(broken, db_url)

    assert snapshot(db_url) == before


def test_database_error_while_writing_rolls_everything_back(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_bundle(make_bundle(tmp_path / "first"), db_url)
    before = snapshot(db_url)
    real_insert = loader._insert
    calls: list[str] = []

    def failing_insert(connection: Any, table: Any, *rows: Any) -> None:
        calls.append(table.name)
        real_insert(connection, table, *rows)
        if len(calls) == 3:
            raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_insert", failing_insert)
    changed = make_bundle(
        tmp_path / "second",
        districts=append_lines("districts.csv", "valby,Valby,bydel,kk"),
        families=append_lines("families.csv", "F4,it,valby,,2010-06-01,,,,,,,"),
    )

    with pytest.raises(RuntimeError, match="disk full"):
        load_bundle(changed, db_url)

    assert calls == ["members", "assessments", "interventions"]
    assert snapshot(db_url) == before


@pytest.mark.parametrize("bulk_rows", [1, 1_000_000], ids=["checked-once", "per-row"])
def test_constraint_violation_from_the_database_rolls_back(
    bulk_rows: int, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend validation missed an unknown department: the database's own
    # foreign key must stop the load, and nothing may stay behind.
    load_bundle(make_bundle(tmp_path / "first"), db_url)
    before = snapshot(db_url)
    monkeypatch.setattr(loader, "check_bundle", lambda parsed, state: [])
    monkeypatch.setattr(loader, "BULK_FOREIGN_KEY_ROWS", bulk_rows)
    broken = make_bundle(
        tmp_path / "second",
        spend=append_lines("spend.csv", "S5,it,2011-02-28,XXX,SOF,Lokal koordinering,10,"),
    )

    with pytest.raises(IntegrityError):
        load_bundle(broken, db_url)

    assert snapshot(db_url) == before


def test_bulk_path_keeps_foreign_keys_in_force(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the bulk threshold at one row, PostgreSQL drops and re-adds the
    # spend constraints around the COPY; afterwards they must still hold.
    monkeypatch.setattr(loader, "BULK_FOREIGN_KEY_ROWS", 1)
    load_bundle(make_bundle(tmp_path / "bundle"), db_url)
    engine = make_engine(db_url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                insert(schema.spend).values(
                    spend_id="S9",
                    programme_id="nope",
                    booked_on=date(2011, 1, 1),
                    department_id="SOF",
                    funder_id="SOF",
                    activity="x",
                    amount_dkk=1,
                )
            )
    finally:
        engine.dispose()
    assert counts(db_url)["spend"] == 4


def test_bulk_path_falls_back_to_row_checks_if_constraints_cannot_be_dropped(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the loading role did not own the table: dropping fails, the
    # savepoint undoes it and the load goes on with per-row checks.
    attempts: list[str] = []

    def failing_drop(constraint: Any) -> Any:
        attempts.append(str(constraint.name))
        return text("ALTER TABLE spend DROP CONSTRAINT nope")

    monkeypatch.setattr(loader, "BULK_FOREIGN_KEY_ROWS", 1)
    monkeypatch.setattr(loader, "DropConstraint", failing_drop)

    summary = load_bundle(make_bundle(tmp_path / "bundle"), db_url)

    assert summary.rows["spend.csv"] == 4
    assert counts(db_url)["spend"] == 4
    if db_url.startswith("postgresql"):
        # Constraints go in name order and the first failure ends the attempt.
        assert "fk_spend_department_id_departments" in attempts
        assert "fk_spend_programme_id_programmes" not in attempts


def test_load_history_row(tmp_path: Path, db_url: str) -> None:
    folder = make_bundle(tmp_path / "export-2011-06")
    started = datetime.now()

    summary = load_bundle(folder, db_url)

    [row] = rows(db_url, schema.load_history)
    load_id, loaded_at, bundle_name, files_json, covers_until, is_demo = row
    assert load_id == summary.load_id
    assert started <= loaded_at <= datetime.now()
    assert bundle_name == "export-2011-06"
    assert covers_until == date(2011, 1, 31)
    assert is_demo is False
    files = json.loads(files_json)
    assert list(files) == list(VALID)
    latest = {name: entry["latest_date"] for name, entry in files.items()}
    assert latest == {
        "districts.csv": None,
        "departments.csv": None,
        "programmes.csv": "2011-12-31",
        "coordinators.csv": None,
        "families.csv": "2011-06-30",
        "members.csv": None,
        "assessments.csv": "2010-12-01",
        "interventions.csv": "2011-03-01",
        "meetings.csv": "2010-09-02",
        "budget.csv": None,
        "spend.csv": "2011-01-31",
        "indicators.csv": "2010-01-01",
        "indicator_definitions.csv": None,
        "users.csv": None,
    }
    # The history names only the files the bundle had (it has no unit_costs.csv).
    given = {name: rows for name, rows in VALID_ROWS.items() if name != "unit_costs.csv"}
    assert {name: entry["rows"] for name, entry in files.items()} == given
    for name, entry in files.items():
        assert entry["sha256"] == hashlib.sha256((folder / name).read_bytes()).hexdigest()


def test_covers_until_without_spend_is_the_latest_family_date(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "bundle", spend=None), db_url)

    [(covers_until, files_json)] = rows(
        db_url, None, schema.load_history.c.covers_until, schema.load_history.c.files
    )
    # families' latest date (F2 ended 2011-06-30) beats assessments, meetings and indicators.
    assert covers_until == date(2011, 6, 30)
    assert "spend.csv" not in json.loads(files_json)


def _typed_frames() -> dict[str, pd.DataFrame]:
    """VALID as the demo generator would pass it: real dates, numbers and booleans."""
    frames = {
        name: pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
        for name, body in texts().items()
    }

    def dates(frame: pd.DataFrame, *columns: str) -> None:
        for column in columns:
            frame[column] = [date.fromisoformat(v) if v else None for v in frame[column]]

    families = frames["families.csv"]
    dates(families, "referred_on", "investigation_on", "approved_on", "started_on")
    families["aftercare_on"] = None
    families["ended_on"] = pd.to_datetime(families["ended_on"].replace("", None))
    families["single_parent"] = [True, False, None]
    programmes = frames["programmes.csv"]
    dates(programmes, "starts_on", "ends_on")
    programmes["target_active_families"] = [30]
    programmes["target_improved_share"] = [0.6]
    programmes["intensive_months"] = [6.0]
    programmes["course_months"] = pd.array([12], dtype="Int64")
    members = frames["members.csv"]
    members["birth_year"] = [1975, 1996, 1980, 1998, 1985]
    members["employment_act"] = pd.array([True, None, False, None, True], dtype="boolean")
    spend = frames["spend.csv"]
    spend["booked_on"] = pd.to_datetime(spend["booked_on"])
    spend["amount_dkk"] = [250000.0, 1723.5, -200.0, 250000.0]
    spend["family_id"] = [None, "F1", "F1", float("nan")]
    assessments = frames["assessments.csv"]
    assessments["value"] = [3, 2, 0, 85.5, 6, 1]
    budget = frames["budget.csv"]
    budget["year"] = [2010, 2010, 2011]
    budget["amount_dkk"] = [1000000, 1500000.5, 1000000]
    return frames


def test_typed_frames_load_like_the_csv_bundle(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "bundle"), db_url)
    from_csv = snapshot(db_url, keep_surrogates=False)

    summary = load_frames(_typed_frames(), db_url, bundle_name="demo", is_demo=True)

    assert isinstance(summary, LoadSummary)
    assert summary.rows == VALID_ROWS
    assert snapshot(db_url, keep_surrogates=False) == from_csv
    [(name, is_demo, files_json)] = rows(
        db_url,
        None,
        schema.load_history.c.bundle_name,
        schema.load_history.c.is_demo,
        schema.load_history.c.files,
        order_by=schema.load_history.c.load_id.desc(),
    )[:1]
    assert (name, is_demo) == ("demo", True)
    # In-memory frames have no file bytes: the digest is of a canonical CSV dump.
    assert len(json.loads(files_json)["spend.csv"]["sha256"]) == 64


def test_in_memory_digest_depends_only_on_content(db_url: str) -> None:
    def digest() -> str:
        frames = {
            "districts.csv": pd.DataFrame({"district_id": ["kk"], "name": ["K"], "kind": ["city"]})
        }
        summary = load_frames(frames, db_url, bundle_name="x")
        [(files_json,)] = rows(
            db_url,
            None,
            schema.load_history.c.files,
            order_by=schema.load_history.c.load_id.desc(),
        )[:1]
        assert summary.load_id >= 1
        return str(json.loads(files_json)["districts.csv"]["sha256"])

    first = digest()
    assert first == digest()
    expected_dump = "district_id,name,kind\nkk,K,city\n"
    assert first == hashlib.sha256(expected_dump.encode()).hexdigest()


def test_typed_frame_rows_are_numbered_from_two(db_url: str) -> None:
    frames = {
        "districts.csv": pd.DataFrame(
            {"district_id": ["kk", "nb"], "name": ["K", "N"], "kind": ["city", "town"]}
        )
    }

    with pytest.raises(BundleRejected) as caught:
        load_frames(frames, db_url, bundle_name="x")

    assert [str(p) for p in caught.value.problems] == [
        "districts.csv:3: kind: unknown kind 'town' (expected one of: city, bydel, boligomraade)"
    ]


def test_a_table_longer_than_one_insert_chunk_arrives_whole(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows go to the database INSERT_CHUNK at a time; none may be lost or doubled at a seam."""
    monkeypatch.setattr(loader, "INSERT_CHUNK", 4)
    load_bundle(make_bundle(tmp_path / "bundle"), db_url)
    bundle = (tmp_path / "bundle" / "assessments.csv").read_text(encoding="utf-8")
    expected = sorted(tuple(line.split(",")[:3]) for line in bundle.strip().splitlines()[1:])
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            a = schema.assessments.c
            rows = conn.execute(select(a.family_id, a.member_id, a.assessed_on)).all()
    finally:
        engine.dispose()
    assert len(expected) > 4 and len(expected) % 4  # a full chunk and a partial one
    # An empty member_id (a family-level assessment) is stored as NULL.
    assert sorted((f, m or "", d.isoformat()) for f, m, d in rows) == expected


def test_a_frame_digest_is_the_digest_of_its_whole_csv_dump(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Hashed in pieces, the digest must equal hashing one dump (older loads recorded that)."""
    from data_access.bundle import reader as bundle_reader

    frame = pd.DataFrame(
        {"family_id": [f"F{i}" for i in range(7)], "note": ["a,b", "", "ø"] * 2 + ["x"]}
    )
    whole = hashlib.sha256(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    monkeypatch.setattr(bundle_reader, "DIGEST_CHUNK", 3)
    assert bundle_reader.frame_digest(frame) == whole.hexdigest()
    empty = frame.iloc[:0]
    assert bundle_reader.frame_digest(empty) == hashlib.sha256(b"family_id,note\n").hexdigest()


def test_a_consumed_bundle_loads_the_same_and_leaves_only_other_files(
    tmp_path: Path, db_url: str
) -> None:
    load_bundle(make_bundle(tmp_path / "bundle"), db_url)
    from_csv = snapshot(db_url, keep_surrogates=False)
    frames = _typed_frames()
    frames["notes.txt"] = pd.DataFrame({"x": ["not a contract file"]})

    summary = load_frames(frames, db_url, bundle_name="demo", consume=True)

    assert summary.rows == VALID_ROWS
    assert snapshot(db_url, keep_surrogates=False) == from_csv
    # Every contract file was taken out as it was parsed; the rest is the caller's.
    assert list(frames) == ["notes.txt"]
    with pytest.raises(TypeError, match="mutable mapping"):
        parse_frames(MappingProxyType(_typed_frames()), consume=True)


def _tables(url: str) -> list[str]:
    from sqlalchemy import inspect

    engine = make_engine(url)
    try:
        return sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_refused_first_load_leaves_a_new_database_as_it_was(
    tmp_path: Path, empty_db_url: str
) -> None:
    """interface.md: a refused bundle leaves the database untouched, a new one too.

    Before, `load` created the schema first: a refused first load left a new
    SQLite file, or 24 empty tables in PostgreSQL, behind.
    """
    # A family of a programme that is nowhere: a rule across files, checked last.
    families = replace_line(
        "families.csv", 2, "F1,nowhere,norrebro,c1,2010-01-10,2010-01-20,2010-02-01,2010-02-15,,,,"
    )
    broken = make_bundle(tmp_path / "broken", families=families)
    with pytest.raises(BundleRejected) as refused:
        load_bundle(broken, empty_db_url)
    assert [(p.file, p.line, p.column) for p in refused.value.problems] == [
        ("families.csv", 2, "programme_id")
    ]
    if empty_db_url.startswith("sqlite"):
        assert not (tmp_path / "empty.sqlite").exists()
    else:
        assert _tables(empty_db_url) == []
    # The same database takes a good bundle afterwards, schema and all.
    load_bundle(make_bundle(tmp_path / "good"), empty_db_url)
    assert "families" in _tables(empty_db_url)
