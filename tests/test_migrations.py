"""Both Alembic histories, revision by revision, on SQLite and PostgreSQL.

The revisions carry their own SQL: what a revision does must not change when
the application code it was written beside changes later. So no revision
imports the project; an empty database stepped through every revision (and
back down one at a time) ends up as the models describe; and a database that
already holds data, taken below the derived tables and upgraded again, gets
exactly the rows the loader wrote.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect, select

from data_access.appstate.migrate import APP_MIGRATIONS_DIR, app_alembic_config
from data_access.appstate.schema import APP_VERSION_TABLE, app_metadata
from data_access.db import schema
from data_access.db.engine import make_engine
from data_access.db.migrate import MIGRATIONS_DIR, alembic_config
from tests.fixtures.bundles import Loader

#: What a revision may import: Alembic, SQLAlchemy and the standard library bits
#: a migration needs. Anything else (above all the project's own packages)
#: would let today's code change what an old revision does.
ALLOWED_IMPORTS = frozenset({"__future__", "alembic", "sqlalchemy", "typing", "collections"})

#: The tables the loader derives, and the last revision before the first of them.
DERIVED_TABLES = (
    schema.family_ssp_levels,
    schema.parent_employment,
    schema.family_course_months,
    schema.course_month_totals,
    schema.stage_changes,
)
BEFORE_DERIVED = "0003"


def _revision_files() -> list[Path]:
    files = sorted((MIGRATIONS_DIR / "versions").glob("*.py"))
    files += sorted((APP_MIGRATIONS_DIR / "versions").glob("*.py"))
    return files


def test_the_revision_files_are_found() -> None:
    """Guards the next test: an empty list would pass it."""
    names = {path.name for path in _revision_files()}
    assert "0004_family_ssp_levels.py" in names
    assert "a0001_access_log.py" in names


@pytest.mark.parametrize("path", _revision_files(), ids=lambda path: path.name)
def test_no_revision_imports_the_application(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or "." * node.level]
        else:
            continue
        for module in modules:
            if module.split(".")[0] not in ALLOWED_IMPORTS:
                problems.append(f"{path.name}:{node.lineno}: imports {module}")
    assert problems == []


def _revisions(config: Config) -> list[str]:
    """The history from the first revision to head; fails on a branch."""
    scripts = ScriptDirectory.from_config(config)
    assert len(scripts.get_heads()) == 1, "the history has more than one head"
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def _step_through(config: Config, url: str) -> list[str]:
    """Each revision up, one down and up again; returns the revisions passed."""
    passed: list[str] = []
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            for revision in _revisions(config):
                command.upgrade(config, revision)
                command.downgrade(config, "-1")
                command.upgrade(config, revision)
                passed.append(revision)
    finally:
        engine.dispose()
    return passed


def _differences(url: str, metadata: MetaData, **options: object) -> list[object]:
    """Alembic's comparison of the database's tables that `metadata` names with `metadata`."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_name": lambda name, kind, _parents: (
                        kind != "table" or name in metadata.tables
                    ),
                    **options,
                },
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def _current(url: str, version_table: str = "alembic_version") -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": version_table})
            return context.get_current_revision()
    finally:
        engine.dispose()


def test_reporting_revisions_build_exactly_the_schema_module(empty_db_url: str) -> None:
    """Every revision, one at a time from an empty database, ends at schema.py.

    The migrations are written by hand; a table, column or index that is in
    schema.py but not in a migration (or the other way round) would exist in
    tests built from one and production databases built from the other.
    """
    passed = _step_through(alembic_config(empty_db_url), empty_db_url)
    assert passed[0] == "0001"
    assert len(passed) >= 11
    assert _current(empty_db_url) == passed[-1]
    assert _differences(empty_db_url, schema.metadata) == []


