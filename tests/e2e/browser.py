"""Small Playwright helpers shared by the e2e tests: wait for Streamlit, read what it shows."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import IDLE

#: A fixed programme and report date, so the tests do not depend on today's date.
PROGRAMME = "interventionsteam"
AS_OF = "2011-06-30"
#: Every page draws its title first (shell.open_page).
TITLE = '[data-testid="stMain"] h1'


def wait_idle(page: Any, settle_ms: int = 400) -> None:
    """Wait until Streamlit has finished the current run (and a little for it to start)."""
    page.wait_for_timeout(settle_ms)
    page.wait_for_selector(IDLE, timeout=90_000)
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=90_000)


def open_path(page: Any, base: str, key: str, **query: str) -> None:
    """Open page `key` by URL with the fixed programme and date (plus `query`) and wait."""
    params = {"programme": PROGRAMME, "as_of": AS_OF, **query}
    search = "&".join(f"{name}={value}" for name, value in params.items())
    page.goto(f"{base}/{key}?{search}", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stApp"]', timeout=90_000)
    page.wait_for_selector(TITLE, timeout=90_000)
    wait_idle(page, settle_ms=300)


def exceptions(page: Any) -> list[str]:
    """The text of every Streamlit exception box on the page."""
    return [str(text) for text in page.locator('[data-testid="stException"]').all_inner_texts()]


def metric_values(page: Any) -> list[str]:
    """The visible text of every key figure (st.metric value) on the page."""
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    return [str(value).strip() for value in values]


def title(page: Any) -> str:
    """The page's h1 title text."""
    return str(page.locator(TITLE).first.inner_text()).strip()
