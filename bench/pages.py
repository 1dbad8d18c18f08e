"""`python -m bench.pages`: how fast every page is on a demo database of scale N.

The benchmark makes (or reuses) the scale-N demo database, times the loader
when it builds it, then for every page measures in AppTest the cold render,
a report-date change and a warm rerun (medians), the page's SQL alone and the
process's peak memory; and it times the obvious alternative, reading the
tables into pandas, against the SQL for the overview's figures. Targets are
reported, never enforced: the numbers depend on the machine and its load.

Each page runs in a fresh process (`isolate=True`), so one page's memory or
warm caches never flatter the next and the peak memory is that page's own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Final, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bench.page_timing import PageTiming, bench_page, peak_rss_mb
from bench.pandas_alternative import Comparison, compare
from dashboard.navigation import PAGES
from data_access.db.engine import default_database_url

T = TypeVar("T")

#: The page whose warm rerun stands for "an empty page": the shell, no page queries.
EMPTY_PAGE: Final = "begreber"
DEMO_BUNDLE: Final = "demodata (skala {scale})"


@dataclass(frozen=True)
class Targets:
    """The issue's targets for scale 1000 on a 2-core machine (reported, not enforced)."""

    cold_s: float = 2.0
    date_change_s: float = 1.0
    warm_s: float = 0.3
    peak_mb: float = 600.0
    #: cold <= this x (SQL + empty page render)
    overhead: float = 1.5


TARGETS: Final = Targets()


@dataclass(frozen=True)
class LoaderTiming:
    """The demo build and the load of its bundle through the loader (validated, one transaction)."""

    build_s: float
    load_s: float
    rows: int
    peak_mb: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.load_s if self.load_s else 0.0


@dataclass(frozen=True)
class PageRow:
    """One page's timings plus the derived ratios and the targets it misses."""

    timing: PageTiming
    page_sql_ratio: float
    overhead_ratio: float
    misses: tuple[str, ...]


@dataclass
class BenchResult:
    """Everything one benchmark run measured on one database."""

    scale: int
    backend: str
    database: str
    started_at: str
    machine: dict[str, Any]
    runs: int
    loader: LoaderTiming | None
    empty_page_s: float
    programme: str = ""
    as_of: str = ""
    #: Whether cold renders could read precomputed answers (store filled and not switched off).
    precomputed: bool = False
    #: `python -m dashboard precompute`'s summary when this run filled the store.
    precompute: str = ""
    pages: list[PageRow] = field(default_factory=list)
    pandas: Comparison | None = None
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """Plain JSON: the timings, the ratios and the machine they were measured on."""
        data = asdict(self)
        data["targets"] = asdict(TARGETS)
        if self.loader is not None:
            data["loader"]["rows_per_s"] = self.loader.rows_per_s
        if self.pandas is not None:
            data["pandas"]["ratio"] = self.pandas.ratio
        data["pages"] = [
            {
                **asdict(row.timing),
                "page_sql_ratio": row.page_sql_ratio,
                "overhead_ratio": row.overhead_ratio,
                "misses": list(row.misses),
            }
            for row in self.pages
        ]
        return data


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def _server_version(url: str) -> str:
    if make_url(url).get_backend_name() == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    from data_access.db.engine import make_engine

    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as connection:
            return f"PostgreSQL {connection.execute(text('SHOW server_version')).scalar()}"
    finally:
        engine.dispose()


#: Additions in the CPU reference loop (0.1-0.2 s on the machines measured here).
CPU_LOOP: Final = 2_000_000


def cpu_reference_ms(repeats: int = 5) -> float:
    """Milliseconds for a fixed pure-Python loop, the fastest of `repeats`.

    The same model name can be a faster or slower host from one day to the
    next (seen here: a factor of two), so each run records how fast this
    machine runs Python right now; runs are comparable in proportion to it.
    """
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        total = 0
        for number in range(CPU_LOOP):
            total += number
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def machine_info(url: str) -> dict[str, Any]:
    """What the numbers depend on: CPUs, their speed now, memory, load, versions, the server."""
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "cpu_reference_ms": cpu_reference_ms(),
        "memory_gb": _memory_gb(),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "python": platform.python_version(),
        "streamlit": _version("streamlit"),
        "sqlalchemy": _version("sqlalchemy"),
        "pandas": _version("pandas"),
        "plotly": _version("plotly"),
        "database_server": _server_version(url),
    }


