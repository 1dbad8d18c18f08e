"""A filter change and the language switch, clicked in a real browser."""

from __future__ import annotations

from typing import Any

from dashboard.i18n import t
from tests.fixtures.browser import Servers, exceptions, metric_values, open_path, title, wait_idle


def _choose(page: Any, label: str, option: str) -> None:
    """Pick `option` in the sidebar selectbox labelled `label`."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("combobox", name=label).click()
    page.locator('[role="option"]').filter(has_text=option).first.click()
    wait_idle(page)


def test_a_filter_change_updates_the_figures_and_the_url(servers: Servers, page: Any) -> None:
    server = servers.for_role("admin")
    open_path(page, server.url, "oversigt")
    page.wait_for_selector('[data-testid="stMetricValue"]')
    before = metric_values(page)
    assert before
    _choose(page, t("common.programme", "da"), "Intensiveret indsats")
    page.wait_for_url("**programme=intensiveret-indsats**", timeout=30_000)
    after = metric_values(page)
    assert exceptions(page) == []
    assert after
    assert after != before


def test_the_language_switch_turns_the_page_english_and_back(servers: Servers, page: Any) -> None:
    server = servers.for_role("admin")
    open_path(page, server.url, "oversigt")
    assert title(page) == "Oversigt"
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("English", exact=True).click()
    wait_idle(page)
    page.wait_for_url("**lang=en**", timeout=30_000)
    assert title(page) == "Overview"
    assert exceptions(page) == []
    assert sidebar.get_by_text(t("common.programme", "en"), exact=True).first.is_visible()
    sidebar.get_by_text("Dansk", exact=True).click()
    wait_idle(page)
    assert title(page) == "Oversigt"
