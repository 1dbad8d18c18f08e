"""Every query takes the caller's context, never a default one, and the cache keys on it.

A page that forgot the scope used to get the admin's view of everything
(19 queries defaulted to `scope=SYSTEM`). Now the context is a required
parameter: mypy refuses a call without it (`make typecheck`), and at run
time it is a TypeError. The dashboard's cache must keep two callers apart.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import data_access.queries
from data_access.db.migrate import migrate
from data_access.queries.context import QueryContext
from data_access.rules.access import Scope
from tests.fixtures.scripts import WHO_ASKS_CALLS

ROOT = Path(__file__).resolve().parent.parent
D = date(2011, 6, 30)


def _context_queries() -> list[tuple[str, Callable[..., Any]]]:
    """Every function of `data_access.queries` that takes a QueryContext."""
    found: list[tuple[str, Callable[..., Any]]] = []
    for module_info in pkgutil.iter_modules(data_access.queries.__path__):
        module = importlib.import_module(f"data_access.queries.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__:
                continue
            parameters = inspect.signature(function).parameters.values()
            if any(p.annotation in ("QueryContext", QueryContext) for p in parameters):
                found.append((f"{module.__name__}.{name}", function))
    return found


QUERIES = _context_queries()


def test_the_page_queries_take_a_context() -> None:
    names = {name.rsplit(".", 1)[1] for name, _ in QUERIES}
    # The queries that used to default to the system scope, and the spend ones.
    for expected in (
        "compute_figures",
        "stage_counts",
        "stage_months",
        "course_flow",
        "end_reasons",
        "due_to_aftercare",
        "course_timeline",
        "intake_funnel",
        "intake_waits",
        "referrals_per_month",
        "coordinator_load",
        "coordinator_families",
        "coordinator_count",
        "course_month_series",
        "outcome_results",
        "change_theory_boxes",
        "school_attendance",
        "spend_breakdown",
        "spend_by_month",
        "spend_by_year",
        "coordinator_progression",
    ):
        assert expected in names, expected


@pytest.mark.parametrize(("name", "query"), QUERIES, ids=[name for name, _ in QUERIES])
def test_a_query_without_a_context_is_a_type_error(name: str, query: Callable[..., Any]) -> None:
    context = next(
        p
        for p in inspect.signature(query).parameters.values()
        if p.annotation in ("QueryContext", QueryContext)
    )
    assert context.default is inspect.Parameter.empty, name
    # The engine (or connection) alone: Python refuses before any SQL runs.
    with pytest.raises(TypeError, match="context"):
        query(object())


def test_compute_figures_refuses_the_old_call() -> None:
    from data_access.queries.figures import compute_figures

    with pytest.raises(TypeError):
        compute_figures(object(), "interventionsteam", D)  # type: ignore[arg-type, call-arg]


def test_no_function_in_data_access_has_a_default_caller() -> None:
    """Read from the source, so that modules not imported here are checked as well."""
    offenders = []
    for path in sorted((ROOT / "data_access").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            arguments = node.args
            positional = arguments.posonlyargs + arguments.args
            defaults: list[ast.expr | None] = [None] * (
                len(positional) - len(arguments.defaults)
            ) + list(arguments.defaults)
            pairs = list(zip(positional, defaults, strict=True))
            pairs += list(zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True))
            for argument, default in pairs:
                if argument.arg in ("scope", "context") and default is not None:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert offenders == []


def test_moving_a_context_keeps_the_rest() -> None:
    viewer = Scope(role="viewer", email="v@example.org")
    context = QueryContext("P1", D, "nb", viewer)
    assert context.previous_quarter_end() == QueryContext("P1", date(2011, 3, 31), "nb", viewer)
    assert context.at(date(2011, 1, 5)).as_of == date(2011, 1, 5)
    assert context.in_district(None) == QueryContext("P1", D, None, viewer)
    assert hash(context) == hash(QueryContext("P1", D, "nb", viewer))


# --- the dashboard's cache --------------------------------------------------------


def _page_asking_for_several_callers() -> None:
    from datetime import date

    import streamlit as st

    from dashboard.data import cached
    from data_access.queries.context import QueryContext
    from data_access.rules.access import Scope
    from tests.fixtures.scripts import who_asks

    ask = cached(who_asks)
    day = date(2011, 6, 30)
    viewer = Scope(role="viewer", email="v@example.org")
    callers = [
        QueryContext("P1", day, None, viewer),
        QueryContext("P1", day, None, Scope(role="admin", email="a@example.org")),
        QueryContext("P1", day, None, Scope("coordinator", "k@example.org", "C1")),
        QueryContext("P1", day, None, Scope("coordinator", "k@example.org", "C2")),
        QueryContext("P1", day, "nb", viewer),
        # The viewer's first question again: from the cache.
        QueryContext("P1", day, None, Scope(role="viewer", email="v@example.org")),
        # Another viewer, the same rights: the first viewer's answer, not a run of its own.
        QueryContext("P1", day, None, Scope(role="viewer", email="w@example.org")),
    ]
    st.write(" ".join(ask(context) for context in callers))


def test_two_callers_never_share_a_cache_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'reporting.sqlite'}"
    migrate(url)
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    WHO_ASKS_CALLS.clear()
    app = AppTest.from_function(_page_asking_for_several_callers, default_timeout=30).run()
    assert not app.exception
    assert app.markdown[0].value == (
        "viewer/None/None admin/None/None coordinator/C1/None coordinator/C2/None "
        "viewer/None/nb viewer/None/None viewer/None/None"
    )
    # Five different callers ran the query; the sixth and seventh questions were the first's.
    assert WHO_ASKS_CALLS == [
        ("viewer", None, None),
        ("admin", None, None),
        ("coordinator", "C1", None),
        ("coordinator", "C2", None),
        ("viewer", None, "nb"),
    ]


def test_no_query_or_rule_reads_who_asks() -> None:
    """The caches share answers between callers with the same rights (`Scope.rights`).

    That holds only while no reporting query or rule reads the caller's
    email: a query that did would answer one person's question for another.
    """
    readers = []
    for folder in ("data_access/queries", "data_access/rules"):
        for path in sorted((ROOT / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr == "email":
                    owner = ast.unparse(node.value)
                    if owner.endswith("scope") or owner.endswith("caller"):
                        readers.append(f"{path.relative_to(ROOT)}:{node.lineno}: {owner}.email")
    assert readers == []
