"""Hardening: read-only reporting sessions, safe settings, no SQL or HTML built from data.

The static checks walk the syntax tree of the app's own code (data_access,
dashboard, pages), so a new page that formats SQL or sends data as raw HTML
fails here before review.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from data_access.db.engine import make_engine
from data_access.db.schema import districts
from tests.fixtures.access import everything
from tests.fixtures.apptest import APP, texts

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = ("data_access", "dashboard", "pages")


def _app_sources() -> Iterator[tuple[Path, ast.Module]]:
    for folder in APP_CODE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_built_string(node: ast.expr) -> bool:
    """An f-string, `"..." % x`, `"..." + x` or `"...".format(x)`: text built from values."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )


#: Files allowed to build SQL text, each with the reason it is safe.
BUILT_SQL_ALLOWED = {
    # GRANT / CREATE ROLE / ALTER ... OWNER TO: role, schema and table names
    # cannot be bind parameters; each goes through `_quote` (the dialect's
    # identifier quoting) and a password through `_literal`.
    "data_access/appstate/roles.py",
}


def _is_streamlit(node: ast.expr) -> bool:
    """`st.text(...)`: Streamlit's text element, not SQL."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "st"
    )


def test_no_sql_text_built_from_values() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _app_sources()
        if str(path.relative_to(ROOT)) not in BUILT_SQL_ALLOWED
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _name(node.func) in {"text", "exec_driver_sql"}
        and not _is_streamlit(node.func)
        and node.args
        and _is_built_string(node.args[0])
    ]
    assert offenders == []


def _raw_html(node: ast.Call) -> bool:
    """`unsafe_allow_html=True` (anything but a literal False), or `st.html(...)`."""
    unsafe = any(
        k.arg == "unsafe_allow_html"
        and not (isinstance(k.value, ast.Constant) and k.value.value is False)
        for k in node.keywords
    )
    return unsafe or _name(node.func) == "html"


#: Functions allowed to send raw HTML that is not one constant, each with the reason it is safe.
BUILT_HTML_ALLOWED = {
    # One of two constant scripts: `language_script` raises unless the language
    # is one of the app's own (`LANGUAGES`); nothing from the URL reaches it.
    ("dashboard/accessibility.py", "announce_language"),
    # CSS of a container query: a class name checked to be [A-Za-z0-9_-] (a
    # code key or a fingerprint's hex) and a whole number of pixels.
    ("dashboard/tables.py", "_show_names_wrapping_when_narrow"),
    # Demo mode only (the picker does not exist in production): whom the pages
    # are shown as, the email through `html.escape`; Markdown would make the
    # email a mailto link, which is why it is not a caption.
    ("dashboard/auth.py", "_demo_user"),
}


def _calls_by_function(tree: ast.Module) -> Iterator[tuple[str, ast.Call]]:
    """Every call with the name of the function it is in ("" at module level)."""
    for outer in tree.body:
        name = outer.name if isinstance(outer, ast.FunctionDef) else ""
        for node in ast.walk(outer):
            if isinstance(node, ast.Call):
                yield name, node


def test_raw_html_only_from_constants() -> None:
    """Raw HTML (`unsafe_allow_html=True`, `st.html`) only from a literal or UPPER_CASE constant.

    No data value can then reach HTML that the browser renders unescaped. The
    few functions in BUILT_HTML_ALLOWED were reviewed one by one.
    """
    offenders = []
    for path, tree in _app_sources():
        for function, node in _calls_by_function(tree):
            if not _raw_html(node):
                continue
            if (str(path.relative_to(ROOT)), function) in BUILT_HTML_ALLOWED:
                continue
            first = node.args[0] if node.args else None
            constant = (isinstance(first, ast.Constant) and isinstance(first.value, str)) or (
                isinstance(first, ast.Name) and first.id.isupper()
            )
            if not constant:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_checks_catch_what_they_look_for() -> None:
    """The two checks above would find an offender (they are not vacuous)."""
    bad = ast.parse(
        'text(f"SELECT {x}")\nst.markdown(row, unsafe_allow_html=True)\nst.html(TEXT["a"]["da"])'
    )
    calls = [node for node in ast.walk(bad) if isinstance(node, ast.Call)]
    assert _is_built_string(calls[0].args[0])
    assert isinstance(calls[1].args[0], ast.Name) and not calls[1].args[0].id.isupper()
    assert _raw_html(calls[1]) and _raw_html(calls[2])
    assert not isinstance(calls[2].args[0], ast.Name | ast.Constant)


def test_streamlit_config_is_hardened() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False
    assert 1 <= config["server"]["maxUploadSize"] <= 50


def test_secrets_are_not_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert ".streamlit/secrets.toml" in ignored or "secrets.toml" in ignored


def test_read_only_engine_refuses_a_write(db_url: str) -> None:
    engine = make_engine(db_url, read_only=True)
    try:
        with engine.connect() as connection:
            assert connection.execute(select(districts)).all() == []
        with pytest.raises(DBAPIError, match=r"(?i)read-?only"), engine.begin() as connection:
            connection.execute(
                insert(districts).values(district_id="x", name="X", kind="bydel", parent_id=None)
            )
    finally:
        engine.dispose()
    writer = make_engine(db_url)
    try:
        with writer.connect() as connection:
            assert connection.execute(select(districts)).all() == []
    finally:
        writer.dispose()


def test_dashboard_engine_is_read_only(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import data

    monkeypatch.setenv("DASHBOARD_DATABASE_URL", db_url)
    with pytest.raises(DBAPIError, match=r"(?i)read-?only"), data.engine().begin() as connection:
        connection.execute(
            insert(districts).values(district_id="x", name="X", kind="bydel", parent_id=None)
        )


def test_database_error_shows_no_details(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/nope")
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception
    assert [error.value for error in app.error] == [t("db.unavailable", "da")]
    shown = texts(app) + everything(app)
    for secret in ("127.0.0.1", "nope", "psycopg", "Traceback", "postgres@"):
        assert secret not in shown