def test_app_revisions_build_exactly_the_app_schema(empty_db_url: str) -> None:
    """The dashboard's own tables: the same check against appstate/schema.py."""
    passed = _step_through(app_alembic_config(empty_db_url), empty_db_url)
    assert passed[:2] == ["a0001", "a0002"]
    assert _current(empty_db_url, APP_VERSION_TABLE) == passed[-1]
    assert _differences(empty_db_url, app_metadata, version_table=APP_VERSION_TABLE) == []


Rows = dict[str, list[tuple[object, ...]]]


def _derived_rows(engine: Engine) -> Rows:
    """Every derived table's rows in primary-key order."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in DERIVED_TABLES
        }


def _below_derived_and_back(url: str) -> None:
    """Downgrade to before the first derived table (dropping them all), then to head."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.downgrade(config, BEFORE_DERIVED)
            left = set(inspect(connection).get_table_names())
            assert not left & {table.name for table in DERIVED_TABLES}
            command.upgrade(config, "head")
    finally:
        engine.dispose()


# Two children (F1a, F1b) and a parent (F1p) in F1, started 15 Jan 2010 with
# 6 intensive months: aftercare from 15 Jul, ended 10 Dec. F2 in another
# district, referred, examined and approved but never started. F3 started on
# the day it was referred (two stage dates on one day). F4 referred in the
# other programme.
EDGE_FAMILIES = """
    F1,P1,nb,2010-01-01,2010-01-05,2010-01-10,2010-01-15,,2010-12-10,completed
    F2,P1,tb,2010-02-01,2010-02-20,2010-03-31,,,,
    F3,P1,nb,2010-03-31,,,2010-03-31,,,
    F4,P2,bh,2012-01-15,,,,,,
"""
EDGE_MEMBERS = """
    F1a,F1,child
    F1b,F1,child
    F1p,F1,parent
    F2a,F2,child
    F3a,F3,child
    F3p,F3,parent
"""
# Ties on one date (F1a 20 Jan: 3 and 1; F1p 1 Mar: 2 and 1), a child
# assessed lower later, an assessment before the start (course month 0), the
# day of month not yet come round (14 Apr is month 2 of a 15 Jan start),
# family-level measures, a family never started.
EDGE_ASSESSMENTS = """
    F1,F1a,2010-01-10,ssp_level,4
    F1,F1a,2010-01-20,ssp_level,3
    F1,F1a,2010-01-20,ssp_level,1
    F1,F1b,2010-01-20,ssp_level,2
    F1,F1a,2010-04-14,ssp_level,0
    F1,F1b,2010-05-01,ssp_level,1
    F1,F1p,2010-01-12,employment,0
    F1,F1p,2010-03-01,employment,2
    F1,F1p,2010-03-01,employment,1
    F1,F1a,2010-01-12,school_attendance,80
    F1,F1a,2010-03-15,school_attendance,70.5
    F1,F1b,2010-04-14,school_attendance,60
    F1,,2010-02-14,life_quality,6
    F1,,2010-02-16,parental_authority,3.5
    F2,F2a,2010-03-01,ssp_level,3
    F2,F2a,2010-03-01,school_attendance,90
    F3,F3a,2010-04-30,ssp_level,2
    F3,F3p,2010-04-30,employment,2
"""


@pytest.fixture(params=["edge cases", "demo"])
def loaded(request: pytest.FixtureRequest, load: Loader, db_url: str) -> Iterator[Engine]:
    """A database filled by the loader: the hand-made edge cases or the scale-1 demo."""
    if request.param == "demo":
        from data_access.demo.bundle import write_demo

        write_demo(db_url, 1)
        engine = make_engine(db_url)
        yield engine
        engine.dispose()
        return
    yield load(families=EDGE_FAMILIES, members=EDGE_MEMBERS, assessments=EDGE_ASSESSMENTS)


def test_an_upgrade_fills_the_derived_tables_as_the_loader_does(
    loaded: Engine, db_url: str
) -> None:
    by_loader = _derived_rows(loaded)
    empty = [name for name, rows in by_loader.items() if not rows]
    assert empty == [], "the data must give every derived table rows, or the check is void"
    _below_derived_and_back(db_url)
    assert _derived_rows(loaded) == by_loader
