"""The dashboard's command line: `python -m dashboard report|freeze ...`.

`report` writes the steering group's quarterly report as PDF or XLSX from
the same code path as the overview page's download button, for `--role`
(default steering); a role the policy refuses the report (`access.may`, as
the button asks) gets exit 1 and a message. The report is logged in the
access log as `cli:<login name>` before the file is written; exit 1 and no
file when the log cannot be written. Exit 0 on success, 2 on a usage error
(bad quarter, unknown programme, bad option).
`freeze` stores a quarter's report figures as the system (admin) user;
exit 1 when refused (already frozen, unknown quarter), with the reason.
`disclosure-audit` plays an attacker with a role's view (docs/disclosure.md):
exit 1 naming each hidden count of 1-4 it can work out, else 0.
`precompute` stores, after a load and as the owner, the answers every app
process would compute alike (`dashboard/precompute.py`); it prints how many
answers, bytes and seconds; exit 1 when a page failed or a load intervened.
Every command: a `--database-url` that cannot name a database is a usage
error (exit 2), and a database that cannot be reached or read is one line
on standard error and exit 1, as `python -m data_access` does, not a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from data_access.rules.access import ROLES


def _report(args: argparse.Namespace) -> int:
    from dashboard.report import render_report
    from dashboard.report.content import ReportError, build_report, parse_quarter
    from data_access.appstate.quarters import app_url_for
    from data_access.db.engine import default_database_url, make_engine
    from data_access.rules.access import REPORT, may

    if not may(args.role, REPORT):
        print(f"error: the role {args.role!r} may not have the quarterly report", file=sys.stderr)
        return 1
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
    try:
        _log_report(app_url_for(url), args.role, args.programme, quarter.last_day, out.name)
    except Exception as error:  # no log row, no file
        print(f"error: the access log could not be written, no report: {error}", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"{out}: {args.format} report for {args.programme}, {quarter.code} ({len(data)} bytes)")
    return 0


def _log_report(app_url: str, role: str, programme_id: str, quarter_last: date, file: str) -> None:
    """Log the command line's report as `cli:<login name>` with `role`; raises when it cannot."""
    from data_access.appstate import access_log as audit

    audit.record_access(
        app_url,
        email=f"{audit.CLI_PREFIX}{getpass.getuser()}",
        role=role,
        page="report",
        action=audit.REPORT,
        programme_id=programme_id,
        report_date=quarter_last,
        file=file,
    )


def _freeze(args: argparse.Namespace) -> int:
    from data_access.appstate.quarters import QuarterError, freeze_quarter
    from data_access.db.engine import default_database_url
    from data_access.rules.access import SYSTEM

    url = args.database_url or default_database_url()
    try:
        frozen = freeze_quarter(url, args.programme, args.quarter, SYSTEM)
    except QuarterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{frozen.programme_id} {frozen.quarter} frozen from load {frozen.load_id}")
    return 0


def _disclosure_audit(args: argparse.Namespace) -> int:
    from dashboard.disclosure_audit import UnknownProgramme, run
    from data_access.db.engine import default_database_url

    url = args.database_url or default_database_url()
    try:
        return run(url, args.role, args.programme, args.every)
    except UnknownProgramme as error:
        # Exit 1 says a hidden count can be worked out; a typo must not read so.
        print(f"error: {error}", file=sys.stderr)
        return 2


def _precompute(args: argparse.Namespace) -> int:
    from dashboard.precompute import precompute
    from data_access.db.engine import default_database_url

    url = args.database_url or default_database_url()
    result = precompute(
        url, args.dates, districts=not args.no_districts, quarters_back=args.quarters_back
    )
    for problem in result.errors:
        print(f"error: {problem}", file=sys.stderr)
    print(result.summary())
    return 1 if result.errors else 0


def _quarters(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = -1
    if count < 0:
        raise argparse.ArgumentTypeError(f"not a number of quarters (0 or more): {text!r}")
    return count


def _positive(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of 1 or more: {text!r}")
    return count


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


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
    report.add_argument(
        "--role", default="steering", choices=ROLES, help="who asks (default: steering)"
    )
    report.add_argument("--database-url", default=None, help="default: DASHBOARD_DATABASE_URL")
    report.set_defaults(handler=_report)
    freeze = commands.add_parser(
        "freeze", help="freeze a quarter's report figures (later loads do not change them)"
    )
    freeze.add_argument("--programme", required=True, help="programme_id, e.g. interventionsteam")
    freeze.add_argument("--quarter", required=True, help="quarter, e.g. 2011Q2")
    freeze.add_argument("--database-url", default=None, help="default: DASHBOARD_DATABASE_URL")
    freeze.set_defaults(handler=_freeze)
    audit = commands.add_parser(
        "disclosure-audit",
        help="play the attacker: can a role work out a hidden count of 1-4 from what it sees?",
    )
    audit.add_argument("--role", required=True, choices=("viewer", "department_head"))
    audit.add_argument("--programme", default=None, help="programme_id (default: every programme)")
    audit.add_argument(
        "--every", type=_positive, default=1, help="report dates: every N-th month end (default 1)"
    )
    audit.add_argument("--database-url", default=None, help="default: DASHBOARD_DATABASE_URL")
    audit.set_defaults(handler=_disclosure_audit)
    precompute = commands.add_parser(
        "precompute",
        help="after a load, as the owner: store the answers every app process would compute alike",
    )
    precompute.add_argument(
        "--database-url", default=None, help="the owner's URL (default: DASHBOARD_DATABASE_URL)"
    )
    precompute.add_argument(
        "--dates",
        nargs="+",
        type=_iso_date,
        default=None,
        help="report dates (default: each programme's default date and the quarter ends before it)",
    )
    precompute.add_argument(
        "--quarters-back",
        type=_quarters,
        default=None,
        help="quarter ends before each default date, without --dates (default: 8, two years)",
    )
    precompute.add_argument(
        "--no-districts",
        action="store_true",
        help="only the whole programme, not each district filter (about a sixth of the time)",
    )
    precompute.set_defaults(handler=_precompute)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from data_access.db.engine import default_database_url, url_problem

    # As `python -m data_access`: the URL every command falls back to is checked too.
    problem = url_problem(args.database_url or default_database_url())
    if problem:
        parser.error(problem)
    handler = args.handler
    try:
        result: int = handler(args)
    except SQLAlchemyError as error:
        print(f"error: the database could not be used: {_one_line(error)}", file=sys.stderr)
        return 1
    return result


def _one_line(error: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's background link or the SQL."""
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
