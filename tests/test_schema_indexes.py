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
