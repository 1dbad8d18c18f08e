"""The database roles on PostgreSQL: the app's roles cannot erase the log or write the data.

One schema holds the scale-1 demo; `setup_roles` creates owner, reader and
writer roles for it (prefixed `privileges_<random>_`, dropped afterwards).
The app's roles are then tried as an attacker would: every rewrite of the
log, the remarks, the decisions and the frozen quarters is refused with
SQLSTATE 42501 (insufficient privilege), a "read-only" session that asks for
READ WRITE still cannot write, and every page still renders when the app
connects as reader and writer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from dashboard.navigation import PAGES
from data_access.__main__ import main as data_access_main
from data_access.appstate import access_log as audit
from data_access.appstate import decisions, quarters
from data_access.appstate import migrate as app_migrate
from data_access.appstate.retention import prune_access_log
from data_access.appstate.roles import RoleNames, RolesResult, setup_roles
from data_access.db.engine import make_engine
from data_access.rules.access import STEERING, Scope
from tests.fixtures.apptest import render
from tests.fixtures.backends import POSTGRES_URL, postgres_schema

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="TEST_POSTGRES_URL not set: PostgreSQL run skipped"
)

APP_TABLES = ("access_log", "quarter_remarks", "quarter_decisions", "frozen_quarters")
INSUFFICIENT_PRIVILEGE = "42501"


def _drop_roles(names: RoleNames) -> None:
    admin = create_engine(POSTGRES_URL)
    roles = ", ".join(f'"{r}"' for r in (names.owner, names.reader, names.writer))
    with admin.begin() as connection:
        exists = connection.execute(
            text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": names.owner}
        ).scalar()
        if exists:
            connection.execute(text(f"DROP OWNED BY {roles}"))
            connection.execute(text(f"DROP ROLE IF EXISTS {roles}"))
    admin.dispose()


@pytest.fixture(scope="module")
def schema_url() -> Iterator[str]:
    """The scale-1 demo in its own schema, as the test server's superuser."""
    from data_access.demo.bundle import write_demo

    with postgres_schema(f"roles_{uuid.uuid4().hex[:12]}") as url:
        write_demo(url, 1)
        yield url


@pytest.fixture(scope="module")
def roles(schema_url: str) -> Iterator[RolesResult]:
    """The three roles on the demo schema, and one row in each app table, written as the writer."""
    prefix = f"privileges_{uuid.uuid4().hex[:8]}_"
    try:
        result = setup_roles(schema_url, prefix=prefix)
        steering = Scope(role=STEERING, email="styregruppe@demo.invalid")
        app = result.writer_url
        quarters.save_remark(app, "interventionsteam", "2011Q2", "oversigt", "Tekst", steering)
        decisions.add_decision(
            app, "interventionsteam", "2011Q2", "Beslutning", STEERING, date(2011, 9, 30), steering
        )
        quarters.freeze_quarter(
            result.reader_url, "interventionsteam", "2011Q2", steering, app_url=app
        )
        audit.record_access(
            app, email="admin@demo.invalid", role="admin", page="forloeb", family_ids=["F-0"]
        )
        yield result
    finally:
        _drop_roles(RoleNames.with_prefix(prefix))


def _sqlstate(error: DBAPIError) -> str:
    return str(getattr(error.orig, "sqlstate", ""))


def _refused(url: str, statement: str) -> str:
    """Run `statement` on `url`; return the SQLSTATE it was refused with (fails if it ran)."""
    engine = create_engine(url)
    try:
        with pytest.raises(DBAPIError) as caught, engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()
    return _sqlstate(caught.value)


@pytest.mark.parametrize("table", APP_TABLES)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {t} SET id = id",
        "DELETE FROM {t}",
        "TRUNCATE {t}",
        "ALTER TABLE {t} DISABLE TRIGGER ALL",
        "ALTER TABLE {t} DISABLE TRIGGER USER",
        "ALTER TABLE {t} ADD COLUMN x integer",
        "DROP TABLE {t}",
    ],
)
def test_the_writer_cannot_rewrite_the_app_tables(
    roles: RolesResult, table: str, statement: str
) -> None:
    assert _refused(roles.writer_url, statement.format(t=table)) == INSUFFICIENT_PRIVILEGE