def _in_child(isolate: bool, function: Callable[..., T], *args: Any) -> T:
    """Run `function(*args)` in a fresh spawned process (or here when not isolating)."""
    if not isolate:
        return function(*args)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def existing_demo_scale(url: str) -> int | None:
    """The scale of the demo the database's newest load holds, None if not a current demo."""
    from data_access.db.engine import make_engine
    from data_access.db.migrate import schema_is_current
    from data_access.queries import reference

    engine = make_engine(url, read_only=True)
    try:
        if not schema_is_current(engine):
            return None
        load = reference.latest_load(engine)
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()
    if load is None or not load.is_demo:
        return None
    found = re.fullmatch(r"demodata \(skala (\d+)\)", load.bundle_name)
    return int(found.group(1)) if found else None


def load_demo(url: str, scale: int) -> LoaderTiming:
    """Build the scale-`scale` demo bundle and load it into `url`, timing both."""
    from data_access.bundle.loader import load_frames
    from data_access.demo.bundle import build_demo_bundle

    started = time.perf_counter()
    bundle = build_demo_bundle(scale)
    build_s = time.perf_counter() - started
    rows = sum(len(frame) for frame in bundle.values())
    started = time.perf_counter()
    load_frames(
        bundle, url, bundle_name=DEMO_BUNDLE.format(scale=scale), is_demo=True, consume=True
    )
    load_s = time.perf_counter() - started
    return LoaderTiming(build_s=build_s, load_s=load_s, rows=rows, peak_mb=peak_rss_mb())


def precompute_answers(url: str) -> str:
    """Fill the store of precomputed answers as `make demo` does; its one-line summary."""
    from dashboard.precompute import precompute

    return precompute(url).summary()


def store_in_use(url: str) -> bool:
    """True when cold renders may read precomputed answers for the database's newest load."""
    from dashboard.data import precomputed_enabled
    from data_access.db.engine import make_engine
    from data_access.queries import answer_store, reference

    if not precomputed_enabled():
        return False
    engine = make_engine(url, read_only=True)
    try:
        return answer_store.has_answers(engine, reference.data_version(engine))
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def default_view(url: str) -> tuple[str, date]:
    """The programme and report date a first visit shows (the pages are timed on these)."""
    from dashboard.filters import default_as_of
    from data_access.db.engine import make_engine
    from data_access.queries.programmes import data_as_of, list_programmes

    engine = make_engine(url, read_only=True)
    try:
        programme = list_programmes(engine)[0]
        as_of = default_as_of(programme.starts_on, programme.ends_on, data_as_of(engine))
        return programme.programme_id, as_of
    finally:
        engine.dispose()


def compare_with_pandas(url: str) -> Comparison:
    """The pandas alternative against SQL, on the default programme and report date."""
    from data_access.db.engine import make_engine

    programme_id, as_of = default_view(url)
    engine = make_engine(url, read_only=True)
    try:
        return compare(engine, programme_id, as_of)
    finally:
        engine.dispose()


def _row(timing: PageTiming, empty_s: float) -> PageRow:
    floor = timing.sql_s + empty_s
    misses = [
        name
        for name, missed in (
            ("cold", timing.cold_s > TARGETS.cold_s),
            ("date", timing.date_change_s > TARGETS.date_change_s),
            ("warm", timing.warm_s > TARGETS.warm_s),
            ("memory", timing.peak_mb > TARGETS.peak_mb),
            ("overhead", timing.cold_s > TARGETS.overhead * floor),
            ("errors", bool(timing.errors)),
        )
        if missed
    ]
    return PageRow(
        timing=timing,
        page_sql_ratio=timing.cold_s / timing.sql_s if timing.sql_s else float("inf"),
        overhead_ratio=timing.cold_s / floor if floor else float("inf"),
        misses=tuple(misses),
    )


