"""Loading a bundle into the reporting database: validate all, then write all in one transaction.

Reloading is idempotent through programme-scoped replacement: for every
programme the bundle names (in programmes.csv or referenced by its families,
budget or spend) the database's spend, budget and families with their
members, assessments, interventions and meetings are replaced by the
bundle's. Dimension tables (districts, departments, programmes, coordinators,
indicator definitions, users), indicators and unit costs are upserted by key, so rows
another bundle loaded stay. Nothing is written unless every rule holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    Engine,
    Select,
    Table,
    delete,
    func,
    insert,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import AddConstraint, DropConstraint

from data_access.bundle.change_theory import FILE as CHANGE_THEORY_FILE
from data_access.bundle.change_theory import (
    check_change_theory,
    read_change_theory,
    write_change_theory,
)
from data_access.bundle.reader import (
    BUNDLE_FILES,
    BundleRejected,
    Problem,
    frame_digest,
    nothing_found,
    read_bundle,
    read_bundle_files,
)
from data_access.bundle.validation import (
    KEYS,
    SPECS,
    TABLES,
    DatabaseState,
    ParsedBundle,
    check_bundle,
    parse_frames,
    replaced_programmes,
    sorted_problems,
)
from data_access.db import schema
from data_access.db.engine import make_engine
from data_access.db.migrate import has_schema, migrate
from data_access.derived.course_months import (
    refresh_course_month_totals,
    refresh_family_course_months,
)
from data_access.derived.employment import refresh_parent_employment
from data_access.derived.ssp_levels import refresh_family_ssp_levels
from data_access.derived.stage_changes import refresh_stage_changes
from data_access.rules.calendar import add_months

__all__ = [
    "BundleRejected",
    "LoadSummary",
    "Problem",
    "load_bundle",
    "load_frames",
    "read_bundle",
]

#: Rows per INSERT round trip; large enough to be fast, small enough for memory.
INSERT_CHUNK: Final = 10_000
#: From this many rows on, PostgreSQL checks foreign keys once per insert, not per row.
BULK_FOREIGN_KEY_ROWS: Final = 20_000
#: Ids per `IN (...)` list, well under SQLite's and PostgreSQL's parameter limits.
IN_CHUNK: Final = 5_000

#: Files whose latest date tells how far the data reaches when there is no spend.
COVERAGE_FILES: Final = ("families.csv", "assessments.csv", "meetings.csv", "indicators.csv")


@dataclass(frozen=True)
class LoadSummary:
    """What a successful load wrote: its load_history id and the rows per file."""

    load_id: int
    rows: dict[str, int]
    not_in_bundle: frozenset[str] = field(default_factory=frozenset)

    def lines(self) -> list[str]:
        """One line per file, in contract order, for the command line."""
        names = [n for n in BUNDLE_FILES if n in self.rows or n in self.not_in_bundle]
        names += sorted(n for n in self.rows if n not in BUNDLE_FILES)
        result = []
        for name in names:
            if name in self.not_in_bundle:
                result.append(f"{name}: (not in bundle)")
            else:
                count = self.rows.get(name, 0)
                result.append(f"{name}: {count} row{'' if count == 1 else 's'}")
        return result


def load_bundle(path: Path, url: str) -> LoadSummary:
    """Read the bundle at `path` (folder, .zip or .xlsx) and load it."""
    path = Path(path)
    columns = {name: [spec.name for spec in specs] for name, specs in SPECS.items()}
    frames, unreadable = read_bundle_files(path, columns=columns)
    if unreadable:
        # Rules across files need every file; each readable file's own
        # cells are still checked, so the refusal lists their broken rows too.
        parsed = parse_frames(frames, consume=True)
        raise BundleRejected(sorted_problems(unreadable + parsed.problems))
    theory = read_change_theory(path)
    if theory is not None:
        frames[CHANGE_THEORY_FILE] = theory
    if not frames:
        # Loading "nothing" from the wrong folder would look like success.
        raise BundleRejected([nothing_found(path)])
    return load_frames(frames, url, bundle_name=path.name, consume=True)


def load_frames(
    frames: Mapping[str, pd.DataFrame],
    url: str,
    *,
    bundle_name: str,
    is_demo: bool = False,
    consume: bool = False,
) -> LoadSummary:
    """Validate `frames` (file name -> frame of text or typed cells) and load them.

    Raises `BundleRejected` with every problem if any rule is broken; then, or
    if writing fails, the database keeps exactly the rows it had. With
    `consume` the contract files are taken out of `frames` as they are
    parsed, so a city-sized bundle is not held twice (the caller's frames
    and the typed ones).
    """
    parsed = parse_frames(frames, consume=consume)
    theory = frames.get(CHANGE_THEORY_FILE)
    if not has_schema(url):
        # A new database is left as it was too: the bundle is checked against
        # nothing before the schema is created (before, a refused first load
        # left a SQLite file or 24 empty tables behind).
        _refuse_if_broken(parsed, theory, DatabaseState())
    migrate(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            state = read_database_state(connection, parsed)
            _refuse_if_broken(parsed, theory, state)
            _write(connection, parsed, state)
            extra: dict[str, dict[str, Any]] = {}
            if theory is not None:
                rows = write_change_theory(connection, theory)
                extra[CHANGE_THEORY_FILE] = {
                    "rows": rows,
                    "sha256": frame_digest(theory),
                    "latest_date": None,
                }
            load_id = _record_load(connection, parsed, bundle_name, is_demo, extra)
        _analyze(engine)
    finally:
        engine.dispose()
    counts = {name: len(parsed.frames[name]) for name in BUNDLE_FILES}
    if theory is not None:
        counts[CHANGE_THEORY_FILE] = len(theory)
    return LoadSummary(
        load_id=load_id,
        rows=counts,
        not_in_bundle=frozenset(n for n in BUNDLE_FILES if n not in parsed.digests),
    )


def _refuse_if_broken(
    parsed: ParsedBundle, theory: pd.DataFrame | None, state: DatabaseState
) -> None:
    """Raise `BundleRejected` with every problem of the bundle against `state`."""
    problems = parsed.problems + check_bundle(parsed, state)
    if theory is not None:
        known = set(state.programmes) | parsed.ids("programmes.csv", "programme_id")
        problems += check_change_theory(theory, known)
    if problems:
        raise BundleRejected(sorted_problems(problems))


# -- what the database already holds ------------------------------------------


def read_database_state(connection: Connection, parsed: ParsedBundle) -> DatabaseState:
    """The ids the bundle may refer to, and the keys it would collide with."""
    replaced = replaced_programmes(parsed)
    programmes = {
        row.programme_id: (row.intensive_months, row.course_months)
        for row in connection.execute(
            select(
                schema.programmes.c.programme_id,
                schema.programmes.c.intensive_months,
                schema.programmes.c.course_months,
            )
        )
    }
    families: dict[str, str] = {
        family_id: programme_id
        for family_id, programme_id in connection.execute(
            select(schema.families.c.family_id, schema.families.c.programme_id)
        )
    }
    bundle_families = parsed.ids("families.csv", "family_id")

    def family_kept(family_id: str) -> bool:
        return family_id not in bundle_families and families.get(family_id) not in replaced

    taken: dict[str, dict[str, str]] = {}
    outside = schema.families.c.programme_id.not_in(sorted(replaced)) if replaced else true()
    for file in ("members.csv", "interventions.csv", "meetings.csv"):
        table = TABLES[file]
        key = table.c[KEYS[file]]
        query = (
            select(key, table.c.family_id)
            .join(schema.families, schema.families.c.family_id == table.c.family_id)
            .where(outside)
        )
        taken[file] = _clashes(
            connection, query, parsed.ids(file, KEYS[file]), family_kept, "family"
        )
    spend_outside = schema.spend.c.programme_id.not_in(sorted(replaced)) if replaced else true()
    taken["spend.csv"] = _clashes(
        connection,
        select(schema.spend.c.spend_id, schema.spend.c.programme_id).where(spend_outside),
        parsed.ids("spend.csv", "spend_id"),
        lambda _programme: True,
        "programme",
    )

    removed = sorted(f for f, p in families.items() if p in replaced and f not in bundle_families)
    orphans: list[tuple[str, str, str, str]] = []
    for chunk in _chunks(removed):
        query = select(
            schema.spend.c.family_id, schema.spend.c.spend_id, schema.spend.c.programme_id
        ).where(schema.spend.c.family_id.in_(chunk), spend_outside)
        for row in connection.execute(query):
            family_id, spend_id, programme_id = str(row[0]), str(row[1]), str(row[2])
            orphans.append((family_id, families[family_id], spend_id, programme_id))

    def ids(table: Table, column: str) -> frozenset[str]:
        return frozenset(connection.execute(select(table.c[column])).scalars())

    return DatabaseState(
        programmes=programmes,
        districts=ids(schema.districts, "district_id"),
        departments=ids(schema.departments, "department_id"),
        coordinators=ids(schema.coordinators, "coordinator_id"),
        indicator_definitions=ids(schema.indicator_definitions, "indicator"),
        families=families,
        taken=taken,
        orphans=tuple(sorted(orphans)),
    )


def _clashes(
    connection: Connection,
    kept_rows: Select[str, str],
    bundle_keys: set[str],
    owner_kept: Callable[[str], bool],
    owner_kind: str,
) -> dict[str, str]:
    """Bundle keys already used by database rows that this load keeps: key -> holder.

    `kept_rows` yields (key, owner) for rows outside the replaced programmes;
    one streaming query, no parameter lists, so a reload stays fast.
    """
    if not bundle_keys:
        return {}
    return {
        key: f"{owner_kind} '{owner}'"
        for key, owner in connection.execute(kept_rows)
        if key in bundle_keys and owner_kept(owner)
    }


# -- writing ------------------------------------------------------------------


def _write(connection: Connection, parsed: ParsedBundle, state: DatabaseState) -> None:
    """Upsert dimensions, replace the programmes' facts, upsert indicators and users."""
    replaced = sorted(replaced_programmes(parsed))
    for file, keys in (
        ("districts.csv", ("district_id",)),
        ("departments.csv", ("department_id",)),
        ("programmes.csv", ("programme_id",)),
        ("coordinators.csv", ("coordinator_id",)),
        ("indicator_definitions.csv", ("indicator",)),
    ):
        _upsert(connection, TABLES[file], keys, _records(parsed, file))

    if replaced:
        connection.execute(delete(schema.spend).where(schema.spend.c.programme_id.in_(replaced)))
        connection.execute(delete(schema.budget).where(schema.budget.c.programme_id.in_(replaced)))
    bundle_families = parsed.ids("families.csv", "family_id")
    in_scope = sorted(f for f, p in state.families.items() if p in replaced or f in bundle_families)
    # The derived tables first: they refer to members and families.
    family_facts = (
        schema.family_ssp_levels,
        schema.parent_employment,
        schema.family_course_months,
        schema.meetings,
        schema.interventions,
        schema.assessments,
        schema.members,
    )
    for chunk in _chunks(in_scope):
        for table in family_facts:
            connection.execute(delete(table).where(table.c.family_id.in_(chunk)))
    removed = [f for f in in_scope if f not in bundle_families]
    for chunk in _chunks(removed):
        connection.execute(delete(schema.families).where(schema.families.c.family_id.in_(chunk)))
    _upsert(connection, schema.families, ("family_id",), _family_records(parsed, state))

    for file in (
        "members.csv",
        "assessments.csv",
        "interventions.csv",
        "meetings.csv",
        "budget.csv",
        "spend.csv",
    ):
        names = [spec.name for spec in SPECS[file]]
        _insert(
            connection, TABLES[file], names, _column_chunks(parsed, file), len(parsed.frames[file])
        )
    _replace_other_spellings(connection, parsed.ids("users.csv", "email"))
    _upsert(connection, schema.users, ("email",), _records(parsed, "users.csv"))
    _upsert(
        connection,
        schema.unit_costs,
        ("measure", "valid_from"),
        _records(parsed, "unit_costs.csv"),
    )
    _refresh_derived(connection, state, in_scope, bundle_families, replaced)
    _upsert(
        connection,
        schema.indicators,
        ("district_id", "indicator", "measured_on"),
        _records(parsed, "indicators.csv"),
    )


