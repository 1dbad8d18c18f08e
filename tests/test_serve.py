"""`make serve`'s setup on this machine: Debian's nginx in front of two replicas.

The replicas share one database (PostgreSQL when TEST_POSTGRES_URL is set,
as in production; else the demo SQLite file). Through nginx, with the
websocket client of the load test: every role's every page renders; a tab
keeps reaching its replica (its session survives a reconnect); and when one
replica is killed its users reconnect to the other, where a new session
renders the same page, and the launcher restarts the dead one.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.st_client import Session, View, run_sync
from dashboard.navigation import pages_for
from data_access.rules.access import ROLES
from deploy.serve import (
    PLACEHOLDERS,
    TEMPLATE,
    Cluster,
    Proxy,
    free_port,
    healthy,
    port_is_free,
    render,
)
from tests.fixtures.backends import POSTGRES_URL, postgres_schema

pytestmark = pytest.mark.server
QUERY = {"programme": "interventionsteam", "as_of": "2011-06-30"}


def _need_nginx() -> None:
    if shutil.which("nginx") or Path("/usr/sbin/nginx").is_file():
        return
    reason = "nginx is not installed (apt-get install nginx; .ci/run does it)"
    if os.environ.get("E2E_REQUIRED") == "1":
        pytest.fail(f"E2E_REQUIRED=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _values(tmp_path: Path) -> dict[str, str]:
    return {
        "LISTEN": "127.0.0.1:8080",
        "UPSTREAM_SERVERS": "server 127.0.0.1:8081;",
        "RUN_DIR": str(tmp_path),
        "ERROR_LOG": "/dev/stderr",
        "ACCESS_LOG": "/dev/stdout",
    }


def test_a_port_is_taken_while_listened_on_and_free_again_right_after() -> None:
    """A restart of `make serve` right after a stop must not be refused.

    The stopped server's side of a connection it closed stays in TIME_WAIT
    on its port for up to a minute; nginx and uvicorn bind over it, so the
    check must too. A port someone listens on is still taken.
    """
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = int(listener.getsockname()[1])
    assert not port_is_free(port)
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()  # the server side closes first: its end waits in TIME_WAIT
    client.recv(1)
    client.close()
    listener.close()
    time.sleep(0.2)
    assert port_is_free(port)


def test_template_uses_exactly_its_placeholders(tmp_path: Path) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    assert set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", text)) == PLACEHOLDERS
    rendered = render(text, _values(tmp_path))
    assert "${" not in rendered
    assert "listen 127.0.0.1:8080 default_server;" in rendered
    assert "hash $dashboard_route consistent;" in rendered
    with pytest.raises(ValueError, match=r"no value for \['ACCESS_LOG'\]"):
        render(text, {k: v for k, v in _values(tmp_path).items() if k != "ACCESS_LOG"})
    with pytest.raises(ValueError, match=r"unknown placeholders \['PORT'\]"):
        render(text + "\n# ${PORT}\n", _values(tmp_path))


def test_rendered_config_passes_nginx_t(tmp_path: Path) -> None:
    _need_nginx()
    proxy = Proxy("127.0.0.1:8080", ["127.0.0.1:8081", "127.0.0.1:8082"], tmp_path / "nginx")
    assert "test is successful" in proxy.check()
    text = proxy.config.read_text(encoding="utf-8")
    assert "server 127.0.0.1:8082 max_fails=1 fail_timeout=10s;" in text


def test_container_renders_the_same_template_with_envsubst(tmp_path: Path) -> None:
    """The proxy image runs envsubst on the same file, limited to the same names."""
    containerfile = (TEMPLATE.parent.parent / "Containerfile").read_text(encoding="utf-8")
    names = " ".join(f"${{{name}}}" for name in sorted(PLACEHOLDERS))
    assert names in containerfile
    envsubst = shutil.which("envsubst")
    if envsubst is None:
        return
    done = subprocess.run(
        [envsubst, names],
        input=TEMPLATE.read_text(encoding="utf-8"),
        env={**os.environ, **_values(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == render(TEMPLATE.read_text(encoding="utf-8"), _values(tmp_path))


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from data_access.demo.bundle import write_demo

    if POSTGRES_URL:
        with postgres_schema(f"serve_{uuid.uuid4().hex[:12]}") as url:
            write_demo(url, 1)
            yield url
        return
    url = f"sqlite:///{tmp_path_factory.mktemp('serve') / 'demo.sqlite'}"
    write_demo(url, 1)
    yield url


@pytest.fixture(scope="module")
def cluster(shared_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    _need_nginx()
    run_dir = tmp_path_factory.mktemp("cluster")
    running = Cluster(
        free_port(),
        [free_port(), free_port()],
        run_dir,
        {"DASHBOARD_DATABASE_URL": shared_database},
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()


def _routes(cluster: Cluster) -> dict[str, str]:
    """route cookie -> replica address, from nginx's access log."""
    log = (cluster.proxy.run_dir / "access.log").read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for match in re.finditer(r"upstream=(\S+) route=(\S+)", log):
        found.setdefault(match.group(2), match.group(1).split(",")[0])
    return found


