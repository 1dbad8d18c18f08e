"""Reading a bundle (folder, .zip or .xlsx) into all-string DataFrames.

Everything downstream works on text, so a CSV file, an Excel sheet with real
dates and numbers, and a frame built in memory all go through the same
parsing and validation. Each frame's index is the source line number (named
"line"), because blank lines and quoted line breaks make "row position + 2"
wrong, and refusal messages must point at the real line.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import re
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any, Final, TypeVar

import numpy as np
import pandas as pd

#: The bundle's files in contract order (bundle.md), which is also the order
#: the loader reports them in.
BUNDLE_FILES: Final[tuple[str, ...]] = (
    "districts.csv",
    "departments.csv",
    "programmes.csv",
    "coordinators.csv",
    "families.csv",
    "members.csv",
    "assessments.csv",
    "interventions.csv",
    "meetings.csv",
    "budget.csv",
    "spend.csv",
    "indicators.csv",
    "indicator_definitions.csv",
    "users.csv",
    "unit_costs.csv",
)

#: The byte order mark as text.
BOM: Final = "\ufeff"
#: Name of the index that carries source line numbers.
LINE_INDEX: Final = "line"
#: Problems quoted in the exception's message (all are in `.problems`).
MESSAGE_PROBLEMS: Final = 20
#: `DataFrame.attrs` key holding the SHA-256 of the file's bytes.
SHA256_ATTR: Final = "sha256"
#: Rows per piece when a frame's canonical CSV dump is hashed.
DIGEST_CHUNK: Final = 100_000
T = TypeVar("T")
#: Which columns of a file the caller reads (file name -> column names).
Columns = Mapping[str, Collection[str]]

#: The namespace of a worksheet's XML elements.
_SHEET_NS: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
#: A formula element (`<f>`, or `<x:f>` with a prefix) or an error cell (`t="e"`).
_FORMULA_OR_ERROR: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]|\st=[\"']e[\"']")
#: Bytes read at a time when a sheet's XML is searched for formulas.
_SCAN_CHUNK: Final = 1 << 20
#: Bytes kept from the previous chunk, so a tag split across two is found.
_SCAN_OVERLAP: Final = 64


@dataclass(frozen=True)
class Problem:
    """One broken row (or file): where it is and what is wrong, in plain English."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"{self.file}:{self.line}: {self.column}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


class BundleRejected(Exception):
    """The bundle breaks the contract; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        shown = [str(p) for p in problems[:MESSAGE_PROBLEMS]]
        if count > MESSAGE_PROBLEMS:
            shown.append(f"... and {count - MESSAGE_PROBLEMS} more")
        heading = f"Bundle refused: {count} problem{'' if count == 1 else 's'}"
        super().__init__("\n".join([heading, *shown]))


def read_bundle(
    path: Path, names: Sequence[str] = BUNDLE_FILES, columns: Columns | None = None
) -> dict[str, pd.DataFrame]:
    """File name -> all-string frame ("" = missing) for every file of `names` present.

    `names` defaults to the contract's files; the optional additions (such as
    change_theory.csv) are read with the same rules. Other files are ignored;
    a file that is absent is simply not in the result. Raises `BundleRejected`
    for input that cannot be read at all (bad encoding, broken zip or
    workbook, ragged rows, a formula a workbook holds no result of, an
    error value such as `#N/A`), naming the file and line. `columns` names
    the columns of each file the caller uses (default: every named column):
    a formula or error in any other column does not matter, as the column
    is ignored.
    """
    frames, problems = read_bundle_files(path, names, columns)
    if problems:
        raise BundleRejected(problems)
    return frames


def read_bundle_files(
    path: Path, names: Sequence[str] = BUNDLE_FILES, columns: Columns | None = None
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """`read_bundle`'s frames of the files that could be read, and the problems of the others.

    A file that cannot be read (bad encoding, ragged rows) does not hide the
    broken cells of the files that can: the loader reports both at once.
    Raises `BundleRejected` when the bundle as a whole cannot be read (no
    such path, a broken zip or workbook).
    """
    path = Path(path)
    if not path.exists():
        raise BundleRejected([Problem(path.name, 1, "", "no such file or folder")])
    suffix = path.suffix.lower()
    problems: list[Problem] = []
    if path.is_dir():
        frames = _frames_from_bytes(_folder_files(path, names), names, problems)
    elif suffix == ".zip":
        frames = _frames_from_bytes(_zip_files(path, names), names, problems)
    elif suffix in (".xlsx", ".xlsm"):
        frames = _read_workbook(path, names, columns, problems)
    else:
        raise BundleRejected(
            [Problem(path.name, 1, "", "not a bundle: expected a folder, a .zip or an .xlsx file")]
        )
    return frames, problems


def nothing_found(path: Path) -> Problem:
    """The problem for a bundle without any bundle file: most likely the wrong folder."""
    where = "sheets" if Path(path).suffix.lower() in (".xlsx", ".xlsm") else "files"
    return Problem(Path(path).name, 1, "", f"no bundle {where} found (expected e.g. families.csv)")


def cell_text(value: Any) -> str:
    """One cell as bundle text: how a typed value would have been written to CSV."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return ""
        if math.isfinite(number) and number.is_integer() and abs(number) < 1e16:
            return str(int(number))
        return repr(number)
    if isinstance(value, datetime):
        if pd.isna(value):
            return ""
        if value.time() == datetime.min.time() and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, np.datetime64):
        return cell_text(pd.Timestamp(value))
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return ""
    return str(value).strip()


