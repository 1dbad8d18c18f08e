"""Database trouble on the page: a clear Danish message, then recovery without a restart.

Four kinds of trouble, each on SQLite and on PostgreSQL: unreachable when the
app starts, lost in the middle of a session, slower than the statement
timeout, and an old schema (an older revision, or no version table at all).
Each must show its message from i18n.py (no exception box, no stack trace,
no connection string), and the same AppTest session must show the figures
again once the database is back.

The machine's PostgreSQL server is never stopped: "unreachable" and "lost"
go through a small TCP forwarder (`Forwarder`) that the test starts and
stops; "slow" holds a lock that the app's query has to wait for.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from data_access.db.migrate import head_revision
from tests.fixtures.apptest import APP, texts

TROUBLE_KEYS = ("db.unavailable", "db.timeout", "db.old_schema", "db.misconfigured")
#: Bits of a connection string or a traceback that must never reach the page.
LEAKS = ("Traceback", "sqlalchemy", "psycopg", "sqlite3", "postgresql", "127.0.0.1", 'File "')


class Forwarder:
    """A TCP forwarder on a fixed local port that the test can take down and bring back.

    Stopping it closes the listening socket and every forwarded connection,
    which is what the app sees when the database server goes away.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = _free_port()
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
            listener, self._listener = self._listener, None
        for sock in [*sockets, *([listener] if listener else [])]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _app(monkeypatch: pytest.MonkeyPatch, url: str, timeout_ms: int | None = None) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    # Check the schema on every rerun: these tests break the database between
    # two reruns whose figures are all cached, and a passed check would
    # otherwise hold for 30 s (`dashboard.data.SCHEMA_CHECK_SECONDS`).
    monkeypatch.setenv("DASHBOARD_SCHEMA_CHECK_SECONDS", "0")
    monkeypatch.delenv("DASHBOARD_DEMO_USER", raising=False)
    if timeout_ms is not None:
        monkeypatch.setenv("DASHBOARD_STATEMENT_TIMEOUT_MS", str(timeout_ms))
    return AppTest.from_file(str(APP), default_timeout=90)


def assert_trouble(app: AppTest, key: str) -> None:
    """The page shows exactly the message for `key`, nothing technical, and no figures."""
    assert not app.exception, [e.stack_trace for e in app.exception]
    errors = [str(e.value) for e in app.error]
    assert errors == [t(key, "da")], errors
    shown = texts(app)
    for leak in LEAKS:
        assert leak.lower() not in shown.lower(), leak
    assert not app.title


def assert_figures(app: AppTest) -> None:
    """The page works again: no trouble message, the page title and the demo's programme."""
    assert not app.exception, [e.stack_trace for e in app.exception]
    shown = texts(app)
    for key in TROUBLE_KEYS:
        assert t(key, "da") not in shown
    assert [title.value for title in app.title] == ["Oversigt"]
    programme = next(
        box for box in app.sidebar.selectbox if box.label == t("common.programme", "da")
    )
    assert "Interventionsteam på Nørrebro og i Tingbjerg" in programme.options


def _backend(url: str) -> str:
    return make_url(url).get_backend_name()


def _sqlite_file(url: str) -> Path:
    return Path(make_url(url).database or "")


@pytest.fixture
def demo_copy(demo_db_url: str, tmp_path: Path) -> str:
    """The demo database, as a throwaway copy on SQLite (the tests damage it)."""
    if _backend(demo_db_url) == "sqlite":
        target = tmp_path / "demo.sqlite"
        shutil.copy(_sqlite_file(demo_db_url), target)
        return f"sqlite:///{target}"
    return demo_db_url


@pytest.fixture
def forwarder() -> Iterator[Forwarder]:
    """A forwarder to the machine's PostgreSQL, not yet started."""
    proxy = Forwarder(("127.0.0.1", 5432))
    yield proxy
    proxy.stop()


def _via(url: str, port: int) -> str:
    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


def test_unreachable_at_start_then_back(
    demo_copy: str, tmp_path: Path, forwarder: Forwarder, monkeypatch: pytest.MonkeyPatch
) -> None:
    if _backend(demo_copy) == "sqlite":
        missing = tmp_path / "not-yet" / "reporting.sqlite"
        url = f"sqlite:///{missing}"
        app = _app(monkeypatch, url)
        app.run()
        assert_trouble(app, "db.unavailable")
        shutil.copy(_sqlite_file(demo_copy), missing)
    else:
        url = _via(demo_copy, forwarder.port)
        app = _app(monkeypatch, url)
        app.run()
        assert_trouble(app, "db.unavailable")
        forwarder.start()
    app.run()
    assert_figures(app)


