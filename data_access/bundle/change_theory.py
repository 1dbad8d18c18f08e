"""`change_theory.csv`, the project's addition to the bundle: read, checked and written.

The application to the ministry draws the pilot's change theory (drawing 1:
activities -> results -> short-, medium- and long-term effects). Kept as
rows per programme it loads like the rest of the data; see the README for
the columns. The boxes are shown by `queries.change_theory`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd
from sqlalchemy import Connection, delete, insert

from data_access.bundle.reader import LINE_INDEX, Problem, read_bundle
from data_access.db.schema import change_theory
from data_access.rules.change_theory import LEVELS, MEASURES

FILE: Final = "change_theory.csv"
REQUIRED: Final[tuple[str, ...]] = ("programme_id", "box_id", "level", "label")
OPTIONAL: Final[tuple[str, ...]] = ("measure", "parent_box_id", "target", "sort")


def read_change_theory(path: Path) -> pd.DataFrame | None:
    """`change_theory.csv` of a bundle folder, .zip or .xlsx (sheet `change_theory`), or None.

    Read by the bundle reader with the same rules as the contract's files (UTF-8
    with or without BOM, ragged rows refused), indexed by line number.
    """
    frame = read_bundle(Path(path), (FILE,), {FILE: (*REQUIRED, *OPTIONAL)}).get(FILE)
    return None if frame is None else _columns_in_any_case(frame)


def _columns_in_any_case(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with a column spelt in other case (`Label`) named as the file's column.

    As for the contract's files (validation): the exact spelling wins, and
    two other spellings are left as they are (the column counts as missing).
    """
    header = [str(column) for column in frame.columns]
    renames: dict[str, str] = {}
    for name in (*REQUIRED, *OPTIONAL):
        others = [column for column in header if column.lower() == name]
        if name not in header and len(others) == 1:
            renames[others[0]] = name
    return frame.rename(columns=renames)


def check_change_theory(frame: pd.DataFrame, programme_ids: set[str]) -> list[Problem]:
    """Every broken row of `frame`, as `change_theory.csv:LINE: column: message` problems.

    Checks: required columns and values, the programme exists, level and
    measure are known, target is a number, sort a whole number, parent boxes
    exist in the same programme, and no box id repeats within a programme.
    """
    problems: list[Problem] = []
    columns = [str(c).strip() for c in frame.columns]
    for name in REQUIRED:
        if name not in columns:
            problems.append(Problem(FILE, 1, name, "required column is missing"))
    if problems:
        return problems
    rows = frame.set_axis(columns, axis=1).fillna("").astype(str)
    seen: dict[tuple[str, str], int] = {}
    boxes = {(r["programme_id"].strip(), r["box_id"].strip()) for _, r in rows.iterrows()}
    lines = (
        [int(line) for line in rows.index]
        if rows.index.name == LINE_INDEX
        else list(range(2, len(rows) + 2))
    )
    for number, (_, row) in zip(lines, rows.iterrows(), strict=True):
        cell = {name: str(row.get(name, "")).strip() for name in (*REQUIRED, *OPTIONAL)}
        for name in REQUIRED:
            if not cell[name]:
                problems.append(Problem(FILE, number, name, "a value is required"))
        programme = cell["programme_id"]
        if programme and programme not in programme_ids:
            problems.append(
                Problem(FILE, number, "programme_id", f"unknown programme {programme!r}")
            )
        if cell["level"] and cell["level"] not in LEVELS:
            problems.append(
                Problem(
                    FILE, number, "level", f"{cell['level']!r} is not one of {', '.join(LEVELS)}"
                )
            )
        if cell["measure"] and cell["measure"] not in MEASURES:
            problems.append(
                Problem(
                    FILE,
                    number,
                    "measure",
                    f"{cell['measure']!r} is not one of {', '.join(MEASURES)}",
                )
            )
        if cell["target"]:
            try:
                float(cell["target"])
            except ValueError:
                problems.append(
                    Problem(FILE, number, "target", f"not a number: {cell['target']!r}")
                )
        if cell["sort"] and not cell["sort"].lstrip("-").isdigit():
            problems.append(Problem(FILE, number, "sort", f"not a whole number: {cell['sort']!r}"))
        parent = cell["parent_box_id"]
        if parent and (programme, parent) not in boxes:
            problems.append(
                Problem(
                    FILE, number, "parent_box_id", f"no box {parent!r} in programme {programme!r}"
                )
            )
        key = (programme, cell["box_id"])
        if cell["box_id"] and key in seen:
            problems.append(
                Problem(FILE, number, "box_id", f"duplicate box id, first on line {seen[key]}")
            )
        seen.setdefault(key, number)
    return problems


def write_change_theory(connection: Connection, frame: pd.DataFrame) -> int:
    """Replace the boxes of every programme `frame` names with its rows; the row count.

    Replacing per programme keeps a reload idempotent and leaves other
    programmes' chains alone.
    """
    rows = frame.fillna("").astype(str)
    records = []
    for _, row in rows.iterrows():
        cell = {name: str(row.get(name, "")).strip() for name in (*REQUIRED, *OPTIONAL)}
        records.append(
            {
                "programme_id": cell["programme_id"],
                "box_id": cell["box_id"],
                "level": cell["level"],
                "label": cell["label"],
                "measure": cell["measure"] or None,
                "parent_box_id": cell["parent_box_id"] or None,
                "target": float(cell["target"]) if cell["target"] else None,
                "sort": int(cell["sort"]) if cell["sort"] else None,
            }
        )
    programmes = sorted({str(r["programme_id"]) for r in records})
    if programmes:
        connection.execute(
            delete(change_theory).where(change_theory.c.programme_id.in_(programmes))
        )
    if records:
        connection.execute(insert(change_theory), records)
    return len(records)