def _replace_other_spellings(connection: Connection, emails: set[str]) -> None:
    """Drop users rows that a bundle email names in other case: the bundle's row replaces them.

    A login matches emails without regard to case, so 'Anna@kk.dk' loaded
    earlier and 'anna@kk.dk' in this bundle are one user; keeping both
    would leave the earlier role in force beside the new one.
    """
    folded = sorted({email.lower() for email in emails})
    for chunk in _chunks(folded):
        spelled_otherwise = select(schema.users.c.email).where(
            func.lower(schema.users.c.email).in_(chunk)
        )
        stale = [e for e in connection.execute(spelled_otherwise).scalars() if e not in emails]
        for part in _chunks(stale):
            connection.execute(delete(schema.users).where(schema.users.c.email.in_(part)))


def _refresh_derived(
    connection: Connection,
    state: DatabaseState,
    in_scope: Sequence[str],
    bundle_families: set[str],
    replaced: Sequence[str],
) -> None:
    """Recompute the derived tables for every family (and programme) this load replaced.

    When the load touches every family (the usual full reload) one statement
    recomputes each table; otherwise only the touched families are redone, and
    the stage changes of their programmes (old and new), so a small bundle
    into a big database stays quick.
    """
    touched = set(in_scope) | bundle_families
    untouched = any(family_id not in touched for family_id in state.families)
    scope = touched if untouched else None
    refresh_family_ssp_levels(connection, scope)
    refresh_parent_employment(connection, scope)
    refresh_family_course_months(connection, scope)
    programmes = {state.families[f] for f in in_scope if f in state.families} | set(replaced)
    refresh_course_month_totals(connection, programmes if untouched else None)
    refresh_stage_changes(connection, programmes if untouched else None)


