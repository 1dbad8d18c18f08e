"""No page function pulls raw rows to aggregate them in Python: it reads what it returns.

Every data_access function a page calls through `cached` runs here on the
scale-10 demo (1 240 families, 43 000 assessments, 13 000 spend rows) with
a SQLite connection whose cursors count the rows they hand out. A function
that aggregates in SQL fetches at most about as many rows as the cells it
returns (plus a few for the scalar queries behind a headline); one that
read the families, assessments or spend rows to count them in pandas would
fetch thousands. A guard test keeps the list complete: a new `cached(...)`
query in a page must be added here.
"""

from __future__ import annotations

import ast
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine

from data_access.queries import (
    business_case,
    caseload,
    courses,
    figures,
    indicators,
    intake,
    outcomes,
    programmes,
    reference,
)
from data_access.queries import report as report_queries
from data_access.queries import spend as spend_queries
from data_access.rules.access import Scope
from data_access.rules.calendar import quarter_end_before
from tests.fixtures.contexts import query_context

ROOT = Path(__file__).resolve().parent.parent
SCALE = 10
#: Rows a function may fetch beyond what it returns: the one-row scalar
#: queries behind headline figures and a few lookup rows (names, periods).
SLACK = 40
#: Page-side `cached` functions that are not data_access queries.
NOT_QUERIES = {"_report_bytes"}


class _Counter:
    rows = 0


class CountingCursor(sqlite3.Cursor):
    """A sqlite3 cursor that counts every row it returns to SQLAlchemy."""

    def fetchone(self) -> Any:
        row = super().fetchone()
        if row is not None:
            _Counter.rows += 1
        return row

    def fetchmany(self, size: int | None = None) -> list[Any]:
        rows = super().fetchmany(self.arraysize if size is None else size)
        _Counter.rows += len(rows)
        return rows

    def fetchall(self) -> list[Any]:
        rows = super().fetchall()
        _Counter.rows += len(rows)
        return rows


class CountingConnection(sqlite3.Connection):
    def cursor(self, factory: Any = CountingCursor) -> Any:
        return super().cursor(factory)


@pytest.fixture(scope="module")
def counting_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The scale-10 demo behind an engine whose cursors count fetched rows."""
    from data_access.demo.bundle import write_demo

    path = tmp_path_factory.mktemp("rows") / "demo.sqlite"
    write_demo(f"sqlite:///{path}", SCALE)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(path, factory=CountingConnection, check_same_thread=False)

    engine = create_engine("sqlite://", creator=connect)
    yield engine
    engine.dispose()


@dataclass(frozen=True)
class Case:
    name: str
    call: Callable[[Engine], object]


def _bind(function: Callable[..., object], *args: Any, **kwargs: Any) -> Callable[[Engine], object]:
    """`function(engine, *args, **kwargs)` as a one-argument call."""

    def call(engine: Engine) -> object:
        return function(engine, *args, **kwargs)

    return call


def _cases() -> list[Case]:
    """Each page query with the arguments a page passes, on the demo's pilot programme."""
    programme = "interventionsteam"
    as_of = date(2011, 6, 30)
    starts = date(2010, 1, 1)
    district = "norrebro"
    quarter = quarter_end_before(as_of)
    coordinator = "koordinator-norrebro"
    department = "BUF"
    indicator = "ungdomskriminalitet"
    places = ("norrebro", "tingbjerg", "kk")
    scopes: list[tuple[str, dict[str, Any]]] = [
        ("", {}),
        (" district", {"district_id": district}),
        (" viewer", {"scope": Scope(role="viewer", email="v@demo.invalid")}),
    ]
    cases: list[Case] = [
        Case("list_programmes", programmes.list_programmes),
        Case("data_as_of", programmes.data_as_of),
        Case("programme_info", lambda e: programmes.programme_info(e, programme)),
        Case("list_districts", lambda e: reference.list_districts(e, programme)),
        Case("latest_load", reference.latest_load),
        Case("load_history_rows", reference.load_history_rows),
        Case("list_users", reference.list_users),
        Case("user_scope", lambda e: reference.user_scope(e, "admin@demo.invalid")),
        Case("has_families", lambda e: outcomes.has_families(e, query_context(programme, as_of))),
        Case(
            "list_indicators",
            lambda e: indicators.list_indicators(e, query_context(programme, as_of)),
        ),
        Case(
            "programme_districts",
            lambda e: indicators.programme_districts(e, query_context(programme, as_of)),
        ),
        Case(
            "indicator_panels",
            lambda e: indicators.indicator_panels(
                e, query_context(programme, as_of), (indicator, "tryghedsindex"), places, starts
            ),
        ),
        Case("coordinator_name", lambda e: caseload.coordinator_name(e, "koordinator-norrebro")),
        Case(
            "district_indicators",
            lambda e: indicators.district_indicators(e, query_context(programme, as_of), starts),
        ),
        Case(
            "spend_by_year",
            lambda e: spend_queries.spend_by_year(e, query_context(programme, as_of)),
        ),
        Case(
            "spend_by_month",
            lambda e: spend_queries.spend_by_month(
                e, query_context(programme, as_of), department_id=department
            ),
        ),
        Case(
            "department_activities",
            lambda e: spend_queries.department_activities(
                e, query_context(programme, as_of), department
            ),
        ),
        Case(
            "coordinator_progression",
            lambda e: report_queries.coordinator_progression(
                e, query_context(programme, as_of), quarter
            ),
        ),
        Case("change_theory_boxes", lambda e: _change_theory_boxes(e, programme, as_of)),
        Case(
            "coordinator_families",
            lambda e: caseload.coordinator_families(
                e, query_context(programme, as_of), coordinator
            ),
        ),
    ]
    for by in ("department", "funder", "activity"):
        cases.append(
            Case(
                f"spend_breakdown {by}",
                _bind(spend_queries.spend_breakdown, query_context(programme, as_of), by),
            )
        )
    for label, options in scopes:
        for name, function in (
            ("compute_figures", figures.compute_figures),
            ("stage_counts", figures.stage_counts),
            ("intake_funnel", intake.intake_funnel),
            ("intake_waits", intake.intake_waits),
            ("referrals_per_month", intake.referrals_per_month),
            ("course_flow", courses.course_flow),
            ("end_reasons", courses.end_reasons),
            ("due_to_aftercare", courses.due_to_aftercare),
            ("course_timeline", courses.course_timeline),
            ("coordinator_load", caseload.coordinator_load),
            ("coordinator_count", caseload.coordinator_count),
            ("outcome_results", outcomes.outcome_results),
            ("business_case", business_case.business_case),
        ):
            cases.append(
                Case(
                    name + label,
                    _bind(function, query_context(programme, as_of, **options)),
                )
            )
        cases.append(
            Case(
                "stage_months" + label,
                _bind(courses.stage_months, query_context(programme, as_of, **options), starts),
            )
        )
        cases.append(
            Case(
                "course_month_series" + label,
                _bind(
                    outcomes.course_month_series,
                    query_context(programme, as_of, **options),
                    "parental_authority",
                ),
            )
        )
    return cases