@pytest.mark.parametrize("table", APP_TABLES)
def test_even_the_owner_meets_the_append_only_triggers(roles: RolesResult, table: str) -> None:
    assert _refused(roles.owner_url, f"DELETE FROM {table}") in {"P0001", INSUFFICIENT_PRIVILEGE}
    assert _refused(roles.owner_url, f"TRUNCATE {table}") in {"P0001", INSUFFICIENT_PRIVILEGE}


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO programmes (programme_id, name, starts_on, ends_on)"
        " VALUES ('x', 'x', '2010-01-01', '2011-01-01')",
        "UPDATE families SET district_id = district_id",
        "DELETE FROM spend",
        "TRUNCATE load_history",
        "CREATE TABLE extra (id integer)",
        "INSERT INTO access_log (at, email, role, page, family_ids)"
        " VALUES (now(), 'r', 'admin', 'forloeb', 'F')",
        "SELECT count(*) FROM access_log",
    ],
)
def test_the_reader_cannot_write_even_after_asking_for_read_write(
    roles: RolesResult, statement: str
) -> None:
    engine = make_engine(roles.reader_url, read_only=True)
    try:
        with pytest.raises(DBAPIError) as caught, engine.connect() as connection:
            connection.execute(text("SET TRANSACTION READ WRITE"))
            connection.execute(text(statement))
    finally:
        engine.dispose()
    assert _sqlstate(caught.value) == INSUFFICIENT_PRIVILEGE


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO precomputed_answers (key, data_version, query, payload, created_at)"
        " VALUES ('k', 1, 'q', '\\x00', now())",
        "UPDATE precomputed_answers SET payload = payload",
        "DELETE FROM precomputed_answers",
    ],
)
def test_the_reader_reads_the_precomputed_answers_and_cannot_write_them(
    roles: RolesResult, statement: str
) -> None:
    """The store is the owner's: a forged answer could reach every user (issue 21.3)."""
    engine = make_engine(roles.reader_url, read_only=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT count(*) FROM precomputed_answers")).scalar()
        assert rows == 0
        with pytest.raises(DBAPIError) as caught, engine.connect() as connection:
            connection.execute(text("SET TRANSACTION READ WRITE"))
            connection.execute(text(statement))
    finally:
        engine.dispose()
    assert _sqlstate(caught.value) == INSUFFICIENT_PRIVILEGE


@pytest.mark.parametrize("table", ["families", "spend", "load_history"])
def test_the_writer_cannot_touch_the_reporting_tables(roles: RolesResult, table: str) -> None:
    assert _refused(roles.writer_url, f"SELECT count(*) FROM {table}") == INSUFFICIENT_PRIVILEGE
    assert _refused(roles.writer_url, f"DELETE FROM {table}") == INSUFFICIENT_PRIVILEGE


def test_the_writer_appends_and_reads(roles: RolesResult) -> None:
    audit.record_access(
        roles.writer_url,
        email="admin@demo.invalid",
        role="admin",
        page="forloeb",
        family_ids=["F-1"],
        programme_id="interventionsteam",
        report_date=date(2011, 6, 30),
    )
    frame = audit.list_access(roles.writer_url, family_id="F-1")
    assert list(frame["email"]) == ["admin@demo.invalid"]
    assert [r.text for r in quarters.remarks(roles.writer_url, "interventionsteam", "2011Q2")] == [
        "Tekst"
    ]


def test_only_the_owner_may_migrate_the_app_schema(roles: RolesResult) -> None:
    for url, allowed in ((roles.owner_url, True), (roles.writer_url, False)):
        engine = create_engine(url)
        with engine.connect() as connection:
            assert app_migrate.may_migrate(connection) is allowed
        engine.dispose()


def test_a_schema_behind_is_reported_to_the_writer_not_migrated(roles: RolesResult) -> None:
    admin = create_engine(roles.owner_url)
    with admin.begin() as connection:
        head = connection.execute(text("SELECT version_num FROM app_alembic_version")).scalar()
        connection.execute(text("UPDATE app_alembic_version SET version_num = 'a0002'"))
    try:
        with pytest.raises(app_migrate.AppSchemaBehind, match="migrate"):
            app_migrate.ensure_app_schema(roles.writer_url)
    finally:
        with admin.begin() as connection:
            connection.execute(text("UPDATE app_alembic_version SET version_num = :v"), {"v": head})
        admin.dispose()


def test_the_urls_name_the_roles(roles: RolesResult) -> None:
    assert make_url(roles.reader_url).username == roles.names.reader
    assert make_url(roles.writer_url).username == roles.names.writer
    assert make_url(roles.owner_url).username == roles.names.owner


def test_roles_are_idempotent(roles: RolesResult, schema_url: str) -> None:
    again = setup_roles(schema_url, prefix=roles.names.owner.removesuffix("owner"))
    assert again.names == roles.names
    assert _refused(roles.writer_url, "DELETE FROM access_log") == INSUFFICIENT_PRIVILEGE


def test_roles_refuse_sqlite(capsys: pytest.CaptureFixture[str]) -> None:
    assert data_access_main(["roles", "--database-url", "sqlite:///x.sqlite"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err


@pytest.mark.parametrize("key", [spec.key for spec in PAGES])
def test_every_page_renders_as_reader_and_writer(
    roles: RolesResult, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", roles.writer_url)
    app = render(monkeypatch, roles.reader_url, key, user="admin@demo.invalid")
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def test_only_the_owner_may_prune_the_log(roles: RolesResult) -> None:
    """The writer may not lift the DELETE trigger (it does not own the table); the owner may."""
    old = datetime.now(UTC) - timedelta(days=800)
    audit.record_access(
        roles.writer_url,
        email="gammel@demo.invalid",
        role="admin",
        page="forloeb",
        family_ids=["F-OLD"],
        at=old,
    )
    with pytest.raises(DBAPIError) as refused:
        prune_access_log(roles.writer_url, keep_months=6, by="cli:writer")
    assert refused.value.orig is not None
    assert getattr(refused.value.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE
    assert list(audit.list_access(roles.writer_url, family_id="F-OLD")["email"]) == [
        "gammel@demo.invalid"
    ]
    pruned = prune_access_log(roles.owner_url, keep_months=6, by="cli:owner")
    assert pruned.deleted == 1
    assert audit.list_access(roles.writer_url, family_id="F-OLD").empty
    assert _refused(roles.writer_url, "DELETE FROM access_log") == INSUFFICIENT_PRIVILEGE
    assert _refused(roles.owner_url, "DELETE FROM access_log") in {"P0001", INSUFFICIENT_PRIVILEGE}
