"""The figures of kpis.md by id: one typed enumeration, in kpis.md's order.

Queries compute them (`queries.figures`), the catalogue labels and groups
them (`dashboard.catalogue`); both use these ids, so a figure that one side
does not know is a type error, not a missing card.
"""

from __future__ import annotations

from enum import StrEnum


class FigureId(StrEnum):
    """A kpis.md figure id; the value is the id as kpis.md writes it."""

    ACTIVE_FAMILIES = "active_families"
    INTENSIVE_FAMILIES = "intensive_families"
    AFTERCARE_FAMILIES = "aftercare_families"
    PIPELINE_FAMILIES = "pipeline_families"
    ENDED_FAMILIES = "ended_families"
    OVERDUE_FAMILIES = "overdue_families"
    TARGET_ACTIVE = "target_active"
    MEDIAN_DAYS_TO_START = "median_days_to_start"
    IMPROVED_SHARE = "improved_share"
    SELF_SUPPORTING_PARENTS = "self_supporting_parents"
    BUDGET_YEAR = "budget_year"
    SPENT_YTD = "spent_ytd"
    SPENT_SHARE = "spent_share"
    EXPECTED_SHARE = "expected_share"
    FORECAST_YEAR = "forecast_year"
    SPEND_STATUS = "spend_status"
    COST_PER_FAMILY_MONTH = "cost_per_family_month"
