"""Real-browser fixtures: the app as a server on a free port, Debian's chromium, screenshots.

One streamlit server per demo role (`DASHBOARD_DEMO_USER`), started on
demand and stopped when the next role is asked for, so a role's pages can be
opened by URL (a new browser session) and still show that role's view.
Every test here is marked `e2e`. When chromium or Playwright is missing the
tests skip with a reason that says how to install it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
#: The script-state attribute Streamlit sets once a run has finished.
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
STARTUP_SECONDS = 120


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything under tests/e2e as `e2e`, so `-m 'not e2e'` leaves them out."""
    for item in items:
        if "tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


def chromium_path() -> str | None:
    """Debian's chromium (Playwright cannot download its own browser here)."""
    found = next((p for p in CHROMIUM_PATHS if Path(p).is_file()), None)
    return found or shutil.which("chromium")


def free_port() -> int:
    """A free port; E2E_PORT fixes it (machines where each user has a port range)."""
    if os.environ.get("E2E_PORT"):
        return int(os.environ["E2E_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`streamlit run dashboard/app.py` in its own process group, on a free port."""

    def __init__(self, database_url: str, demo_user: str | None, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DASHBOARD_DATABASE_URL": database_url,
            "DASHBOARD_DEMO": "1",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("DASHBOARD_DEMO_USER", None)
        if demo_user:
            env["DASHBOARD_DEMO_USER"] = demo_user
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(APP),
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.log_path = log
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {STARTUP_SECONDS}s; see {self.log_path}")

    def stop(self) -> None:
        """Kill the whole process group (streamlit may have children), then close the log."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


def _missing(reason: str) -> NoReturn:
    """Skip with `reason`, or fail when CI demands the browser tests (E2E_REQUIRED=1)."""
    if os.environ.get("E2E_REQUIRED") == "1":
        pytest.fail(f"E2E_REQUIRED=1 but {reason}", pytrace=False)
    pytest.skip(f"e2e skipped: {reason}")


@pytest.fixture(scope="session")
def chromium() -> str:
    """The chromium executable, or a skip that says how to get one."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[dev]')")
    path = chromium_path()
    if path is None:
        _missing(
            "no chromium at /usr/bin/chromium. Install Debian's browser with "
            "`apt-get install chromium` (make browser does this as root)."
        )
    return path


@pytest.fixture(scope="session")
def e2e_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The scale-1 demo database in a temporary folder (SQLite; the server only reads it)."""
    from data_access.demo.bundle import write_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'demo.sqlite'}"
    write_demo(url, 1)
    return url


class Servers:
    """At most one running server at a time, for the role the current test needs."""

    def __init__(self, database_url: str, logs: Path) -> None:
        self.database_url = database_url
        self.logs = logs
        self.role: str | None = None
        self.server: Server | None = None

    def for_role(self, role: str) -> Server:
        from data_access.demo.bundle import DEMO_USERS

        if self.server is not None and self.role == role:
            return self.server
        self.close()
        self.server = Server(self.database_url, DEMO_USERS[role], self.logs / f"{role}.log")
        self.role = role
        return self.server

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
        self.server = None
        self.role = None


@pytest.fixture(scope="session")
def servers(
    chromium: str, e2e_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Servers]:
    pool = Servers(e2e_database, tmp_path_factory.mktemp("logs"))
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (its own Streamlit session) at 1920x1080, Danish locale."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="da-DK")
    context.set_default_timeout(60_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
