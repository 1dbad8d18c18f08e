"""A real OpenID Connect login (issue 20, point 8): Chromium logs in through `st.login`.

The provider is the npm package `oidc-provider` (a certified OpenID
Provider), pinned in tests/e2e/oidc/ and run with Debian's node; its
development login form takes any login name, which becomes the account's
stable subject, and the email comes from an accounts file the test writes.
The app runs with a real `[auth]` section and no demo mode, on the demo
database, with a fresh app database for the subject bindings.

Ports: free ones, or `LOGIN_E2E_PORT_BASE` (the app on it, the provider one
above) when the machine's ports are shared out.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dashboard.i18n import t
from data_access.demo.bundle import DEMO_USERS
from tests.fixtures.browser import APP, AS_OF, PROGRAMME, ROOT, free_port, wait_idle

OIDC_DIR = ROOT / "tests" / "e2e" / "oidc"
NAV = '[data-testid="stSidebarNav"]'
STEERING = DEMO_USERS["steering"]
COORDINATOR = DEMO_USERS["coordinator"]


def _ports() -> tuple[int, int]:
    base = os.environ.get("LOGIN_E2E_PORT_BASE")
    if base:
        return int(base), int(base) + 1
    return free_port(), free_port()


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited early; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {seconds}s; see {log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@dataclass
class LoginSetup:
    """The running app and provider, and the accounts file the provider reads at each login."""

    app_url: str
    accounts: Path

    def set_accounts(self, accounts: dict[str, str]) -> None:
        """Login name (the subject) -> email, read by the provider at every login."""
        data = {sub: {"email": email} for sub, email in accounts.items()}
        self.accounts.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture(scope="module")
def login_setup(
    chromium: str, e2e_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LoginSetup]:
    node = shutil.which("node")
    if node is None or not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        message = "node or tests/e2e/oidc/node_modules missing: npm ci --prefix tests/e2e/oidc"
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(f"E2E_REQUIRED=1 but {message}", pytrace=False)
        pytest.skip(f"e2e skipped: {message}")
    folder = tmp_path_factory.mktemp("login")
    app_port, op_port = _ports()
    app_url = f"http://127.0.0.1:{app_port}"
    setup = LoginSetup(app_url, folder / "accounts.json")
    setup.set_accounts({})
    op_log = folder / "provider.log"
    provider = subprocess.Popen(
        [node, "provider.mjs", str(op_port), f"{app_url}/oauth2callback", str(setup.accounts)],
        cwd=OIDC_DIR,
        stdout=op_log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    issuer = f"http://127.0.0.1:{op_port}"
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(48)}"\n'
        'client_id = "dashboard"\n'
        'client_secret = "e2e-client-secret-not-for-production"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        'client_kwargs = { scope = "openid email", prompt = "login" }\n',
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "DASHBOARD_DATABASE_URL": e2e_database,
        "DASHBOARD_AUDIT_URL": f"sqlite:///{folder / 'app.sqlite'}",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DASHBOARD_DEMO", "DASHBOARD_DEMO_USER"):
        env.pop(name, None)
    app_log = folder / "app.log"
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(APP),
            "--server.headless=true",
            f"--server.port={app_port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
            f"--secrets.files={secrets_file}",
        ],
        cwd=ROOT,
        env=env,
        stdout=app_log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(f"{issuer}/.well-known/openid-configuration", provider, op_log)
        _wait_for(f"{app_url}/_stcore/health", app, app_log)
        yield setup
    finally:
        _stop(app)
        _stop(provider)


def _log_in(browser: Any, setup: LoginSetup, login: str) -> Any:
    """A fresh browser session that logs in as `login` and is back in the app."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{setup.app_url}/?programme={PROGRAMME}&as_of={AS_OF}")
    page.get_by_role("button", name=t("auth.log_in", "da")).click(timeout=90_000)
    page.wait_for_selector('input[name="login"]', timeout=60_000)
    page.fill('input[name="login"]', login)
    if page.locator('input[name="password"]').count():
        page.fill('input[name="password"]', "any")
    page.locator('button[type="submit"]').first.click()
    consent = page.locator("button.login-submit")
    page.wait_for_load_state()
    if consent.count() and setup.app_url not in page.url:
        consent.first.click()
    page.wait_for_url(f"{setup.app_url}/**", timeout=60_000)
    page.wait_for_selector('[data-testid="stApp"]', timeout=90_000)
    wait_idle(page, settle_ms=800)
    return page


