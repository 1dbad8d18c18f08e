"""The access log: append-only, its own Alembic history, filters, and log_view stopping a page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from streamlit.testing.v1 import AppTest

from data_access.appstate import access_log as audit
from data_access.appstate import migrate as app_migrate
from data_access.db.engine import make_engine
from data_access.db.migrate import schema_is_current
from tests.fixtures.apptest import render, texts


def _three_rows(url: str) -> None:
    audit.record_access(
        url,
        email="Koord.A@demo.invalid",
        role="coordinator",
        page="forloeb",
        family_ids=["A-2", "A-1", "A-2"],
        at=datetime(2010, 6, 1, 10, 0, tzinfo=UTC),
    )
    # 23:30 UTC on 1 January is 00:30 on 2 January in Copenhagen.
    audit.record_access(
        url,
        email="koord.b@demo.invalid",
        role="coordinator",
        page="sagsstamme",
        family_ids=["A-11", "B-1"],
        at=datetime(2011, 1, 1, 23, 30, tzinfo=UTC),
    )
    audit.record_access(
        url, email="admin@demo.invalid", role="admin", page="forloeb", family_ids=["B-2"]
    )


def test_rows_come_back_newest_first_with_pseudonyms_sorted(db_url: str) -> None:
    _three_rows(db_url)
    frame = audit.list_access(db_url)
    assert list(frame["email"]) == [
        "admin@demo.invalid",
        "koord.b@demo.invalid",
        "Koord.A@demo.invalid",
    ]
    assert list(frame["family_ids"]) == ["B-2", "A-11,B-1", "A-1,A-2"]
    assert frame["at"].iloc[1].isoformat() == "2011-01-02T00:30:00+01:00"


def test_filters(db_url: str) -> None:
    _three_rows(db_url)

    def emails(**filters: object) -> list[str]:
        return list(audit.list_access(db_url, **filters)["email"])  # type: ignore[arg-type]

    assert emails(email="koord.a@DEMO.invalid") == ["Koord.A@demo.invalid"]
    assert emails(page="forloeb") == ["admin@demo.invalid", "Koord.A@demo.invalid"]
    # A whole pseudonym: A-1 is not a prefix match for A-11.
    assert emails(family_id="A-1") == ["Koord.A@demo.invalid"]
    assert emails(family_id="A-11") == ["koord.b@demo.invalid"]
    assert emails(family_id="%") == []
    assert emails(since=date(2011, 1, 2), until=date(2011, 1, 2)) == ["koord.b@demo.invalid"]
    assert emails(since=date(2010, 1, 1), until=date(2011, 1, 1)) == ["Koord.A@demo.invalid"]
    assert len(emails(limit=1)) == 1


def test_no_row_without_families(db_url: str) -> None:
    with pytest.raises(ValueError):
        audit.record_access(db_url, email="a@b", role="admin", page="forloeb", family_ids=[])


@pytest.mark.parametrize(
    "statement", ["UPDATE access_log SET email = 'someone@else'", "DELETE FROM access_log"]
)
def test_log_is_append_only(db_url: str, statement: str) -> None:
    _three_rows(db_url)
    engine = make_engine(db_url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()
    assert len(audit.list_access(db_url)) == 3


def test_own_version_table_beside_the_reporting_schema(db_url: str) -> None:
    _three_rows(db_url)
    engine = make_engine(db_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"access_log", "app_alembic_version", "alembic_version", "families"} <= tables
        assert schema_is_current(engine)
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM app_alembic_version"))
            head = ScriptDirectory.from_config(
                app_migrate.app_alembic_config(db_url)
            ).get_current_head()
            assert versions.scalars().all() == [head]
    finally:
        engine.dispose()


def test_audit_url_defaults_to_the_reporting_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASHBOARD_AUDIT_URL", raising=False)
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", "sqlite:////tmp/reporting.sqlite")
    assert app_migrate.audit_url() == "sqlite:////tmp/reporting.sqlite"
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", "sqlite:////tmp/audit.sqlite")
    assert app_migrate.audit_url() == "sqlite:////tmp/audit.sqlite"


def _page_that_logs() -> None:
    from datetime import date

    import streamlit as st

    from dashboard.access_log import log_view
    from dashboard.filters import Filters
    from dashboard.shell import PageContext
    from data_access.rules.access import Scope

    filters = Filters(
        "it", "IT", date(2010, 6, 1), None, "da", date(2010, 1, 1), date(2011, 12, 31)
    )
    user = Scope(role="coordinator", email="koord.a@demo.invalid", coordinator_id="cA")
    log_view(PageContext(filters, user), "forloeb", ["A-1"])
    st.write("FAMILY ROWS A-1")


def test_log_view_failure_stops_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", "postgresql+psycopg://postgres@127.0.0.1:1/nope")
    app = AppTest.from_function(_page_that_logs, default_timeout=60).run()
    assert not app.exception
    shown = texts(app)
    assert "adgangsloggen" in shown
    assert "FAMILY ROWS" not in shown
    assert "127.0.0.1" not in shown


def test_log_view_writes_then_shows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", url)
    app = AppTest.from_function(_page_that_logs, default_timeout=60).run()
    assert not app.exception
    assert "FAMILY ROWS A-1" in texts(app)
    frame = audit.list_access(url)
    assert list(frame[["email", "role", "page", "family_ids"]].itertuples(index=False)) == [
        ("koord.a@demo.invalid", "coordinator", "forloeb", "A-1")
    ]


def test_admin_page_lists_and_filters(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", url)
    today = datetime.now(UTC)
    audit.record_access(
        url,
        email="x@demo.invalid",
        role="coordinator",
        page="forloeb",
        family_ids=["FAM-7"],
        at=today,
    )
    audit.record_access(
        url, email="y@demo.invalid", role="admin", page="sagsstamme", family_ids=["FAM-8"], at=today
    )
    app = render(monkeypatch, demo_db_url, "adgangslog")
    assert not app.exception, [e.value for e in app.exception]
    shown = texts(app)
    assert "FAM-7" in shown and "FAM-8" in shown
    app.text_input(key="audit_family").input("FAM-8").run()
    shown = texts(app)
    assert "FAM-8" in shown and "FAM-7" not in shown
    assert len(app.get("download_button")) == 1