def _spelt(name: str, found: Iterable[T], spelling: Callable[[T], str]) -> list[T]:
    """The entries of `found` that are the bundle file `name`.

    The exact spelling if there is one, else every spelling in other case
    (`Families.csv`, a sheet `Families`): Windows and Excel treat names
    without case, and an ignored file would count as absent, so a reload
    would delete the programme's families without a word. More than one
    entry is for the caller to refuse as ambiguous.
    """
    entries = list(found)
    exact = [entry for entry in entries if spelling(entry) == name]
    return exact or [entry for entry in entries if spelling(entry).lower() == name.lower()]


def _folder_files(folder: Path, names: Sequence[str]) -> dict[str, bytes]:
    entries = [entry for entry in folder.iterdir() if entry.is_file()]
    problems: list[Problem] = []
    files: dict[str, bytes] = {}
    for name in names:
        matches = _spelt(name, entries, lambda entry: entry.name)
        if len(matches) > 1:
            where = ", ".join(sorted(entry.name for entry in matches))
            problems.append(Problem(name, 1, "", f"found more than once in the folder: {where}"))
        elif matches:
            files[name] = matches[0].read_bytes()
    if problems:
        raise BundleRejected(problems)
    return files


def _zip_files(path: Path, names: Sequence[str]) -> dict[str, bytes]:
    """Bundle files at the zip's top level or inside one top-level folder."""
    wanted = {name.lower() for name in names}
    try:
        with zipfile.ZipFile(path) as archive:
            entries: list[zipfile.ZipInfo] = []
            for info in archive.infolist():
                parts = _zip_parts(info)
                if info.is_dir() or not parts or len(parts) > 2 or parts[0] == "__MACOSX":
                    continue
                if parts[-1].lower() in wanted:
                    entries.append(info)
            problems: list[Problem] = []
            files: dict[str, bytes] = {}
            for name in names:
                infos = _spelt(name, entries, lambda info: _zip_parts(info)[-1])
                if not infos:
                    continue
                shallowest = min(len(_zip_parts(i)) for i in infos)
                candidates = [i for i in infos if len(_zip_parts(i)) == shallowest]
                if len(candidates) > 1:
                    where = ", ".join(sorted(i.filename for i in candidates))
                    problems.append(
                        Problem(name, 1, "", f"found more than once in the zip: {where}")
                    )
                    continue
                files[name] = archive.read(candidates[0])
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as error:
        raise BundleRejected(
            [Problem(path.name, 1, "", f"not a readable zip file ({error})")]
        ) from error
    if problems:
        raise BundleRejected(problems)
    return files


