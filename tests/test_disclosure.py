"""Disclosure control as pure functions: the rule of kpis.md, cell by cell."""

from __future__ import annotations

from datetime import date

import pytest

from data_access.rules.access import ROLES, SYSTEM, Scope
from data_access.rules.disclosure import (
    SUPPRESSED,
    WITHHELD,
    count_or_label,
    count_share,
    flow_cell,
    is_small,
    report_date_for,
    report_date_grid,
    rests_on_few,
    suppress_count,
    suppress_share,
    withhold_small_base,
)

VIEWER = Scope(role="viewer")
DEPARTMENT_HEAD = Scope(role="department_head")
SUPPRESSED_SCOPES = [VIEWER, DEPARTMENT_HEAD]
EXACT_SCOPES = [SYSTEM, Scope(role="steering"), Scope(role="coordinator", coordinator_id="C1")]


def test_roles_split_as_in_the_contract() -> None:
    # kpis.md: viewer and department_head suppressed; admin, steering, coordinator exact.
    assert {s.role for s in SUPPRESSED_SCOPES} | {s.role for s in EXACT_SCOPES} == set(ROLES)


@pytest.mark.parametrize("scope", SUPPRESSED_SCOPES, ids=lambda s: s.role)
def test_suppressed_counts(scope: Scope) -> None:
    # 0-4 -> "<5" (0 too: a "<5" that left out 0 would say "at least 1"); 5 and up rounded.
    for n in (0, 1, 2, 3, 4):
        assert suppress_count(n, scope) == (None, SUPPRESSED)
        assert count_or_label(n, scope) == "<5"
    assert suppress_count(5, scope) == (5, None)
    assert suppress_count(8, scope) == (5, None)
    assert suppress_count(9, scope) == (10, None)
    assert suppress_count(123, scope) == (120, None)
    assert suppress_count(124, scope) == (125, None)
    assert suppress_count(None, scope) == (None, None)
    assert count_or_label(5, scope) == 5


@pytest.mark.parametrize("scope", EXACT_SCOPES, ids=lambda s: s.role)
def test_exact_counts(scope: Scope) -> None:
    for n in (0, 1, 4, 5):
        assert suppress_count(n, scope) == (n, None)
        assert count_or_label(n, scope) == n


@pytest.mark.parametrize("scope", SUPPRESSED_SCOPES, ids=lambda s: s.role)
def test_suppressed_shares(scope: Scope) -> None:
    # 2 of 4 families: the base is under 5 -> withheld.
    assert suppress_share(2, 4, scope) == (None, WITHHELD)
    assert suppress_share(0, 1, scope) == (None, WITHHELD)
    # 2 of 5 -> 0.4 shown.
    assert suppress_share(2, 5, scope) == (pytest.approx(0.4), None)
    # A base of 0 is withheld like 1-4 (missing would tell 0 from 1-4).
    assert suppress_share(0, 0, scope) == (None, WITHHELD)
    assert suppress_share(None, 7, scope) == (None, None)


@pytest.mark.parametrize("scope", EXACT_SCOPES, ids=lambda s: s.role)
def test_exact_shares(scope: Scope) -> None:
    # 1 of 4 -> 0.25 for roles that see exact figures.
    assert suppress_share(1, 4, scope) == (0.25, None)
    assert suppress_share(3, 0, scope) == (None, None)


def test_withhold_small_base() -> None:
    # A median over 3 families is withheld for a viewer, shown for admin.
    assert withhold_small_base(31.0, 3, VIEWER) == (None, WITHHELD)
    assert withhold_small_base(31.0, 3, SYSTEM) == (31.0, None)
    assert withhold_small_base(31.0, 5, VIEWER) == (31.0, None)
    # No families: withheld for a viewer too (an empty median would tell 0 from 1-4).
    assert withhold_small_base(None, 0, VIEWER) == (None, WITHHELD)
    assert withhold_small_base(None, 0, SYSTEM) == (None, None)
    # Over 5 or more a viewer gets whole days, halves up: 12,5 (the mean of the two
    # middle values, so an even base) reads 13 and says nothing of the base's parity.
    assert withhold_small_base(12.5, 6, VIEWER) == (13.0, None)
    assert withhold_small_base(12.5, 6, DEPARTMENT_HEAD) == (13.0, None)
    assert withhold_small_base(12.0, 7, VIEWER) == (12.0, None)
    assert withhold_small_base(12.5, 6, SYSTEM) == (12.5, None)


