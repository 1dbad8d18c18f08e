"""The access log as a data protection officer uses it: context, downloads, reports, filters.

Each view of person-level rows and each download or report is one row with
who, role, page, programme, report date, district filter and what was shown;
a file is handed out only once its row is written; only admin and the
family's own coordinator see one row per family on Forløb; remarks,
decisions and frozen quarters are append-only like the log. On SQLite and
PostgreSQL.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from dashboard.__main__ import main as dashboard_main
from dashboard.audit_trail import logged_data
from dashboard.i18n import t
from data_access.appstate import access_log as audit
from data_access.appstate import migrate as app_migrate
from data_access.rules.access import ADMIN, COORDINATOR, STEERING, Scope
from tests.fixtures.apptest import render, texts
from tests.fixtures.contexts import page_context

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nope"
COORD = Scope(role=COORDINATOR, email="koord@demo.invalid", coordinator_id="C1")


def test_a_view_carries_its_filters(db_url: str) -> None:
    audit.record_access(
        db_url,
        email="koord@demo.invalid",
        role=COORDINATOR,
        page="sagsstamme",
        family_ids=["F-2", "F-1"],
        programme_id="P1",
        report_date=date(2011, 6, 30),
        district_id="norrebro",
    )
    row = audit.list_access(db_url).iloc[0]
    assert row["action"] == "view" and row["shown"] == "pseudonyms"
    assert row["family_ids"] == "F-1,F-2"
    assert (row["programme_id"], row["report_date"], row["district_id"]) == (
        "P1",
        date(2011, 6, 30),
        "norrebro",
    )
    assert row["file"] is None


def test_a_download_of_aggregates_is_logged_as_aggregate(db_url: str) -> None:
    audit.record_access(
        db_url,
        email="chef@demo.invalid",
        role="department_head",
        page="oekonomi",
        action=audit.DOWNLOAD,
        programme_id="P1",
        report_date=date(2011, 3, 31),
        file="oekonomi.csv",
    )
    row = audit.list_access(db_url).iloc[0]
    assert (row["action"], row["shown"], row["family_ids"], row["file"]) == (
        "download",
        "aggregate",
        "",
        "oekonomi.csv",
    )


def test_a_view_without_pseudonyms_or_an_unknown_action_is_refused(db_url: str) -> None:
    with pytest.raises(ValueError, match="pseudonym"):
        audit.record_access(db_url, email="a", role=ADMIN, page="forloeb")
    with pytest.raises(ValueError, match="action"):
        audit.record_access(db_url, email="a", role=ADMIN, page="forloeb", action="erase")


def test_filters_by_person_family_period_page_and_action(db_url: str) -> None:
    rows = [
        ("a@demo.invalid", "forloeb", audit.VIEW, ["F-1"], datetime(2011, 1, 5, 9, tzinfo=UTC)),
        ("b@demo.invalid", "oekonomi", audit.DOWNLOAD, [], datetime(2011, 2, 5, 9, tzinfo=UTC)),
        ("a@demo.invalid", "oversigt", audit.REPORT, [], datetime(2011, 3, 5, 9, tzinfo=UTC)),
        (
            "b@demo.invalid",
            "sagsstamme",
            audit.DOWNLOAD,
            ["F-1", "F-12"],
            datetime(2011, 3, 6, tzinfo=UTC),
        ),
    ]
    for email, page, action, ids, at in rows:
        audit.record_access(
            db_url, email=email, role=ADMIN, page=page, action=action, family_ids=ids, at=at
        )

    def pages(**filters: object) -> list[str]:
        return list(audit.list_access(db_url, **filters)["page"])  # type: ignore[arg-type]

    assert pages(action="download") == ["sagsstamme", "oekonomi"]
    assert pages(email="A@demo.invalid") == ["oversigt", "forloeb"]
    assert pages(family_id="F-1") == ["sagsstamme", "forloeb"]
    assert pages(family_id="F-12") == ["sagsstamme"]
    assert pages(since=date(2011, 2, 1), until=date(2011, 3, 5)) == ["oversigt", "oekonomi"]
    assert pages(page="oversigt", action="report") == ["oversigt"]


def test_a_download_is_logged_with_the_page_context_before_it_is_handed_out(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", db_url)
    context = page_context(scope=COORD, programme_id="P1", district_id="norrebro")
    data = logged_data(
        lambda: b"csv", context.user, context.filters, "sagsstamme", "x.csv", family_ids=["F-3"]
    )
    assert audit.list_access(db_url).empty  # nothing until the click
    assert data() == b"csv"
    row = audit.list_access(db_url).iloc[0]
    assert list(row[["email", "role", "action", "page", "programme_id", "district_id"]]) == [
        "koord@demo.invalid",
        COORDINATOR,
        "download",
        "sagsstamme",
        "P1",
        "norrebro",
    ]
    assert (row["report_date"], row["shown"], row["family_ids"], row["file"]) == (
        date(2011, 6, 30),
        "pseudonyms",
        "F-3",
        "x.csv",
    )


def test_no_file_when_the_log_cannot_be_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", UNREACHABLE)
    context = page_context()
    data = logged_data(lambda: b"secret", context.user, context.filters, "oversigt", "r.pdf")
    with pytest.raises(Exception) as caught:
        data()
    assert b"secret" not in str(caught.value).encode()


def test_the_csv_button_logs_its_download(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import shell

    monkeypatch.setenv("DASHBOARD_AUDIT_URL", db_url)
    monkeypatch.setattr(shell, "current_page", lambda: (page_context(), "effekt"))
    passed: dict[str, object] = {}
    monkeypatch.setattr(shell.st, "download_button", lambda *a, **kw: passed.update(kw))
    shell.download_csv(pd.DataFrame({"n": [1]}), "effekt_P1", "da")
    data = passed["data"]
    assert callable(data)
    data()
    frame = audit.list_access(db_url)
    assert list(frame[["page", "action", "shown", "file"]].itertuples(index=False)) == [
        ("effekt", "download", "aggregate", "effekt_P1.csv")
    ]


def test_the_cli_report_is_logged_as_cli_user(
    demo_db_url: str, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", db_url)
    out = tmp_path / "q2.xlsx"
    argv = ["report", "--programme", "interventionsteam", "--quarter", "2011Q2", "--format"]
    code = dashboard_main([*argv, "xlsx", "--out", str(out), "--database-url", demo_db_url])
    assert code == 0 and out.exists()
    row = audit.list_access(db_url).iloc[0]
    assert (row["email"], row["action"], row["shown"], row["file"]) == (
        f"cli:{getpass.getuser()}",
        "report",
        "aggregate",
        "q2.xlsx",
    )
    assert (row["programme_id"], row["report_date"]) == ("interventionsteam", date(2011, 6, 30))


def test_the_cli_report_is_not_written_without_its_log_row(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("the log is full")

    monkeypatch.delenv("DASHBOARD_AUDIT_URL", raising=False)
    monkeypatch.setattr(audit, "record_access", broken)
    out = tmp_path / "q2.pdf"
    argv = ["report", "--programme", "interventionsteam", "--quarter", "2011Q2", "--format"]
    code = dashboard_main([*argv, "pdf", "--out", str(out), "--database-url", demo_db_url])
    assert code == 1 and not out.exists()


@pytest.mark.parametrize("table", ["quarter_remarks", "quarter_decisions", "frozen_quarters"])
@pytest.mark.parametrize("statement", ["UPDATE {t} SET quarter = 'x'", "DELETE FROM {t}"])
def test_remarks_decisions_and_freezes_are_append_only(
    db_url: str, table: str, statement: str
) -> None:
    engine = app_migrate.writer(db_url)
    now = datetime(2011, 7, 1, tzinfo=UTC)
    rows = {
        "quarter_remarks": "INSERT INTO quarter_remarks (programme_id, quarter, page, text,"
        " written_by, written_role, written_at) VALUES ('P', '2011Q2', 'x', 't', 'a', 'admin', :n)",
        "quarter_decisions": "INSERT INTO quarter_decisions (decision_key, programme_id, quarter,"
        " text, owner_role, due_on, status, written_by, written_role, written_at) VALUES"
        " ('k', 'P', '2011Q2', 't', 'admin', '2011-09-30', 'open', 'a', 'admin', :n)",
        "frozen_quarters": "INSERT INTO frozen_quarters (programme_id, quarter, frozen_at,"
        " frozen_by, frozen_role, figures, tables) VALUES ('P', '2011Q2', :n, 'a', 'admin',"
        " '{}', '{}')",
    }
    with engine.begin() as connection:
        connection.execute(text(rows[table]), {"n": now})
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement.format(t=table)))
    with engine.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1


def test_steering_sees_no_row_per_family_on_forloeb(
    demo_db_url: str, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", db_url)
    app = render(monkeypatch, demo_db_url, "forloeb", user="styregruppe@demo.invalid")
    assert not app.exception, [e.value for e in app.exception]
    assert "Forløbsoversigten vises ikke" in texts(app)
    first_course = t("courses.anonymous", "da", n=1)
    for chart in app.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            assert first_course not in list(trace.get("y") or [])
    assert audit.list_access(db_url).empty


def test_a_coordinators_view_of_forloeb_is_logged_with_filters(
    demo_db_url: str, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", db_url)
    app = render(
        monkeypatch,
        demo_db_url,
        "forloeb",
        user="koordinator.norrebro@demo.invalid",
        query={"as_of": "2011-06-30", "programme": "interventionsteam"},
    )
    assert not app.exception, [e.value for e in app.exception]
    frame = audit.list_access(db_url)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row["email"], row["role"], row["page"], row["action"], row["shown"]) == (
        "koordinator.norrebro@demo.invalid",
        COORDINATOR,
        "forloeb",
        "view",
        "pseudonyms",
    )
    assert (row["report_date"], row["programme_id"]) == (date(2011, 6, 30), "interventionsteam")
    assert row["family_ids"]


def test_the_admin_page_filters_by_action(
    demo_db_url: str, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", db_url)
    audit.record_access(
        db_url,
        email="x@demo.invalid",
        role=STEERING,
        page="oversigt",
        action="report",
        file="kvartalsrapport.pdf",
    )
    audit.record_access(
        db_url, email="y@demo.invalid", role=ADMIN, page="forloeb", family_ids=["FAM-9"]
    )
    audit.record_access(
        db_url,
        email="z@demo.invalid",
        role=ADMIN,
        page="forloeb",
        family_ids=[f"FAM-{n}" for n in range(10, 18)],
    )
    app = render(monkeypatch, demo_db_url, "adgangslog", user="admin@demo.invalid")
    assert not app.exception, [e.value for e in app.exception]
    shown = texts(app)
    assert "kvartalsrapport.pdf" in shown and "FAM-9" in shown
    # Eight families in one row: the screen shows the first three and "(+5)".
    assert "FAM-10, FAM-11, FAM-12 … (+5)" in shown and "FAM-13" not in shown
    app.selectbox(key="audit_action").set_value("report").run()
    shown = texts(app)
    assert "kvartalsrapport.pdf" in shown and "FAM-9" not in shown
    assert "Rapport" in shown
    # A file handed out without families stands for what was shown ("Samlede tal").
    assert app.dataframe[0].value.iloc[0]["Vist"] == "kvartalsrapport.pdf"
    assert len(app.get("download_button")) == 1


def test_the_admin_page_reads_each_row_in_words_with_danish_times(
    demo_db_url: str, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", db_url)
    at = datetime.now(UTC).replace(microsecond=0)
    audit.record_access(
        db_url,
        email="koord@demo.invalid",
        role=COORDINATOR,
        page="forloeb",
        family_ids=["FAM-21"],
        programme_id="P1",
        report_date=date(2011, 6, 30),
        at=at,
    )
    files: dict[str, bytes] = {}

    def built(data: Callable[[], bytes], *_: object, **__: object) -> Callable[[], bytes]:
        files["csv"] = data()
        return lambda: files["csv"]

    monkeypatch.setattr("dashboard.shell.logged_data", built)
    app = render(monkeypatch, demo_db_url, "adgangslog", user="admin@demo.invalid")
    assert not app.exception, [e.value for e in app.exception]
    # One row: "1 registreringer" read wrong; the count stands after a colon instead.
    assert "Registreringer: 1 (højst 500 vises)." in [c.value for c in app.caption]
    grid = app.dataframe[0]
    row = grid.value.iloc[0]
    # The moment in Copenhagen's zone, which the grid writes the Danish way, to the second.
    assert row["Tidspunkt"] == pd.Timestamp(at)
    assert row["Tidspunkt"].tzinfo == ZoneInfo("Europe/Copenhagen")
    config = json.loads(grid.proto.columns)
    assert config["Tidspunkt"]["type_config"]["format"] == "DD.MM.YYYY HH.mm.ss"
    assert config["Tidspunkt"]["pinned"] is True
    # The filters the coordinator had set, in one cell: programme, report date (no district).
    assert row["Filtre"] == "P1, 30.06.2011"
    assert row["Rolle"] == t("role.coordinator", "da")
    assert row["Side"] == "Forløb"
    # What was shown is the families themselves; "Pseudonymer" would say it twice.
    assert row["Vist"] == "FAM-21"
    # Who saw which families comes before the filters they had set.
    headings = list(grid.value.columns)
    assert "Familier (pseudonymer)" not in headings
    assert headings.index("Vist") < headings.index("Filtre")
    # The CSV writes the same Danish time and date as text.
    local = at.astimezone(ZoneInfo("Europe/Copenhagen"))
    csv = files["csv"].decode("utf-8-sig").splitlines()
    assert csv[1].startswith(local.strftime("%d.%m.%Y %H.%M.%S") + ";koord@demo.invalid;")
    assert ";FAM-21;" in csv[1] and ";30.06.2011;" in csv[1]
    # The CSV keeps both what was shown and the families, each in its own column.
    assert ";Vist;Familier (pseudonymer);" in csv[0] and ";Pseudonymer;FAM-21;" in csv[1]


def test_an_empty_log_says_so_in_words_without_an_empty_grid(
    demo_db_url: str, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", db_url)
    app = render(monkeypatch, demo_db_url, "adgangslog", user="admin@demo.invalid")
    assert not app.exception, [e.value for e in app.exception]
    assert "Registreringer: 0 (højst 500 vises)." in [c.value for c in app.caption]
    # The grid of no rows wrote its own English "empty"; nothing to download either.
    assert len(app.dataframe) == 0
    assert len(app.get("download_button")) == 0
