"""Formula cells in an .xlsx bundle: a saved result is read, a missing one or an error refuses.

Excel and LibreOffice save each formula's result next to it; openpyxl and
other writers that do not calculate save none, which openpyxl reads as an
empty cell. Workbooks here are written by openpyxl, and a saved result is
put in afterwards the way Excel stores it (`<v>` after `<f>`, `t="str"` for
text).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from data_access.bundle.loader import BundleRejected, load_bundle
from data_access.bundle.reader import read_bundle
from data_access.bundle.validation import parse_frames
from tests.fixtures.valid import VALID_ROWS, counts, make_bundle, snapshot, texts
from tests.fixtures.workbooks import bundle_workbook

ADVICE = "Open and save the workbook in Excel or LibreOffice, or write values instead of formulas"


def _save(
    workbook: openpyxl.Workbook,
    path: Path,
    results: dict[tuple[str, str], tuple[str, str]] | None = None,
) -> Path:
    """Save `workbook`; `results`: (sheet, cell) -> (saved result, its type), as Excel saves it.

    The type is `t` of the cell: "" for a number, "str" for text, "e" for an error.
    """
    workbook.save(path)
    if not results:
        return path
    sheet_files = {
        sheet.title: f"xl/worksheets/sheet{index}.xml"
        for index, sheet in enumerate(workbook.worksheets, start=1)
    }
    patched = path.with_name(f"saved-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            for (sheet, cell), (value, cell_type) in results.items():
                if sheet_files[sheet] != info.filename:
                    continue
                kind = f' t="{cell_type}"' if cell_type else ""
                data, found = re.subn(
                    rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v ?/></c>'.encode(),
                    rf'<c r="{cell}"\1{kind}><f>\2</f><v>{value}</v></c>'.encode(),
                    data,
                )
                assert found == 1, (sheet, cell)
            target.writestr(info, data)
    patched.replace(path)
    return path


def _problems(caught: pytest.ExceptionInfo[BundleRejected]) -> list[tuple[str, int, str]]:
    return [(p.file, p.line, p.column) for p in caught.value.problems]


def test_formulas_without_a_saved_result_refuse_the_bundle(tmp_path: Path, db_url: str) -> None:
    workbook = bundle_workbook(texts())
    families = workbook["families"]
    # F3's referred_on (required) and F1's ended_on (optional, empty in VALID).
    families["E4"] = "=DATE(2010,5,1)"
    families["J2"] = "=DATE(2011,6,30)"
    before = snapshot(db_url)

    with pytest.raises(BundleRejected) as caught:
        load_bundle(_save(workbook, tmp_path / "bundle.xlsx"), db_url)

    assert _problems(caught) == [
        ("families.csv", 2, "ended_on"),
        ("families.csv", 4, "referred_on"),
    ]
    assert caught.value.problems[1].message == (
        "formula without a saved result (cell E4 of sheet 'families' in bundle.xlsx): "
        f"the program that wrote the workbook did not calculate it. {ADVICE}"
    )
    assert snapshot(db_url) == before


def test_formulas_with_saved_results_load_those_results(tmp_path: Path, db_url: str) -> None:
    workbook = bundle_workbook(texts())
    workbook["families"]["E4"] = "=DATE(2010,5,1)"
    workbook["families"]["E4"].number_format = "yyyy-mm-dd"
    # A formula whose result is empty text fills an optional cell with nothing.
    workbook["families"]["J4"] = '=IF(TRUE,"","2011-01-01")'
    workbook["districts"]["B3"] = '="Nør"&"rebro"'
    workbook["spend"]["G3"] = "=1700+23.5"
    results = {
        # 2010-05-01 is day 40299 after Excel's day 0, 1899-12-30.
        ("families", "E4"): ("40299", ""),
        ("families", "J4"): ("", "str"),
        ("districts", "B3"): ("Nørrebro", "str"),
        ("spend", "G3"): ("1723.5", ""),
    }
    load_bundle(make_bundle(tmp_path / "csv"), db_url)
    from_csv = snapshot(db_url, keep_surrogates=False)

    summary = load_bundle(_save(workbook, tmp_path / "bundle.xlsx", results), db_url)

    assert summary.rows == VALID_ROWS
    assert snapshot(db_url, keep_surrogates=False) == from_csv


def test_a_formula_in_a_column_the_loader_ignores_does_not_matter(
    tmp_path: Path, db_url: str
) -> None:
    workbook = bundle_workbook(texts())
    families = workbook["families"]
    families["M1"] = "note"
    families["M2"] = '=A2&" (kontrol)"'
    # A column without a name is not read either.
    families["N3"] = "=1+1"

    summary = load_bundle(_save(workbook, tmp_path / "bundle.xlsx"), db_url)

    assert summary.rows == VALID_ROWS
    assert counts(db_url)["families"] == 3


def test_a_formula_in_a_column_spelt_in_another_case_is_refused(tmp_path: Path) -> None:
    """The loader reads `Ended_On` as ended_on, so its formulas matter as well."""
    workbook = bundle_workbook(texts())
    workbook["families"]["J1"] = "Ended_On"
    workbook["families"]["J2"] = "=DATE(2011,6,30)"

    with pytest.raises(BundleRejected) as caught:
        load_bundle(_save(workbook, tmp_path / "bundle.xlsx"), f"sqlite:///{tmp_path / 'db'}")

    assert _problems(caught) == [("families.csv", 2, "Ended_On")]


def test_a_header_formula_without_a_result_names_the_header_line(tmp_path: Path) -> None:
    workbook = bundle_workbook(texts())
    workbook["programmes"]["B1"] = '="na"&"me"'

    with pytest.raises(BundleRejected) as caught:
        read_bundle(_save(workbook, tmp_path / "bundle.xlsx"))

    assert _problems(caught) == [("programmes.csv", 1, "")]
    assert "cell B1 of sheet 'programmes'" in caught.value.problems[0].message


def test_cells_without_references_are_counted_in_order(tmp_path: Path) -> None:
    """The file format lets a writer leave out `r="..."`: rows and cells then follow on."""
    workbook = bundle_workbook({"spend.csv": texts()["spend.csv"]})
    workbook["spend"]["H4"] = '="F"&"1"'
    path = _save(workbook, tmp_path / "written.xlsx")
    bare = tmp_path / "bundle.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bare, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<(row|c) r="[A-Z]*\d+"', rb"<\1", data)
                assert b' r="' not in data.split(b"<sheetData>")[1]
            target.writestr(info, data)

    with pytest.raises(BundleRejected) as caught:
        read_bundle(bare)

    assert _problems(caught) == [("spend.csv", 4, "family_id")]
    assert "cell H4 of sheet 'spend'" in caught.value.problems[0].message


def test_an_error_value_is_refused_not_loaded_as_text(tmp_path: Path, db_url: str) -> None:
    workbook = bundle_workbook(texts())
    # openpyxl stores an error code as an error cell (t="e"), as Excel stores
    # a lookup that failed; the saved result of such a formula is the same.
    workbook["districts"]["B3"] = "#N/A"
    assert workbook["districts"]["B3"].data_type == "e"
    workbook["spend"]["G3"] = "=1/0"
    path = _save(workbook, tmp_path / "errors.xlsx", {("spend", "G3"): ("#DIV/0!", "e")})

    with pytest.raises(BundleRejected) as caught:
        load_bundle(path, db_url)

    assert [str(p) for p in caught.value.problems] == [
        "districts.csv:3: name: the error value #N/A (cell B3 of sheet 'districts' in "
        "errors.xlsx): correct the formula or the value",
        "spend.csv:3: amount_dkk: the error value #DIV/0! (cell G3 of sheet 'spend' in "
        "errors.xlsx): correct the formula or the value",
    ]
    assert counts(db_url)["districts"] == 0


def test_an_error_value_in_a_column_the_loader_ignores_does_not_matter(
    tmp_path: Path, db_url: str
) -> None:
    workbook = bundle_workbook(texts())
    workbook["districts"]["E1"] = "opslag"
    workbook["districts"]["E2"] = "#N/A"

    summary = load_bundle(_save(workbook, tmp_path / "bundle.xlsx"), db_url)

    assert summary.rows == VALID_ROWS


def test_a_date_cell_formatted_as_a_number_gets_a_hint(tmp_path: Path) -> None:
    """Excel shows such a cell as 40188; the refusal says what the number most likely is."""
    workbook = bundle_workbook(texts())
    # F1's referred_on, 2010-01-10, as its day number in a cell without a date format.
    families = workbook["families"]
    families["E2"] = 40188
    # A year alone is no day number: it gets no hint.
    families["F2"] = 2010
    for cell in ("E2", "F2"):
        families[cell].number_format = "General"

    parsed = parse_frames(read_bundle(_save(workbook, tmp_path / "bundle.xlsx")))

    assert [str(p) for p in parsed.problems] == [
        "families.csv:2: referred_on: not a date in the form YYYY-MM-DD: '40188' "
        "(a spreadsheet's day number? format the cells as dates)",
        "families.csv:2: investigation_on: not a date in the form YYYY-MM-DD: '2010'",
    ]
