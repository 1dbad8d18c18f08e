"""Disclosure control (kpis.md): small counts hidden, every other count rounded to 5.

For the roles in `access.SUPPRESSED_ROLES` (viewer, department_head) a count of
families or people from 0 to 4 is shown as `<5`, every count of 5 or more is
rounded to a multiple of 5 (5-8 read 5, 9-13 read 10, 14-18 read 15, ...), and a
share is computed from the rounded counts, withheld when its base, its
numerator or its base minus its numerator is under 5. Other roles see exact
values.

Why 0 reads `<5` too (kpis.md asks only that 1-4 do): a `<5` that leaves
out 0 tells the reader "at least 1", and lower bounds add up. Four areas
reading `<5` under a district reading `<5` are each exactly 1; the stages
of a month, the funnel's districts and the end reasons close the same way.
The attacker audit found 724 counts worked out like this on the demo's
month ends (6 December 2026) while 0 still read 0, and none once 0 read
`<5` as well. A 0 shown as a share (0 %, 100 %) or as an empty median would
give the same bound back, so those are withheld alike.

Why rounding and not secondary suppression: with suppression, every
exact number shown (a district, its areas, the month before, the other
page) is an equation a reader can use, and the set of cells to hide so
that none of them closes on a `<5` spans every page, filter and date at once
(the earlier pattern-based rule leaked through the Forløb month tables
and the Visitation cards). A rounded count is an interval of width 4 (3
for 5), so totals, differences over time and parent = sum of children
all stay intervals; `python -m dashboard disclosure-audit` checks that
no combination pins a hidden cell (docs/disclosure.md).

These are small pure functions so that every query that returns counts to a
caller (figures, page tables, exports) applies the same rule before the value
leaves `data_access`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from datetime import date
from typing import Final, TypeVar

from data_access.rules.access import MIN_CELL, Scope
from data_access.rules.calendar import month_ends

#: `FigureValue.display` of a suppressed count.
SUPPRESSED: Final = "<5"
#: `FigureValue.display` of a share (or median) that rests on fewer than 5 families.
WITHHELD: Final = "withheld"


def is_small(n: float | None) -> bool:
    """A count from 1 to MIN_CELL - 1: the cells that could point at a family."""
    return n is not None and 0 < n < MIN_CELL


def below_threshold(n: float | None) -> bool:
    """A count from 0 to MIN_CELL - 1: what a suppressed role never sees exactly (module doc)."""
    return n is not None and n < MIN_CELL


def rests_on_few(n: float | None, scope: Scope) -> bool:
    """Whether a figure over `n` families is flagged or withheld as resting on too few.

    For an exact role, 1-4 (a base of 0 has no figure); for a suppressed
    role 0-4, so that the flag does not tell 0 from 1-4.
    """
    return below_threshold(n) if scope.suppressed else is_small(n)


#: Counts of 5 or more are shown to suppressed roles as multiples of this.
ROUNDING_BASE: Final = 5
#: A shown r >= 10 stands for r - ROUNDING_OFFSET to r - ROUNDING_OFFSET + 4 (module doc).
ROUNDING_OFFSET: Final = 1


def rounded(n: int) -> int:
    """`n` (0 or at least 5) as a suppressed role sees it: 5-8 read 5, 9-13 read 10, 14-18 read 15.

    Every shown r stands for the five counts r - 1 to r + 3 (`rounding_band`),
    except 5, which stands for 5-8 because a count under 5 never reads 5. The
    bands start one below the multiple of 5 rather than two (nearest, halves
    up: 8-12 read 10) so that a band's lowest count is rarely a sum of 4s:
    two `<5` cells under a total reading 10 were both 4 when 10 meant 8-12
    (docs/disclosure.md, "Why the bands start at r - 1").
    """
    if n <= 0:
        return 0
    return max(ROUNDING_BASE, ((n + ROUNDING_OFFSET) // ROUNDING_BASE) * ROUNDING_BASE)


def rounding_band(shown: int) -> tuple[int, int]:
    """The true counts a rounded `shown` (5 or more) can stand for: the inverse of `rounded`.

    One definition for the rule and the attacker audit, so the audit reads
    exactly what the rounding leaves open.
    """
    low = shown - ROUNDING_OFFSET
    return max(MIN_CELL, low), low + ROUNDING_BASE - 1


def report_date_grid(starts_on: date, ends_on: date, latest: date | None) -> list[date]:
    """The report dates a suppressed role can be shown, in order: month ends, and the last data day.

    Every month end of the programme up to the month of its newest data, and
    that day itself. A suppressed role sees no other day (`report_date_for`),
    so these are all the dates the attacker audit has to play: between two
    days a day apart, rounded stocks would give one-day flows that no audit
    over month ends has checked.
    """
    last = min(ends_on, latest) if latest is not None else ends_on
    last = max(last, starts_on)
    return sorted({*month_ends(starts_on, last), last})


def report_date_for(
    chosen: date, scope: Scope, starts_on: date, ends_on: date, latest: date | None
) -> date:
    """The report date `scope` is shown for `chosen`: itself, or for a suppressed role a grid date.

    A suppressed role gets the latest date of `report_date_grid` on or
    before `chosen` (the first one when `chosen` lies before it); exact roles
    any day.
    """
    if not scope.suppressed:
        return chosen
    grid = report_date_grid(starts_on, ends_on, latest)
    before = [day for day in grid if day <= chosen]
    return before[-1] if before else grid[0]


def suppress_count(n: int | None, scope: Scope) -> tuple[int | None, str | None]:
    """(value, display) of a count of families or people for `scope`.

    A suppressed caller gets (None, "<5") for 0-4 and the count rounded to 5
    otherwise; every other caller the exact count.
    """
    if n is None or not scope.suppressed:
        return n, None
    if below_threshold(n):
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
    suppressed caller gets (None, "withheld") when the denominator is 0-4.
    """
    if scope.suppressed and below_threshold(denominator or 0):
        return None, WITHHELD
    if numerator is None or not denominator:
        return None, None
    return numerator / denominator, None


