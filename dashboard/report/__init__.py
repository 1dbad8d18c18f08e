"""The steering group's quarterly report: content built once, rendered as PDF and XLSX."""

from __future__ import annotations

from typing import Literal

from dashboard.report.content import ReportContent

ReportFormat = Literal["pdf", "xlsx"]


def render_report(content: ReportContent, fmt: str, lang: str = "da") -> bytes:
    """`content` rendered as `fmt` ("pdf" or "xlsx") in `lang`."""
    if fmt == "pdf":
        from dashboard.report.pdf import render_pdf

        return render_pdf(content, lang)
    if fmt == "xlsx":
        from dashboard.report.xlsx import render_xlsx

        return render_xlsx(content, lang)
    raise ValueError(f"unknown report format: {fmt}")
