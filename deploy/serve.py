"""`make serve`: N dashboard processes behind Debian's nginx, on one port.

    python -m deploy.serve [--port 8501] [--replicas N] [--run-dir var/serve]

Each replica is `streamlit run dashboard/app.py` on its own localhost port
(the next ports after --port unless --replica-ports says otherwise), with the
project's .streamlit/config.toml. nginx (deploy/nginx/nginx.conf.template)
listens on --port, keeps each browser on one replica with a route cookie,
and passes websockets through. The launcher waits for every replica's
`/_stcore/health` before it starts nginx, restarts a replica that exits,
and on SIGINT/SIGTERM stops nginx and the replicas. The replicas share the
database of DASHBOARD_DATABASE_URL (PostgreSQL in production; the demo
SQLite file works too, the app only reads it).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
APP: Final = ROOT / "dashboard" / "app.py"
TEMPLATE: Final = ROOT / "deploy" / "nginx" / "nginx.conf.template"
PLACEHOLDERS: Final = frozenset(
    {"LISTEN", "UPSTREAM_SERVERS", "RUN_DIR", "ERROR_LOG", "ACCESS_LOG"}
)
#: Passive health check: one refused or timed-out connection takes a replica
#: out of the ring for this long (open-source nginx has no active checks).
MAX_FAILS: Final = 1
FAIL_TIMEOUT_S: Final = 10
STARTUP_SECONDS: Final = 120
RESTART_PAUSE_S: Final = 2.0
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill the template's ${NAME} placeholders; any unknown or missing name is an error.

    Works like `envsubst '${LISTEN} ...'` in the proxy container, so both
    render the same file the same way.
    """
    names = set(_PLACEHOLDER.findall(template))
    unknown = names - PLACEHOLDERS
    if unknown:
        raise ValueError(f"{TEMPLATE.name}: unknown placeholders {sorted(unknown)}")
    missing = PLACEHOLDERS - set(values)
    if missing:
        raise ValueError(f"{TEMPLATE.name}: no value for {sorted(missing)}")
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def upstream_servers(addresses: Sequence[str]) -> str:
    """The upstream block's server lines for replicas at `addresses` (host:port)."""
    return "\n        ".join(
        f"server {address} max_fails={MAX_FAILS} fail_timeout={FAIL_TIMEOUT_S}s;"
        for address in addresses
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """True when nothing listens on `port`.

    With SO_REUSEADDR, as nginx and uvicorn bind: connections of a server
    stopped moments ago (TIME_WAIT, up to a minute) do not stop a restart.
    """
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def healthy(url: str, timeout: float = 2.0) -> bool:
    """True when `url`/_stcore/health answers 200."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as reply:  # noqa: S310
            return reply.status == 200
    except OSError:
        return False


def app_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The replicas' environment: this one, demo mode on unless DASHBOARD_DEMO says otherwise."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra or {})}
    env.setdefault("DASHBOARD_DEMO", "1")
    return env


class AppProcess:
    """`streamlit run dashboard/app.py` in its own process group on 127.0.0.1:`port`."""

    def __init__(
        self,
        port: int,
        log: Path,
        env: Mapping[str, str] | None = None,
        app: Path = APP,
        options: Sequence[str] = (),
    ) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log
        self.env = app_environment(env)
        self.command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            *options,
        ]
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> None:
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_healthy(self, seconds: float = STARTUP_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"streamlit on port {self.port} exited; see {self.log_path}")
            if healthy(self.url):
                return
            time.sleep(0.3)
        raise RuntimeError(f"streamlit on port {self.port} not healthy; see {self.log_path}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the whole process group; SIGKILL when it does not go within 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).is_file()), None
    )


class Proxy:
    """Debian's nginx in the foreground with the rendered template, in its own run folder."""

    def __init__(self, listen: str, upstreams: Sequence[str], run_dir: Path) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx not found: apt-get install nginx")
        self.binary = binary
        self.run_dir = run_dir
        self.config = run_dir / "nginx.conf"
        self.log_path = run_dir / "error.log"
        run_dir.mkdir(parents=True, exist_ok=True)
        text = render(
            TEMPLATE.read_text(encoding="utf-8"),
            {
                "LISTEN": listen,
                "UPSTREAM_SERVERS": upstream_servers(upstreams),
                "RUN_DIR": str(run_dir),
                "ERROR_LOG": str(self.log_path),
                "ACCESS_LOG": str(run_dir / "access.log"),
            },
        )
        self.config.write_text(text, encoding="utf-8")
        self.process: subprocess.Popen[bytes] | None = None

    def _args(self) -> list[str]:
        return [self.binary, "-p", str(self.run_dir), "-c", str(self.config), "-e", "stderr"]

    def check(self) -> str:
        """`nginx -t` on the rendered file; its output, or RuntimeError with it."""
        done = subprocess.run(  # noqa: S603 - our own binary and file
            [*self._args(), "-t"], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"nginx -t failed for {self.config}:\n{done.stderr}")
        return done.stderr

    def start(self) -> None:
        self.check()
        log = (self.run_dir / "nginx.out").open("ab")
        try:
            self.process = subprocess.Popen(  # noqa: S603
                [*self._args(), "-g", "daemon off;"],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # SIGQUIT is nginx's graceful stop; its workers finish open requests.
        os.killpg(self.process.pid, signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class Cluster:
    """N replicas and the proxy in front of them; `watch` restarts replicas that exit."""

    def __init__(
        self,
        port: int,
        replica_ports: Sequence[int],
        run_dir: Path,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if not replica_ports:
            raise ValueError("at least one replica")
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.run_dir = run_dir
        run_dir.mkdir(parents=True, exist_ok=True)
        self.replicas = [
            AppProcess(p, run_dir / f"replica-{n}.log", env)
            for n, p in enumerate(replica_ports, start=1)
        ]
        self.proxy = Proxy(
            f"127.0.0.1:{port}", [f"127.0.0.1:{p}" for p in replica_ports], run_dir / "nginx"
        )
        self.restarts = 0
        self._stopping = False

    def start(self) -> None:
        self.proxy.check()
        try:
            for replica in self.replicas:
                replica.start()
            for replica in self.replicas:
                replica.wait_healthy()
            self.proxy.start()
            deadline = time.monotonic() + 30
            while not healthy(self.url):
                if time.monotonic() > deadline or not self.proxy.alive():
                    raise RuntimeError(f"nginx not answering; see {self.proxy.run_dir}")
                time.sleep(0.2)
        except BaseException:
            self.stop()
            raise

    def watch_once(self) -> list[int]:
        """Restart every replica that has exited; the ports restarted."""
        restarted = []
        for replica in self.replicas:
            if not self._stopping and not replica.alive():
                print(f"serve: replica on port {replica.port} exited; restarting", flush=True)
                replica.start()
                self.restarts += 1
                restarted.append(replica.port)
        return restarted

    def stop(self) -> None:
        self._stopping = True
        self.proxy.stop()
        for replica in self.replicas:
            replica.stop()


def default_replicas() -> int:
    """One replica per core: Streamlit runs each session's script in one Python process."""
    return max(1, os.cpu_count() or 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8501")))
    parser.add_argument(
        "--replicas", type=int, default=int(os.environ.get("REPLICAS") or default_replicas())
    )
    parser.add_argument(
        "--replica-ports",
        help="comma-separated ports for the replicas (default: the ports after --port)",
    )
    parser.add_argument("--run-dir", type=Path, default=ROOT / "var" / "serve")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    if args.replica_ports:
        ports = [int(p) for p in args.replica_ports.split(",")]
    else:
        ports = [args.port + n for n in range(1, args.replicas + 1)]
    busy = [p for p in [args.port, *ports] if not port_is_free(p)]
    if busy:
        parser.error(f"ports in use: {busy} (set PORT, or --replica-ports)")

    cluster = Cluster(args.port, ports, args.run_dir.resolve())
    (cluster.run_dir / "serve.pid").write_text(f"{os.getpid()}\n", encoding="utf-8")
    stop_requested = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    cluster.start()
    print(
        f"serve: {len(ports)} replicas (ports {', '.join(map(str, ports))}) behind nginx: "
        f"{cluster.url}  (logs in {cluster.run_dir}; Ctrl-C stops)",
        flush=True,
    )
    try:
        while not stop_requested:
            if not cluster.proxy.alive():
                print("serve: nginx exited; stopping", file=sys.stderr, flush=True)
                return 1
            if cluster.watch_once():
                time.sleep(RESTART_PAUSE_S)
            time.sleep(1.0)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
