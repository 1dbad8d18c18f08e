"""Every page for every role in a real browser: it loads, shows its figures, raises nothing.

Admin's pages are also photographed at 1920x1080 and 1366x768 into
test-output/screenshots/, so a person can look at the layouts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dashboard.i18n import t
from dashboard.navigation import pages_for
from data_access.rules.access import ROLES
from tests.fixtures.browser import Servers, exceptions, metric_values, open_path, title

CASES = [(role, spec) for role in ROLES for spec in pages_for(role)]
VIEWPORTS = ((1920, 1080), (1366, 768))
#: Pages whose main content is key figures: at least one must be shown.
FIGURE_PAGES = frozenset({"oversigt"})
TROUBLE = (
    "db.unavailable",
    "db.timeout",
    "db.old_schema",
    "db.misconfigured",
    "auth.no_access",
)


@pytest.mark.parametrize(
    ("role", "spec"), CASES, ids=[f"{role}-{spec.key}" for role, spec in CASES]
)
def test_page_loads_with_figures(
    role: str, spec: Any, servers: Servers, page: Any, screenshot_dir: Path
) -> None:
    server = servers.for_role(role)
    open_path(page, server.url, spec.key)
    assert exceptions(page) == []
    assert title(page) == spec.title("da")
    body = page.locator('[data-testid="stMain"]').inner_text()
    for key in TROUBLE:
        assert t(key, "da") not in body
    if spec.key in FIGURE_PAGES:
        page.wait_for_selector('[data-testid="stMetricValue"]')
    figures = metric_values(page)
    assert all(figures), f"a key figure without a value on {spec.key}: {figures}"
    if spec.key in FIGURE_PAGES:
        assert figures, f"no key figure visible on {spec.key}"
    if role == "admin":
        for width, height in VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(300)
            page.screenshot(
                path=str(screenshot_dir / f"{spec.key}-{width}x{height}.png"), full_page=True
            )
            assert (screenshot_dir / f"{spec.key}-{width}x{height}.png").stat().st_size > 0


@pytest.mark.parametrize("role", ROLES)
def test_navigation_lists_exactly_the_roles_pages(role: str, servers: Servers, page: Any) -> None:
    server = servers.for_role(role)
    open_path(page, server.url, "oversigt")
    links = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    # A link's text starts with its Material icon's ligature name ("dashboard\n\nOversigt").
    shown = {str(link).strip().splitlines()[-1].strip() for link in links}
    assert shown == {spec.title("da") for spec in pages_for(role)}
