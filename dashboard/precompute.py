"""`python -m dashboard precompute`: the answers every replica would compute alike, stored once.

Run by the owner after a load. The pages themselves say which queries to
ask: each page is rendered in AppTest as the users whose answers all users
of their rights class share (the first admin, steering member and viewer,
and the first department head of each department; never per coordinator,
whose answers are their own), for each programme on its default report date
(the one a user sees first) and the quarter ends of the two years before it,
for the whole programme and for each district with families in it (the
sidebar's district filter offers exactly those; `districts=False` keeps to
the whole programme). Every `cached` and `shared` query of `data_access`
they make is recorded with its arguments and answer; answers that the codec
cannot give back exactly are left out and counted. Then the store is
replaced in one transaction (`answer_store.write_answers`).

Bounded: programmes x (1 + up to 8 dates) x (1 + the programme's districts)
x (3 + departments) users x the pages each may open. On the demo that is 3
programmes with 0, 2 and 10 districts: with four quarter ends 2 925 page
views (585 without the districts), with eight 5 148; at scale 1000 on
PostgreSQL 12 020 answers, 47 MB, 25 minutes on a shared 2-core machine
(docs/benchmarks.md).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

from streamlit.testing.v1 import AppTest

from dashboard import data as dashboard_data
from dashboard.filters import default_as_of
from dashboard.navigation import PAGES
from data_access.db.engine import make_engine
from data_access.queries import answer_store, answers, programmes, reference
from data_access.rules.access import ADMIN, DEPARTMENT_HEAD, STEERING, VIEWER, Scope
from data_access.rules.calendar import quarter_end_before

APP: Final = Path(__file__).resolve().parent / "app.py"
#: Quarter ends before the default report date that are precomputed too: two
#: years of the steering group's quarterly meetings. With four, a 250-user
#: load at scale 1000 left PostgreSQL aggregating live for every older quarter
#: a user opened, in each replica (docs/benchmarks.md, 7 December 03.00 UTC).
QUARTERS_BACK: Final = 8
#: Seconds AppTest waits for one run (a city-sized database is slow when cold).
RUN_TIMEOUT: Final = 600.0


@dataclass
class PrecomputeResult:
    """What a precompute stored, left out and took."""

    data_version: int
    answers: int = 0
    bytes: int = 0
    seconds: float = 0.0
    views: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        line = (
            f"{self.answers} answers, {self.bytes} bytes, {self.seconds:.1f} s"
            f" ({self.views} page views, data version {self.data_version})"
        )
        if self.rejected:
            left = ", ".join(f"{name} x{count}" for name, count in sorted(self.rejected.items()))
            line += f"; not stored (no exact round trip): {left}"
        return line


def representatives(users: Sequence[Scope]) -> list[Scope]:
    """One user per rights class whose answers all its users share; no coordinators."""
    chosen: dict[tuple[str, str | None], Scope] = {}
    for user in users:
        if user.role in (ADMIN, STEERING, VIEWER):
            chosen.setdefault((user.role, None), user)
        elif user.role == DEPARTMENT_HEAD:
            chosen.setdefault((user.role, user.department_id), user)
    return list(chosen.values())


def report_dates(starts_on: date, default: date, back: int = QUARTERS_BACK) -> list[date]:
    """The default report date, then up to `back` quarter ends before it, none before the start."""
    dates = [default]
    day = default
    for _ in range(back):
        day = quarter_end_before(day)
        if day < starts_on:
            break
        dates.append(day)
    return dates


@contextmanager
def scratch_app_environment(url: str, settings: Mapping[str, str]) -> Iterator[None]:
    """The app in this process on `url` with `settings`, its access log in a scratch file.

    For renders in AppTest that are not a user's (precompute, the page
    benchmark): the pages that show pseudonyms write the log, which must
    not land in the real one. Every `DASHBOARD_*` variable is as before
    afterwards, including those changed inside the block.
    """
    before = {name: value for name, value in os.environ.items() if name.startswith("DASHBOARD_")}
    with tempfile.TemporaryDirectory(prefix="dashboard-scratch-") as scratch:
        os.environ.update(
            settings,
            DASHBOARD_DATABASE_URL=url,
            DASHBOARD_AUDIT_URL=f"sqlite:///{Path(scratch) / 'audit.sqlite'}",
        )
        try:
            yield
        finally:
            for name in [n for n in os.environ if n.startswith("DASHBOARD_")]:
                del os.environ[name]
            os.environ.update(before)


#: `dashboard.data`'s calls of `cached` and `shared` queries: both read the store on a miss.
WRAPPED: Final = ("_cached_call", "_shared_call")
#: Streamlit's loggers that warn on every AppTest run that no server is running.
BARE_MODE_LOGGERS: Final = (
    "streamlit.runtime.scriptrunner_utils.script_run_context",
    "streamlit.runtime.caching.cache_data_api",
)


@contextmanager
def _quiet_bare_mode() -> Iterator[None]:
    """Silence the bare-mode warnings for the many renders (AppTest resets log levels)."""
    loggers = [logging.getLogger(name) for name in BARE_MODE_LOGGERS]
    before = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, disabled in zip(loggers, before, strict=True):
            logger.disabled = disabled


class _Recorder:
    """Wraps `dashboard.data`'s query calls: encodes each answer the pages get, once per key."""

    def __init__(self, version: int, result: PrecomputeResult) -> None:
        self.version = version
        self.result = result
        self.stored: dict[str, answer_store.StoredAnswer] = {}
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def record(
            name: str,
            url: str,
            version: int,
            args: tuple[Any, ...],
            kwargs: tuple[tuple[str, Any], ...],
        ) -> Any:
            value = original(name, url, version, args, kwargs)
            if version == self.version and name.startswith(dashboard_data.STORED_PREFIX):
                self.add(name, args, kwargs, value)
            return value

        return record

    def add(
        self, name: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...], value: Any
    ) -> None:
        try:
            key = answers.answer_key(name, args, kwargs)
        except answers.AnswerCodecError:
            with self.lock:
                self.result.rejected[name] += 1
            return
        with self.lock:
            if key in self.seen:
                return
            self.seen.add(key)
        payload = answers.round_trip(value)
        with self.lock:
            if payload is None:
                self.result.rejected[name] += 1
            else:
                self.stored[key] = answer_store.StoredAnswer(key, name, payload)


