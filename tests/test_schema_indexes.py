"""Structural checks of the reporting schema that keep reloads fast at city scale."""

from __future__ import annotations

import pytest
from sqlalchemy import Table

from data_access.db import schema

#: Tables whose rows a reload deletes: every foreign key pointing at them is checked per row.
DELETED_THROUGH = ("families", "members")


def _foreign_keys_to_deleted_tables() -> list[tuple[Table, str]]:
    found = [
        (table, key.parent.name)
        for table in schema.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name in DELETED_THROUGH
    ]
    # foreign_keys is a set: sort, so every pytest-xdist worker collects one order.
    return sorted(found, key=lambda pair: (pair[0].name, pair[1]))


@pytest.mark.parametrize(
    ("table", "column"),
    _foreign_keys_to_deleted_tables(),
    ids=lambda value: value.name if isinstance(value, Table) else str(value),
)
def test_foreign_keys_to_deleted_rows_lead_an_index(table: Table, column: str) -> None:
    """Deleting a family or member looks up its referencing rows by this column."""
    leading = {index.columns[0].name for index in table.indexes}
    leading.add(table.primary_key.columns.values()[0].name)
    assert column in leading, f"{table.name}.{column} leads no index"


def test_migrations_build_exactly_the_schema_module(db_url: str) -> None:
    """Alembic's comparison of the migrated database with schema.py finds nothing to add.

    The migrations are written by hand; a table, column or index that is in
    schema.py but not in a migration (or the other way round) would exist in
    tests built from one and production databases built from the other.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from data_access.db.engine import make_engine

    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_name": lambda name, kind, _parents: (
                        kind != "table" or name in schema.metadata.tables
                    )
                },
            )
            differences = compare_metadata(context, schema.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_date_fields_do_not_share_cached_sql() -> None:
    """SQLAlchemy caches compiled SQL by cache key: the field must be part of it."""
    from sqlalchemy import select
    from sqlalchemy.dialects import postgresql, sqlite

    from data_access.db.sql import date_field

    day = schema.families.c.started_on
    year_key = date_field("year", day)._generate_cache_key()
    day_key = date_field("day", day)._generate_cache_key()
    assert year_key != day_key
    both = select(date_field("year", day), date_field("day", day))
    assert "date_part('year'" in str(both.compile(dialect=postgresql.dialect()))
    assert "date_part('day'" in str(both.compile(dialect=postgresql.dialect()))
    assert "strftime('%d'" in str(both.compile(dialect=sqlite.dialect()))