def _insert(
    connection: Connection,
    table: Table,
    names: list[str],
    chunks: Iterable[dict[str, list[Any]]],
    count: int,
) -> None:
    """Bulk insert inside the open transaction: COPY on PostgreSQL, executemany on SQLite.

    `chunks` hold the `count` rows as plain Python column lists (str, int,
    float, bool, date, None) INSERT_CHUNK rows at a time, so the driver takes
    them directly (SQLAlchemy's per-row parameter processing costs seconds
    per 100 000 rows) and a city-sized table never exists as Python objects
    at once. Identifiers come from the schema and are quoted by the dialect,
    never from the bundle.
    """
    if not count:
        return
    dialect = connection.dialect
    preparer = dialect.identifier_preparer
    target = preparer.format_table(table)
    column_list = ", ".join(preparer.quote(name) for name in names)
    driver: Any = connection.connection.driver_connection
    driver_error: type[Exception] = dialect.loaded_dbapi.Error
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        statement = f"COPY {target} ({column_list}) FROM STDIN"
        try:
            with (
                _foreign_keys_checked_once(connection, table, count),
                driver.cursor() as cursor,
                cursor.copy(statement) as copy,
            ):
                for columns in chunks:
                    for row in zip(*(columns[name] for name in names), strict=True):
                        copy.write_row(row)
        except driver_error as error:
            raise _sqlalchemy_error(statement, error, driver_error) from error
        return
    if dialect.name == "sqlite":
        dates = {name for name in names if isinstance(table.c[name].type, Date)}
        placeholders = ", ".join("?" for _ in names)
        statement = f"INSERT INTO {target} ({column_list}) VALUES ({placeholders})"  # noqa: S608
        cursor = driver.cursor()
        try:
            for columns in chunks:
                values = [
                    _iso_column(columns[name]) if name in dates else columns[name] for name in names
                ]
                cursor.executemany(statement, list(zip(*values, strict=True)))
        except driver_error as error:
            raise _sqlalchemy_error(statement, error, driver_error) from error
        finally:
            cursor.close()
        return
    for columns in chunks:
        rows = zip(*(columns[name] for name in names), strict=True)
        connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])


