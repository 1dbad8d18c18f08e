"""The fixtures package is the only place tests share code, and its headers follow the spec.

Read from the sources: a test module that imports another test module (or a
conftest) turns tests into a fixture library again, and a silenced unused or
redefined import (ruff's F401/F811) is how a fixture used to be borrowed from one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from data_access.bundle import validation
from data_access.bundle.validation import Field
from tests.fixtures.bundles import csv_text, spec_bundle, spec_columns, write_bundle

TESTS = Path(__file__).resolve().parent
SOURCES = sorted(TESTS.rglob("*.py"))
#: A `noqa` that silences ruff's unused-import or redefinition warning.
SILENCED = re.compile(r"noqa:[^#\n]*\bF(?:401|811)\b")


def _imported_modules(path: Path) -> list[str]:
    """Every module `path` imports, at any depth (`from tests import x` counts as `tests.x`)."""
    modules: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.append(node.module)
            modules.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def _is_test_or_conftest(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return module.startswith("tests.") and (last.startswith("test_") or last == "conftest")


def test_the_sources_are_found() -> None:
    names = {path.name for path in SOURCES}
    assert {"conftest.py", "test_fixtures.py", "bundles.py", "test_loader.py"} <= names


def test_no_module_imports_a_test_module_or_a_conftest() -> None:
    offenders = {
        str(path.relative_to(TESTS)): found
        for path in SOURCES
        if (found := sorted(m for m in _imported_modules(path) if _is_test_or_conftest(m)))
    }
    assert offenders == {}


def test_test_modules_share_code_only_through_the_fixtures_package() -> None:
    offenders = {
        str(path.relative_to(TESTS)): found
        for path in SOURCES
        if path.name.startswith("test_")
        and (
            found := sorted(
                m
                for m in _imported_modules(path)
                if m.startswith("tests.") and not m.startswith("tests.fixtures")
            )
        )
    }
    assert offenders == {}


def test_no_unused_or_redefined_import_is_silenced() -> None:
    silenced = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SILENCED.search(line)
    ]
    assert silenced == []


def test_the_helpers_detect_their_own_import_checks() -> None:
    """The checks above would see the old pattern: guards against a check that passes vacuously."""
    assert _is_test_or_conftest("tests.test_queries_results")
    assert _is_test_or_conftest("tests.e2e.conftest")
    assert not _is_test_or_conftest("tests.fixtures.results")
    assert SILENCED.search("from x import y  # no" + "qa: F401 - fixture")
    assert SILENCED.search("    y: str,  # no" + "qa: E501, F811")


def test_headers_are_the_specs_columns_in_order() -> None:
    assert csv_text("members.csv", "M1,F1,child,2000,") == (
        "member_id,family_id,role,birth_year,employment_act\nM1,F1,child,2000,"
    )
    assert csv_text("members.csv", "M1,F1,child", without=("birth_year", "employment_act")) == (
        "member_id,family_id,role\nM1,F1,child"
    )
    assert csv_text("indicators.csv") == "district_id,indicator,measured_on,value"


def test_only_optional_columns_can_be_left_out() -> None:
    with pytest.raises(ValueError, match="role"):
        spec_columns("members.csv", without=("role",))
    # `unit` may be empty but must be in the header: not an optional column.
    with pytest.raises(ValueError, match="unit"):
        spec_columns("indicator_definitions.csv", without=("unit",))


def test_a_column_added_to_the_spec_reaches_the_written_headers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    widened = (*validation.SPECS["families.csv"], Field("risk_band", required=False))
    monkeypatch.setitem(validation.SPECS, "families.csv", widened)
    assert spec_columns("families.csv")[-1] == "risk_band"
    rows = {"families.csv": "F1,P1,nb,C1,2010-01-04,,,,,,,,high"}
    assert spec_bundle(rows)["families.csv"].splitlines()[0].endswith(",single_parent,risk_band")
    folder = write_bundle(tmp_path / "bundle", rows, without={"families.csv": ("coordinator_id",)})
    header = (folder / "families.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == (
        "family_id,programme_id,district_id,referred_on,investigation_on,approved_on,"
        "started_on,aftercare_on,ended_on,end_reason,single_parent,risk_band"
    )


def test_a_load_bundle_is_read_back_by_the_loader(db_url: str, tmp_path: Path) -> None:
    """A bundle written from the spec loads: the headers are the loader's own."""
    from data_access.bundle.loader import load_bundle
    from tests.fixtures.valid import VALID_ROWS, counts, make_bundle

    load_bundle(make_bundle(tmp_path / "valid"), db_url)
    loaded = counts(db_url)
    assert loaded["families"] == VALID_ROWS["families.csv"] == 3
    assert loaded["users"] == VALID_ROWS["users.csv"] == 3
