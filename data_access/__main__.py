"""Command line: `python -m data_access load|migrate|demo|roles|prune-log` (interface.md).

Exit codes are part of the outside interface: 0 done, 1 bundle refused (or
the load failed and was rolled back), 2 usage error.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from data_access.appstate.migrate import audit_url, migrate_app
from data_access.bundle.reader import BundleRejected
from data_access.db.engine import default_database_url, url_problem
from data_access.db.migrate import migrate

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2

BUNDLE_SUFFIXES = (".zip", ".xlsx", ".xlsm")
#: `roles`: a role's password from the environment (a container secret), when set.
PASSWORD_VARIABLES = {
    "owner": "DASHBOARD_OWNER_PASSWORD",
    "reader": "DASHBOARD_READER_PASSWORD",
    "writer": "DASHBOARD_WRITER_PASSWORD",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    url: str = args.database_url or default_database_url()
    # migrate and roles also write the app's own database.
    app_url = getattr(args, "app_database_url", None)
    if app_url is None and args.command in ("migrate", "roles"):
        app_url = os.environ.get("DASHBOARD_AUDIT_URL")
    for given in (url, app_url):
        problem = url_problem(given) if given else ""
        if problem:
            parser.error(problem)
    if args.command == "load":
        bundle = Path(args.bundle)
        if not bundle.exists():
            parser.error(f"bundle not found: {bundle}")
        if not bundle.is_dir() and bundle.suffix.lower() not in BUNDLE_SUFFIXES:
            parser.error(f"bundle must be a folder, a .zip or an .xlsx file: {bundle}")
        return _load(bundle, url)
    if args.command == "migrate":
        return _migrate(url, args.app_database_url)
    if args.command == "roles":
        return _roles(url, args.app_database_url, args.prefix, args.passwords)
    if args.command == "prune-log":
        return _prune_log(args.app_database_url or audit_url(), args.keep_months)
    return _demo(url, args.scale)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m data_access",
        description="Load, migrate or create the dashboard's reporting database.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    url_help = (
        "SQLAlchemy URL of the reporting database "
        "(default: DASHBOARD_DATABASE_URL, else the demo SQLite file)"
    )
    load = commands.add_parser("load", help="validate a bundle and load it in one transaction")
    load.add_argument("bundle", metavar="BUNDLE", help="bundle folder, .zip or .xlsx")
    load.add_argument("--database-url", metavar="URL", help=url_help)
    app_help = (
        "SQLAlchemy URL of the app's own database (log, remarks, decisions; "
        "default: DASHBOARD_AUDIT_URL, else the reporting database)"
    )
    migrate_cmd = commands.add_parser(
        "migrate", help="bring both schemas (reporting and the app's own) to the newest version"
    )
    migrate_cmd.add_argument("--database-url", metavar="URL", help=url_help + "; as the owner")
    migrate_cmd.add_argument("--app-database-url", metavar="URL", help=app_help)
    roles = commands.add_parser(
        "roles",
        help="create or update the PostgreSQL owner, reader and writer roles and their grants",
    )
    roles.add_argument(
        "--database-url",
        metavar="OWNER_URL",
        help="reporting database, connected as a superuser (or CREATEROLE member of the owner)",
    )
    roles.add_argument("--app-database-url", metavar="URL", help=app_help)
    roles.add_argument(
        "--prefix", default="dashboard_", help="role name prefix (default: dashboard_)"
    )
    roles.add_argument(
        "--passwords",
        action="store_true",
        help="give each role a new random password and print it in its URL",
    )
    prune = commands.add_parser(
        "prune-log",
        help="delete access-log rows older than the retention period, as the table's owner",
    )
    prune.add_argument(
        "--keep-months",
        type=_positive_int,
        required=True,
        metavar="N",
        help="keep the rows of the last N calendar months (the data protection officer's period)",
    )
    prune.add_argument(
        "--app-database-url",
        metavar="URL",
        help=app_help.replace("SQLAlchemy URL", "SQLAlchemy URL, as the owner,"),
    )
    prune.set_defaults(database_url=None)
    demo = commands.add_parser("demo", help="write the demo database")
    demo.add_argument("--database-url", metavar="URL", help=url_help)
    demo.add_argument(
        "--scale",
        type=_positive_int,
        default=1,
        metavar="N",
        help="N times the pilot's size (default 1)",
    )
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _load(bundle: Path, url: str) -> int:
    from data_access.bundle.loader import load_bundle

    try:
        summary = load_bundle(bundle, url)
    except BundleRejected as refused:
        return _refused(refused)
    except (SQLAlchemyError, OSError, ValueError) as error:
        # The load is one transaction: whatever failed, nothing was written.
        print(f"Load failed: {_one_line(error)}; the database was not changed.", file=sys.stderr)
        return EXIT_REFUSED
    for line in summary.lines():
        print(line)
    return EXIT_OK


def _refused(refused: BundleRejected) -> int:
    """Every problem on its own line, then the verdict, all on stderr."""
    for problem in refused.problems:
        print(problem, file=sys.stderr)
    count = len(refused.problems)
    noun = "problem" if count == 1 else "problems"
    print(f"Bundle refused: {count} {noun}; the database was not changed.", file=sys.stderr)
    return EXIT_REFUSED


def _migrate(url: str, app_url: str | None) -> int:
    """Both schemas: the reporting one and the app's own (log, remarks, decisions)."""
    app = app_url or os.environ.get("DASHBOARD_AUDIT_URL") or url
    try:
        migrate(url)
        migrate_app(app)
    except (SQLAlchemyError, OSError) as error:
        print(f"Migration failed: {_one_line(error)}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"Schema is up to date: {_safe(url)}")
    if app != url:
        print(f"App schema is up to date: {_safe(app)}")
    return EXIT_OK


def _roles(url: str, app_url: str | None, prefix: str, passwords: bool) -> int:
    from data_access.appstate.quarters import app_url_for
    from data_access.appstate.roles import RolesError, setup_roles

    try:
        given = {
            kind: os.environ[variable]
            for kind, variable in PASSWORD_VARIABLES.items()
            if os.environ.get(variable)
        }
        result = setup_roles(
            url, app_url or app_url_for(url), prefix=prefix, passwords=passwords, given=given
        )
    except RolesError as error:
        print(f"Roles refused: {error}", file=sys.stderr)
        return EXIT_USAGE
    except SQLAlchemyError as error:
        print(f"Roles failed: {_one_line(error)}", file=sys.stderr)
        return EXIT_REFUSED
    names = result.names
    print(f"owner  {names.owner}: migrate and load with  {_shown(result.owner_url, passwords)}")
    print(f"reader {names.reader}: DASHBOARD_DATABASE_URL={_shown(result.reader_url, passwords)}")
    print(f"writer {names.writer}: DASHBOARD_AUDIT_URL={_shown(result.writer_url, passwords)}")
    if not result.passwords:
        print("No passwords were set: use --passwords, the DASHBOARD_*_PASSWORD variables,")
        print("or your own authentication (pg_hba).")
    return EXIT_OK


def _shown(url: str, passwords: bool) -> str:
    """A role's URL, with its new password only when one was generated just now."""
    return url if passwords else _safe(url)


def _prune_log(app_url: str, keep_months: int) -> int:
    """Delete the log rows past the period, or nothing; one line either way."""
    from data_access.appstate.access_log import CLI_PREFIX
    from data_access.appstate.retention import prune_access_log

    problem = url_problem(app_url)
    if problem:
        print(f"prune-log: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        pruned = prune_access_log(
            app_url, keep_months=keep_months, by=f"{CLI_PREFIX}{getpass.getuser()}"
        )
    except (SQLAlchemyError, OSError, ValueError) as error:
        print(f"Prune failed: {_one_line(error)}; the log was not changed.", file=sys.stderr)
        return EXIT_REFUSED
    print(
        f"Deleted {pruned.deleted} access-log rows logged before {pruned.cutoff.isoformat()} "
        f"(Copenhagen time) from {_safe(app_url)}; the deletion is logged."
    )
    return EXIT_OK


def _demo(url: str, scale: int) -> int:
    from data_access.demo.bundle import write_demo

    try:
        summary = write_demo(url, scale)
    except BundleRejected as refused:
        return _refused(refused)
    except (SQLAlchemyError, OSError) as error:
        print(f"Demo failed: {_one_line(error)}", file=sys.stderr)
        return EXIT_REFUSED
    for line in summary.lines():
        print(line)
    return EXIT_OK


def _one_line(error: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's background link."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
