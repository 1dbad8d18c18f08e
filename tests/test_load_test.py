"""The load test against real servers on the scale-1 demo: its JSON, and errors it must count.

Only shape and counts are checked; timings depend on the machine and are
reported by the tool, never asserted here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.load_test import (
    SCENES,
    Record,
    Tally,
    _client_cpu,
    main,
    percentile,
    role_option,
    timeline,
)
from bench.server_stats import MachineCpu, database_pids
from bench.st_client import ERROR_BOX, EXCEPTION, Session, View, run_sync, widget_key
from dashboard.navigation import pages_for
from data_access.rules.access import ROLES
from deploy.serve import AppProcess, free_port

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from data_access.demo.bundle import write_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('load') / 'demo.sqlite'}"
    write_demo(url, 1)
    return url


@pytest.fixture(scope="module")
def server(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppProcess]:
    log = tmp_path_factory.mktemp("load-log") / "server.log"
    app = AppProcess(free_port(), log, {"DASHBOARD_DATABASE_URL": demo_url})
    app.start()
    try:
        app.wait_healthy()
        yield app
    finally:
        app.stop()


def test_report_shape_and_role_mix(server: AppProcess, tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    arguments = ["--url", server.url, "--users", "5", "--seconds", "20", "--ramp", "2"]
    code = main([*arguments, "--think", "0.5-1", "--json", str(out)])
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["errors"] == {"count": 0, "by_kind": {}, "examples": []}
    assert code == 0
    assert report["tool"] == "bench.load_test" and report["version"] == 1
    assert report["settings"]["users"] == 5 and report["settings"]["think_s"] == [0.5, 1.0]
    assert report["sessions"] == {
        "users": 5,
        "connected": 5,
        "dropped": 0,
        "reconnects": 0,
        "by_role": dict.fromkeys(ROLES, 1),
    }
    views = report["views"]
    # Each user renders Oversigt, then picks its role (admin is already chosen), then clicks.
    assert views["count"] >= 5 + 4
    assert views["per_second"] > 0
    waits = views["wait_s"]
    assert 0 < waits["p50"] <= waits["p95"] <= waits["max"]
    assert sum(page["views"] for page in report["pages"]) == views["count"]
    assert sum(row["views"] for row in report["timeline"]) == views["count"]
    assert [row["from_s"] for row in report["timeline"]] == [0.0]  # 20 s: one 30 s window
    for page in report["pages"]:
        assert page["bytes_per_view"]["max"] >= page["bytes_per_view"]["mean"] > 0
    for role in ROLES:
        seen = report["roles"][role]
        assert seen["views"] >= 1 and seen["errors"] == 0
        # The role's picker choice took effect: only its own pages were shown.
        assert set(seen["pages"]) <= {spec.key for spec in pages_for(role)}, role
    server_figures = report["server"]
    assert server_figures["measured"] is True
    assert server_figures["pids"] == [server.pid]
    assert server_figures["rss_mb"]["max"] > 50
    assert server_figures["cpu_seconds"] > 0
    assert report["client"]["cpu_seconds"] >= 0
    # The whole machine did at least what the server alone did (1 % for rounding).
    assert report["machine_cpu"]["busy_percent"] + 1 >= server_figures["cpu_percent"]["mean"]
    assert report["database"]["measured"] is bool(database_pids())


def test_a_broken_database_counts_as_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    app = AppProcess(
        free_port(), tmp_path / "server.log", {"DASHBOARD_DATABASE_URL": f"sqlite:///{broken}"}
    )
    app.start()
    try:
        app.wait_healthy()
        out = tmp_path / "load.json"
        code = main(["--url", app.url, "--users", "2", "--seconds", "4", "--json", str(out)])
    finally:
        app.stop()
    report = json.loads(out.read_text(encoding="utf-8"))
    assert code == 1
    kinds = report["errors"]["by_kind"]
    # Each user sees the database message where its first page should be, and
    # then no demo picker to choose its role from.
    assert kinds.get(ERROR_BOX, 0) >= 2, kinds
    assert kinds.get("role_not_offered", 0) >= 2, kinds
    assert report["errors"]["count"] == sum(kinds.values())


def test_own_server_with_options_on_the_empty_page(demo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "empty.json"
    code = main(
        [
            *("--app", "bench/empty_app.py", "--no-roles", "--database-url", demo_url),
            *("--server-option", "runner.postScriptGC=false", "--think", "0"),
            # 10 s, not 4: on a machine busy with other work 4 s gave each user one view.
            *("--users", "2", "--seconds", "10", "--ramp", "0", "--json", str(out)),
        ]
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert code == 0, report["errors"]
    assert report["server_started_by_tool"] is True
    assert report["settings"]["server_options"] == ["runner.postScriptGC=false"]
    assert report["settings"]["roles"] == []
    assert report["sessions"]["by_role"] == {"-": 2}
    # Clicking without pause: many more views than users.
    assert report["views"]["count"] > 2 * 2
    assert [page["page"] for page in report["pages"]] == [""]
    assert report["server"]["measured"] is True


RAISING_APP = """
import streamlit as st

st.title("Raising page")
if st.query_params.get("boom"):
    raise ValueError("boom")
