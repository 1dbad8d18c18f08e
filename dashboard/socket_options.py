"""TCP_NODELAY on the server's sockets, so a view's messages leave at once.

Streamlit's server (1.67, uvicorn) binds its listening socket as
`socket.socket(family)`, whose protocol number is 0; asyncio switches
Nagle's algorithm off only for sockets whose protocol is IPPROTO_TCP, so
every websocket of the dashboard kept it on. A rerun sends `new_session`,
then its elements as small frames; Nagle holds those until the receiver
acknowledges the first frame, and nginx in front of the replicas (like the
load test's client) delays that acknowledgement by 40 ms. Measured with
`bench.payload` on the empty page: 48 ms from rerun to `script_finished`
for a script that ran in 1 ms, 7 ms with this module; tcpdump showed the
same hold between a replica and nginx (docs/benchmarks.md). Chromium
talking to the server directly acknowledged at once.

Linux gives an accepted socket the listening socket's TCP_NODELAY, so
setting it once per process on every TCP socket the process holds covers
the listener, the connections already open and every later one. Elsewhere
(no /proc) this does nothing. Remove it when Streamlit binds with
IPPROTO_TCP or sets the option itself.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

_FD_DIR = Path("/proc/self/fd")
_TCP_FAMILIES = frozenset({socket.AF_INET, socket.AF_INET6})

_done = False


def tcp_sockets_without_nodelay() -> int:
    """How many TCP sockets of this process still have Nagle's algorithm on."""
    return sum(not nodelay for nodelay in _each_tcp_socket(set_nodelay=False))


def disable_nagle() -> int:
    """Set TCP_NODELAY on every TCP socket of this process; returns how many were changed."""
    return sum(not nodelay for nodelay in _each_tcp_socket(set_nodelay=True))


def disable_nagle_once() -> None:
    """`disable_nagle` on the first call in this process; later calls cost a flag test."""
    global _done
    if not _done:
        _done = True
        disable_nagle()


def _each_tcp_socket(*, set_nodelay: bool) -> Iterator[bool]:
    """For each TCP socket of this process: whether it had TCP_NODELAY (then sets it if asked).

    The socket objects made here only look at descriptors the server owns:
    each is detached, never closed, when done with.
    """
    try:
        names = os.listdir(_FD_DIR)
    except OSError:
        return
    for name in names:
        try:
            if not os.readlink(_FD_DIR / name).startswith("socket:"):
                continue
            sock = socket.socket(fileno=int(name))
        except (OSError, ValueError):
            continue  # closed since the listing
        try:
            if sock.family not in _TCP_FAMILIES or sock.type != socket.SOCK_STREAM:
                continue
            had = bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            if set_nodelay and not had:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            continue  # closed by another thread since it was listed
        finally:
            sock.detach()
        yield had