def _nav(page: Any) -> list[str]:
    """The page titles of the sidebar navigation's links (each link starts with its icon's name)."""
    links = page.locator(f"{NAV} a")
    return [" ".join(str(text).split()[1:]) for text in links.all_inner_texts()]


def _main_text(page: Any) -> str:
    return str(page.locator('[data-testid="stMain"]').inner_text())


def test_known_user_lands_with_role_and_scope(browser: Any, login_setup: LoginSetup) -> None:
    login_setup.set_accounts({"u-steering": STEERING, "u-coordinator": COORDINATOR})
    page = _log_in(browser, login_setup, "u-steering")
    nav = _nav(page)
    assert t("page.oekonomi.title", "da") in nav
    assert t("page.sagsstamme.title", "da") in nav
    assert t("page.adgangslog.title", "da") not in nav
    assert STEERING in str(page.locator('[data-testid="stSidebar"]').inner_text())
    page.context.close()
    page = _log_in(browser, login_setup, "u-coordinator")
    nav = _nav(page)
    assert t("page.sagsstamme.title", "da") in nav
    assert t("page.oekonomi.title", "da") not in nav
    page.context.close()


def test_unknown_user_gets_the_no_access_page(browser: Any, login_setup: LoginSetup) -> None:
    login_setup.set_accounts({"u-stranger": "stranger@elsewhere.invalid"})
    page = _log_in(browser, login_setup, "u-stranger")
    assert t("auth.unknown_user", "da") in _main_text(page)
    assert _nav(page) == []
    assert page.locator('[data-testid="stMetric"]').count() == 0
    page.context.close()


def test_changed_email_keeps_role_and_cannot_be_taken_over(
    browser: Any, login_setup: LoginSetup
) -> None:
    # The first login binds the subject (a no-op when an earlier test did).
    login_setup.set_accounts({"u-steering": STEERING})
    _log_in(browser, login_setup, "u-steering").context.close()
    # The directory changes the user's email: the subject still carries the role.
    login_setup.set_accounts({"u-steering": "new.address@elsewhere.invalid", "u-mallory": STEERING})
    page = _log_in(browser, login_setup, "u-steering")
    assert t("page.oekonomi.title", "da") in _nav(page)
    page.context.close()
    # Someone else now claiming the steering email gets nothing.
    page = _log_in(browser, login_setup, "u-mallory")
    assert t("auth.unknown_user", "da") in _main_text(page)
    assert _nav(page) == []
    page.context.close()


def test_logout_ends_the_session(browser: Any, login_setup: LoginSetup) -> None:
    login_setup.set_accounts({"u-steering": STEERING})
    page = _log_in(browser, login_setup, "u-steering")
    assert _nav(page)
    wait_idle(page, settle_ms=800)
    page.get_by_role("button", name=t("auth.log_out", "da")).click(timeout=90_000)
    # Streamlit ends the provider's session too (RP-initiated logout): confirm there.
    page.wait_for_url(lambda url: "/session/end" in str(url), timeout=60_000)
    page.locator('button[name="logout"]').click(timeout=60_000)
    page.wait_for_url(f"{login_setup.app_url}/**", timeout=60_000)
    page.get_by_role("button", name=t("auth.log_in", "da")).wait_for(timeout=60_000)
    assert _nav(page) == []
    page.reload()
    page.get_by_role("button", name=t("auth.log_in", "da")).wait_for(timeout=60_000)
    assert _nav(page) == []
    page.context.close()