def _analyze(engine: Engine) -> None:
    """Refresh the planner's statistics after a load, so the first page view gets good plans.

    Right after a big load PostgreSQL still believes the tables are nearly
    empty (autovacuum analyses them later) and picks nested loops over
    hundreds of thousands of rows; SQLite has no statistics unless asked.
    SQLite reads every index (3 s at scale 1000): a sample of 1000 rows
    (`analysis_limit`) took the rows of one big programme for the whole
    table, and its plans made the Forløb and Visitation queries 2-4 times
    slower.
    """
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("ANALYZE")
            return
        connection.exec_driver_sql(_analyze_statement(connection))


def _analyze_statement(connection: Connection) -> str:
    """ANALYZE for the reporting tables only (in the search path), not every schema.

    The names come from our own metadata and are quoted by the dialect's
    identifier preparer; no value from a bundle ever reaches this statement.
    """
    preparer = connection.dialect.identifier_preparer
    return "ANALYZE " + ", ".join(preparer.format_table(table) for table in schema.DELETE_ORDER)


def _sqlalchemy_error(
    statement: str, error: Exception, driver_error: type[Exception]
) -> BaseException:
    """The driver's error as SQLAlchemy's (IntegrityError, ...), as if Core had run it."""
    return DBAPIError.instance(statement, None, error, driver_error)


