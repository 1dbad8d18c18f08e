"""Disclosure control (kpis.md): small counts and shares on small bases are hidden.

For the roles in `access.SUPPRESSED_ROLES` (viewer, department_head) a count of
families or people from 1 to 4 is shown as `<5`, and a share (or any other
statistic) built on fewer than 5 families or people is withheld. 0 stays 0:
"nobody" identifies no one. Other roles see exact values.

These are small pure functions so that every query that returns counts to a
caller (figures, page tables, exports) applies the same rule before the value
leaves `data_access`.
"""

from __future__ import annotations

from typing import Final

from data_access.access import MIN_CELL, Scope

#: `FigureValue.display` of a suppressed count.
SUPPRESSED: Final = "<5"
#: `FigureValue.display` of a share (or median) that rests on fewer than 5 families.
WITHHELD: Final = "withheld"


def is_small(n: float | None) -> bool:
    """A count from 1 to MIN_CELL - 1: the cells that could point at a family."""
    return n is not None and 0 < n < MIN_CELL


def suppress_count(n: int | None, scope: Scope) -> tuple[int | None, str | None]:
    """(value, display) of a count of families or people for `scope`.

    A suppressed caller gets (None, "<5") for 1-4; everything else is exact.
    """
    if scope.suppressed and is_small(n):
        return None, SUPPRESSED
    return n, None


def count_or_label(n: int, scope: Scope) -> int | str:
    """A count as a table cell: the number, or "<5" for a suppressed caller."""
    value, display = suppress_count(n, scope)
    return display if value is None and display is not None else n


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