def test_is_small() -> None:
    assert [is_small(n) for n in (None, 0, 1, 4, 5)] == [False, False, True, True, False]


@pytest.mark.parametrize("scope", SUPPRESSED_SCOPES, ids=lambda s: s.role)
def test_count_share_from_rounded_counts(scope: Scope) -> None:
    # 7 of 12: rounded 5 of 10 -> 50 %, not 58,3 % (which would give 7 and 12 back).
    assert count_share(7, 12, scope) == (0.5, None)
    # Base, numerator or base minus numerator under 5 (0 included): withheld.
    assert count_share(1, 3, scope) == (None, WITHHELD)
    assert count_share(1, 5, scope) == (None, WITHHELD)
    assert count_share(4, 5, scope) == (None, WITHHELD)
    assert count_share(0, 5, scope) == (None, WITHHELD)
    assert count_share(10, 10, scope) == (None, WITHHELD)
    assert count_share(0, 0, scope) == (None, WITHHELD)
    # 5 of 10: rounded 5 of 10.
    assert count_share(5, 10, scope) == (0.5, None)


@pytest.mark.parametrize("scope", EXACT_SCOPES, ids=lambda s: s.role)
def test_count_share_exact(scope: Scope) -> None:
    assert count_share(1, 4, scope) == (0.25, None)
    assert count_share(0, 0, scope) == (None, None)
    assert count_or_label(7, scope) == 7


def test_the_few_flag_does_not_tell_zero_from_small() -> None:
    # Exact roles: flagged for 1-4 (0 has no figure); suppressed roles: 0-4 alike.
    assert [rests_on_few(n, SYSTEM) for n in (0, 1, 4, 5)] == [False, True, True, False]
    assert [rests_on_few(n, VIEWER) for n in (0, 1, 4, 5)] == [True, True, True, False]


def test_flows_hide_zero_with_the_small_ones() -> None:
    # Four months of "<5" under a stock of "<5" would pin each at 1: 0-4 all read "<5",
    # for flows as for every count.
    assert [flow_cell(n, VIEWER) for n in (0, 1, 4, 5, 9)] == ["<5", "<5", "<5", 5, 10]
    assert [flow_cell(n, SYSTEM) for n in (0, 1, 8)] == [0, 1, 8]


def test_a_suppressed_role_sees_month_ends_and_the_last_data_day_only() -> None:
    # Programme 10 January - 31 December 2011, newest data 15 June: the grid is the
    # month ends January to June and 15 June itself.
    starts, ends, latest = date(2011, 1, 10), date(2011, 12, 31), date(2011, 6, 15)
    assert report_date_grid(starts, ends, latest) == [
        date(2011, 1, 31),
        date(2011, 2, 28),
        date(2011, 3, 31),
        date(2011, 4, 30),
        date(2011, 5, 31),
        date(2011, 6, 15),
        date(2011, 6, 30),
    ]
    asked_and_shown = {
        date(2011, 4, 12): date(2011, 3, 31),
        date(2011, 4, 30): date(2011, 4, 30),
        date(2011, 6, 20): date(2011, 6, 15),
        date(2011, 9, 1): date(2011, 6, 30),
        date(2011, 1, 20): date(2011, 1, 31),
    }
    for scope in SUPPRESSED_SCOPES:
        for asked, shown in asked_and_shown.items():
            assert report_date_for(asked, scope, starts, ends, latest) == shown, (scope, asked)
    for scope in EXACT_SCOPES:
        assert report_date_for(date(2011, 4, 12), scope, starts, ends, latest) == date(2011, 4, 12)