@contextmanager
def _foreign_keys_checked_once(connection: Connection, table: Table, rows: int) -> Iterator[None]:
    """For a big insert on PostgreSQL, check the table's foreign keys once, not per row.

    Per-row foreign-key triggers make 100 000 spend rows take about five
    seconds; dropping the constraints and adding them back after the COPY
    checks every row in one join. It all happens inside the load's
    transaction, so a rollback restores the constraints, and adding them back
    fails (rolling back the load) if any row broke one. The price is an
    exclusive lock on the table and the tables it refers to until commit.
    If the constraints cannot be dropped (say the loading role does not own
    the table), a savepoint undoes the attempt and the rows are checked one
    by one as usual.
    """
    constraints = sorted(table.foreign_key_constraints, key=lambda c: str(c.name))
    if rows < BULK_FOREIGN_KEY_ROWS or not constraints:
        yield
        return
    try:
        with connection.begin_nested():
            for constraint in constraints:
                connection.execute(DropConstraint(constraint))
    except DBAPIError:
        yield
        return
    yield
    for constraint in constraints:
        connection.execute(AddConstraint(constraint))


def _iso_column(values: list[Any]) -> list[str | None]:
    """SQLite stores SQLAlchemy `Date` as ISO text; the raw driver must get the same.

    A column at a time, without rebuilding every row tuple around it.
    """
    return [None if value is None else value.isoformat() for value in values]


def _upsert(
    connection: Connection,
    table: Table,
    keys: Sequence[str],
    records: list[dict[str, Any]],
) -> None:
    """Insert, or update the row with the same key (ON CONFLICT, SQLite and PostgreSQL)."""
    if not records:
        return
    dialect = connection.dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(table)
    elif dialect == "sqlite":
        statement = sqlite.insert(table)
    else:
        raise NotImplementedError(f"loading into {dialect} is not supported")
    updates = {c: statement.excluded[c] for c in records[0] if c not in keys}
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys], set_=updates
    )
    for start in range(0, len(records), INSERT_CHUNK):
        connection.execute(statement, records[start : start + INSERT_CHUNK])


