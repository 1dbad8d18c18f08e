"""`python -m data_access`: exit codes 0/1/2 and what it prints (interface.md)."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest
from sqlalchemy import inspect

from data_access.__main__ import main
from data_access.bundle.loader import LoadSummary
from data_access.db import schema
from data_access.db.engine import PROJECT_ROOT, make_engine
from tests.fixtures.valid import VALID_ROWS, counts, make_bundle, replace_line, snapshot

SUMMARY = [
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


def test_load_prints_one_line_per_file_and_exits_0(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_bundle(tmp_path / "bundle", users=None)

    code = main(["load", str(folder), "--database-url", db_url])

    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines() == SUMMARY
    assert err == ""
    assert counts(db_url)["families"] == 3


def test_refused_bundle_lists_every_problem_and_exits_1(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["load", str(make_bundle(tmp_path / "good")), "--database-url", db_url])
    capsys.readouterr()
    before = snapshot(db_url)
    broken = make_bundle(
        tmp_path / "broken",
        districts=replace_line("districts.csv", 4, "bronshoj,Brønshøj-Husum,town,kk"),
        spend=replace_line("spend.csv", 2, "S1,it,2010-03-31,SOF,SOF,Lokal koordinering,nan,"),
    )

    code = main(["load", str(broken), "--database-url", db_url])

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "districts.csv:4: kind: unknown kind 'town' (expected one of: city, bydel, boligomraade)",
        "spend.csv:2: amount_dkk: not a finite number: 'nan'",
        "Bundle refused: 2 problems; the database was not changed.",
    ]
    assert snapshot(db_url) == before


def test_unreadable_bundle_exits_1(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"garbage")

    code = main(["load", str(archive), "--database-url", db_url])

    _, err = capsys.readouterr()
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith("bundle.zip:1: not a readable zip file")
    assert lines[-1] == "Bundle refused: 1 problem; the database was not changed."


def test_database_error_is_one_line_and_exits_1(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Validation is switched off so that the database's foreign key refuses the row.
    monkeypatch.setattr("data_access.bundle.loader.check_bundle", lambda parsed, state: [])
    broken = make_bundle(
        tmp_path / "bundle",
        spend=replace_line("spend.csv", 2, "S1,it,2010-03-31,XXX,SOF,Lokal koordinering,1,"),
    )

    code = main(["load", str(broken), "--database-url", db_url])

    _, err = capsys.readouterr()
    assert code == 1
    [line] = err.splitlines()
    assert line.startswith("Load failed: ")
    assert line.endswith("; the database was not changed.")
    assert counts(db_url)["spend"] == 0


def test_unreadable_file_is_one_line_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_reader(path: Path, url: str) -> LoadSummary:
        b"\xff".decode("utf-8")
        raise AssertionError("not reached")

    monkeypatch.setattr("data_access.bundle.loader.load_bundle", broken_reader)

    url = f"sqlite:///{tmp_path / 'unused.sqlite'}"
    code = main(["load", str(make_bundle(tmp_path / "bundle")), "--database-url", url])

    _, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [
        "Load failed: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte; "
        "the database was not changed."
    ]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["load"],
        ["frobnicate"],
        ["load", "does-not-exist"],
        ["load", "bundle.txt"],
        ["demo", "--scale", "0"],
        ["demo", "--scale", "two"],
        ["migrate", "--bogus"],
        ["load", ".", "--database-url", "not a url"],
        ["load", ".", "--database-url", "mysql://etl@db/reporting"],
        ["migrate", "--database-url", "oracle://etl@db/reporting"],
    ],
    ids=[
        "no-command",
        "no-bundle",
        "unknown-command",
        "missing-path",
        "wrong-type",
        "scale-0",
        "scale-text",
        "unknown-option",
        "unparseable-url",
        "unsupported-database",
        "unsupported-database-migrate",
    ],
)
def test_usage_errors_exit_2(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bundle.txt").write_text("x", encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.sqlite'}")

    with pytest.raises(SystemExit) as caught:
        main(argv)

    assert caught.value.code == 2
    assert "usage: python -m data_access" in capsys.readouterr().err
    assert not (tmp_path / "unused.sqlite").exists()


def test_missing_path_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["load", str(tmp_path / "nowhere")])

    assert f"bundle not found: {tmp_path / 'nowhere'}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "not a database URL: 'not a url' (e.g. postgresql+psycopg://user@host/db)"),
        ("mysql://etl@db/reporting", "unsupported database 'mysql': use PostgreSQL or SQLite"),
    ],
)
def test_a_database_url_that_cannot_work_is_named(
    url: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["load", str(make_bundle(tmp_path / "bundle")), "--database-url", url])

    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"python -m data_access: error: {message}"


#: What `url_problem` says of an in-memory SQLite database (the URL is quoted before it).
IN_MEMORY = (
    "is an in-memory SQLite database, which is empty when opened and gone when closed: "
    "give a file (e.g. sqlite:///var/reporting.sqlite) or a PostgreSQL URL"
)


@pytest.mark.parametrize(
    ("command", "url"),
    [
        (["load", "BUNDLE"], "sqlite://"),
        (["load", "BUNDLE"], "sqlite:///:memory:"),
        (["load", "BUNDLE"], "sqlite+pysqlite://"),
        (["load", "BUNDLE"], "sqlite:///file:reporting?mode=memory&uri=true"),
        (["load", "BUNDLE"], "sqlite:///file::memory:?uri=true"),
        (["demo"], "sqlite://"),
        (["migrate"], "sqlite://"),
    ],
)
def test_an_in_memory_database_is_refused_up_front(
    command: list[str],
    url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """It cannot keep what a command writes: "no such table" said nothing of that."""
    bundle = str(make_bundle(tmp_path / "bundle"))
    argv = [bundle if arg == "BUNDLE" else arg for arg in command]
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", f"sqlite:///{tmp_path / 'app.sqlite'}")

    with pytest.raises(SystemExit) as caught:
        main([*argv, "--database-url", url])

    assert caught.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last == f"python -m data_access: error: {url!r} {IN_MEMORY}"


@pytest.mark.parametrize(
    ("argv", "variable"),
    [
        (["load", "BUNDLE"], "DASHBOARD_DATABASE_URL"),
        (["migrate"], "DASHBOARD_AUDIT_URL"),
        (["migrate", "--app-database-url", "sqlite://"], ""),
    ],
    ids=["reporting-from-environment", "app-from-environment", "app-option"],
)
def test_an_in_memory_database_from_any_setting_is_refused(
    argv: list[str],
    variable: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", f"sqlite:///{tmp_path / 'reporting.sqlite'}")
    monkeypatch.delenv("DASHBOARD_AUDIT_URL", raising=False)
    if variable:
        monkeypatch.setenv(variable, "sqlite://")
    bundle = str(make_bundle(tmp_path / "bundle"))

    with pytest.raises(SystemExit) as caught:
        main([bundle if arg == "BUNDLE" else arg for arg in argv])

    assert caught.value.code == 2
    assert f"'sqlite://' {IN_MEMORY}" in capsys.readouterr().err
    assert not (tmp_path / "reporting.sqlite").exists()


def test_database_url_defaults_to_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "from-env.sqlite"
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", f"sqlite:///{target}")

    code = main(["load", str(make_bundle(tmp_path / "bundle"))])

    assert code == 0
    assert counts(f"sqlite:///{target}")["spend"] == 4
    assert capsys.readouterr().out.splitlines()[0] == "districts.csv: 3 rows"


def test_migrate_creates_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"

    code = main(["migrate", "--database-url", url])

    assert code == 0
    engine = make_engine(url)
    try:
        assert set(schema.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert capsys.readouterr().out.startswith("Schema is up to date:")


def test_migrate_hides_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("data_access.__main__.migrate", lambda url: None)
    monkeypatch.setattr("data_access.__main__.migrate_app", lambda url: None)

    code = main(["migrate", "--database-url", "postgresql+psycopg://u:secret@db/x"])

    assert code == 0
    out = capsys.readouterr().out
    assert "secret" not in out
    assert "postgresql+psycopg://u:***@db/x" in out


def test_demo_calls_write_demo_with_url_and_scale(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[str, int]] = []

    def write_demo(url: str, scale: int) -> LoadSummary:
        calls.append((url, scale))
        return LoadSummary(load_id=7, rows={"families.csv": 30}, not_in_bundle=frozenset())

    fake = types.ModuleType("data_access.demo.bundle")
    fake.write_demo = write_demo  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "data_access.demo.bundle", fake)

    code = main(["demo", "--database-url", "sqlite:///x.sqlite", "--scale", "3"])

    assert code == 0
    assert calls == [("sqlite:///x.sqlite", 3)]
    assert capsys.readouterr().out.splitlines() == ["families.csv: 30 rows"]


def test_real_process_exit_codes(tmp_path: Path) -> None:
    """The module runs as `python -m data_access` from the project root."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    good = make_bundle(tmp_path / "good")
    broken = make_bundle(
        tmp_path / "broken", users=replace_line("users.csv", 2, "admin@demo.invalid,root,,")
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "data_access", *args],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    ok = run("load", str(good), "--database-url", url)
    assert (ok.returncode, len(ok.stdout.splitlines())) == (0, len(VALID_ROWS))
    no = run("load", str(broken), "--database-url", url)
    assert no.returncode == 1
    assert no.stderr.splitlines()[-1] == "Bundle refused: 1 problem; the database was not changed."
    assert "Traceback" not in no.stderr
    usage = run("load", str(tmp_path / "missing"), "--database-url", url)
    assert usage.returncode == 2
