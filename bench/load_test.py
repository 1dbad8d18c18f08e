"""Many users at once, without browsers: simulated tabs that speak Streamlit's websocket protocol.

    .venv/bin/python -m bench.load_test [--users 25] [--seconds 60] [--url URL] [--json F]
        [--ramp S] [--think 5-15] [--timeout 60] [--roles admin,viewer,...]
        [--server-pid PID ...] [--seed 1] [--no-roles]
        [--database-url URL] [--app SCRIPT] [--server-option NAME=VALUE ...]

Without --url it builds the scale-1 demo database in a temporary folder (or
uses --database-url) and starts one `streamlit run dashboard/app.py` with
DASHBOARD_DEMO=1 and the project's .streamlit/config.toml, on a free port
(--server-option adds Streamlit options; --app with --no-roles measures
another script, e.g. bench/empty_app.py for the cost of an empty page).

Each user (bench/st_client.py) arrives at its own moment spread over the
ramp, opens Oversigt, picks its role in the demo-user picker (widget key
`demo_user`; the roles are dealt out in turn), then every think time
(uniform in --think; 0 = click without pause) changes page (one its role's
navigation offers), report date or district, or now and then programme.
Its wait for a view is rerun sent -> `script_finished`. An exception
element, an error box, a page Streamlit cannot find, a run that does not
finish within --timeout and a dropped connection are errors; a dropped user
reconnects (with its session id, as a browser does) and reopens its page.

The server's CPU and RSS are sampled with psutil from its process tree:
the server the tool started, the --server-pid processes (for `make serve`:
the pid in var/serve/serve.pid covers nginx and every replica), or else the
process listening on the URL's port on this machine. A server elsewhere
cannot be read, and the report says so.

JSON (--json), version 1:
    tool, version, started (UTC ISO), url, server_started_by_tool
    settings: users, seconds, ramp_s, think_s [lo, hi], timeout_s, roles, seed
        (+ app, server_options when the tool started the server)
    machine: nproc, platform
    views: count, per_second, wait_s {p50, p95, max, mean}
    errors: count, by_kind {kind: n}, examples [{user, role, page, kind, detail}] (<= 20)
    sessions: users, connected, dropped (users who lost their connection at
        least once), reconnects, by_role {role: users}
    pages: [{page, views, errors, wait_s {p50, p95, max}, bytes_per_view {mean, max}}]
    roles: {role: {views, errors, pages [the pages its users saw]}}
    timeline: [{from_s, views, per_second, wait_s {p50, p95, max}, errors}] per
        30 s of the run, by when each view ended (warm-up against steady state;
        a tail under 15 s joins the window before)
    server: measured, reason, pids, samples, cpu_seconds, cpu_percent {mean, max}
        (100 = one core), rss_mb {start, end, max}, rss_mb_series [[s, MB] <= 120],
        processes [{pid, name, rss_mb_max}]
    client: cpu_seconds (this load generator's own CPU, on the same cores)
    database: as server, for the PostgreSQL servers on this machine (every
        backend, whichever database it serves), or measured false
    machine_cpu: cores, busy_percent, user_percent, system_percent,
        iowait_percent (100 = one core; every process on the machine)
Error kinds: exception, error_box, page_not_found, compile_error, timeout,
dropped, connect, role_not_offered.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.server_stats import (  # noqa: E402
    MachineCpu,
    ServerSampler,
    database_pids,
    listening_pid,
    not_measured,
)
from bench.st_client import CONNECT, ConnectError, Session, View, run_sync  # noqa: E402
from dashboard.i18n import role_label  # noqa: E402
from data_access.rules.access import ROLES  # noqa: E402

VERSION: Final = 1
PICKER: Final = "demo_user"
START_PAGE: Final = "oversigt"
ROLE_NOT_OFFERED: Final = "role_not_offered"
#: The role of users who do not pick one (--no-roles: e.g. an app without the demo picker).
ANY_ROLE: Final = "-"
MAX_EXAMPLES: Final = 20
#: the timeline's window: long enough for a few views per user at 5-15 s think time
TIMELINE_WINDOW_S: Final = 30.0
LOCAL_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


@dataclass(frozen=True)
class Scene:
    """A programme of the demo with report dates and districts a user moves between."""

    programme: str
    dates: tuple[str, ...]
    districts: tuple[str, ...]


#: The demo's programmes (data_access.demo); "" = all districts.
SCENES: Final = (
    Scene(
        "interventionsteam",
        ("2010-06-30", "2010-12-31", "2011-03-31", "2011-06-30", "2011-12-31"),
        ("", "norrebro", "tingbjerg"),
    ),
    Scene(
        "intensiveret-indsats",
        ("2013-06-30", "2013-12-31", "2014-12-31", "2015-06-30"),
        ("", "tingbjerg", "mjoelnerparken", "urbanplanen"),
    ),
)


@dataclass
class Record:
    """One finished (or failed) view, as the report counts it."""

    user: int
    role: str
    view: View
    #: seconds from the start of the run to the end of the view (the timeline's clock)
    at: float = 0.0


@dataclass
class Tally:
    records: list[Record] = field(default_factory=list)
    dropped_users: set[int] = field(default_factory=set)
    reconnects: int = 0
    connected: int = 0
    started: float = field(default_factory=time.monotonic)

    def add(self, user: int, role: str, view: View) -> None:
        self.records.append(Record(user, role, view, time.monotonic() - self.started))
        if any(kind == "dropped" for kind, _ in view.problems):
            self.dropped_users.add(user)


@dataclass(frozen=True)
class Plan:
    """What the simulated users do: arrival ramp, think time, roles, per-view timeout."""

    users: int
    seconds: float
    ramp: float
    think: tuple[float, float]
    timeout: float
    roles: tuple[str, ...]
    seed: int


def role_option(options: tuple[str, ...], role: str, number: int) -> str | None:
    """The picker option for `role` ("Koordinator: ..." in either language); None if absent.

    Users of one role are spread over that role's options (coordinators see
    their own families), by the user's number.
    """
    labels = {f"{role_label(role, lang)}: " for lang in ("da", "en")}
    matching = [o for o in options if any(o.startswith(label) for label in labels)]
    return matching[number % len(matching)] if matching else None


class User:
    """One simulated tab for the whole run."""

    def __init__(self, number: int, base: str, plan: Plan, tally: Tally, deadline: float) -> None:
        self.number = number
        self.plan = plan
        self.tally = tally
        self.deadline = deadline
        self.role = _role_of(plan, number)
        self.random = random.Random(plan.seed * 100_003 + number)
        self.scene = SCENES[0] if self.random.random() < 2 / 3 else SCENES[1]
        self.query = {
            "programme": self.scene.programme,
            "as_of": self.random.choice(self.scene.dates),
            "district": "",
        }
        self.page = START_PAGE if plan.roles else ""
        self.session = Session(base, timeout=plan.timeout)

    def _record(self, view: View) -> View:
        self.tally.add(self.number, self.role, view)
        return view

    async def _open(self) -> bool:
        """Connect (or reconnect), render the current page, pick the role; False if it failed."""
        try:
            await self.session.connect(self.page, "")
        except ConnectError as error:
            self._record(View(page=self.page, problems=[(CONNECT, str(error)[:300])]))
            return False
        if self.session.connections > 1:
            self.tally.reconnects += 1
        else:
            self.tally.connected += 1
        view = self._record(await self.session.view(self.page, self.query))
        if not view.finished or self.role == ANY_ROLE:
            return self.session.connected
        option = role_option(self.session.widgets.get(PICKER, _NO_PICKER).options, self.role, 0)
        if option is None:
            detail = f"{self.role} not in the demo picker (DASHBOARD_DEMO=1?)"
            self._record(
                View(page=START_PAGE, finished=True, problems=[(ROLE_NOT_OFFERED, detail)])
            )
            return False
        if self.session.chosen(PICKER) != option:
            # On Oversigt, which every role may open: a role change on a page the
            # new role cannot open sends it to its start page.
            self.session.choose(PICKER, option)
            self._record(await self.session.view(START_PAGE, self.query))
        return self.session.connected

    def _next(self) -> None:
        """One click: another page (most often), report date, district, or programme."""
        roll = self.random.random()
        pages = [p for p in self.session.pages if p and p != self.page]
        if roll < 0.5 and pages:
            self.page = self.random.choice(pages)
        elif roll < 0.75:
            self.query["as_of"] = self.random.choice(self.scene.dates)
        elif roll < 0.95:
            self.query["district"] = self.random.choice(self.scene.districts)
        else:
            self.scene = SCENES[(SCENES.index(self.scene) + 1) % len(SCENES)]
            self.query = {
                "programme": self.scene.programme,
                "as_of": self.random.choice(self.scene.dates),
                "district": "",
            }

    async def _think(self) -> None:
        low, high = self.plan.think
        pause = self.random.uniform(low, high) if high > 0 else 0.0
        await asyncio.sleep(max(0.0, min(pause, self.deadline - time.monotonic())))

    async def run(self, arrival: float) -> None:
        await asyncio.sleep(arrival)
        try:
            opened = await self._open()
            while time.monotonic() < self.deadline:
                if not opened:
                    await asyncio.sleep(1.0)  # a browser waits before it reconnects
                    if time.monotonic() >= self.deadline:
                        break
                    opened = await self._open()
                    continue
                await self._think()
                if time.monotonic() >= self.deadline:
                    break
                self._next()
                view = self._record(await self.session.view(self.page, self.query))
                opened = self.session.connected and view.finished
        finally:
            await self.session.close()


class _NoPicker:
    options: tuple[str, ...] = ()


_NO_PICKER: Final = _NoPicker()


async def drive(base: str, plan: Plan) -> Tally:
    """Run every user until the deadline; the views they saw."""
    tally = Tally()
    deadline = tally.started + plan.seconds
    users = [User(n, base, plan, tally, deadline) for n in range(plan.users)]
    step = plan.ramp / plan.users if plan.users else 0.0
    await asyncio.gather(*(user.run(n * step) for n, user in enumerate(users)))
    return tally


def percentile(values: list[float], share: float) -> float:
    """The `share` percentile (0..1) of `values`, nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))
    return ordered[index]


