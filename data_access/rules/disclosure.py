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


#: Display of a cell hidden only so that a "<5" cell beside it cannot be worked out.
SECONDARY: Final = "x"

K = TypeVar("K", bound=Hashable)


def suppress_breakdown(
    counts: Mapping[K, int], scope: Scope, total: int | None = None
) -> dict[K, int | str]:
    """The cells of one breakdown (by district, coordinator, stage, ...) as a caller may see them.

    Primary rule: 1-4 reads "<5". Secondary rule: when exactly one cell of
    the group is hidden, the reader could take the shown cells from the
    total (or from the headline figure of the same measure) and get it back,
    so the next smallest cell is hidden too ("x"; the smallest non-zero one
    when there is one, since a hidden 0 next to a total still leaves the
    small cell determined only if the reader knows it is 0). Totals stay
    true: `total` is only taken to document that it is shown unchanged, and
    the rule applies whether or not a total is shown, because the headline
    of the measure usually is. Exact roles get the counts unchanged.
    """
    del total
    if not scope.suppressed:
        return dict(counts)
    cells: dict[K, int | str] = {key: SUPPRESSED if is_small(n) else n for key, n in counts.items()}
    return protect_single(cells, counts)


def protect_single(cells: dict[K, int | str], counts: Mapping[K, int]) -> dict[K, int | str]:
    """Hide the next smallest cell of `cells` when exactly one is hidden ("<5" or "x").

    Split from `suppress_breakdown` so a breakdown whose cells were also
    hidden for another reason (the same cell hidden for a sibling district)
    gets the same protection. Changes and returns `cells`.
    """
    hidden = [key for key, cell in cells.items() if is_hidden(cell)]
    if len(hidden) == 1:
        shown = [key for key, cell in cells.items() if isinstance(cell, int)]
        nonzero = [key for key in shown if counts[key] > 0]
        candidates = nonzero or shown
        if candidates:
            nearest = min(candidates, key=lambda key: (counts[key], str(key)))
            cells[nearest] = SECONDARY
    return cells


def is_hidden(cell: object) -> bool:
    """A cell that `suppress_breakdown` (or `count_or_label`) did not show as a number."""
    return cell in (SUPPRESSED, SECONDARY)
