"""The report's column headings that the PDF and the workbook share.

The words themselves are messages of the catalogue (`dashboard.i18n`), so the
PDF, the Excel sheets and the pages name a column the same way.
"""

from __future__ import annotations

from dashboard.catalogue import figure, stage_label
from dashboard.i18n import t
from data_access.rules.stages import STAGE_ORDER


def coordinator_headers(lang: str) -> dict[str, str]:
    """Column id of the coordinator table -> heading, in table order."""
    return {
        "coordinator": t("common.coordinator", lang),
        **{stage: stage_label(stage, lang) for stage in STAGE_ORDER},
        "active": t("report.active", lang),
        "capacity": t("common.capacity", lang),
        "courses_overdue": figure("overdue_families").label(lang),
        "reviews_held": t("report.reviews_held", lang),
        "reviews_overdue": t("report.reviews_overdue", lang),
    }
