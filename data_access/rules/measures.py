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
