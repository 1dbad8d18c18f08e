"""Timing one page in AppTest: cold render, report-date change, warm rerun, its SQL alone.

Runs inside a benchmark worker process (or the caller's process with
`isolate=False`). The page is opened as the demo admin, who may open every
page. Each repetition clears the query caches (`dashboard.data.clear_caches`)
but keeps `st.cache_resource` (the engine), which is what a server sees after a new
load: connections are open, no query result is cached.

The page's SQL is measured by replaying, outside Streamlit, every distinct
data_access call the cold render made through `dashboard.data.cached`, one
after the other: the time the page's queries cost on one thread. Each
repetition replays right after its own cold render: the hosts here change
speed by a third within a run, and timing all renders first and all replays
after them let that drift decide the page/SQL ratio. Pages start
their independent queries together (`dashboard.data.start`), so on a
machine with two or more cores a page may render in less than that sum;
page/SQL below 1 shows how much the overlap saved.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from streamlit.testing.v1 import AppTest

from dashboard import data as dashboard_data
from dashboard.navigation import page as page_spec
from dashboard.precompute import scratch_app_environment
from data_access.db.engine import make_engine

APP: Final = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
#: The demo admin: may open every page, sees unsuppressed figures.
BENCH_USER: Final = "admin@demo.invalid"
#: Seconds AppTest waits for one run before calling it hung (scale 1000 is slow to start).
RUN_TIMEOUT: Final = 600.0
DATE_WIDGET: Final = "filter_as_of"
#: How many of a page's slowest queries the report names.
SLOWEST: Final = 3

Call = tuple[str, tuple[Any, ...], tuple[tuple[str, Any], ...]]


@dataclass(frozen=True)
class PageTiming:
    """Medians in seconds over the repetitions; memory in MB; `queries` distinct cached calls."""

    page: str
    cold_s: float
    date_change_s: float
    warm_s: float
    sql_s: float
    queries: int
    peak_mb: float
    errors: tuple[str, ...] = ()
    #: The page's slowest queries in the replay: (name, median seconds), slowest first.
    slowest: tuple[tuple[str, float], ...] = ()


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def app_environment(url: str) -> AbstractContextManager[None]:
    """Point the app at `url` as the demo admin; access-log rows go to a scratch file.

    Sending the log to a temporary SQLite file keeps the benchmarked
    reporting database unchanged.
    """
    return scratch_app_environment(url, {"DASHBOARD_DEMO_USER": BENCH_USER})


@contextmanager
def recording_calls() -> Iterator[list[Call]]:
    """Record every `cached` and `shared` query call (name, args, kwargs) made while the block runs.

    Pages wrap queries with `cached` (the shell with `shared`), whose wrappers
    look `_cached_call` and `_shared_call` up in `dashboard.data` on each
    call, so replacing them there sees them all.
    """
    originals = {name: getattr(dashboard_data, name) for name in ("_cached_call", "_shared_call")}
    calls: list[Call] = []

    def recorder(original: Callable[..., Any]) -> Callable[..., Any]:
        def record(
            name: str,
            url: str,
            version: int,
            args: tuple[Any, ...],
            kwargs: tuple[tuple[str, Any], ...],
        ) -> Any:
            calls.append((name, args, kwargs))
            return original(name, url, version, args, kwargs)

        return record

    for name, original in originals.items():
        setattr(dashboard_data, name, recorder(original))
    try:
        yield calls
    finally:
        for name, original in originals.items():
            setattr(dashboard_data, name, original)


def replay_seconds(
    engine: Engine, calls: list[Call], errors: list[str], per_query: dict[str, list[float]]
) -> float:
    """Seconds to run `calls` straight against the database, without Streamlit.

    Each query's own time is added to `per_query` (name -> seconds per
    replay), so the report can name what a slow page waits for. A call the
    database cancels (the read-only statement timeout, as a page would see
    it) counts with the time it took and is listed in `errors`, so a
    city-sized database that is too slow still yields a table.
    """
    total = 0.0
    spent: dict[str, float] = {}
    for name, args, kwargs in calls:
        started = time.perf_counter()
        try:
            dashboard_data._QUERIES[name](engine, *args, **dict(kwargs))
        except SQLAlchemyError as error:
            errors.append(f"SQL {name}: {type(error).__name__}")
        seconds = time.perf_counter() - started
        spent[name] = spent.get(name, 0.0) + seconds
        total += seconds
    for name, seconds in spent.items():
        per_query.setdefault(name, []).append(seconds)
    return total


def slowest_queries(
    per_query: dict[str, list[float]], count: int = SLOWEST
) -> tuple[tuple[str, float], ...]:
    """The `count` queries with the longest median replay time, slowest first."""
    medians = {name: statistics.median(times) for name, times in per_query.items()}
    ranked = sorted(medians.items(), key=lambda item: item[1], reverse=True)
    return tuple(ranked[:count])


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _errors(app: AppTest) -> list[str]:
    found = [str(e.value) for e in app.exception]
    found += [str(e.value) for e in app.error]
    return found


def bench_page(url: str, key: str, runs: int) -> PageTiming:
    """Open page `key` on `url` and time it `runs` times (medians); see the module doc."""
    spec = page_spec(key)
    errors: list[str] = []
    with app_environment(url):
        app = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
        # Pages are served at their own file name, so AppTest can open one on
        # the first run (no detour through the start page's default page).
        app.switch_page(str(spec.path))
        base: date | None = None
        cold: list[float] = []
        changed: list[float] = []
        warm: list[float] = []
        sql: list[float] = []
        calls: list[Call] = []
        per_query: dict[str, list[float]] = {}
        engine = make_engine(url, read_only=True)
        try:
            for repetition in range(runs):
                dashboard_data.clear_caches()
                if base is not None:
                    app.date_input(key=DATE_WIDGET).set_value(base)
                with recording_calls() as recorded:
                    cold.append(_timed(app.run))
                calls = calls or list(dict.fromkeys(recorded))
                errors += _errors(app)
                # Replayed right after its cold render, so a host that speeds
                # up or slows down during the run moves both alike.
                sql.append(replay_seconds(engine, calls, errors, per_query))
                if base is None:
                    shown = app.date_input(key=DATE_WIDGET).value
                    if not isinstance(shown, date):
                        raise TypeError(f"the report date widget holds {shown!r}, not one date")
                    base = shown
                other = base - timedelta(days=7 * (repetition + 1))
                app.date_input(key=DATE_WIDGET).set_value(other)
                changed.append(_timed(app.run))
                warm.append(_timed(app.run))
                errors += _errors(app)
        finally:
            engine.dispose()
    return PageTiming(
        page=key,
        cold_s=statistics.median(cold),
        date_change_s=statistics.median(changed),
        warm_s=statistics.median(warm),
        sql_s=statistics.median(sql),
        queries=len(calls),
        peak_mb=peak_rss_mb(),
        errors=tuple(dict.fromkeys(errors)),
        slowest=slowest_queries(per_query),
    )
