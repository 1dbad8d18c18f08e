"""The assessments' measures (bundle.md): each one's scale and whose it is.

The loader checks values against these scales; the derived SSP levels read
the SSP scale's bounds from here too, so both agree on what a level is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Scale:
    """A measure's allowed values and, for member-level measures, whose they are."""

    low: float
    high: float
    whole: bool
    role: str | None


SCALES: Final[dict[str, Scale]] = {
    "ssp_level": Scale(0, 4, whole=True, role="child"),
    "parental_authority": Scale(1, 5, whole=False, role=None),
    "employment": Scale(0, 2, whole=True, role="parent"),
    "school_attendance": Scale(0, 100, whole=False, role="child"),
    "life_quality": Scale(1, 10, whole=False, role=None),
}

#: kpis.md: the baseline assessment lies on or before started_on + this many days.
BASELINE_WINDOW_DAYS: Final = 31
#: assessments.value of `employment` meaning self-supporting.
SELF_SUPPORTING: Final = 2

#: The unit a family's value moves in on whole-unit data, per averaged measure: what
#: `rules.disclosure.shown_average` shows averages to a suppressed role against.
#: School attendance is whole percent per child; ratings are whole points; employment's
#: family value is the share of its parents who are self-supporting (0 to 1), a whole
#: 1 when the family has one parent.
FAMILY_VALUE_STEP: Final[dict[str, float]] = {
    "school_attendance": 1.0,
    "life_quality": 1.0,
    "parental_authority": 1.0,
    "employment": 1.0,
}