def _waits(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "max": None, "mean": None}
    return {
        "p50": round(percentile(values, 0.5), 3),
        "p95": round(percentile(values, 0.95), 3),
        "max": round(max(values), 3),
        "mean": round(statistics.mean(values), 3),
    }


def timeline(tally: Tally, elapsed: float, window: float) -> list[dict[str, Any]]:
    """Views, waits and errors per `window` seconds of the run, by when each view ended.

    The run's totals mix the warm-up (users arriving, every cache cold)
    with the steady state; the windows show which the waits come from.
    """
    # A tail shorter than half a window joins the one before: the views finishing
    # in the last instant would otherwise read as a burst of views per second.
    windows = max(1, round(elapsed / window)) if window > 0 else 1
    finished: list[list[float]] = [[] for _ in range(windows)]
    errors = [0] * windows
    for record in tally.records:
        index = min(windows - 1, int(record.at // window)) if window > 0 else 0
        if record.view.finished:
            finished[index].append(record.view.seconds)
        errors[index] += len(record.view.problems)
    rows = []
    for index in range(windows):
        start = index * window
        end = elapsed if index == windows - 1 else start + window
        length = end - start if window > 0 else elapsed
        waits = _waits(finished[index])
        rows.append(
            {
                "from_s": round(start, 1),
                "views": len(finished[index]),
                "per_second": round(len(finished[index]) / length, 2) if length > 0 else None,
                "wait_s": {key: waits[key] for key in ("p50", "p95", "max")},
                "errors": errors[index],
            }
        )
    return rows


def _role_of(plan: Plan, number: int) -> str:
    return plan.roles[number % len(plan.roles)] if plan.roles else ANY_ROLE


def summarise(
    tally: Tally, plan: Plan, elapsed: float, window: float = TIMELINE_WINDOW_S
) -> dict[str, Any]:
    """Everything but the server figures, in the documented JSON shape."""
    finished = [r for r in tally.records if r.view.finished]
    problems = [(r, kind, detail) for r in tally.records for kind, detail in r.view.problems]
    by_page: dict[str, list[Record]] = defaultdict(list)
    for record in finished:
        by_page[record.view.page].append(record)
    error_pages = Counter(r.view.page for r, _, _ in problems)
    roles: dict[str, dict[str, Any]] = {
        role: {"views": 0, "errors": 0, "pages": set()} for role in plan.roles or (ANY_ROLE,)
    }
    for record in finished:
        roles[record.role]["views"] += 1
        roles[record.role]["pages"].add(record.view.page)
    for record, _, _ in problems:
        roles[record.role]["errors"] += 1
    for figures in roles.values():
        figures["pages"] = sorted(figures["pages"])
    return {
        "views": {
            "count": len(finished),
            "per_second": round(len(finished) / elapsed, 2) if elapsed > 0 else None,
            "wait_s": _waits([r.view.seconds for r in finished]),
        },
        "errors": {
            "count": len(problems),
            "by_kind": dict(Counter(kind for _, kind, _ in problems)),
            "examples": [
                {
                    "user": r.user,
                    "role": r.role,
                    "page": r.view.page,
                    "kind": kind,
                    "detail": detail,
                }
                for r, kind, detail in problems[:MAX_EXAMPLES]
            ],
        },
        "sessions": {
            "users": plan.users,
            "connected": tally.connected,
            "dropped": len(tally.dropped_users),
            "reconnects": tally.reconnects,
            "by_role": dict(Counter(_role_of(plan, n) for n in range(plan.users))),
        },
        "pages": [
            {
                "page": page,
                "views": len(records),
                "errors": error_pages.get(page, 0),
                "wait_s": _waits([r.view.seconds for r in records]),
                "bytes_per_view": {
                    "mean": round(statistics.mean(r.view.bytes for r in records)),
                    "max": max(r.view.bytes for r in records),
                },
            }
            for page, records in sorted(by_page.items())
        ],
        "roles": roles,
        "timeline": timeline(tally, elapsed, window),
    }


def markdown(report: dict[str, Any]) -> str:
    """The figures a person reads first, as Markdown."""
    s = report["settings"]
    views, waits, server = report["views"], report["views"]["wait_s"], report["server"]

    def sec(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f} s"

    lines = [
        f"{s['users']} users, {s['seconds']:g} s, ramp {s['ramp_s']:g} s, think "
        f"{s['think_s'][0]:g}-{s['think_s'][1]:g} s, against {report['url']}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| views | {views['count']} ({views['per_second']} /s) |",
        f"| wait p50 / p95 / max | {sec(waits['p50'])} / {sec(waits['p95'])} / "
        f"{sec(waits['max'])} |",
        f"| errors | {report['errors']['count']} {report['errors']['by_kind'] or ''} |",
        f"| dropped sessions | {report['sessions']['dropped']} "
        f"(reconnects {report['sessions']['reconnects']}) |",
    ]
    if server["measured"]:
        lines += [
            f"| server CPU mean / max | {server['cpu_percent']['mean']} % / "
            f"{server['cpu_percent']['max']} % (100 % = one core) |",
            f"| server RSS start / end / max | {server['rss_mb']['start']} / "
            f"{server['rss_mb']['end']} / {server['rss_mb']['max']} MB |",
        ]
    else:
        lines.append(f"| server CPU and RSS | not measured: {server['reason']} |")
    lines.append(f"| load generator CPU | {report['client']['cpu_seconds']} s |")
    database, machine = report["database"], report["machine_cpu"]
    if database["measured"]:
        lines.append(
            f"| PostgreSQL CPU mean / max | {database['cpu_percent']['mean']} % / "
            f"{database['cpu_percent']['max']} % |"
        )
    lines += [
        f"| machine busy (of {machine['cores']} cores) | {machine['busy_percent']} % "
        f"(user {machine['user_percent']} %, system {machine['system_percent']} %, "
        f"iowait {machine['iowait_percent']} %) |",
        "",
    ]
    lines += ["| page | views | p50 | p95 | KB per view (mean / max) |", "|---|---|---|---|---|"]
    for page in report["pages"]:
        size = page["bytes_per_view"]
        lines.append(
            f"| {page['page'] or '(start)'} | {page['views']} | {sec(page['wait_s']['p50'])} | "
            f"{sec(page['wait_s']['p95'])} | {size['mean'] / 1024:.0f} / {size['max'] / 1024:.0f} |"
        )
    lines += ["", "| from | views | views/s | p50 | p95 | errors |", "|---|---|---|---|---|---|"]
    for row in report["timeline"]:
        lines.append(
            f"| {row['from_s']:g} s | {row['views']} | {row['per_second']} | "
            f"{sec(row['wait_s']['p50'])} | {sec(row['wait_s']['p95'])} | {row['errors']} |"
        )
    return "\n".join(lines)


def _think(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    bounds = (float(low), float(high or low))
    if bounds[0] < 0 or bounds[1] < bounds[0]:
        raise argparse.ArgumentTypeError(f"think time {text!r}: want LOW-HIGH seconds, LOW<=HIGH")
    return bounds


def _roles(text: str) -> tuple[str, ...]:
    roles = tuple(r.strip() for r in text.split(",") if r.strip())
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise argparse.ArgumentTypeError(f"roles {unknown or text!r}: choose from {sorted(ROLES)}")
    return roles


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(
    base: str, plan: Plan, server_pids: list[int], unreadable: str | None = None
) -> dict[str, Any]:
    """Drive `plan` against `base`; the report (JSON shape in the module docstring)."""
    sampler = ServerSampler(server_pids) if server_pids else None
    postmasters = database_pids()
    database = ServerSampler(postmasters) if postmasters else None
    machine = MachineCpu()
    for each in (sampler, database, machine):
        if each is not None:
            each.start()
    cpu_before = _client_cpu()
    started = datetime.now(UTC)
    begun = time.monotonic()
    try:
        tally = run_sync(drive(base.rstrip("/"), plan))
    finally:
        server = sampler.stop() if sampler is not None else None
        database_figures = database.stop() if database is not None else None
        machine_figures = machine.stop()
    elapsed = time.monotonic() - begun
    report: dict[str, Any] = {
        "tool": "bench.load_test",
        "version": VERSION,
        "started": started.isoformat(timespec="seconds"),
        "url": base,
        "server_started_by_tool": False,
        "settings": {
            "users": plan.users,
            "seconds": plan.seconds,
            "ramp_s": plan.ramp,
            "think_s": list(plan.think),
            "timeout_s": plan.timeout,
            "roles": list(plan.roles),
            "seed": plan.seed,
        },
        "machine": {"nproc": os.cpu_count(), "platform": platform.platform()},
    }
    report.update(summarise(tally, plan, elapsed))
    report["server"] = server or not_measured(unreadable or "no server process given")
    report["client"] = {"cpu_seconds": round(_client_cpu() - cpu_before, 2)}
    report["database"] = database_figures or not_measured("no PostgreSQL server on this machine")
    report["machine_cpu"] = machine_figures
    return report


def _server_pids(url: str, given: list[int]) -> tuple[list[int], str | None]:
    """The pids to sample for `url`, or why there are none."""
    if given:
        return given, None
    parts = urlsplit(url)
    if parts.hostname not in LOCAL_HOSTS:
        return [], f"{parts.hostname} is not this machine; pass --server-pid on the server"
    pid = listening_pid(parts.port or (443 if parts.scheme == "https" else 80))
    if pid is None:
        return [], f"no readable process listens on port {parts.port}; pass --server-pid"
    return [pid], None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--url", help="a running dashboard (default: start one on localhost)")
    parser.add_argument("--json", type=Path, help="write the report here")
    parser.add_argument(
        "--ramp", type=float, help="seconds over which users arrive (default: a quarter, <= 60)"
    )
    parser.add_argument(
        "--think", type=_think, default=(5.0, 15.0), help="seconds between clicks, LOW-HIGH"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="per view, seconds")
    parser.add_argument("--roles", type=_roles, default=tuple(ROLES), help="comma-separated")
    parser.add_argument("--server-pid", type=int, action="append", default=[])
    parser.add_argument(
        "--no-roles",
        action="store_true",
        help="users pick no role and open the app's first page (an app without the demo picker)",
    )
    parser.add_argument("--database-url", help="without --url: serve this database")
    parser.add_argument(
        "--app", type=Path, help="without --url: run this script instead of dashboard/app.py"
    )
    parser.add_argument(
        "--server-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="without --url: a Streamlit option for the server, e.g. runner.postScriptGC=false",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --url that is not this machine (never point it at a server you do not run)",
    )
    args = parser.parse_args(argv)
    if args.users < 1 or args.seconds <= 0:
        parser.error("--users and --seconds must be positive")
    if args.url and urlsplit(args.url).hostname not in LOCAL_HOSTS and not args.allow_remote:
        parser.error("--url is not this machine; add --allow-remote if that is meant")
    ramp = args.ramp if args.ramp is not None else min(60.0, args.seconds / 4)
    if any("=" not in option for option in args.server_option):
        parser.error("--server-option wants NAME=VALUE")
    roles = () if args.no_roles else args.roles
    plan = Plan(args.users, args.seconds, ramp, args.think, args.timeout, roles, args.seed)
    report = _run_with_server(args, plan)
    print(markdown(report))
    for example in report["errors"]["examples"]:
        print(
            f"error: {example['kind']} ({example['role']}, {example['page']}): {example['detail']}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 1 if report["errors"]["count"] or not report["views"]["count"] else 0


def _run_with_server(args: argparse.Namespace, plan: Plan) -> dict[str, Any]:
    if args.url:
        pids, reason = _server_pids(args.url, args.server_pid)
        return run(args.url, plan, pids, reason)
    from deploy.serve import APP, AppProcess, free_port

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url
        if url is None:
            from data_access.demo.bundle import write_demo

            url = f"sqlite:///{Path(folder) / 'demo.sqlite'}"
            write_demo(url, 1)
        options = [
            part
            for option in args.server_option
            for part in (f"--{option.partition('=')[0]}", option.partition("=")[2])
        ]
        server = AppProcess(
            free_port(),
            Path(folder) / "server.log",
            {"DASHBOARD_DATABASE_URL": url},
            app=args.app or APP,
            options=options,
        )
        server.start()
        try:
            server.wait_healthy()
            assert server.pid is not None
            report = run(server.url, plan, [server.pid, *args.server_pid])
        finally:
            server.stop()
        report["server_started_by_tool"] = True
        report["settings"]["app"] = str(args.app or APP)
        report["settings"]["server_options"] = args.server_option
        return report


if __name__ == "__main__":
    raise SystemExit(main())
