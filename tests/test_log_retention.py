"""Deleting access-log rows past the retention period: only those, all or nothing, logged.

The log stays append-only for everybody else (the triggers are back after
a prune, a failed prune changes nothing). Times are chosen around the
cut-off: 6 months before 8 December 2026 is 8 June 2026, whose Copenhagen
midnight is 7 June 22.00 UTC (summer time, UTC+2). On SQLite and PostgreSQL.
"""

from __future__ import annotations

import getpass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from data_access.__main__ import main as data_access_main
from data_access.appstate import access_log as audit
from data_access.appstate import migrate as app_migrate
from data_access.appstate import retention
from data_access.appstate.retention import Pruned, months_before, prune_access_log
from data_access.rules.access import ADMIN
from tests.fixtures.apptest import render

TODAY = date(2026, 12, 8)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 8), 6, date(2026, 6, 8)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2024, 8, 31), 6, date(2024, 2, 29)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 3, 31), 13, date(2025, 2, 28)),
    ],
)
def test_months_before_counts_calendar_months(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


def _log(url: str, *moments: datetime) -> None:
    for number, moment in enumerate(moments, start=1):
        audit.record_access(
            url,
            email="a@demo.invalid",
            role=ADMIN,
            page="forloeb",
            family_ids=[f"F-{number}"],
            at=moment,
        )


AROUND_CUTOFF = (
    datetime(2026, 1, 1, 12, 0, tzinfo=UTC),  # deleted
    datetime(2026, 6, 7, 21, 59, 59, tzinfo=UTC),  # 23.59.59 on 7 June in Copenhagen: deleted
    datetime(2026, 6, 7, 22, 0, tzinfo=UTC),  # midnight of 8 June in Copenhagen: kept
    datetime(2026, 12, 1, 9, 0, tzinfo=UTC),  # kept
)


def _refuses_delete(url: str) -> bool:
    try:
        with app_migrate.writer(url).begin() as connection:
            connection.execute(text("DELETE FROM access_log"))
    except DBAPIError as error:
        return "append-only" in str(error)
    return False


def test_only_rows_before_the_cutoff_go_and_the_deletion_is_logged(db_url: str) -> None:
    _log(db_url, *AROUND_CUTOFF)
    pruned = prune_access_log(db_url, keep_months=6, by="cli:drift", today=TODAY)
    assert pruned == Pruned(date(2026, 6, 8), 2)
    rows = audit.list_access(db_url)
    assert sorted(rows["family_ids"]) == ["", "F-3", "F-4"]
    record = rows[rows["action"] == audit.PRUNE].iloc[0]
    assert (record["email"], record["role"], record["shown"]) == ("cli:drift", "owner", "aggregate")
    assert record["file"] == "rows=2 before=2026-06-08"
    assert _refuses_delete(db_url), "the DELETE trigger is not back after the prune"


def test_a_prune_that_fails_half_way_changes_nothing(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _log(db_url, *AROUND_CUTOFF)

    def broken(*_args: object) -> dict[str, object]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(retention, "_record", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        prune_access_log(db_url, keep_months=6, by="cli:drift", today=TODAY)
    assert sorted(audit.list_access(db_url)["family_ids"]) == ["F-1", "F-2", "F-3", "F-4"]
    assert _refuses_delete(db_url), "a failed prune left the DELETE trigger off"


def test_a_period_under_a_month_is_refused(db_url: str) -> None:
    _log(db_url, datetime(2026, 12, 7, tzinfo=UTC))
    with pytest.raises(ValueError, match="at least 1 month"):
        prune_access_log(db_url, keep_months=0, by="cli:drift", today=TODAY)
    assert len(audit.list_access(db_url)) == 1


def test_the_command_prunes_as_the_cli_user(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    _log(db_url, now - timedelta(days=800), now - timedelta(days=1))
    code = data_access_main(["prune-log", "--keep-months", "6", "--app-database-url", db_url])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert printed.out.startswith("Deleted 1 access-log rows logged before ")
    rows = audit.list_access(db_url)
    assert sorted(rows["family_ids"]) == ["", "F-2"]
    assert rows[rows["action"] == audit.PRUNE].iloc[0]["email"] == f"cli:{getpass.getuser()}"


@pytest.mark.parametrize("months", ["0", "six"])
def test_the_command_refuses_a_bad_period(months: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        data_access_main(
            ["prune-log", "--keep-months", months, "--app-database-url", "sqlite:///x.sqlite"]
        )
    assert stopped.value.code == 2
    assert "--keep-months" in capsys.readouterr().err


def test_the_admin_page_names_a_prune_and_filters_by_it(
    demo_db_url: str, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", db_url)
    now = datetime.now(UTC)
    _log(db_url, now - timedelta(days=800), now - timedelta(days=1))
    prune_access_log(db_url, keep_months=6, by="cli:drift")
    app = render(monkeypatch, demo_db_url, "adgangslog", user="admin@demo.invalid")
    assert not app.exception, [e.value for e in app.exception]
    app.selectbox(key="audit_action").set_value(audit.PRUNE).run()
    rows = app.dataframe[0].value
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["Handling"], row["Side"], row["Rolle"]) == (
        "Sletning efter opbevaringsperiode",
        "Adgangslog",
        "Databaseejer (drift)",
    )
    # What a row without families concerns (its file, here the count and cut-off) is "Vist".
    assert row["Vist"].startswith("rows=1 before=")