def _python_columns(frame: pd.DataFrame, file: str) -> dict[str, list[Any]]:
    """A typed frame as plain Python column lists: None for missing, `date` for dates."""
    columns = {spec.name: _python_values(frame[spec.name], spec.kind) for spec in SPECS[file]}
    if file == "meetings.csv":
        columns["departments"] = [_department_list(v) for v in columns["departments"]]
    return columns


def _column_chunks(parsed: ParsedBundle, file: str) -> Iterator[dict[str, list[Any]]]:
    """The file's typed frame as `_python_columns`, INSERT_CHUNK rows at a time."""
    frame = parsed.frames[file]
    for start in range(0, len(frame), INSERT_CHUNK):
        yield _python_columns(frame.iloc[start : start + INSERT_CHUNK], file)


def _records(parsed: ParsedBundle, file: str) -> list[dict[str, Any]]:
    """The typed frame as rows for SQLAlchemy."""
    columns = _python_columns(parsed.frames[file], file)
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _python_values(series: pd.Series, kind: str) -> list[Any]:
    if kind == "date":
        return series.to_numpy(dtype="datetime64[D]").tolist()
    if kind == "int":
        return [None if v is pd.NA else int(v) for v in series.tolist()]
    if kind in ("number", "money"):
        return [None if v != v else float(v) for v in series.tolist()]
    if kind == "bool":
        return [None if v is pd.NA else bool(v) for v in series.tolist()]
    return [v or None for v in series.tolist()]


def _department_list(value: str | None) -> str | None:
    if value is None:
        return None
    parts = [p.strip() for p in value.split(";") if p.strip()]
    return ";".join(parts) or None


def _family_records(parsed: ParsedBundle, state: DatabaseState) -> list[dict[str, Any]]:
    """Families plus the two derived dates, in calendar months of their programme."""
    months = dict(state.programmes)
    programmes = parsed.frames["programmes.csv"]
    for programme_id, intensive, course in zip(
        programmes["programme_id"],
        programmes["intensive_months"],
        programmes["course_months"],
        strict=True,
    ):
        months[programme_id] = (int(intensive), int(course))
    records = _records(parsed, "families.csv")
    for record in records:
        intensive, course = months[record["programme_id"]]
        started: date | None = record["started_on"]
        aftercare: date | None = record["aftercare_on"]
        if aftercare is None and started is not None:
            aftercare = add_months(started, intensive)
        record["aftercare_due_on"] = aftercare
        record["course_due_on"] = add_months(started, course) if started is not None else None
    return records


# -- load history -------------------------------------------------------------


def _record_load(
    connection: Connection,
    parsed: ParsedBundle,
    bundle_name: str,
    is_demo: bool,
    extra: Mapping[str, dict[str, Any]] | None = None,
) -> int:
    files: dict[str, dict[str, Any]] = dict(extra or {})
    latest: dict[str, date | None] = {}
    for name in parsed.present:
        newest = latest[name] = _latest_date(parsed.frames[name], name)
        files[name] = {
            "rows": len(parsed.frames[name]),
            "sha256": parsed.digests[name],
            "latest_date": newest.isoformat() if newest else None,
        }
    covers_until = latest.get("spend.csv")
    if covers_until is None:
        candidates = [d for n in COVERAGE_FILES if (d := latest.get(n)) is not None]
        covers_until = max(candidates) if candidates else None
    result = connection.execute(
        insert(schema.load_history).values(
            # UTC, without zone (the column has none); shown in Copenhagen time.
            loaded_at=datetime.now(UTC).replace(tzinfo=None),
            bundle_name=bundle_name,
            files=json.dumps(files),
            covers_until=covers_until,
            is_demo=is_demo,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _latest_date(frame: pd.DataFrame, file: str) -> date | None:
    columns = [spec.name for spec in SPECS[file] if spec.kind == "date"]
    if not columns or frame.empty:
        return None
    latest = frame[columns].max().max()
    return None if pd.isna(latest) else pd.Timestamp(latest).date()


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), IN_CHUNK):
        yield list(values[start : start + IN_CHUNK])
