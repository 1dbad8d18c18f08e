"""The server's CPU and memory while the load test runs: its process trees, sampled with psutil.

A server is one or more root processes (a `streamlit run`, or `make serve`'s
launcher with its replicas and nginx below it); every sample walks each
root's tree again, so replicas restarted mid-run are counted. CPU comes from
the processes' own CPU time, not from the machine's load, so the load
generator on the same cores does not inflate it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import psutil


def listening_pid(port: int) -> int | None:
    """The process listening on TCP `port` on this machine, if it can be seen."""
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port:
                return conn.pid
    except (psutil.AccessDenied, OSError):
        return None
    return None


@dataclass
class _Seen:
    name: str
    rss_max: int = 0


@dataclass
class ServerSampler:
    """Samples the process trees under `pids` every `interval` seconds in a thread."""

    pids: list[int]
    interval: float = 1.0
    samples: list[tuple[float, float, int]] = field(default_factory=list)
    _seen: dict[int, _Seen] = field(default_factory=dict)
    _cpu: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _started: float = 0.0
    _cpu_start: float = 0.0

    def _tree(self) -> list[psutil.Process]:
        found: dict[int, psutil.Process] = {}
        for pid in self.pids:
            try:
                root = psutil.Process(pid)
                for proc in [root, *root.children(recursive=True)]:
                    found[proc.pid] = proc
            except psutil.Error:
                continue
        return list(found.values())

    def _cpu_seconds(self, procs: list[psutil.Process]) -> float:
        """CPU time of the tree so far: live processes now, gone ones as last seen."""
        for proc in procs:
            try:
                times = proc.cpu_times()
                self._cpu[proc.pid] = times.user + times.system
            except psutil.Error:
                continue
        return sum(self._cpu.values())

    def _sample(self) -> None:
        procs = self._tree()
        rss = 0
        for proc in procs:
            try:
                memory = proc.memory_info().rss
                seen = self._seen.setdefault(proc.pid, _Seen(proc.name()))
            except psutil.Error:
                continue
            seen.rss_max = max(seen.rss_max, memory)
            rss += memory
        self.samples.append((time.monotonic(), self._cpu_seconds(procs), rss))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def start(self) -> None:
        self._started = time.monotonic()
        self._sample()
        self._cpu_start = self.samples[0][1]
        self._thread = threading.Thread(target=self._run, name="server-stats", daemon=True)
        self._thread.start()

    def stop(self) -> dict[str, Any]:
        """End the sampling; the figures for the JSON report."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._sample()
        return self.figures()

    def _series(self, mb: int, points: int = 120) -> list[list[float]]:
        """[seconds since start, RSS MB] at most `points` times: does memory level off?"""
        if not self.samples:
            return []
        step = max(1, len(self.samples) // points)
        first = self.samples[0][0]
        return [[round(t - first, 1), round(r / mb, 1)] for t, _, r in self.samples[::step]]

    def figures(self) -> dict[str, Any]:
        mb = 1024 * 1024
        rates = [
            100.0 * (c1 - c0) / (t1 - t0)
            for (t0, c0, _), (t1, c1, _) in zip(self.samples, self.samples[1:], strict=False)
            if t1 > t0
        ]
        rss = [r for _, _, r in self.samples]
        wall = self.samples[-1][0] - self.samples[0][0] if self.samples else 0.0
        cpu = self.samples[-1][1] - self._cpu_start if self.samples else 0.0
        return {
            "measured": True,
            "reason": None,
            "pids": self.pids,
            "samples": len(self.samples),
            "cpu_seconds": round(cpu, 2),
            "cpu_percent": {
                "mean": round(100.0 * cpu / wall, 1) if wall > 0 else None,
                "max": round(max(rates), 1) if rates else None,
            },
            "rss_mb": {
                "start": round(rss[0] / mb, 1) if rss else None,
                "end": round(rss[-1] / mb, 1) if rss else None,
                "max": round(max(rss) / mb, 1) if rss else None,
            },
            "rss_mb_series": self._series(mb),
            "processes": [
                {"pid": pid, "name": seen.name, "rss_mb_max": round(seen.rss_max / mb, 1)}
                for pid, seen in sorted(self._seen.items())
            ],
        }


def database_pids() -> list[int]:
    """The PostgreSQL postmasters on this machine: every backend is in their trees.

    The load generator, the app and the database share the cores, so what
    the database spends per view is part of the server's cost that the app's
    own CPU leaves out.
    """
    found: list[int] = []
    for proc in psutil.process_iter(["pid", "name", "ppid"]):
        try:
            if proc.info["name"] != "postgres":
                continue
            parent = psutil.Process(proc.info["ppid"]).name() if proc.info["ppid"] else ""
        except psutil.Error:
            continue
        if parent != "postgres":
            found.append(proc.info["pid"])
    return found


@dataclass
class MachineCpu:
    """The whole machine's CPU over the run, from /proc/stat: what every process used together."""

    _start: Any = None
    _wall: float = 0.0

    def start(self) -> None:
        self._start = psutil.cpu_times()
        self._wall = time.monotonic()

    def stop(self) -> dict[str, Any]:
        end, wall = psutil.cpu_times(), time.monotonic() - self._wall
        spent = {name: getattr(end, name) - getattr(self._start, name) for name in end._fields}
        idle = spent.get("idle", 0.0) + spent.get("iowait", 0.0)
        total = sum(spent.values()) - spent.get("guest", 0.0) - spent.get("guest_nice", 0.0)

        def percent(seconds: float) -> float | None:
            return round(100.0 * seconds / wall, 1) if wall > 0 else None

        return {
            "cores": psutil.cpu_count(),
            "busy_percent": percent(total - idle),
            "user_percent": percent(spent.get("user", 0.0) + spent.get("nice", 0.0)),
            "system_percent": percent(
                spent.get("system", 0.0) + spent.get("irq", 0.0) + spent.get("softirq", 0.0)
            ),
            "iowait_percent": percent(spent.get("iowait", 0.0)),
        }


def not_measured(reason: str) -> dict[str, Any]:
    """The report's server figures when the server's processes cannot be read."""
    return {"measured": False, "reason": reason, "pids": [], "samples": 0}
