"""The quarterly report as an Excel workbook, for department heads who work on in Excel.

The same tables as the PDF, one sheet each, with real numbers (never text)
and number formats; Excel shows them with the reader's separators, so a
Danish Excel reads `9.803.274 kr.` and `52,7 %`. Every text cell goes
through `dashboard.export.neutralise_formulas` first: names come from
outside systems and must not run as formulas.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Final

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dashboard import formatting
from dashboard.catalogue import (
    FIGURES,
    SPEND_BREAKDOWNS,
    Tone,
    change_tone,
    figure,
    spend_column_label,
    spend_status_label,
    stage_definition,
    stage_label,
)
from dashboard.charts import OFF_TRACK_TEXT, ON_TRACK_TEXT
from dashboard.export import neutralise_formulas
from dashboard.i18n import N_, t
from dashboard.indicator_table import indicator_numbers
from dashboard.prevention import measure_numbers, year_numbers
from dashboard.report.content import ReportContent
from dashboard.report.labels import coordinator_headers
from dashboard.report.notes import decision_columns, decision_rows, has_notes, note_rows
from data_access.queries.figures import FigureValue
from data_access.rules.figures import FigureId
from data_access.rules.stages import STAGE_ORDER

#: Sheet -> message id of its name (Excel allows at most 31 characters).
SHEETS: Final[dict[str, str]] = {
    "key_figures": N_("common.key_figures"),
    "coordinators": N_("report.coordinators"),
    "spend_department": N_("report.spend_department"),
    "spend_funder": N_("report.spend_funder"),
    "prevention_years": N_("prevention.sheet_years"),
    "prevention_measures": N_("prevention.sheet_measures"),
    "districts": N_("presentation.indicators"),
    "definitions": N_("report.definitions"),
    "about": N_("report.about"),
    "notes": N_("report.sheet_notes"),
    "decisions": N_("report.sheet_decisions"),
}
COUNT_FORMAT: Final = "#,##0"
SHARE_FORMAT: Final[dict[str, str]] = {"da": "0.0 %", "en": "0.0%"}
CHANGE_SHARE_FORMAT: Final[dict[str, str]] = {"da": "+0.0 %;-0.0 %;0.0 %", "en": "+0.0%;-0.0%;0.0%"}
MONEY_FORMAT: Final[dict[str, str]] = {"da": '#,##0 "kr."', "en": '"DKK "#,##0'}
CHANGE_MONEY_FORMAT: Final[dict[str, str]] = {
    "da": '+#,##0 "kr.";-#,##0 "kr.";0 "kr."',
    "en": '+"DKK "#,##0;-"DKK "#,##0;"DKK "0',
}
HEADER_FILL: Final = PatternFill("solid", fgColor="F2F5F8")
#: Font colour of a good or bad change (RGB without the #).
TONE_COLOURS: Final[dict[Tone, str]] = {
    "good": ON_TRACK_TEXT.removeprefix("#"),
    "bad": OFF_TRACK_TEXT.removeprefix("#"),
}


def sheet_name(key: str, lang: str) -> str:
    """The sheet's name in `lang` (tests and readers look sheets up by it)."""
    return t(SHEETS[key], lang)


def _format_of(kind: str, lang: str, *, change: bool = False) -> str:
    if kind == "money":
        return (CHANGE_MONEY_FORMAT if change else MONEY_FORMAT)[lang]
    if kind == "share":
        return (CHANGE_SHARE_FORMAT if change else SHARE_FORMAT)[lang]
    return "+#,##0;-#,##0;0" if change else COUNT_FORMAT


def _days_format(value: object, *, change: bool = False) -> str:
    """A number of days: whole as a count, with one decimal when it has one (a median's ,5)."""
    whole = not isinstance(value, float) or value.is_integer()
    if change:
        return "+#,##0;-#,##0;0" if whole else "+#,##0.0;-#,##0.0;0.0"
    return COUNT_FORMAT if whole else "#,##0.0"


