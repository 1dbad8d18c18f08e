"""The dashboard's command line: `python -m dashboard report|freeze|bench ...`.

`report` writes the steering group's quarterly report as PDF or XLSX from
the same code path as the overview page's download button. Exit 0 on
success, 2 on a usage error (bad quarter, unknown programme, bad option).
`freeze` stores a quarter's report figures as the system (admin) user;
exit 1 when refused (already frozen, unknown quarter), with the reason.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def _report(args: argparse.Namespace) -> int:
    from dashboard.report import render_report
    from dashboard.report.content import ReportError, build_report, parse_quarter
    from data_access.db import default_database_url, make_engine
    from data_access.quarters import app_url_for

    try:
        quarter = parse_quarter(args.quarter)
    except ReportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    url = args.database_url or default_database_url()
    engine = make_engine(url, read_only=True)
    try:
        content = build_report(engine, args.programme, quarter, app_url=app_url_for(url))
    except ReportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    data = render_report(content, args.format, args.lang)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"{out}: {args.format} report for {args.programme}, {quarter.code} ({len(data)} bytes)")
    return 0


def _freeze(args: argparse.Namespace) -> int:
    from data_access.access import SYSTEM
    from data_access.db import default_database_url
    from data_access.quarters import QuarterError, freeze_quarter

    url = args.database_url or default_database_url()
    try:
        frozen = freeze_quarter(url, args.programme, args.quarter, SYSTEM)
    except QuarterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{frozen.programme_id} {frozen.quarter} frozen from load {frozen.load_id}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from dashboard.bench import report, run_bench, write_json
    from data_access.db import default_database_url

    pages = [key.strip() for key in args.pages.split(",") if key.strip()] if args.pages else None
    result = run_bench(
        args.database_url or default_database_url(),
        args.scale,
        runs=args.runs,
        pages=pages,
        isolate=not args.no_isolate,
        rebuild=args.rebuild,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(report(result))
    if args.json:
        write_json(result, Path(args.json))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; subcommands register themselves here."""
    parser = argparse.ArgumentParser(prog="python -m dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser(
        "report", help="write the quarterly report to the steering group (PDF or XLSX)"
    )
    report.add_argument("--programme", required=True, help="programme_id, e.g. interventionsteam")
    report.add_argument("--quarter", required=True, help="quarter, e.g. 2011Q2")
    report.add_argument("--format", required=True, choices=("pdf", "xlsx"))
    report.add_argument("--out", required=True, help="file to write")
    report.add_argument("--lang", default="da", choices=("da", "en"))
    report.add_argument("--database-url", default=None, help="default: DASHBOARD_DATABASE_URL")
    report.set_defaults(handler=_report)
    freeze = commands.add_parser(
        "freeze", help="freeze a quarter's report figures (later loads do not change them)"
    )
    freeze.add_argument("--programme", required=True, help="programme_id, e.g. interventionsteam")
    freeze.add_argument("--quarter", required=True, help="quarter, e.g. 2011Q2")
    freeze.add_argument("--database-url", default=None, help="default: DASHBOARD_DATABASE_URL")
    freeze.set_defaults(handler=_freeze)
    bench = commands.add_parser(
        "bench", help="time every page on a demo database of scale N (see docs/benchmarks.md)"
    )
    bench.add_argument("--scale", type=int, required=True, help="demo scale, e.g. 1, 100, 1000")
    bench.add_argument("--database-url", default=None, help="default: DASHBOARD_DATABASE_URL")
    bench.add_argument("--json", default=None, help="also write the results to this JSON file")
    bench.add_argument("--runs", type=int, default=5, help="repetitions per measure (median)")
    bench.add_argument("--pages", default=None, help="comma-separated page keys (default: all)")
    bench.add_argument("--rebuild", action="store_true", help="reload the demo even if present")
    bench.add_argument(
        "--no-isolate", action="store_true", help="run pages in this process (faster, less exact)"
    )
    bench.set_defaults(handler=_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
