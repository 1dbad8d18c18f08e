"""Shared fixtures: one fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL runs when `TEST_POSTGRES_URL` is set (make test and .ci/run set
it); each test gets its own schema there, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import textwrap
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_access.db.migrate import migrate

#: The `load` fixture for hand-made bundles (tests/hand_bundle.py).
pytest_plugins = ("tests.hand_bundle",)

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")


@pytest.fixture(autouse=True)
def demo_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test runs the app in demo mode and blind to real secrets files.

    The app fails closed without `DASHBOARD_DEMO=1` (dashboard/login_config.py);
    a developer's own `.streamlit/secrets.toml` must not change what a test
    sees. Tests of the login configuration set their own files and environment.
    """
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    monkeypatch.setattr(
        "dashboard.login_config.secrets_files", lambda: [tmp_path / "no-secrets.toml"]
    )


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="TEST_POSTGRES_URL not set: PostgreSQL run skipped"
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty reporting database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'reporting.sqlite'}"
        migrate(url)
        yield url
        return
    with postgres_schema(f"t_{uuid.uuid4().hex[:12]}") as url:
        migrate(url)
        yield url


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend, not migrated: for stepping through the migrations."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    with postgres_schema(f"e_{uuid.uuid4().hex[:12]}") as url:
        yield url


@contextmanager
def postgres_schema(schema: str) -> Iterator[str]:
    """A fresh schema on the test server and a URL whose sessions use it.

    The URL names the schema as its application_name too, so the teardown
    can end every session still open on it: the app keeps a pooled engine
    per URL for the whole process (st.cache_resource), and hundreds of
    tests' idle pools would otherwise exhaust the server's 100 connections.
    """
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}&application_name={schema}"
    try:
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = :schema AND pid <> pg_backend_pid()"
                ),
                {"schema": schema},
            )
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def write_bundle(folder: Path, files: dict[str, str]) -> Path:
    """Write a hand-made bundle: file name -> CSV text (indentation is stripped)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (folder / name).write_text(textwrap.dedent(body).strip() + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session", params=BACKENDS)
def demo_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The scale-1 demo database, built once per test session on each backend."""
    from data_access.demo.bundle import write_demo

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
        write_demo(url, 1)
        yield url
        return
    with postgres_schema(f"demo_{uuid.uuid4().hex[:12]}") as url:
        write_demo(url, 1)
        yield url