st.write("fine")
"""


def test_an_exception_element_is_an_error(tmp_path: Path) -> None:
    script = tmp_path / "raising.py"
    script.write_text(RAISING_APP, encoding="utf-8")
    app = AppProcess(free_port(), tmp_path / "server.log", app=script)
    app.start()

    async def views() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        session = Session(app.url, timeout=30)
        await session.connect()
        try:
            fine = await session.view("", {})
            boom = await session.view("", {"boom": "1"})
        finally:
            await session.close()
        assert fine.finished and boom.finished
        return fine.problems, boom.problems

    try:
        app.wait_healthy()
        fine, boom = run_sync(views())
    finally:
        app.stop()
    assert fine == []
    assert [kind for kind, _ in boom] == [EXCEPTION]


def test_role_options_and_widget_keys() -> None:
    options = (
        "Administrator: admin@demo.invalid",
        "Koordinator: a@demo.invalid",
        "Koordinator: b@demo.invalid",
        "Læser: laeser@demo.invalid",
    )
    assert role_option(options, "coordinator", 0) == "Koordinator: a@demo.invalid"
    assert role_option(options, "coordinator", 3) == "Koordinator: b@demo.invalid"
    assert role_option(options, "viewer", 0) == "Læser: laeser@demo.invalid"
    assert role_option(options, "steering", 0) is None
    assert role_option(("Viewer: v@demo.invalid",), "viewer", 0) == "Viewer: v@demo.invalid"
    assert widget_key("$$ID-18ef1352d1a13281c7f0c246e96af752-demo_user") == "demo_user"
    assert widget_key("$$ID-2f60b5529036e76c210b889199c195d5-None") is None
    assert widget_key("$$ID-abc-filter-as-of") == "filter-as-of"


def test_percentile_is_nearest_rank() -> None:
    values = [float(n) for n in range(1, 21)]  # 1..20
    assert percentile(values, 0.5) == 10.0
    assert percentile(values, 0.95) == 19.0  # rank ceil(0.95 * 20) = 19
    assert percentile(values, 0.96) == 20.0  # rank ceil(19.2) = 20
    assert percentile([3.0], 0.95) == 3.0


def test_scenes_are_the_demo_programmes(demo_url: str) -> None:
    from data_access.db.engine import make_engine
    from data_access.queries.programmes import list_programmes
    from data_access.queries.reference import list_districts

    engine = make_engine(demo_url)
    programmes = {p.programme_id: p for p in list_programmes(engine)}
    for scene in SCENES:
        programme = programmes[scene.programme]
        assert all(
            programme.starts_on.isoformat() <= day <= programme.ends_on.isoformat()
            for day in scene.dates
        ), scene
        districts = {d.district_id for d in list_districts(engine, scene.programme)}
        assert set(scene.districts) - {""} <= districts, scene


def test_timeline_splits_the_run_by_when_views_ended() -> None:
    failed = View("effekt", 60.0, finished=False, problems=[("timeout", "no script_finished")])

    def tally(ends: list[tuple[float, float]]) -> Tally:
        made = Tally()
        for at, wait in ends:
            made.records.append(Record(0, "viewer", View("oversigt", wait, finished=True), at))
        made.records.append(Record(1, "viewer", failed, 45.0))
        return made

    # 80 s in 30 s windows: 0-30, 30-60, and a 20 s tail (at least half a window) of its own.
    rows = timeline(tally([(5.0, 1.0), (29.9, 3.0), (31.0, 0.5), (65.0, 4.0), (79.0, 2.0)]), 80, 30)
    assert [row["from_s"] for row in rows] == [0.0, 30.0, 60.0]
    assert [row["views"] for row in rows] == [2, 1, 2]
    # 2 views in 30 s, 1 in 30 s, 2 in the last 20 s.
    assert [row["per_second"] for row in rows] == [0.07, 0.03, 0.1]
    assert [row["errors"] for row in rows] == [0, 1, 0]
    # Nearest rank: p50 of (1, 3) is 1, of (4, 2) is 2; p95 the larger.
    assert [row["wait_s"]["p50"] for row in rows] == [1.0, 0.5, 2.0]
    assert [row["wait_s"]["p95"] for row in rows] == [3.0, 0.5, 4.0]
    assert rows[1]["wait_s"]["max"] == 0.5  # the timed-out view is an error, not a wait

    # 70 s: the 10 s tail joins the window before, which then spans 30-70 s.
    ends = [(5.0, 1.0), (29.9, 3.0), (31.0, 0.5), (50.0, 1.5), (65.0, 4.0), (69.0, 2.0)]
    rows = timeline(tally(ends), 70, 30)
    assert [row["from_s"] for row in rows] == [0.0, 30.0]
    assert [row["views"] for row in rows] == [2, 4]
    assert [row["per_second"] for row in rows] == [0.07, 0.1]  # 4 views in 40 s
    # (0.5, 1.5, 2, 4): rank ceil(0.5 * 4) = 2 is 1.5, rank ceil(0.95 * 4) = 4 is 4.
    assert (rows[1]["wait_s"]["p50"], rows[1]["wait_s"]["p95"]) == (1.5, 4.0)


def test_the_machine_cpu_counts_this_process_work() -> None:
    """A second of busy loop here shows in the machine's busy CPU (every process counts)."""
    machine = MachineCpu()
    machine.start()
    before, started = _client_cpu(), time.monotonic()
    while time.monotonic() - started < 1.0:
        sum(range(1000))
    used, wall = _client_cpu() - before, time.monotonic() - started
    figures = machine.stop()
    assert figures["cores"] >= 1
    # /proc/stat ticks are 10 ms: allow two ticks' worth of slack on the busy share.
    assert figures["busy_percent"] >= 100.0 * (used - 0.02) / wall - 1
    assert figures["busy_percent"] <= 100.0 * figures["cores"] + 1
