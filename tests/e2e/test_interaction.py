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


def test_a_link_to_a_page_the_role_may_not_open_says_so_in_its_language(
    servers: Servers, page: Any
) -> None:
    """A colleague's link to Forebyggelsesregnskab, opened by a viewer (who may not see it)."""
    server = servers.for_role("viewer")
    open_path(page, server.url, "forebyggelse", lang="en")
    wait_idle(page)
    assert title(page) == t("auth.refused_title", "en")
    refusal = page.locator('[data-testid="stAlertContentError"]').inner_text()
    assert t("page.forebyggelse.title", "en") in refusal and t("role.viewer", "en") in refusal
    # Not Streamlit's own English "Page not found" dialog over the main page.
    assert page.locator('[role="dialog"]').count() == 0
    assert page.locator('[data-testid="stMetricValue"]').count() == 0
    assert exceptions(page) == []
    # The link leads to the role's first page, still in English and on the same report date.
    page.locator('[data-testid="stMain"] [data-testid="stPageLink"] a').click()
    wait_idle(page)
    page.wait_for_url("**/oversigt?**", timeout=30_000)
    assert title(page) == t("page.oversigt.title", "en")
    assert "as_of=2011-06-30" in page.url and "lang=en" in page.url