def _render(
    user: Scope, programme_id: str, day: date, district_id: str | None, result: PrecomputeResult
) -> None:
    """Every page `user` may open, for `programme_id` on `day` (in one district), in one session."""
    os.environ["DASHBOARD_DEMO_USER"] = user.email
    app = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    app.query_params["programme"] = programme_id
    app.query_params["as_of"] = day.isoformat()
    if district_id is not None:
        app.query_params["district"] = district_id
    app.run()
    for spec in PAGES:
        if not spec.allows(user.role):
            continue
        app.switch_page(str(spec.path))
        app.run()
        result.views += 1
        for problem in [*app.exception, *app.error]:
            where = f"{programme_id} {district_id or '-'} {day}"
            result.errors.append(f"{spec.key} {user.role} {where}: {problem.value}")


@dataclass(frozen=True)
class Plan:
    """What one programme is rendered for: its report dates and district filters."""

    programme_id: str
    dates: list[date]
    #: None = the whole programme, then each district with families in it
    districts: list[str | None]

    def views(self) -> Iterator[tuple[date, str | None]]:
        for day in self.dates:
            for district_id in self.districts:
                yield day, district_id


def precompute(
    url: str,
    dates: Sequence[date] | None = None,
    *,
    districts: bool = True,
    quarters_back: int | None = None,
) -> PrecomputeResult:
    """Render the pages, record their answers and replace the store of `url` (see module doc).

    Without `dates`, each programme's default date and `quarters_back`
    (default QUARTERS_BACK) quarter ends before it.
    """
    started = time.perf_counter()
    engine = make_engine(url)
    try:
        version = reference.data_version(engine)
        result = PrecomputeResult(data_version=version)
        users = representatives(reference.list_users(engine))
        latest = programmes.data_as_of(engine)
        plans = [
            Plan(
                programme.programme_id,
                list(dates or ())
                or report_dates(
                    programme.starts_on,
                    default_as_of(programme.starts_on, programme.ends_on, latest),
                    QUARTERS_BACK if quarters_back is None else quarters_back,
                ),
                [
                    None,
                    *(
                        d.district_id
                        for d in (
                            reference.list_districts(engine, programme.programme_id)
                            if districts
                            else ()
                        )
                    ),
                ],
            )
            for programme in programmes.list_programmes(engine)
        ]
        recorder = _Recorder(version, result)
        originals = {name: getattr(dashboard_data, name) for name in WRAPPED}
        with _quiet_bare_mode():
            dashboard_data.clear_caches()
            for name, original in originals.items():
                setattr(dashboard_data, name, recorder.wrap(original))
            try:
                # Demo mode to pick the representatives; computing, not reading the store.
                with scratch_app_environment(
                    url, {"DASHBOARD_DEMO": "1", "DASHBOARD_PRECOMPUTED": "0"}
                ):
                    for plan in plans:
                        for day, district_id in plan.views():
                            for user in users:
                                _render(user, plan.programme_id, day, district_id, result)
            finally:
                for name, original in originals.items():
                    setattr(dashboard_data, name, original)
                dashboard_data.clear_caches()
        if reference.data_version(engine) != version:
            result.errors.append("a load finished during the precompute: nothing stored")
        else:
            result.bytes = answer_store.write_answers(engine, version, recorder.stored.values())
            result.answers = len(recorder.stored)
    finally:
        engine.dispose()
    result.seconds = time.perf_counter() - started
    return result