def flow_cell(n: int, scope: Scope) -> int | str:
    """A month's flow (started, ended, referred) as a cell: like every count, 0-4 read "<5".

    Kept as its own name for the flows' callers; the rule is `suppress_count`'s.
    """
    return count_or_label(n, scope)


def count_share(numerator: int, denominator: int, scope: Scope) -> tuple[float | None, str | None]:
    """(value, display) of a share of families or people: numerator counted among denominator.

    A suppressed caller gets the share of the rounded counts, or (None,
    "withheld") when the base, the numerator or the base minus the numerator
    is under 5 (kpis.md says 1 to 4; 0 too, see the module doc): each would
    let the share give back a small count or a bound on one.
    """
    if not scope.suppressed:
        return (numerator / denominator, None) if denominator else (None, None)
    if any(below_threshold(n) for n in (denominator, numerator, denominator - numerator)):
        return None, WITHHELD
    return rounded(numerator) / rounded(denominator), None


def withhold_small_base(
    value: float | None, base: int | None, scope: Scope
) -> tuple[float | None, str | None]:
    """(value, display) of a median of days computed over `base` families.

    A median over 1-4 families is close to one family's own figure, so a
    suppressed caller gets (None, "withheld") just as for a share, and for
    0 families too (an empty median would tell 0 from 1-4). Over 5 or more
    a suppressed caller gets whole days (halves up): a median ending in ,5
    is the mean of the two middle values, so it says its base is even, and
    the audit worked out a month's 2 started families in Nørrebro from two
    such parities between rounded stocks (docs/disclosure.md).
    """
    if scope.suppressed and below_threshold(base or 0):
        return None, WITHHELD
    if value is None:
        return None, None
    if scope.suppressed:
        return float(math.floor(value + 0.5)), None
    return value, None


def average_grid(step: float) -> float:
    """The grid an average over 5 or more is shown on to a suppressed role: `step` / 5.

    `step` is the unit a family's value moves in on whole-unit data (a
    rating of 1-10: 1; a share of a family's parents: 1, i.e. 100 %). An
    average shown exactly (or to finer digits) says which n of its count's
    rounding band it can be a mean over: 77.82142857 = 544.75 / 7 pinned
    the 7 behind a point reading 5, and the programme minus Nørrebro
    (pinned to 5 the same way) gave Tingbjerg's `<5` away as 2. On a grid of
    step / 5, n times the grid is at least one step for every n >= 5, so
    every n of the band has a whole-unit total that rounds to the shown
    average, and the average tells nothing about n.
    """
    return step / MIN_CELL


def average_band(shown: float, step: float) -> tuple[float, float]:
    """The true averages a shown one can stand for: the inverse of `shown_average`'s rounding.

    One definition for the rule and the attacker audit, like `rounding_band`.
    """
    half = average_grid(step) / 2
    return shown - half, shown + half


def shown_average(
    total: float | None, n: int | None, scope: Scope, step: float
) -> tuple[float | None, str | None]:
    """(value, display) of an average of `total` over `n` families (or people).

    Over 0-4 a suppressed caller gets (None, "withheld"), like a share. Over
    5 or more a suppressed caller gets the average on the grid of
    `average_grid(step)` (halves up), so that neither the figure's text nor
    the number a chart carries to the browser (its hover and axis range)
    says more about n than the rounded count beside it does. Exact roles
    get total / n.
    """
    if scope.suppressed and below_threshold(n or 0):
        return None, WITHHELD
    if total is None or not n:
        return None, None
    value = total / n
    if not scope.suppressed:
        return value, None
    grid = average_grid(step)
    # round(..., 9) drops float error: 4.3 / 0.2 is 21.499999999999996, and
    # 3 * 0.2 is 0.6000000000000001.
    return round(math.floor(round(value / grid, 9) + 0.5) * grid, 9), None


#: Display of a cell hidden only so that a "<5" cell beside it cannot be worked out
#: (secondary suppression; rounding made it unnecessary, the mark stays for old exports).
SECONDARY: Final = "x"

K = TypeVar("K", bound=Hashable)


def suppress_breakdown(
    counts: Mapping[K, int], scope: Scope, total: int | None = None
) -> dict[K, int | str]:
    """The cells of one breakdown (by district, coordinator, stage, ...) as a caller may see them.

    0-4 reads "<5", the others are rounded to 5, each on its own: the
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
