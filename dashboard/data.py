"""The dashboard's door to data_access: one read-only engine, cached queries.

Every data_access query the pages use goes through `cached`, which keys the
Streamlit cache on the query's name, its arguments (the filters) and the data
version (the newest load), so a new load shows without a restart and stale
entries expire (`ttl`, `max_entries`). On a miss the answer comes from the
precomputed store in the database when the owner has filled it for this
data version (`python -m dashboard precompute`), so N replicas do not each
compute what is alike for all of them; else it is computed. `start` runs a
page's independent queries side by side.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import replace
from functools import wraps
from typing import Any, Concatenate, Final, Generic, ParamSpec, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from dashboard.errors import OldSchemaError
from dashboard.i18n import t
from data_access.db.engine import (
    PROJECT_ROOT,
    default_database_url,
    is_default_demo_url,
    make_engine,
)
from data_access.db.migrate import migrate, schema_is_current
from data_access.queries import answer_store, answers, reference
from data_access.queries.context import QueryContext
from data_access.rules.access import Scope

P = ParamSpec("P")
R = TypeVar("R")

CACHE_TTL_SECONDS = 600
#: Answers a process keeps in `st.cache_data`. At scale 1000 the load test's
#: mix (2 programmes x 4-5 dates x districts x rights classes x every page's
#: queries) asks for several thousand; with 1 000 the cache evicted what was
#: asked again moments later, and a saturated process served 27 views/s with
#: PostgreSQL at 40 % of a core. With 8 000: 39 views/s, PostgreSQL at 8 %,
#: RSS 264 MB instead of 255 (an answer is a few KB: the store holds 6 861
#: in 28 MB). docs/benchmarks.md, 7 December.
CACHE_MAX_ENTRIES = 8000
DATA_VERSION_TTL_SECONDS = 30
#: How long a passed schema check holds (`DASHBOARD_SCHEMA_CHECK_SECONDS` overrides).
SCHEMA_CHECK_SECONDS = 30.0
#: Answers `shared` keeps per process (they are small: users, programmes, the newest load).
SHARED_MAX_ENTRIES = 512

_QUERIES: dict[str, Callable[..., Any]] = {}


class DemoDatabaseError(RuntimeError):
    """The demo database could not be created on first run."""


def database_url() -> str:
    return default_database_url()


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return make_engine(url, read_only=True)


def engine() -> Engine:
    """The process-wide read-only engine (pool_pre_ping recovers lost connections)."""
    return _engine(database_url())


@st.cache_resource(show_spinner=False)
def _ensure_demo_database(url: str) -> bool:
    """Create and fill the demo database once per process when it is missing.

    The demo generator runs as its own command (`python -m data_access demo`),
    so the app never imports it; `ensure_database` shows a spinner while it works.
    """
    migrate(url)
    writer = make_engine(url)
    try:
        empty = reference.data_version(writer) == 0
    finally:
        writer.dispose()
    if empty:
        write_demo_database(url)
    return True


def write_demo_database(url: str) -> None:
    """Run `python -m data_access demo --database-url URL`; raise with its message if it fails."""
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-m", "data_access", "demo", "--database-url", url],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
        raise DemoDatabaseError(
            f"python -m data_access demo failed (exit {done.returncode}): {lines[-1]}"
        )


#: Demo databases this process has made sure of (`_ensure_demo_database` is cached too).
_demo_ready: set[str] = set()


def ensure_database(lang: str) -> None:
    """Make sure the database can serve this run, before any page queries it.

    With no database configured the demo database is created and filled.
    Then one small query checks that the database answers and has the newest
    schema. A passed check holds for `SCHEMA_CHECK_SECONDS` per process: run
    on every rerun it cost each view a connection and Alembic's version read
    (about a tenth of a warm view). A database lost mid-session, or replaced
    by an older one, is still reported by the first query that fails, and at
    the latest by the next check; a failed check is never remembered, so the
    first rerun after the database is back shows the figures again.
    Raises `OldSchemaError`, or SQLAlchemy's error when the database is down.
    """
    url = database_url()
    if is_default_demo_url(url) and url not in _demo_ready:
        # Streamlit shows the spinner only when this takes over half a second;
        # entering it costs a tenth of a warm view, so only until the demo is there.
        with st.spinner(t("app.creating_demo", lang)):
            _ensure_demo_database(url)
        _demo_ready.add(url)
    check_schema()


_schema_checked: dict[str, float] = {}


def schema_check_seconds() -> float:
    """`DASHBOARD_SCHEMA_CHECK_SECONDS` (0 = check on every rerun), else SCHEMA_CHECK_SECONDS."""
    try:
        return max(0.0, float(os.environ.get("DASHBOARD_SCHEMA_CHECK_SECONDS", "")))
    except ValueError:
        return SCHEMA_CHECK_SECONDS


def check_schema(*, fresh: bool = False) -> None:
    """Raise `OldSchemaError` unless the reporting database is at the newest migration.

    A pass is remembered per process for `schema_check_seconds()`; `fresh`
    asks the database anyway (the recovery watch does).
    """
    url = database_url()
    now = time.monotonic()
    if not fresh and now < _schema_checked.get(url, 0.0):
        return
    _schema_checked.pop(url, None)
    if not schema_is_current(engine()):
        raise OldSchemaError("the reporting database is not at the newest migration")
    _schema_checked[url] = now + schema_check_seconds()


def forget_schema_check() -> None:
    """Ask the database again on the next run (after a database error)."""
    _schema_checked.clear()


_versions: dict[str, tuple[float, int]] = {}


def _data_version(url: str) -> int:
    """The newest load's number, read at most every DATA_VERSION_TTL_SECONDS per process.

    A plain dict, not `st.cache_data`: every cached query asks for it, and
    Streamlit's cache hashed the argument and copied the answer each time.
    """
    now = time.monotonic()
    known = _versions.get(url)
    if known is not None and now < known[0]:
        return known[1]
    version = reference.data_version(_engine(url))
    _versions[url] = (now + DATA_VERSION_TTL_SECONDS, version)
    return version


def data_version() -> int:
    return _data_version(database_url())


#: Queries whose answers the store may hold (`python -m dashboard precompute` writes only these).
STORED_PREFIX: Final = "data_access."
#: How long a process trusts what it learnt of the store for one data version.
STORE_CHECK_SECONDS: Final = 60.0
_store_ready: dict[tuple[str, int], tuple[float, bool]] = {}


def store_state() -> answer_store.StoreState | None:
    """What the precomputed store holds now, for the admins' Indlæsninger page.

    Never cached and never read from the store itself: a precompute that
    just finished, or a load that just made it stale, shows on the next run.
    """
    return answer_store.store_state(engine())


def precomputed_enabled() -> bool:
    """False when `DASHBOARD_PRECOMPUTED=0`: benchmarks measure a cold page with and without."""
    return os.environ.get("DASHBOARD_PRECOMPUTED", "1").strip() != "0"


def _store_has(url: str, version: int) -> bool:
    """Whether the store holds answers for `version`, asked once per STORE_CHECK_SECONDS.

    A database that was never precomputed, or one from before the table
    (an error here), then costs a cold query no extra round trip.
    """
    now = time.monotonic()
    known = _store_ready.get((url, version))
    if known is not None and now < known[0]:
        return known[1]
    try:
        ready = answer_store.has_answers(_engine(url), version)
    except SQLAlchemyError:
        ready = False
    _store_ready[(url, version)] = (now + STORE_CHECK_SECONDS, ready)
    return ready


def _stored(
    name: str, url: str, version: int, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> tuple[bool, Any]:
    """(True, answer) from the precomputed store, else (False, None): never raises for the store."""
    if not (name.startswith(STORED_PREFIX) and precomputed_enabled() and _store_has(url, version)):
        return False, None
    try:
        payload = answer_store.stored_payload(
            _engine(url), answers.answer_key(name, args, kwargs), version
        )
        if payload is None:
            return False, None
        return True, answers.decode(payload)
    except (SQLAlchemyError, answers.AnswerCodecError):
        return False, None


def _answer(
    name: str, url: str, version: int, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> Any:
    """The answer from the precomputed store when it has it (one indexed SELECT), else computed."""
    found, value = _stored(name, url, version, args, kwargs)
    if found:
        return value
    return _QUERIES[name](_engine(url), *args, **dict(kwargs))


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _keyed_answer(
    *,
    key: str,
    _name: str,
    _url: str,
    _version: int,
    _args: tuple[Any, ...],
    _kwargs: tuple[tuple[str, Any], ...],
) -> Any:
    """`_answer`, cached on `key` alone, which fixes every argument left out of the hash (`_`)."""
    return _answer(_name, _url, _version, _args, _kwargs)


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _hashed_answer(
    name: str, url: str, version: int, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> Any:
    """`_answer`, cached on Streamlit's hash of every argument."""
    return _answer(name, url, version, args, kwargs)


