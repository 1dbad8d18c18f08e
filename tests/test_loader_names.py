"""Bundle files and columns spelt in another case, and a byte order mark before a column name.

An absent file counts as empty, so a reload with `Spend.csv` ignored would
replace the programme's spend with none, and an ignored column `Ended_On`
lost every end date: such a file or column is read (Windows and Excel treat
names without case). The exact spelling wins where both exist, so every
bundle the contract allows reads as before.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from data_access.bundle.loader import BundleRejected, load_bundle
from data_access.bundle.reader import read_bundle
from tests.fixtures.bundles import write_files
from tests.fixtures.valid import VALID_ROWS, counts, make_bundle, snapshot, texts
from tests.fixtures.workbooks import bundle_workbook

BOM = b"\xef\xbb\xbf"


def _respelt(name: str) -> str:
    return {"spend.csv": "Spend.csv", "families.csv": "FAMILIES.CSV"}.get(name, name)


def _folder(tmp_path: Path) -> Path:
    files = texts()
    return write_files(tmp_path / "bundle", {_respelt(n): body for n, body in files.items()})


def _zip(tmp_path: Path) -> Path:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for name, body in texts().items():
            bundle.writestr(f"Udtræk/{_respelt(name)}", body)
    return archive


def _workbook(tmp_path: Path) -> Path:
    workbook = bundle_workbook(
        texts(), lambda stem: stem.upper() if stem in ("spend", "families") else stem
    )
    workbook.save(tmp_path / "bundle.xlsx")
    return tmp_path / "bundle.xlsx"


@pytest.mark.parametrize("write", [_folder, _zip, _workbook], ids=["folder", "zip", "xlsx"])
def test_a_file_spelt_in_another_case_is_read(
    write: Callable[[Path], Path], tmp_path: Path, db_url: str
) -> None:
    load_bundle(make_bundle(tmp_path / "exact"), db_url)
    exact = snapshot(db_url, keep_surrogates=False)

    summary = load_bundle(write(tmp_path), db_url)

    assert summary.rows == VALID_ROWS
    assert "spend.csv" not in summary.not_in_bundle
    assert snapshot(db_url, keep_surrogates=False) == exact


def test_a_sheet_named_with_csv_is_that_file(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "exact"), db_url)
    exact = snapshot(db_url, keep_surrogates=False)
    sheet_names = {"spend": "spend.csv", "families": "Families.CSV"}
    workbook = bundle_workbook(texts(), lambda stem: sheet_names.get(stem, stem))
    workbook.save(tmp_path / "bundle.xlsx")

    summary = load_bundle(tmp_path / "bundle.xlsx", db_url)

    assert summary.rows == VALID_ROWS
    assert snapshot(db_url, keep_surrogates=False) == exact


def test_the_exact_spelling_wins_over_another_case(tmp_path: Path, db_url: str) -> None:
    folder = make_bundle(tmp_path / "bundle")
    (folder / "SPEND.CSV").write_text("not,a\nbundle,file\n", encoding="utf-8")

    summary = load_bundle(folder, db_url)

    assert summary.rows == VALID_ROWS
    assert counts(db_url)["spend"] == 4


def test_two_other_spellings_and_no_exact_one_are_refused(tmp_path: Path) -> None:
    folder = make_bundle(tmp_path / "bundle")
    spend = (folder / "spend.csv").read_bytes()
    (folder / "spend.csv").unlink()
    (folder / "Spend.csv").write_bytes(spend)
    (folder / "SPEND.csv").write_bytes(spend)
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("Spend.csv", spend)
        bundle.writestr("SPEND.csv", spend)
    # Excel and openpyxl keep sheet names unique without case; a writer need not.
    bundle_workbook({"spend.csv": spend.decode(), "other.csv": spend.decode()}).save(
        tmp_path / "written.xlsx"
    )
    with (
        zipfile.ZipFile(tmp_path / "written.xlsx") as source,
        zipfile.ZipFile(tmp_path / "bundle.xlsx", "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b'name="spend"', b'name="Spend"')
                data = data.replace(b'name="other"', b'name="SPEND"')
            target.writestr(info, data)

    said = []
    for bundle_path in (folder, archive, tmp_path / "bundle.xlsx"):
        with pytest.raises(BundleRejected) as caught:
            read_bundle(bundle_path)
        said += [str(problem) for problem in caught.value.problems]

    assert said == [
        "spend.csv:1: found more than once in the folder: SPEND.csv, Spend.csv",
        "spend.csv:1: found more than once in the zip: SPEND.csv, Spend.csv",
        "spend.csv:1: found more than once in the workbook: sheets 'SPEND', 'Spend'",
    ]


def test_a_byte_order_mark_before_a_column_name_is_dropped(tmp_path: Path, db_url: str) -> None:
    folder = make_bundle(tmp_path / "bundle")
    families = folder / "families.csv"
    families.write_bytes(BOM + BOM + families.read_bytes())
    workbook = bundle_workbook(texts())
    workbook["members"]["A1"] = "\ufeffmember_id"
    workbook.save(tmp_path / "bundle.xlsx")

    for bundle_path in (folder, tmp_path / "bundle.xlsx"):
        summary = load_bundle(bundle_path, db_url)
        assert summary.rows == VALID_ROWS


def _respelt_header(body: str, respell: dict[str, str], extra: str = "") -> str:
    """`body` with header columns renamed, and `extra` (a header name) added empty to each row."""
    header, *rows = body.split("\n")
    for column, spelling in respell.items():
        header = header.replace(column, spelling)
    if extra:
        header += f",{extra}"
        rows = [f"{row}," for row in rows]
    return "\n".join([header, *rows])


def test_a_column_spelt_in_another_case_is_read(tmp_path: Path, db_url: str) -> None:
    load_bundle(make_bundle(tmp_path / "exact"), db_url)
    exact = snapshot(db_url, keep_surrogates=False)
    respell = {"family_id": "Family_ID", "ended_on": "Ended_On", "single_parent": "SINGLE_PARENT"}
    families = _respelt_header(texts()["families.csv"], respell)

    summary = load_bundle(make_bundle(tmp_path / "respelt", families=families), db_url)

    assert summary.rows == VALID_ROWS
    assert snapshot(db_url, keep_surrogates=False) == exact


def test_two_other_spellings_of_a_column_are_refused(tmp_path: Path, db_url: str) -> None:
    families = _respelt_header(texts()["families.csv"], {"ended_on": "Ended_On"}, "ENDED_ON")
    before = snapshot(db_url)

    with pytest.raises(BundleRejected) as caught:
        load_bundle(make_bundle(tmp_path / "bundle", families=families), db_url)

    assert [str(p) for p in caught.value.problems] == [
        "families.csv:1: ended_on: column found more than once: 'ENDED_ON', 'Ended_On'"
    ]
    assert snapshot(db_url) == before