def _zip_parts(info: zipfile.ZipInfo) -> tuple[str, ...]:
    """An entry's folder and file names.

    Windows PowerShell 5's Compress-Archive writes `export\\families.csv`
    with a backslash, against the zip format; read it as a separator too.
    """
    return PurePosixPath(info.filename.replace("\\", "/")).parts


def _frames_from_bytes(
    files: dict[str, bytes], names: Sequence[str], problems: list[Problem]
) -> dict[str, pd.DataFrame]:
    frames: dict[str, pd.DataFrame] = {}
    for name in names:
        if name not in files:
            continue
        frame = _parse_csv(name, files[name], problems)
        if frame is not None:
            frames[name] = frame
    return frames


def _parse_csv(name: str, data: bytes, problems: list[Problem]) -> pd.DataFrame | None:
    """Decode and split one CSV file, keeping each row's starting line number."""
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        bad = body[error.start]
        problems.append(
            Problem(name, line, "", f"not valid UTF-8 (byte 0x{bad:02x}); save the file as UTF-8")
        )
        return None
    nul = text.find("\x00")
    if nul >= 0:
        # Valid UTF-8, but no text: PostgreSQL refuses it in the middle of the
        # load and SQLite would store it. UTF-16 without a BOM is full of them.
        line = text.count("\n", 0, nul) + 1
        problems.append(
            Problem(name, line, "", "contains a NUL byte (0x00); save the file as UTF-8 text")
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        problems.append(Problem(name, reader.line_num, "", f"not readable as CSV ({error})"))
        return None
    frame = _table_from_rows(name, rows, lines, problems)
    if frame is not None:
        frame.attrs[SHA256_ATTR] = hashlib.sha256(data).hexdigest()
    return frame


def _read_workbook(
    path: Path, names: Sequence[str], columns: Columns | None, problems: list[Problem]
) -> dict[str, pd.DataFrame]:
    """One sheet per bundle file; the sheet row number is the line number."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many unrelated types for a bad file
        raise BundleRejected(
            [Problem(path.name, 1, "", f"not a readable .xlsx workbook ({error})")]
        ) from error
    frames: dict[str, pd.DataFrame] = {}
    try:
        for name in names:
            matches = _spelt(name, workbook.worksheets, _sheet_file)
            if len(matches) > 1:
                where = ", ".join(sorted(repr(sheet.title) for sheet in matches))
                problems.append(
                    Problem(name, 1, "", f"found more than once in the workbook: sheets {where}")
                )
                continue
            if not matches:
                continue
            sheet = matches[0]
            # Read-only mode trusts the sheet's stored size: a streaming writer
            # that stores none (openpyxl's write-only mode) gives rows cut at
            # their last cell, and a stale size cuts off rows and columns
            # silently. Read what the sheet holds instead.
            sheet.reset_dimensions()
            rows: list[list[str]] = []
            for values in sheet.iter_rows(min_row=1, values_only=True):
                rows.append([cell_text(value) for value in values])
            # A sheet stores no empty cells, so a short row is never a
            # misplaced separator (as it can be in a CSV file): empty = missing.
            width = max((len(row) for row in rows), default=0)
            for row in rows:
                row.extend([""] * (width - len(row)))
            # `_get_source` (openpyxl's, private) opens the sheet's XML; the lock
            # file pins openpyxl and tests/test_loader_workbooks.py covers it.
            unreadable = _unreadable_cells(sheet._get_source)
            if unreadable:
                used = None if columns is None else columns.get(name, ())
                found = _cell_problems(path.name, sheet.title, name, rows, unreadable, used)
                if found:
                    problems.extend(found)
                    continue
            frame = _table_from_rows(name, rows, list(range(1, len(rows) + 1)), problems)
            if frame is not None:
                frames[name] = frame
    finally:
        workbook.close()
    return frames


def _sheet_file(sheet: Any) -> str:
    """The bundle file a sheet holds: its name plus `.csv`, unless the name ends so already.

    A sheet named `spend.csv` was read as `spend.csv.csv` and ignored, so a
    reload deleted the programme's spend.
    """
    title = str(sheet.title).strip()
    return title if title.lower().endswith(".csv") else f"{title}.csv"


def _unreadable_cells(open_source: Callable[[], IO[bytes]]) -> list[tuple[int, int, str]]:
    """(row, column, error) of each cell whose value is unknown; 1-based, error "" if unsaved.

    A workbook keeps a formula's result next to it only if the program that
    saved it calculated it (Excel and LibreOffice do; openpyxl and other
    writers do not), and openpyxl reads a missing result as an empty cell:
    a date or amount would be lost without a word. A string result is
    marked `t="str"`, so `<v></v>` there is a saved empty text, not a gap.
    An error value (`#N/A` of a failed lookup) reads as that text, and
    would load as a name. Sheets with neither (what ETL jobs write) cost
    one byte search.
    """
    with open_source() as source:
        if not _has_formula_or_error(source):
            return []
    found: list[tuple[int, int, str]] = []
    with open_source() as source:
        for row, column, cell in _sheet_cells(source):
            result = cell.find(f"{_SHEET_NS}v")
            if cell.get("t") == "e":
                found.append((row, column, (result.text if result is not None else "") or "#?"))
                continue
            if cell.find(f"{_SHEET_NS}f") is None:
                continue
            has_text = result is not None and bool(result.text)
            if not has_text and not (cell.get("t") == "str" and result is not None):
                found.append((row, column, ""))
    return found


def _has_formula_or_error(source: IO[bytes]) -> bool:
    tail = b""
    while chunk := source.read(_SCAN_CHUNK):
        if _FORMULA_OR_ERROR.search(tail + chunk):
            return True
        tail = chunk[-_SCAN_OVERLAP:]
    return False


def _sheet_cells(source: IO[bytes]) -> Iterator[tuple[int, int, Any]]:
    """Each `<c>` element of a sheet with its row and column, numbered as openpyxl does.

    `r` attributes are optional in the file format: a row or cell without
    one follows the one before it.
    """
    from openpyxl.utils import coordinate_to_tuple

    # openpyxl's parser for the XML it parses itself (defusedxml when installed).
    from openpyxl.xml.functions import iterparse

    row = column = 0
    sheet_data = None
    for event, element in iterparse(source, events=("start", "end")):
        if element.tag == f"{_SHEET_NS}sheetData" and event == "start":
            sheet_data = element
        elif element.tag == f"{_SHEET_NS}row":
            if event == "start":
                row = int(element.get("r") or row + 1)
                column = 0
            elif sheet_data is not None:
                # Done with the row: drop it, so a long sheet is not held whole.
                sheet_data.clear()
        elif element.tag == f"{_SHEET_NS}c" and event == "end":
            reference = element.get("r")
            if reference:
                row, column = coordinate_to_tuple(reference)
            else:
                column += 1
            yield row, column, element


def _cell_problems(
    book: str,
    sheet: str,
    name: str,
    rows: list[list[str]],
    cells: list[tuple[int, int, str]],
    used: Collection[str] | None,
) -> list[Problem]:
    """The problems of `_unreadable_cells` in the header or a used column of `name`.

    Cells at or above the header stand for a header that cannot be read;
    below it, a cell in a column nobody reads (no name, or one the caller
    ignores) is left alone, as its value would be.
    """
    from openpyxl.utils import get_column_letter

    # The loader reads a column in any case (`Ended_On`), so the check does too.
    used = None if used is None else {column.lower() for column in used}
    first = next((i for i, row in enumerate(rows) if any(row)), len(rows))
    header_line = first + 1
    header = rows[first] if first < len(rows) else []
    problems = []
    for line, index, error in cells:
        column = ""
        if line > header_line:
            column = header[index - 1] if index <= len(header) else ""
            if not column or (used is not None and column.lower() not in used):
                continue
        where = f"cell {get_column_letter(index)}{line} of sheet '{sheet}' in {book}"
        if error:
            message = f"the error value {error} ({where}): correct the formula or the value"
        else:
            message = (
                f"formula without a saved result ({where}): the program that wrote the "
                "workbook did not calculate it. Open and save the workbook in Excel or "
                "LibreOffice, or write values instead of formulas"
            )
        problems.append(Problem(name, line, column, message))
    return problems


def _table_from_rows(
    name: str, rows: list[list[str]], lines: list[int], problems: list[Problem]
) -> pd.DataFrame | None:
    """Header + data rows -> stripped all-string frame indexed by line number.

    Blank rows are skipped. A row with more non-empty fields than the header,
    or fewer fields, is a problem: it usually means a separator inside an
    unquoted value, and guessing would load wrong data.
    """
    first = next((i for i, row in enumerate(rows) if any(cell.strip() for cell in row)), None)
    if first is None:
        # Said as what it is: "required column missing" for each column hid
        # that the file (a zero-byte export, a BOM alone) holds nothing at all.
        problems.append(Problem(name, 1, "", "empty file: expected a header row"))
        return None
    # A byte order mark left before a column name (a file saved with two, a
    # CSV text pasted into a sheet) is invisible: "family_id missing" under
    # a header that shows family_id would be a riddle.
    header = [cell.strip().lstrip(BOM).strip() for cell in rows[first]]
    while header and header[-1] == "":
        header.pop()
    header_line = lines[first]
    # A tab-separated export ("Text (Tab delimited)") read as one column
    # each would otherwise be "required column missing" for every column.
    separator = next((s for s in (";", "\t") if len(header) == 1 and s in header[0]), None)
    if separator is not None:
        said = "';'" if separator == ";" else "tabs"
        message = f"separated by {said}: bundle files use ',' between values"
        problems.append(Problem(name, header_line, "", message))
        return None
    found_problem = False
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            problems.append(
                Problem(name, header_line, column, "column appears twice in the header")
            )
            found_problem = True
        seen.add(column)
    width = len(header)
    body = rows[first + 1 :]
    body_lines = np.asarray(lines[first + 1 :], dtype=np.int64)
    if not body:
        return None if found_problem else _empty_frame(header)
    lengths = np.fromiter((len(row) for row in body), dtype=np.int64, count=len(body))
    longest = max(int(lengths.max()), width)
    padded = [row if len(row) == longest else row + [""] * (longest - len(row)) for row in body]
    table = pd.DataFrame(padded, columns=range(longest), dtype="str")
    for column in table.columns:
        table[column] = table[column].str.strip()
    blank = (table == "").all(axis=1).to_numpy()
    if table.shape[1] > width:
        overflow = (table.iloc[:, width:] != "").any(axis=1).to_numpy()
    else:
        overflow = np.zeros(len(body), dtype=bool)
    ragged = ~blank & (overflow | (lengths < width))
    for index in np.flatnonzero(ragged):
        problems.append(
            Problem(
                name,
                int(body_lines[index]),
                "",
                f"row has {lengths[index]} fields but the header has {width}",
            )
        )
        found_problem = True
    if found_problem:
        return None
    table = table.iloc[:, :width].loc[~blank]
    table.columns = pd.Index(header)
    table.index = pd.Index(body_lines[~blank], name=LINE_INDEX)
    return table.loc[:, [c for c in header if c]]


def _empty_frame(header: list[str]) -> pd.DataFrame:
    columns = [c for c in header if c]
    frame = pd.DataFrame({c: pd.Series([], dtype="str") for c in columns}, columns=columns)
    frame.index = pd.Index([], dtype=np.int64, name=LINE_INDEX)
    return frame


def frame_digest(text: pd.DataFrame) -> str:
    """SHA-256 of a bundle file: its bytes when read from disk, else a canonical CSV dump.

    The dump is hashed DIGEST_CHUNK rows at a time, the same bytes as one
    `to_csv` of the whole frame without a city-sized string in memory.
    """
    digest = text.attrs.get(SHA256_ATTR)
    if isinstance(digest, str):
        return digest
    hashed = hashlib.sha256()
    for start in range(0, max(len(text), 1), DIGEST_CHUNK):
        piece = text.iloc[start : start + DIGEST_CHUNK]
        dump = piece.to_csv(index=False, header=start == 0, lineterminator="\n")
        hashed.update(dump.encode("utf-8"))
    return hashed.hexdigest()