def _cached_call(
    name: str, url: str, version: int, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> Any:
    """A `cached` query's answer from `st.cache_data`, keyed on the store's key when it has one.

    Streamlit hashes a frozen dataclass or a frozenset argument in 0.3-0.6 ms
    (its generic path), and a page asks for 5-16 answers per rerun, warm or
    not. The store's key (`answers.answer_key`: every argument in a typed,
    canonical encoding, so equal keys mean equal arguments) costs a tenth of
    that; Streamlit then hashes one string, passed by keyword (for each
    positional argument it works out the function's signature again).
    Arguments the key cannot encode are hashed by Streamlit as before.
    """
    try:
        key = f"{answers.answer_key(name, args, kwargs)} {version} {url}"
    except answers.AnswerCodecError:
        return _hashed_answer(name, url, version, args, kwargs)
    return _keyed_answer(
        key=key, _name=name, _url=url, _version=version, _args=args, _kwargs=kwargs
    )


_shared: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
_shared_lock = threading.Lock()


def _shared_call(
    name: str, url: str, version: int, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> Any:
    """A `shared` query's answer from the process's dict; on a miss from the store or computed."""
    key = (name, url, version, args, kwargs)
    now = time.monotonic()
    with _shared_lock:
        hit = _shared.get(key)
        if hit is not None and now < hit[0]:
            _shared.move_to_end(key)
            return hit[1]
    found, value = _stored(name, url, version, args, kwargs)
    if not found:
        value = _QUERIES[name](_engine(url), *args, **dict(kwargs))
    with _shared_lock:
        _shared[key] = (now + CACHE_TTL_SECONDS, value)
        while len(_shared) > SHARED_MAX_ENTRIES:
            _shared.popitem(last=False)
    return value


def shared(query: Callable[Concatenate[Engine, P], R]) -> Callable[P, R]:
    """Like `cached`, for the shell's small answers that every rerun asks for.

    The demo users, programmes, districts and the newest load are read on
    every rerun of every page. Kept in a plain per-process dict (bounded,
    expiring like `cached`, keyed on the data version) they cost a lookup,
    not Streamlit's argument hashing and copy of the answer. The answers are
    shared between sessions, so they must be immutable (frozen dataclasses,
    dates, None); a list comes back as a fresh list of them.
    """
    name = f"{query.__module__}.{query.__qualname__}"
    _QUERIES[name] = query

    @wraps(query)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        url = database_url()
        value = _shared_call(name, url, _data_version(url), args, tuple(sorted(kwargs.items())))
        if isinstance(value, list):
            value = list(value)
        result: R = value
        return result

    return call


def clear_caches() -> None:
    """Forget every cached answer of this process (a benchmark's cold render)."""
    st.cache_data.clear()
    with _shared_lock:
        _shared.clear()
    _versions.clear()
    _schema_checked.clear()
    _store_ready.clear()


def cached(query: Callable[Concatenate[Engine, P], R]) -> Callable[P, R]:
    """Wrap a data_access query `f(engine, ...)` as a cached `f(...)` for pages."""
    name = f"{query.__module__}.{query.__qualname__}"
    _QUERIES[name] = query

    @wraps(query)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        url = database_url()
        result: R = _cached_call(
            name,
            url,
            _data_version(url),
            tuple(_without_caller(a) for a in args),
            tuple(sorted((k, _without_caller(v)) for k, v in kwargs.items())),
        )
        return result

    return call


def _without_caller(argument: Any) -> Any:
    """A query argument with the caller's email left out (`Scope.rights`): one entry per right."""
    if isinstance(argument, QueryContext):
        return replace(argument, scope=argument.scope.rights())
    if isinstance(argument, Scope):
        return argument.rights()
    return argument


class Pending(Generic[R]):
    """A query running on its own thread (see `start`); `result()` waits for it."""

    def __init__(self, query: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> None:
        self._value: R | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(query, args, kwargs), name="dashboard-query", daemon=True
        )
        context = get_script_run_ctx(suppress_warning=True)
        if context is not None:
            # The script's run context lets `st.cache_data` serve and fill the
            # same cache from this thread as from the script's own.
            add_script_run_ctx(self._thread, context)
        self._thread.start()

    def _run(self, query: Callable[..., R], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            self._value = query(*args, **kwargs)
        except BaseException as error:  # handed to the script by result()
            self._error = error

    def result(self) -> R:
        """The query's result; its exception is raised here, in the script's thread."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def start(query: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> Pending[R]:
    """Start a `cached` query now and collect it later with `.result()`.

    A page's queries do not depend on each other, and the database answers
    two of them at once on a server with two or more cores (SQLite and the
    PostgreSQL driver release Python's lock while a query runs). Started
    together, a page waits for its slowest query instead of their sum; a
    database error still reaches the page's `database_guard` from `result()`.
    """
    return Pending(query, *args, **kwargs)
