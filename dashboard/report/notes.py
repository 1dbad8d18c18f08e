"""The report's section on a frozen quarter: changes since freezing, remarks, decisions.

Both renderers take these lines as plain text (the PDF escapes them, the
workbook neutralises formulas), so what the steering group typed is never
read as markup.
"""

from __future__ import annotations

from dashboard import formatting
from dashboard.catalogue import figure
from dashboard.figure_format import format_value
from dashboard.report.content import ReportContent
from dashboard.report.labels import t


def has_notes(content: ReportContent) -> bool:
    """The report has a steering group section: the quarter is frozen or has words."""
    return content.frozen is not None or bool(content.remarks) or bool(content.decisions)


def note_rows(content: ReportContent, lang: str) -> list[tuple[str, str]]:
    """(heading, line) pairs: the freeze, each changed figure, each remark and decision."""
    rows: list[tuple[str, str]] = []
    frozen = content.frozen
    if frozen is not None:
        heading = t("steering_notes", lang)
        rows.append(
            (
                heading,
                t(
                    "frozen_note",
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
            rows.append((label, t("changed_since", lang, old=old, new=new)))
    for remark in content.remarks:
        rows.append((f"{t('remarks', lang)} ({remark.page})", remark.text))
    for decision in content.decisions:
        line = t(
            "decision_line",
            lang,
            text=decision.text,
            owner=decision.owner_role,
            due=formatting.long_date(decision.due_on, lang),
            status=t(decision.status, lang),
        )
        rows.append((t("decisions", lang), line))
    return rows
