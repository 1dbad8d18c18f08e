"""`python -m dashboard`: a usage error exits 2, database trouble is one line and exit 1.

The disclosure audit's exit 1 means "a hidden count can be worked out", so a
mistyped programme or a report-date step of 0 must not end in 1 (they ended
in a traceback and exit 1). A database the commands cannot reach or read
gave a SQLAlchemy traceback; `python -m data_access` already says it in one
line (tests/test_cli.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.__main__ import main
from data_access.db.migrate import migrate

UNREACHABLE = "postgresql+psycopg://nobody:secret-pw@127.0.0.1:1/none"


def test_the_audit_of_an_unknown_programme_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'reporting.sqlite'}"
    migrate(url)
    args = ["disclosure-audit", "--role", "viewer", "--programme", "nope", "--database-url", url]
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert err.splitlines() == ["error: unknown programme 'nope' (known: )"]
    assert "LEAK" not in out


def test_an_audit_step_under_1_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["disclosure-audit", "--role", "viewer", "--every", "0"])
    assert stop.value.code == 2
    assert "--every: not a whole number of 1 or more: '0'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--programme", "P", "--quarter", "2011Q2", "--format", "pdf", "--out", "x.pdf"],
        ["freeze", "--programme", "P", "--quarter", "2011Q2"],
        ["disclosure-audit", "--role", "viewer"],
        ["precompute"],
    ],
    ids=lambda args: args[0],
)
@pytest.mark.parametrize("where", ["unreachable", "missing file"])
def test_database_trouble_is_one_line_and_exit_1(
    args: list[str], where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = UNREACHABLE if where == "unreachable" else f"sqlite:///{tmp_path / 'none' / 'x.sqlite'}"
    out_args = [a if a != "x.pdf" else str(tmp_path / "x.pdf") for a in args]
    assert main([*out_args, "--database-url", url]) == 1
    err = capsys.readouterr().err
    [line] = [text for text in err.splitlines() if text.startswith("error:")]
    assert line.startswith("error: the database could not be used: ")
    assert "Traceback" not in err and "secret-pw" not in err
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("not a url", "not a database URL: 'not a url'"),
        ("mysql://reader@127.0.0.1/reporting", "unsupported database 'mysql'"),
        ("sqlite://", "'sqlite://' is an in-memory SQLite database"),
    ],
)
def test_a_database_url_that_cannot_work_is_a_usage_error(
    url: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """As for `python -m data_access`: exit 2, not the audit's exit 1 or a driver's traceback."""
    with pytest.raises(SystemExit) as stop:
        main(["disclosure-audit", "--role", "viewer", "--database-url", url])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["disclosure-audit", "--role", "viewer"],
        ["precompute"],
        ["freeze", "--programme", "it", "--quarter", "2011Q2"],
        ["report", "--programme", "it", "--quarter", "2011Q2", "--format", "pdf", "--out", "x.pdf"],
    ],
)
def test_the_environment_database_url_is_checked_as_the_option_is(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command falls back to DASHBOARD_DATABASE_URL: an in-memory one is a usage error too."""
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", "sqlite://")
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    assert "'sqlite://' is an in-memory SQLite database" in capsys.readouterr().err
