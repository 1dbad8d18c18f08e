"""TCP_NODELAY on the server's sockets (dashboard/socket_options.py).

In this process: which sockets are changed, that none is closed, and that
Linux hands the listener's setting to the connections it accepts later
(what setting it once per process relies on). Against the real dashboard:
after a view, no TCP socket of the server process has Nagle's algorithm on;
the sockets are read from outside with pidfd_getfd, as an auditor would.
"""

from __future__ import annotations

import ctypes
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.st_client import Session, run_sync
from dashboard import socket_options
from deploy.serve import AppProcess, free_port

linux_only = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="socket_options reads /proc/self/fd"
)

_PIDFD_GETFD = 438  # the same number on every Linux architecture (since 5.6)


def _nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


@contextmanager
def _nagle_sockets() -> Iterator[tuple[socket.socket, socket.socket, socket.socket]]:
    """A listener bound like Streamlit's (protocol 0) and a connection through it, Nagle on."""
    listener = socket.socket(socket.AF_INET)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname()[:2])
    accepted, _ = listener.accept()
    for sock in (listener, client, accepted):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
    try:
        yield listener, client, accepted
    finally:
        for sock in (listener, client, accepted):
            sock.close()


@linux_only
def test_every_tcp_socket_is_switched_and_none_closed() -> None:
    unix_a, unix_b = socket.socketpair(socket.AF_UNIX)
    with _nagle_sockets() as (listener, client, accepted):
        assert listener.proto == 0  # as Streamlit binds it: asyncio leaves such sockets alone
        assert socket_options.tcp_sockets_without_nodelay() >= 3
        assert socket_options.disable_nagle() >= 3
        assert [_nodelay(s) for s in (listener, client, accepted)] == [1, 1, 1]
        assert socket_options.tcp_sockets_without_nodelay() == 0
        assert socket_options.disable_nagle() == 0  # nothing left to change
        # Looking did not close anything: the connection and the unix pair still carry data.
        client.sendall(b"ping")
        assert accepted.recv(4) == b"ping"
    unix_a.sendall(b"pong")
    assert unix_b.recv(4) == b"pong"
    unix_a.close()
    unix_b.close()


@linux_only
def test_a_connection_accepted_later_inherits_it() -> None:
    with _nagle_sockets() as (listener, _, _):
        socket_options.disable_nagle()
        later_client = socket.create_connection(listener.getsockname()[:2])
        later, _ = listener.accept()
        with later_client, later:
            assert later.proto == 0
            assert _nodelay(later) == 1


def _pidfd_getfd(pid: int, fd: int) -> int:
    """A copy of descriptor `fd` of process `pid` (same user, or root)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        copy = libc.syscall(_PIDFD_GETFD, pidfd, fd, 0)
        if copy < 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))
        return int(copy)
    finally:
        os.close(pidfd)


def _server_tcp_nodelay(pid: int) -> list[int]:
    """TCP_NODELAY of each TCP socket of process `pid`, read from outside it."""
    values = []
    for name in os.listdir(f"/proc/{pid}/fd"):
        try:
            if not os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                continue
            copy = _pidfd_getfd(pid, int(name))
        except FileNotFoundError:
            continue
        with socket.socket(fileno=copy) as sock:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                values.append(_nodelay(sock))
    return values


@linux_only
@pytest.mark.server
def test_the_running_dashboard_sends_without_delay(tmp_path: Path) -> None:
    from data_access.demo.bundle import write_demo

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    write_demo(url, 1)
    app = AppProcess(free_port(), tmp_path / "server.log", {"DASHBOARD_DATABASE_URL": url})

    async def two_sessions() -> None:
        # The first view runs app.py; the second session's socket is accepted after it.
        for _ in range(2):
            session = Session(app.url, timeout=60)
            await session.connect()
            try:
                view = await session.view("", {})
                assert view.finished and view.problems == []
            finally:
                await session.close()
        session = Session(app.url, timeout=60)
        await session.connect()
        try:
            assert (await session.view("", {})).finished
            nodelay = _server_tcp_nodelay(app.pid or 0)
        finally:
            await session.close()
        # The listener and at least this session's websocket, all without Nagle.
        assert len(nodelay) >= 2
        assert nodelay == [1] * len(nodelay)

    app.start()
    try:
        app.wait_healthy()
        try:
            os.close(_pidfd_getfd(app.pid or 0, 0))
        except OSError as error:
            pytest.skip(f"pidfd_getfd not allowed here: {error}")
        run_sync(two_sessions())
    finally:
        app.stop()