def run_bench(
    url: str,
    scale: int,
    *,
    runs: int = 5,
    pages: Sequence[str] | None = None,
    isolate: bool = True,
    rebuild: bool = False,
    with_pandas: bool = True,
    precompute: bool = True,
    progress: Callable[[str], None] = lambda _line: None,
) -> BenchResult:
    """Make or reuse the scale-`scale` demo on `url`, then time every page (see module doc).

    A new demo is precomputed as `make demo` does (unless `precompute` is
    False); `DASHBOARD_PRECOMPUTED=0` times cold renders without the store.
    """
    started = time.perf_counter()
    keys = list(pages) if pages else [spec.key for spec in PAGES]
    loader = None
    stored = ""
    if rebuild or existing_demo_scale(url) != scale:
        progress(f"building and loading the scale-{scale} demo into the database ...")
        loader = _in_child(isolate, load_demo, url, scale)
        progress(f"loaded {loader.rows} rows in {loader.load_s:.1f} s")
        if precompute:
            progress("precomputing the answers every app process would compute alike ...")
            stored = _in_child(isolate, precompute_answers, url)
            progress(f"precomputed: {stored}")
    result = BenchResult(
        scale=scale,
        backend=make_url(url).get_backend_name(),
        database=make_url(url).render_as_string(hide_password=True),
        started_at=datetime.now().isoformat(timespec="seconds"),
        machine=machine_info(url),
        runs=runs,
        loader=loader,
        empty_page_s=0.0,
        precomputed=store_in_use(url),
        precompute=stored,
    )
    programme_id, as_of = default_view(url)
    result.programme, result.as_of = programme_id, as_of.isoformat()
    timings: dict[str, PageTiming] = {}
    for key in dict.fromkeys([EMPTY_PAGE, *keys]):
        progress(f"page {key} ...")
        timing = timings[key] = _in_child(isolate, bench_page, url, key, runs)
        progress(
            f"  {key}: cold {_ms(timing.cold_s)} ms, date {_ms(timing.date_change_s)} ms,"
            f" warm {_ms(timing.warm_s)} ms, SQL {_ms(timing.sql_s)} ms,"
            f" peak {timing.peak_mb:.0f} MB, errors {len(timing.errors)}"
        )
        if timing.slowest:
            name, seconds = timing.slowest[0]
            progress(f"  slowest query: {name} {_ms(seconds)} ms")
    result.empty_page_s = timings[EMPTY_PAGE].warm_s
    result.pages = [_row(timings[key], result.empty_page_s) for key in keys]
    if with_pandas:
        progress("pandas alternative ...")
        result.pandas = _in_child(isolate, compare_with_pandas, url)
    result.machine["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    result.machine["cpu_reference_ms_after"] = cpu_reference_ms()
    result.seconds = time.perf_counter() - started
    return result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


HEADER: Final = (
    "page",
    "cold ms",
    "date ms",
    "warm ms",
    "SQL ms",
    "queries",
    "page/SQL",
    "cold/(SQL+empty)",
    "peak MB",
    "misses",
)


def table_rows(result: BenchResult) -> list[tuple[str, ...]]:
    """The table's cells, header first: one line per page, times in milliseconds."""
    lines: list[tuple[str, ...]] = [HEADER]
    for row in result.pages:
        t = row.timing
        lines.append(
            (
                t.page,
                _ms(t.cold_s),
                _ms(t.date_change_s),
                _ms(t.warm_s),
                _ms(t.sql_s),
                str(t.queries),
                f"{row.page_sql_ratio:.1f}",
                f"{row.overhead_ratio:.2f}",
                f"{t.peak_mb:.0f}",
                ",".join(row.misses) or "-",
            )
        )
    return lines


def markdown_table(result: BenchResult) -> str:
    """The page table as Markdown (docs/benchmarks.md takes it as printed)."""
    rows = table_rows(result)
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    out += ["| " + " | ".join(cells) + " |" for cells in rows[1:]]
    return "\n".join(out)


def summary_lines(result: BenchResult) -> list[str]:
    """The run's context and the loader and pandas lines under the table."""
    m = result.machine
    lines = [
        f"scale {result.scale} on {m['database_server']} ({result.backend}), {result.runs} runs,"
        f" {result.started_at}; programme {result.programme} on {result.as_of}",
        f"machine: {m['nproc']} cores, {m['memory_gb']} GB, {m['cpu']};"
        f" load average {m['load_average']} -> {m.get('load_average_after')};"
        f" CPU reference {m['cpu_reference_ms']} -> {m.get('cpu_reference_ms_after')} ms"
        f" ({CPU_LOOP:,} Python additions)",
        f"empty page (warm {EMPTY_PAGE}): {_ms(result.empty_page_s)} ms",
        "cold renders "
        + ("read precomputed answers" if result.precomputed else "compute every answer")
        + (f" (precomputed: {result.precompute})" if result.precompute else ""),
    ]
    if result.loader is None:
        lines.append("loader: database reused (run with --rebuild to time the loader)")
    else:
        lo = result.loader
        lines.append(
            f"loader: {lo.rows} rows in {lo.load_s:.1f} s = {lo.rows_per_s:,.0f} rows/s"
            f" (demo build {lo.build_s:.1f} s), peak {lo.peak_mb:.0f} MB"
        )
    if result.pandas is not None:
        p = result.pandas
        lines.append(
            f"pandas alternative (overview figures): {p.pandas_s * 1000:.0f} ms"
            f" (read {p.rows_read} rows in {p.read_s * 1000:.0f} ms) vs SQL {p.sql_s * 1000:.0f} ms"
            f" = {p.ratio:.1f}x; results agree: {'yes' if p.agrees else 'NO'}"
        )
    for row in result.pages:
        if row.timing.slowest:
            named = ", ".join(f"{name} {_ms(s)} ms" for name, s in row.timing.slowest)
            lines.append(f"slowest queries of {row.timing.page}: {named}")
    lines.append(f"benchmark took {result.seconds:.0f} s")
    return lines


def write_json(result: BenchResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.as_json(), indent=2, default=str) + "\n", encoding="utf-8")