def test_lost_mid_session_then_back(
    demo_copy: str, tmp_path: Path, forwarder: Forwarder, monkeypatch: pytest.MonkeyPatch
) -> None:
    if _backend(demo_copy) == "sqlite":
        url = demo_copy
        away = tmp_path / "moved.sqlite"
        app = _app(monkeypatch, url)
        app.run()
        assert_figures(app)
        _sqlite_file(url).rename(away)
        app.run()
        assert_trouble(app, "db.unavailable")
        away.rename(_sqlite_file(url))
    else:
        forwarder.start()
        app = _app(monkeypatch, _via(demo_copy, forwarder.port))
        app.run()
        assert_figures(app)
        forwarder.stop()
        app.run()
        assert_trouble(app, "db.unavailable")
        forwarder.start()
    app.run()
    assert_figures(app)


def test_slower_than_the_statement_timeout_then_back(
    demo_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer holds a lock on the version table; the app's read waits past 300 ms."""
    app = _app(monkeypatch, demo_copy, timeout_ms=300)
    app.run()
    assert_figures(app)
    if _backend(demo_copy) == "sqlite":
        blocker = sqlite3.connect(_sqlite_file(demo_copy), isolation_level=None)
        blocker.execute("PRAGMA journal_mode=DELETE")
        blocker.execute("BEGIN EXCLUSIVE")
        blocker.execute("UPDATE alembic_version SET version_num = version_num")
        try:
            app.run()
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
    else:
        engine = create_engine(demo_copy)
        try:
            with engine.connect() as connection:
                connection.execute(text("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE"))
                app.run()
                connection.rollback()
        finally:
            engine.dispose()
    assert_trouble(app, "db.timeout")
    app.run()
    assert_figures(app)


@pytest.mark.parametrize("damage", ["older_revision", "no_version_table"])
def test_old_schema_then_migrated(
    damage: str, demo_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(demo_copy)
    try:
        app = _app(monkeypatch, demo_copy)
        app.run()
        assert_figures(app)
        with engine.begin() as connection:
            if damage == "older_revision":
                connection.execute(text("UPDATE alembic_version SET version_num = '0000_older'"))
            else:
                connection.execute(text("DROP TABLE alembic_version"))
        try:
            app.run()
            assert_trouble(app, "db.old_schema")
        finally:
            with engine.begin() as connection:
                if damage == "no_version_table":
                    connection.execute(
                        text(
                            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL "
                            "PRIMARY KEY)"
                        )
                    )
                    connection.execute(text("INSERT INTO alembic_version VALUES ('x')"))
                connection.execute(
                    text("UPDATE alembic_version SET version_num = :head"),
                    {"head": head_revision()},
                )
        app.run()
        assert_figures(app)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "postgresql+nosuchdriver://reader@127.0.0.1/reporting",
        # Empty and private to each connection: it said "run migrate", which cannot help.
        "sqlite://",
        "sqlite:///:memory:",
    ],
)
def test_a_database_address_that_cannot_be_used_is_a_setting_to_fix(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typo in the setting is not an outage: waiting would never help, so it is not said so."""
    app = _app(monkeypatch, url)
    app.run()
    assert_trouble(app, "db.misconfigured")
    assert "DASHBOARD_DATABASE_URL" in app.error[0].value
    assert t("db.unavailable", "da") not in texts(app)


def test_the_statement_timeout_reaches_postgresql(
    demo_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read-only engines carry DASHBOARD_STATEMENT_TIMEOUT_MS (SQLite: as its busy timeout)."""
    from data_access.db.engine import make_engine, statement_timeout_ms

    monkeypatch.setenv("DASHBOARD_STATEMENT_TIMEOUT_MS", "1234")
    assert statement_timeout_ms() == 1234
    monkeypatch.setenv("DASHBOARD_STATEMENT_TIMEOUT_MS", "soon")
    assert statement_timeout_ms() == 15_000
    monkeypatch.setenv("DASHBOARD_STATEMENT_TIMEOUT_MS", "1234")
    engine = make_engine(demo_copy, read_only=True)
    try:
        with engine.connect() as connection:
            if _backend(demo_copy) == "sqlite":
                assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 1234
            else:
                assert connection.execute(text("SHOW statement_timeout")).scalar() == "1234ms"
                assert connection.execute(text("SHOW transaction_read_only")).scalar() == "on"
    finally:
        engine.dispose()