def _write_sheet(
    sheet: Worksheet,
    frame: pd.DataFrame,
    formats: Sequence[str | None],
    widths: Sequence[float],
) -> None:
    """Header row, rows as they are (numbers stay numbers), formats, frozen header."""
    safe = neutralise_formulas(frame)
    sheet.append([str(c) for c in safe.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for record in safe.itertuples(index=False):
        sheet.append([_plain(v) for v in record])
    for index, (number_format, width) in enumerate(zip(formats, widths, strict=True), start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        if number_format is None:
            for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                row[0].alignment = Alignment(wrap_text=True, vertical="top")
            continue
        for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            row[0].number_format = number_format
    sheet.freeze_panes = "B2"


def _plain(value: object) -> object:
    """A cell value openpyxl writes: NaN and None as empty, numpy numbers as Python ones."""
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _cell_value(item: FigureValue | None, lang: str) -> float | str | None:
    """A figure's value as a number; a suppression mark, or the spend status, as its text."""
    if item is None:
        return None
    if figure(item.figure_id).kind == "status":
        return spend_status_label(item.status, lang)
    if item.value is None:
        return item.display
    return float(item.value)


def _change(item: FigureValue, before: FigureValue | None) -> float | None:
    """The figure's change since the previous quarter; none for the status (a verdict)."""
    if before is None or item.value is None or before.value is None:
        return None
    if figure(item.figure_id).kind == "status":
        return None
    return float(item.value - before.value)


def _key_figures(
    content: ReportContent, lang: str
) -> tuple[pd.DataFrame, list[list[str]], list[Tone]]:
    """The Nøgletal table, per-row number formats for its value columns and each change's tone."""
    rows = []
    row_formats = []
    tones: list[Tone] = []
    for entry in FIGURES:
        item = content.figures[entry.id]
        before = content.previous.get(entry.id)
        change = _change(item, before)
        tones.append("neutral" if change is None else change_tone(entry.id, change))
        rows.append(
            {
                t("report.figure", lang): entry.label(lang),
                t("report.value", lang): _cell_value(item, lang),
                t("report.previous_value", lang): _cell_value(before, lang),
                t("report.change", lang): change,
                t("report.target", lang): None if item.target is None else float(item.target),
            }
        )
        if entry.kind == "days":
            # A median of days can end in ,5: shown with its decimal, never rounded to a
            # whole day that the card, the PDF and a suppressed role would each read otherwise.
            row_formats.append(
                [
                    _days_format(rows[-1][t("report.value", lang)]),
                    _days_format(rows[-1][t("report.previous_value", lang)]),
                    _days_format(change, change=True),
                    COUNT_FORMAT,
                ]
            )
            continue
        plain = _format_of(entry.kind, lang)
        row_formats.append([plain, plain, _format_of(entry.kind, lang, change=True), plain])
    return pd.DataFrame(rows), row_formats, tones


def _coordinators(content: ReportContent, lang: str) -> pd.DataFrame:
    headers = coordinator_headers(lang)
    frame = content.coordinators.copy()
    frame["coordinator"] = [
        name or t("report.no_coordinator", lang) for name in frame["coordinator"]
    ]
    frame = frame[list(headers)].rename(columns=headers)
    return frame


def _spend(frame: pd.DataFrame, key_label: str, lang: str) -> pd.DataFrame:
    """A spend breakdown's columns under their labels, the kpis.md status last (as text)."""
    columns = {"name": key_label}
    for column in (
        "budget_year",
        "spent_ytd",
        "spent_share",
        "expected_share",
        "forecast_year",
        "variance_dkk",
        "variance_share",
    ):
        columns[column] = spend_column_label(column, lang)
    shown = frame[list(columns)].rename(columns=columns)
    shown[figure(FigureId.SPEND_STATUS).label(lang)] = [
        spend_status_label(s, lang) for s in frame["status"]
    ]
    return shown


def render_xlsx(content: ReportContent, lang: str = "da") -> bytes:
    """The report as XLSX bytes: one sheet per table, numbers with number formats."""
    book = Workbook()
    book.properties.title = t("report.title", lang) + f" – {content.quarter.label(lang)}"
    book.properties.subject = content.programme.name

    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_name("key_figures", lang)
    key_figures, row_formats, tones = _key_figures(content, lang)
    _write_sheet(sheet, key_figures, [None, None, None, None, None], [42, 18, 18, 18, 14])
    for row, (formats, tone) in enumerate(zip(row_formats, tones, strict=True), start=2):
        for column, number_format in enumerate(formats, start=2):
            sheet.cell(row=row, column=column).number_format = number_format
        if tone != "neutral":
            # The change's colour follows the figure's direction; its sign says it without.
            sheet.cell(row=row, column=4).font = Font(color=TONE_COLOURS[tone])

    coordinators = _coordinators(content, lang)
    _write_sheet(
        book.create_sheet(sheet_name("coordinators", lang)),
        coordinators,
        [None] + [COUNT_FORMAT] * (coordinators.shape[1] - 1),
        [26] + [14] * (coordinators.shape[1] - 1),
    )
    money, share = MONEY_FORMAT[lang], SHARE_FORMAT[lang]
    spend_formats = [None, money, money, share, share, money, money, share, None]
    for key, frame, label in (
        ("spend_department", content.spend_department, t(SPEND_BREAKDOWNS["department"], lang)),
        ("spend_funder", content.spend_funder, t(SPEND_BREAKDOWNS["funder"], lang)),
    ):
        _write_sheet(
            book.create_sheet(sheet_name(key, lang)),
            _spend(frame, label, lang),
            spend_formats,
            [46, 16, 16, 14, 14, 16, 16, 16, 16],
        )

    if content.business_case is not None:
        case = content.business_case
        _write_sheet(
            book.create_sheet(sheet_name("prevention_years", lang)),
            year_numbers(case, lang),
            [None, money, money, COUNT_FORMAT, money, money],
            [12, 16, 18, 16, 18, 18],
        )
        if not case.measures.empty:
            decimal = "0.0"
            _write_sheet(
                book.create_sheet(sheet_name("prevention_measures", lang)),
                measure_numbers(case, lang),
                [None, money, decimal, decimal, decimal, decimal, "dd.mm.yyyy", None],
                [34, 16, 16, 16, 18, 18, 14, 60],
            )

    if content.district_indicators is not None:
        found = content.district_indicators
        day, decimal = "dd.mm.yyyy", "0.0"
        _write_sheet(
            book.create_sheet(sheet_name("districts", lang)),
            indicator_numbers(found.indicators, found.panels, lang),
            [None, None, None, None, day, decimal, day, decimal, "+0.0;-0.0;0.0", None],
            [28, 20, 22, 24, 14, 12, 14, 12, 12, 16],
        )

    definitions = pd.DataFrame(
        [(entry.label(lang), entry.definition(lang)) for entry in FIGURES]
        + [(stage_label(stage, lang), stage_definition(stage, lang)) for stage in STAGE_ORDER],
        columns=[t("common.term", lang), t("common.definition", lang)],
    )
    _write_sheet(
        book.create_sheet(sheet_name("definitions", lang)), definitions, [None, None], [36, 110]
    )

    if has_notes(content):
        notes = pd.DataFrame(
            note_rows(content, lang),
            columns=[t("report.field", lang), t("report.steering_notes", lang)],
        )
        _write_sheet(book.create_sheet(sheet_name("notes", lang)), notes, [None, None], [36, 110])

    decided = decision_rows(content, lang)
    if decided:
        _write_sheet(
            book.create_sheet(sheet_name("decisions", lang)),
            pd.DataFrame(decided, columns=decision_columns(lang)),
            [None] * 6,
            [18, 10, 70, 18, 12, 12],
        )

    about = pd.DataFrame(
        [
            (t("common.programme", lang), content.programme.name),
            (t("report.quarter", lang), content.quarter.label(lang)),
            (t("common.as_of", lang), formatting.long_date(content.as_of, lang)),
            (t("report.compared_with", lang), formatting.long_date(content.previous_as_of, lang)),
            (t("report.data_until", lang), formatting.long_date(content.data_until, lang)),
            (t("report.created", lang), formatting.long_date(content.created_on, lang)),
            *(
                []
                if content.stale_note is None
                else [
                    (
                        t("report.stale_label", lang),
                        t(
                            "report.stale",
                            lang,
                            date=formatting.long_date(date.fromisoformat(content.stale_note), lang),
                        ),
                    )
                ]
            ),
        ],
        columns=[t("report.field", lang), t("report.value", lang)],
    )
    _write_sheet(book.create_sheet(sheet_name("about", lang)), about, [None, None], [22, 60])

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