def report(result: BenchResult) -> str:
    """The printed report: the table, then the summary lines."""
    return "\n".join([markdown_table(result), "", *summary_lines(result)])


def _bench(args: argparse.Namespace) -> int:
    pages = [key.strip() for key in args.pages.split(",") if key.strip()] if args.pages else None
    result = run_bench(
        args.database_url or default_database_url(),
        args.scale,
        runs=args.runs,
        pages=pages,
        isolate=not args.no_isolate,
        rebuild=args.rebuild,
        precompute=not args.no_precompute,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(report(result))
    if args.json:
        write_json(result, Path(args.json))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line of the page benchmark."""
    bench = argparse.ArgumentParser(
        prog="python -m bench.pages",
        description="time every page on a demo database of scale N (see docs/benchmarks.md)",
    )
    bench.add_argument("--scale", type=int, required=True, help="demo scale, e.g. 1, 100, 1000")
    bench.add_argument("--database-url", default=None, help="default: DASHBOARD_DATABASE_URL")
    bench.add_argument("--json", default=None, help="also write the results to this JSON file")
    bench.add_argument("--runs", type=int, default=5, help="repetitions per measure (median)")
    bench.add_argument("--pages", default=None, help="comma-separated page keys (default: all)")
    bench.add_argument("--rebuild", action="store_true", help="reload the demo even if present")
    bench.add_argument(
        "--no-precompute",
        action="store_true",
        help="do not precompute a newly loaded demo (DASHBOARD_PRECOMPUTED=0 ignores the store)",
    )
    bench.add_argument(
        "--no-isolate", action="store_true", help="run pages in this process (faster, less exact)"
    )
    return bench


def main(argv: Sequence[str] | None = None) -> int:
    return _bench(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
