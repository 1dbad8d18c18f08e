"""The report's section on a frozen quarter: changes since freezing, remarks, decisions.

Both renderers take these lines as plain text (the PDF escapes them, the
workbook neutralises formulas), so what the steering group typed is never
read as markup.
"""

from __future__ import annotations

from typing import Final

from dashboard import formatting
from dashboard.catalogue import figure
from dashboard.figure_format import format_value
from dashboard.i18n import N_, role_label, t
from dashboard.report.content import ReportContent
from data_access.rules.decisions import DONE, DROPPED, OPEN

#: Decision status (`rules.decisions.STATUSES`) -> message id; the overview's panel uses it too.
DECISION_STATUSES: Final[dict[str, str]] = {
    OPEN: N_("quarter.status.open"),
    DONE: N_("quarter.status.done"),
    DROPPED: N_("quarter.status.dropped"),
}


def has_notes(content: ReportContent) -> bool:
    """The report has a steering group section: the quarter is frozen or has words."""
    return content.frozen is not None or bool(content.remarks) or bool(content.decisions)


def note_rows(content: ReportContent, lang: str) -> list[tuple[str, str]]:
    """(heading, line) pairs: the freeze, each changed figure, each remark and decision."""
    rows: list[tuple[str, str]] = []
    frozen = content.frozen
    if frozen is not None:
        heading = t("report.steering_notes", lang)
        rows.append(
            (
                heading,
                t(
                    "report.frozen_note",
                    lang,
                    date=formatting.long_date(frozen.frozen_at.date(), lang),
                    who=frozen.frozen_by,
                    load=frozen.load_id if frozen.load_id is not None else "-",
                ),
            )
        )
        for change in content.changes:
            old = format_value(change.frozen, lang)
            new = format_value(change.current, lang)
            label = figure(change.figure_id).label(lang)
            rows.append((label, t("report.changed_since", lang, old=old, new=new)))
    for remark in content.remarks:
        rows.append((t("quarter.remarks_heading", lang) + f" ({remark.page})", remark.text))
    for decision in content.decisions:
        line = t(
            "report.decision_line",
            lang,
            text=decision.text,
            owner=decision.owner_role,
            due=formatting.long_date(decision.due_on, lang),
            status=t(DECISION_STATUSES[decision.status], lang),
        )
        rows.append((t("quarter.decisions", lang), line))
    return rows


#: The kinds of row in the report's decisions section, in the order they are listed.
DECISION_KINDS: Final[dict[str, str]] = {
    "made": N_("report.decisions.made"),
    "closed": N_("report.decisions.closed"),
    "overdue": N_("report.decisions.overdue"),
}


def decision_columns(lang: str) -> list[str]:
    """The headings of the decisions section's table (PDF and the XLSX sheet)."""
    return [
        t("report.decisions.kind", lang),
        t("decisions.quarter", lang),
        t("quarter.decision", lang),
        t("quarter.owner", lang),
        t("quarter.due", lang),
        t("common.status", lang),
    ]


def decision_rows(content: ReportContent, lang: str) -> list[tuple[str, str, str, str, str, str]]:
    """Decisions made, closed and overdue in the quarter; empty without the app database."""
    summary = content.decision_summary
    if summary is None:
        return []
    rows = []
    for kind, group in (
        ("made", summary.made),
        ("closed", summary.closed),
        ("overdue", summary.overdue),
    ):
        for decision in group:
            rows.append(
                (
                    t(DECISION_KINDS[kind], lang),
                    decision.quarter,
                    decision.text,
                    role_label(decision.owner_role, lang),
                    formatting.short_date(decision.due_on, lang),
                    t(DECISION_STATUSES[decision.status], lang),
                )
            )
    return rows
