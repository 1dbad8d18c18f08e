"""Real-browser fixtures: the app as a server on a free port, Debian's chromium, screenshots.

One streamlit server per demo role (`DASHBOARD_DEMO_USER`), started on
demand and stopped when the next role is asked for, so a role's pages can be
opened by URL (a new browser session) and still show that role's view.
Every test here is marked `e2e`. When chromium or Playwright is missing the
tests skip with a reason that says how to install it.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.fixtures.browser import CHROMIUM_ARGS, ROOT, SCREENSHOTS, Servers, chromium_path

#: axe-core as npm installs it from tests/e2e/axe/package-lock.json (`npm ci`).
AXE_SCRIPT = ROOT / "tests" / "e2e" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything under tests/e2e as `e2e`, so `-m 'not e2e'` leaves them out."""
    for item in items:
        if "tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


def _missing(reason: str) -> NoReturn:
    """Skip with `reason`, or fail when CI demands the browser tests (E2E_REQUIRED=1)."""
    if os.environ.get("E2E_REQUIRED") == "1":
        pytest.fail(f"E2E_REQUIRED=1 but {reason}", pytrace=False)
    pytest.skip(f"e2e skipped: {reason}")


@pytest.fixture(scope="session")
def chromium() -> str:
    """The chromium executable, or a skip that says how to get one."""
    if importlib.util.find_spec("playwright") is None:
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
def axe_source() -> str:
    """The axe-core script the accessibility test injects into each page, or a skip saying how."""
    if not AXE_SCRIPT.is_file():
        _missing(
            f"axe-core is not installed at {AXE_SCRIPT.relative_to(ROOT)}. "
            "Install it with `npm ci --prefix tests/e2e/axe` (Debian's npm; .ci/run does this)."
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
