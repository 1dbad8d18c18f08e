"""Disclosure control (kpis.md): small counts hidden, every other count rounded to 5.

For the roles in `access.SUPPRESSED_ROLES` (viewer, department_head) a count of
families or people from 1 to 4 is shown as `<5`, every count of 5 or more is
rounded to the nearest multiple of 5 (5-7 read 5, 8-12 read 10, ...), and a
share is computed from the rounded counts, withheld when its base is under 5
or its numerator or base minus numerator is 1 to 4. 0 stays 0: "nobody"
identifies no one. Other roles see exact values.

Why rounding and not secondary suppression: with suppression, every
exact number shown (a district, its areas, the month before, the other
page) is an equation a reader can use, and the set of cells to hide so
that none of them closes on a `<5` spans every page, filter and date at once
(the earlier pattern-based rule leaked through the Forløb month tables
and the Visitation cards). A rounded count is an interval of width 4 (2
for 5), so totals, differences over time and parent = sum of children
all stay intervals; `python -m dashboard disclosure-audit` checks that
no combination pins a hidden cell (docs/disclosure.md).

These are small pure functions so that every query that returns counts to a
caller (figures, page tables, exports) applies the same rule before the value
leaves `data_access`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Final, TypeVar

from data_access.rules.access import MIN_CELL, Scope

#: `FigureValue.display` of a suppressed count.
SUPPRESSED: Final = "<5"
#: `FigureValue.display` of a share (or median) that rests on fewer than 5 families.
WITHHELD: Final = "withheld"


def is_small(n: float | None) -> bool:
    """A count from 1 to MIN_CELL - 1: the cells that could point at a family."""
    return n is not None and 0 < n < MIN_CELL


#: Counts of 5 or more are shown to suppressed roles as multiples of this.
ROUNDING_BASE: Final = 5


def rounded(n: int) -> int:
    """`n` (0 or at least 5) to the nearest multiple of 5, halves up; 5-7 read 5.

    5, 6 and 7 read 5 rather than 5 and 10 because a count under 5 never
    reads 5 (it reads "<5"), so the reader knows 5 means 5 to 7 either way.
    """
    if n <= 0:
        return 0
    return max(ROUNDING_BASE, ((n + ROUNDING_BASE // 2) // ROUNDING_BASE) * ROUNDING_BASE)


def suppress_count(n: int | None, scope: Scope) -> tuple[int | None, str | None]:
    """(value, display) of a count of families or people for `scope`.

    A suppressed caller gets (None, "<5") for 1-4 and the count rounded to 5
    otherwise; every other caller the exact count.
    """
    if n is None or not scope.suppressed:
        return n, None
    if is_small(n):
        return None, SUPPRESSED
    return rounded(int(n)), None


def count_or_label(n: int, scope: Scope) -> int | str:
    """A count as a table cell: the number (rounded for a suppressed caller), or "<5"."""
    value, display = suppress_count(n, scope)
    if value is None:
        return display if display is not None else n
    return value


def suppress_share(
    numerator: float | None, denominator: float | None, scope: Scope
) -> tuple[float | None, str | None]:
    """(value, display) of numerator / denominator, where denominator counts families or people.

    No denominator or 0 gives (None, None): there is nothing to divide. A
    suppressed caller gets (None, "withheld") when the denominator is 1-4.
    """
    if numerator is None or not denominator:
        return None, None
    if scope.suppressed and is_small(denominator):
        return None, WITHHELD
    return numerator / denominator, None


def flow_cell(n: int, scope: Scope) -> int | str:
    """A month's flow (started, ended, referred) as a cell: 0 to 4 all read "<5" when suppressed.

    The flows of consecutive months add up to a stock shown elsewhere: four
    months reading "<5" (so at least 1 each) under a stock reading "<5" (at
    most 4) would pin every one of them at 1. A 0 hidden with the small ones
    leaves each month anything from 0 to 4. Others see the exact count.
    """
    if scope.suppressed and n < MIN_CELL:
        return SUPPRESSED
    return count_or_label(n, scope)


def count_share(numerator: int, denominator: int, scope: Scope) -> tuple[float | None, str | None]:
    """(value, display) of a share of families or people: numerator counted among denominator.

    A suppressed caller gets the share of the rounded counts, or (None,
    "withheld") when the base is under 5 or the numerator or the base minus
    the numerator is from 1 to 4 (kpis.md): either would let the share give
    back a small count.
    """
    if not denominator:
        return None, None
    if not scope.suppressed:
        return numerator / denominator, None
    if is_small(denominator) or is_small(numerator) or is_small(denominator - numerator):
        return None, WITHHELD
    return rounded(numerator) / rounded(denominator), None


def withhold_small_base(
    value: float | None, base: int | None, scope: Scope
) -> tuple[float | None, str | None]:
    """(value, display) of a statistic (a median, say) computed over `base` families.

    A median over 1-4 families is close to one family's own figure, so a
    suppressed caller gets (None, "withheld") just as for a share.
    """
    if value is None:
        return None, None
    if scope.suppressed and is_small(base):
        return None, WITHHELD
    return value, None


#: Display of a cell hidden only so that a "<5" cell beside it cannot be worked out
#: (secondary suppression; rounding made it unnecessary, the mark stays for old exports).
SECONDARY: Final = "x"

K = TypeVar("K", bound=Hashable)


def suppress_breakdown(
    counts: Mapping[K, int], scope: Scope, total: int | None = None
) -> dict[K, int | str]:
    """The cells of one breakdown (by district, coordinator, stage, ...) as a caller may see them.

    1-4 reads "<5", the others are rounded to 5, each on its own: the
    rounded total and the rounded cells leave every hidden cell an interval
    (the total minus the others is at least 4 wide), so no second cell needs
    hiding. `total` is only taken to document that the headline is rounded
    the same way. Exact roles get the counts unchanged.
    """
    del total
    if not scope.suppressed:
        return dict(counts)
    return {key: count_or_label(n, scope) for key, n in counts.items()}


def is_hidden(cell: object) -> bool:
    """A cell that `suppress_breakdown` (or `count_or_label`) did not show as a number."""
    return cell in (SUPPRESSED, SECONDARY)
