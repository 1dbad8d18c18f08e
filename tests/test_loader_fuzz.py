"""The loader under attack: random damage to a valid bundle never crashes it or writes half.

Each example takes the small valid bundle from test_loader_bundle, damages it
one way (truncation, a wrong encoding, a huge field, a formula in a cell, a
duplicated or reordered column, random bytes, a missing file, a broken zip),
and loads it into a database that already holds the valid bundle. The load
must either succeed, with every row of the damaged files stored, or raise
`BundleRejected` with a list of problems that each name a file, a line and a
reason; and when it refuses, every table must hold exactly the rows it held
before. Any other exception is a crash and fails the test.
"""

from __future__ import annotations

import csv
import io
import shutil
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_access.bundle.loader import BundleRejected, LoadSummary, load_bundle
from data_access.bundle.reader import BUNDLE_FILES
from tests.fixtures.valid import VALID, snapshot

FILES = sorted(VALID)
FORMULAS = ["=cmd|' /C calc'!A0", "=1+1", "+41", "-2+3", "@SUM(A1:A9)", '=HYPERLINK("x")']
ENCODINGS = ["latin-1", "cp1252", "utf-16", "utf-32"]
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def valid_texts() -> dict[str, str]:
    return {name: textwrap.dedent(body).strip() + "\n" for name, body in VALID.items()}


def _table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database holding the valid bundle; each example works on a copy."""
    folder = tmp_path_factory.mktemp("fuzz-base")
    bundle = folder / "bundle"
    bundle.mkdir()
    for name, body in valid_texts().items():
        (bundle / name).write_text(body, encoding="utf-8")
    database = folder / "base.sqlite"
    load_bundle(bundle, f"sqlite:///{database}")
    return database


Damage = Callable[[dict[str, bytes]], None]


@st.composite
def damages(draw: st.DrawFn) -> tuple[str, Damage]:
    """One named way to damage the bundle's files (file name -> bytes), in place."""
    name = draw(st.sampled_from(FILES))
    kind = draw(
        st.sampled_from(
            [
                "truncate",
                "encoding",
                "huge_field",
                "formula",
                "duplicate_column",
                "reorder_columns",
                "random_bytes",
                "drop_file",
            ]
        )
    )
    text = valid_texts()[name]
    rows = _table(text)
    row = draw(st.integers(1, max(1, len(rows) - 1)))
    column = draw(st.integers(0, len(rows[0]) - 1))

    def set_cell(value: str) -> Damage:
        def apply(files: dict[str, bytes]) -> None:
            changed = [list(r) for r in rows]
            if row < len(changed):
                changed[row][column] = value
            files[name] = _csv(changed).encode()

        return apply

    if kind == "truncate":
        cut = draw(st.integers(0, len(text.encode()) - 1))
        return f"{kind} {name} at {cut}", lambda f: f.__setitem__(name, f[name][:cut])
    if kind == "encoding":
        encoding = draw(st.sampled_from(ENCODINGS))
        accented = text
        return f"{kind} {name} {encoding}", lambda f: f.__setitem__(
            name, accented.encode(encoding, errors="replace")
        )
    if kind == "huge_field":
        size = draw(st.sampled_from([10_000, 200_000, 2_000_000]))
        return f"{kind} {name}[{row},{column}] {size}", set_cell("x" * size)
    if kind == "formula":
        formula = draw(st.sampled_from(FORMULAS))
        return f"{kind} {name}[{row},{column}] {formula}", set_cell(formula)
    if kind == "duplicate_column":
        order = [*range(len(rows[0])), column]

        def duplicate(files: dict[str, bytes]) -> None:
            files[name] = _csv([[r[i] for i in order] for r in rows]).encode()

        return f"{kind} {name} {rows[0][column]}", duplicate
    if kind == "reorder_columns":
        order = draw(st.permutations(range(len(rows[0]))))

        def reorder(files: dict[str, bytes]) -> None:
            files[name] = _csv([[r[i] for i in order] for r in rows]).encode()

        return f"{kind} {name} {order}", reorder
    if kind == "random_bytes":
        at = draw(st.integers(0, len(text.encode())))
        junk = draw(st.binary(min_size=1, max_size=40))

        def insert(files: dict[str, bytes]) -> None:
            files[name] = files[name][:at] + junk + files[name][at:]

        return f"{kind} {name} at {at} {junk!r}", insert

    def drop(files: dict[str, bytes]) -> None:
        del files[name]

    return f"{kind} {name}", drop


def _data_rows(data: bytes) -> int:
    """Non-blank data rows of a CSV file that loaded (so it is valid UTF-8 CSV)."""
    text = data.decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    return max(0, len(rows) - 1)


def _without_load_ids(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    return snapshot(f"sqlite:///{database}", keep_surrogates=False)


def _load_or_refuse(bundle: Path, database: Path) -> LoadSummary | None:
    """Load; on refusal check the reasons and that no table changed, then return None."""
    url = f"sqlite:///{database}"
    before = snapshot(url)
    try:
        return load_bundle(bundle, url)
    except BundleRejected as refusal:
        assert refusal.problems, "refused without a reason"
        for problem in refusal.problems:
            assert problem.file in (*BUNDLE_FILES, bundle.name), problem
            assert problem.line >= 1, problem
            assert problem.message.strip(), problem
        assert snapshot(url) == before, "a refused load changed the database"
        return None


@FUZZ
@given(damage=damages())
def test_damaged_folder_loads_whole_or_is_refused_whole(
    damage: tuple[str, Damage], loaded_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    label, apply = damage
    work = tmp_path_factory.mktemp("fuzz")
    database = work / "db.sqlite"
    shutil.copy(loaded_db, database)
    files = {name: body.encode() for name, body in valid_texts().items()}
    apply(files)
    bundle = work / "bundle"
    bundle.mkdir()
    for name, data in files.items():
        (bundle / name).write_bytes(data)

    summary = _load_or_refuse(bundle, database)
    if summary is None:
        return
    for name, data in files.items():
        assert summary.rows[name] == _data_rows(data), (label, name)
    if label.startswith("reorder_columns"):
        assert _without_load_ids(database) == _without_load_ids(loaded_db), label


@FUZZ
@given(cut=st.integers(0, 4000), flip=st.integers(0, 4000))
def test_damaged_zip_loads_whole_or_is_refused_whole(
    cut: int, flip: int, loaded_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    work = tmp_path_factory.mktemp("zipfuzz")
    database = work / "db.sqlite"
    shutil.copy(loaded_db, database)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in valid_texts().items():
            archive.writestr(f"bundle/{name}", body)
    data = bytearray(buffer.getvalue())
    data[flip % len(data)] ^= 0xFF
    bundle = work / "bundle.zip"
    bundle.write_bytes(bytes(data[: max(1, len(data) - cut)]))
    _load_or_refuse(bundle, database)


def test_formula_text_is_stored_as_plain_text_not_evaluated(
    loaded_db: Path, tmp_path: Path
) -> None:
    """A name such as `=cmd()` is valid text: it loads verbatim (exports neutralise it)."""
    database = tmp_path / "db.sqlite"
    shutil.copy(loaded_db, database)
    files = valid_texts()
    files["departments.csv"] = files["departments.csv"].replace(
        "Socialforvaltningen", "=cmd|' /C calc'!A0"
    )
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    for name, body in files.items():
        (bundle / name).write_text(body, encoding="utf-8")
    load_bundle(bundle, f"sqlite:///{database}")
    names = {row[1] for row in snapshot(f"sqlite:///{database}")["departments"]}
    assert "=cmd|' /C calc'!A0" in names
