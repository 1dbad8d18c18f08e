"""One policy for every way in (issue 20, point 2): pages, steps, downloads, report, CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.__main__ import main
from dashboard.navigation import PAGES, pages_for
from dashboard.presentation import STEP_PAGES, STEPS, steps_for
from data_access.rules.access import (
    ADMIN,
    COORDINATOR,
    DEPARTMENT_HEAD,
    REPORT,
    RESOURCES,
    ROLES,
    STEERING,
    VIEWER,
    may,
    page_resource,
)


def test_every_page_has_exactly_one_row_in_the_policy() -> None:
    pages = {page_resource(spec.key) for spec in PAGES}
    assert pages <= set(RESOURCES)
    assert {name for name in RESOURCES if name.startswith("page:")} == pages
    assert REPORT in RESOURCES
    assert set(STEP_PAGES.values()) <= {spec.key for spec in PAGES}


def test_unknown_role_or_resource_is_refused() -> None:
    assert not may("root", page_resource("oversigt"))
    assert not may(ADMIN, "page:nowhere")


def test_navigation_lists_what_the_policy_allows() -> None:
    for role in ROLES:
        assert [spec.key for spec in pages_for(role)] == [
            spec.key for spec in PAGES if may(role, page_resource(spec.key))
        ]


def test_presentation_steps_follow_the_page_roles() -> None:
    """`?present=1` showed Økonomi to a coordinator and Effekt to a department head."""
    assert steps_for(ADMIN) == list(STEPS)
    assert "spend" not in steps_for(COORDINATOR)
    assert "outcomes" not in steps_for(DEPARTMENT_HEAD)
    assert steps_for(DEPARTMENT_HEAD) == ["overview", "spend", "districts", "indicators"]
    assert steps_for(COORDINATOR) == [
        "overview",
        "intake",
        "courses",
        "outcomes",
        "districts",
        "indicators",
    ]


def test_report_only_for_roles_that_see_exact_counts() -> None:
    assert {role for role in ROLES if may(role, REPORT)} == {ADMIN, STEERING, COORDINATOR}


@pytest.mark.parametrize("role", [VIEWER, DEPARTMENT_HEAD])
def test_cli_report_refuses_role(
    role: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "q.pdf"
    argv = ["report", "--programme", "p", "--quarter", "2011Q2", "--format", "pdf"]
    code = main([*argv, "--out", str(out), "--role", role])
    assert code == 1
    assert not out.exists()
    assert role in capsys.readouterr().err
