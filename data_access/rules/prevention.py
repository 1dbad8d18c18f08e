"""The prevention business case ("Forebyggelsesregnskab"): its arithmetic, one home.

The prevention strategy (Socialudvalget, February 2011) asks of every new
effort whether prevention pays for itself: special schooling, day treatment
and out-of-home placements are expensive, and avoiding some of them may
finance the preventive work. This module sets the programme's cost per
family course against the yearly cost of such a measure. It states what
*would* pay for the programme; it never claims that any measure was avoided,
because the data do not show that.

Definitions (the page states them in plain Danish):

- cost per family-month = spend / family-months (family-months as kpis.md's
  `cost_per_family_month`: families active on each month's last day, summed);
- cost per family course = cost per family-month x the programme's
  course_months;
- years of one avoided measure that pay for one course = course cost / the
  measure's yearly cost;
- measure-years that pay for a spend = spend / yearly cost (per year: how
  many measures avoided for that whole year pay for the year's spend;
  cumulated: the same for all spend to date);
- with N measures avoided at once, the programme's spend to date is paid
  back after spend / (N x yearly cost) years.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

#: The measures bundle.md names as examples, in the order the page lists them;
#: other measures in unit_costs.csv follow in alphabetical order.
KNOWN_MEASURES: Final[tuple[str, ...]] = (
    "anbringelse",
    "sikret_institution",
    "specialskole",
    "dagbehandling",
)


@dataclass(frozen=True)
class UnitCost:
    """One row of unit_costs.csv: a measure's yearly cost from `valid_from`, and its source."""

    measure: str
    name: str
    yearly_cost_dkk: float
    valid_from: date
    source: str


def unit_costs_in_force(rows: Iterable[UnitCost], as_of: date) -> list[UnitCost]:
    """Per measure the price in force on `as_of` (latest valid_from on or before it).

    A measure whose first price starts after `as_of` is left out: the case
    for a past report date uses the prices known then. Ordered as
    KNOWN_MEASURES, then by measure id.
    """
    chosen: dict[str, UnitCost] = {}
    for row in rows:
        if row.valid_from > as_of:
            continue
        held = chosen.get(row.measure)
        if held is None or row.valid_from > held.valid_from:
            chosen[row.measure] = row
    return sorted(chosen.values(), key=lambda r: _measure_rank(r.measure))


def _measure_rank(measure: str) -> tuple[int, str]:
    if measure in KNOWN_MEASURES:
        return KNOWN_MEASURES.index(measure), ""
    return len(KNOWN_MEASURES), measure


def cost_per_family_month(spend_dkk: float, family_months: int) -> float | None:
    """spend / family-months; None when there are no family-months (nothing to divide by)."""
    if family_months <= 0:
        return None
    return spend_dkk / family_months


def cost_per_course(spend_dkk: float, family_months: int, course_months: int) -> float | None:
    """What one family course of `course_months` months costs at the observed monthly cost."""
    monthly = cost_per_family_month(spend_dkk, family_months)
    return None if monthly is None else monthly * course_months


def years_to_pay_course(course_cost_dkk: float | None, yearly_cost_dkk: float) -> float | None:
    """How long one avoided measure must last to pay for one family course (years)."""
    if course_cost_dkk is None or yearly_cost_dkk <= 0:
        return None
    return course_cost_dkk / yearly_cost_dkk


def courses_per_measure_year(course_cost_dkk: float | None, yearly_cost_dkk: float) -> float | None:
    """How many family courses one measure avoided for a whole year pays for."""
    if not course_cost_dkk or course_cost_dkk <= 0:
        return None
    return yearly_cost_dkk / course_cost_dkk


def measure_years(spend_dkk: float, yearly_cost_dkk: float) -> float | None:
    """Measure-years that pay for `spend_dkk`: measures avoided for a year, or one for N years."""
    if yearly_cost_dkk <= 0:
        return None
    return max(spend_dkk, 0.0) / yearly_cost_dkk


def years_to_break_even(spend_dkk: float, yearly_cost_dkk: float, avoided: int) -> float | None:
    """With `avoided` measures avoided at once, the years until they have paid `spend_dkk`.

    None when nothing is avoided (the programme is then never paid back by
    this measure).
    """
    if avoided <= 0 or yearly_cost_dkk <= 0:
        return None
    return max(spend_dkk, 0.0) / (avoided * yearly_cost_dkk)