def test_every_page_of_every_role_through_nginx(cluster: Cluster) -> None:
    async def role_pages(role: str) -> dict[str, View]:
        from bench.load_test import role_option

        session = Session(cluster.url, timeout=90)
        await session.connect("oversigt")
        try:
            first = await session.view("oversigt", QUERY)
            assert first.ok, first.problems
            option = role_option(session.widgets["demo_user"].options, role, 0)
            assert option is not None, role
            session.choose("demo_user", option)
            picked = await session.view("oversigt", QUERY)
            assert picked.ok, picked.problems
            return {page: await session.view(page, QUERY) for page in list(session.pages)}
        finally:
            await session.close()

    for role in ROLES:
        views = run_sync(role_pages(role))
        assert sorted(views) == sorted(spec.key for spec in pages_for(role)), role
        for page, view in views.items():
            assert view.ok and view.page == page, (role, page, view.problems)
            assert view.bytes > 0


def test_sessions_stick_to_their_replica(cluster: Cluster) -> None:
    async def reattaches() -> list[bool]:
        results = []
        for _ in range(6):
            session = Session(cluster.url, timeout=90)
            await session.connect("begreber")
            assert (await session.view("begreber", QUERY)).ok
            first_id = session.session_id
            await session.close()
            # A browser reconnecting sends its cookie and session id: the same
            # replica finds the session again; another replica would start anew.
            await session.connect("begreber")
            again = await session.view("begreber", QUERY)
            assert again.ok, again.problems
            results.append(session.session_id == first_id)
            await session.close()
        return results

    assert run_sync(reattaches()) == [True] * 6


def test_a_killed_replica_users_reconnect_to_the_other(cluster: Cluster) -> None:
    async def scenario() -> None:
        addresses = [f"127.0.0.1:{replica.port}" for replica in cluster.replicas]
        victim = cluster.replicas[0]
        sessions: dict[str, list[Session]] = {address: [] for address in addresses}
        for _ in range(16):
            if all(sessions.values()):
                break
            session = Session(cluster.url, timeout=90)
            await session.connect("effekt")
            assert (await session.view("effekt", QUERY)).ok
            sessions[_routes(cluster)[session.cookies["dashboard_route"]]].append(session)
        assert all(sessions.values()), "16 tabs all landed on one replica"
        on_victim, on_other = sessions[addresses[0]][0], sessions[addresses[1]][0]
        survivor_id = on_other.session_id

        assert victim.pid is not None
        os.killpg(victim.pid, signal.SIGKILL)
        victim.process.wait(timeout=10)  # type: ignore[union-attr]

        lost = await on_victim.view("effekt", QUERY)
        assert [kind for kind, _ in lost.problems] == ["dropped"]
        # The browser reconnects with its cookie: nginx finds the replica gone,
        # takes the next one on the ring, and Streamlit opens a new session there.
        old_id = on_victim.session_id
        await on_victim.connect("effekt")
        back = await on_victim.view("effekt", QUERY)
        assert back.ok and back.page == "effekt", back.problems
        assert on_victim.session_id != old_id
        kept = await on_other.view("effekt", {**QUERY, "district": "norrebro"})
        assert kept.ok and on_other.session_id == survivor_id
        for tabs in sessions.values():
            for session in tabs:
                await session.close()

    run_sync(scenario())
    assert cluster.watch_once() == [cluster.replicas[0].port]
    cluster.replicas[0].wait_healthy()
    assert healthy(cluster.url)
    time.sleep(0.1)