def _change_theory_boxes(engine: Engine, programme: str, as_of: date) -> object:
    """Imported on call: the change-theory page arrived while this test was written."""
    module = pytest.importorskip("data_access.queries.change_theory")
    return module.change_theory_boxes(engine, query_context(programme, as_of))


CASES = _cases()


def returned_cells(value: object) -> int:
    """How much a result holds: cells of a frame, items of a collection, 1 for a scalar."""
    if isinstance(value, pd.DataFrame):
        return int(value.size)
    if isinstance(value, pd.Series):
        return len(value)
    if isinstance(value, dict):
        return sum(returned_cells(v) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return sum(returned_cells(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return sum(returned_cells(getattr(value, f.name)) for f in fields(value))
    return 1


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_page_query_fetches_no_more_rows_than_it_returns(
    counting_engine: Engine, case: Case
) -> None:
    _Counter.rows = 0
    result = case.call(counting_engine)
    fetched = _Counter.rows
    returned = returned_cells(result)
    assert fetched <= returned + SLACK, f"{case.name}: fetched {fetched} rows, returned {returned}"


def test_the_counter_sees_a_raw_read(counting_engine: Engine) -> None:
    """The harness itself: reading the assessments table shows up as thousands of rows."""
    _Counter.rows = 0
    frame = pd.read_sql_table("assessments", counting_engine)
    assert _Counter.rows >= len(frame) > 10 * SLACK


def _cached_names() -> set[str]:
    """The names pages and the shell wrap in `cached(...)` or `shared(...)`, from the source."""
    names: set[str] = set()
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "dashboard").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("cached", "shared")
                and node.args
            ):
                target = node.args[0]
                if isinstance(target, ast.Attribute):
                    names.add(target.attr)
                elif isinstance(target, ast.Name):
                    names.add(target.id)
    return names


def test_every_cached_page_query_is_counted() -> None:
    covered = {case.name.split(" ")[0] for case in CASES}
    missing = _cached_names() - covered - NOT_QUERIES - {"query"}
    assert not missing, f"add these page queries to tests/test_query_rows.py: {sorted(missing)}"
