"""The quarterly report as a PDF (reportlab, pure Python).

Layout, A4 portrait: a cover with programme, quarter, report date and the
quarter at a glance; every kpis.md figure with its change since the previous
quarter; the charts; per-coordinator progression; spend per department and
funder against budget; a page of definitions. Values are formatted by
`dashboard.figure_format` exactly as the pages show them. DejaVu Sans (shipped
with matplotlib, so present wherever the report runs) renders æ, ø, å, §
and the en dash.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Final

import matplotlib
import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashboard import formatting
from dashboard.catalogue import (
    FIGURES,
    SPEND_BREAKDOWNS,
    Tone,
    change_tone,
    figure,
    group_heading,
    grouped,
    spend_column_label,
    spend_status_text,
    stage_definition,
    stage_label,
    status_of,
)
from dashboard.charts import OFF_TRACK_TEXT, ON_TRACK_TEXT, SPEND_STATUS_TEXT_COLOURS
from dashboard.figure_format import format_delta, format_value
from dashboard.i18n import N_, t
from dashboard.indicator_table import IndicatorCell, direction, indicator_rows
from dashboard.prevention import assumptions, measure_table, year_table
from dashboard.report import charts
from dashboard.report.content import ReportContent
from dashboard.report.labels import coordinator_headers
from dashboard.report.notes import decision_columns, decision_rows, has_notes, note_rows
from data_access.queries.figures import FigureValue
from data_access.rules.figures import FigureId
from data_access.rules.stages import STAGE_ORDER

FONT: Final = "DejaVuSans"
FONT_BOLD: Final = "DejaVuSans-Bold"
MARGIN: Final = 1.6 * cm
WIDTH: Final = A4[0] - 2 * MARGIN
BLUE: Final = colors.HexColor("#0072B2")
GREY: Final = colors.HexColor("#666666")
RULE: Final = colors.HexColor("#cccccc")
BAND: Final = colors.HexColor("#f2f5f8")

#: The colour of a change by its tone (catalogue direction); the sign says it in print.
TONE_COLOURS: Final[dict[Tone, colors.Color]] = {
    "good": colors.HexColor(ON_TRACK_TEXT),
    "bad": colors.HexColor(OFF_TRACK_TEXT),
    "neutral": colors.black,
}
#: An indicator's reading -> the tone its words are printed in.
READING_TONES: Final[dict[str, Tone]] = {"better": "good", "worse": "bad", "same": "neutral"}
#: Indicator columns per table: with four, "Ungdomskriminalitet" broke inside the word
#: and "136,0 (−23,0) ▲ Bedre" took two lines.
INDICATORS_PER_TABLE: Final = 3


def _register_fonts() -> None:
    """DejaVu Sans from matplotlib's data folder (no system fonts needed)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=GREY),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", parent=body, fontName=FONT_BOLD, fontSize=8, leading=10),
        "head_right": ParagraphStyle(
            "head_right",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=8,
            leading=10,
            alignment=TA_RIGHT,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=17,
            leading=22,
            spaceAfter=8,
            textColor=BLUE,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=12,
            leading=16,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=26,
            leading=32,
            textColor=BLUE,
            spaceAfter=14,
        ),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=15, leading=20, spaceAfter=4),
        "big": ParagraphStyle("big", parent=body, fontName=FONT_BOLD, fontSize=20, leading=24),
        "big_label": ParagraphStyle(
            "big_label", parent=body, fontSize=9, leading=11, textColor=GREY
        ),
    }


def _esc(text: object) -> str:
    """Text for a Paragraph (which reads a little XML)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    numeric_from: int = 1,
    total: bool = False,
) -> Table:
    """A plain report table: bold header on a band, right-aligned numbers, thin rules."""
    table = Table(list(rows), colWidths=list(widths), repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), BAND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, GREY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if total:
        style += [
            ("FONT", (0, -1), (-1, -1), FONT_BOLD, 8.5),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, GREY),
        ]
    table.setStyle(TableStyle(style))
    return table


def _header_row(
    labels: Sequence[str], s: dict[str, ParagraphStyle], *, numeric_from: int = 1
) -> list[Paragraph]:
    """Bold headings; those over numbers are right-aligned like the numbers."""
    return [
        Paragraph(_esc(label), s["head"] if i < numeric_from else s["head_right"])
        for i, label in enumerate(labels)
    ]


def _target_text(item: FigureValue, lang: str) -> str:
    if item.target is None:
        return ""
    return format_value(FigureValue(item.figure_id, item.target), lang)


def _cover(content: ReportContent, lang: str, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Title, programme, quarter, dates and four headline figures."""
    programme = content.programme
    story: list[Flowable] = [
        Spacer(1, 2.5 * cm),
        Paragraph(_esc(t("report.title", lang)), s["title"]),
        Paragraph(_esc(programme.name), s["subtitle"]),
        Paragraph(_esc(content.quarter.label(lang)), s["subtitle"]),
        Spacer(1, 0.6 * cm),
    ]
    facts = [
        (t("common.as_of", lang), formatting.long_date(content.as_of, lang)),
        (t("report.compared_with", lang), formatting.long_date(content.previous_as_of, lang)),
        (t("report.data_until", lang), formatting.long_date(content.data_until, lang)),
        (t("report.created", lang), formatting.long_date(content.created_on, lang)),
    ]
    fact_table = Table(
        [[Paragraph(_esc(k), s["body"]), Paragraph(_esc(v), s["body"])] for k, v in facts],
        colWidths=[4.5 * cm, WIDTH - 4.5 * cm],
    )
    fact_table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [fact_table, Spacer(1, 0.4 * cm)]
    if content.stale_note is not None:
        loaded = formatting.long_date(date.fromisoformat(content.stale_note), lang)
        warning = _esc(t("report.stale", lang, date=loaded))
        story.append(Paragraph(f"<b>{warning}</b>", s["body"]))
    if content.preliminary:
        until = formatting.long_date(content.data_until, lang)
        warning = _esc(t("report.preliminary", lang, date=until))
        story.append(Paragraph(f"<b>{warning}</b>", s["body"]))
    story += [Spacer(1, 1.0 * cm), Paragraph(_esc(t("report.headline", lang)), s["h2"])]
    cells = []
    for figure_id in ("active_families", "improved_share", "spent_share", "overdue_families"):
        item = content.figures[figure_id]
        value = format_value(item, lang)
        lines = [
            Paragraph(_esc(figure(figure_id).label(lang)), s["big_label"]),
            Paragraph(_esc(value), s["big"]),
        ]
        note = _headline_note(content, figure_id, lang)
        if note:
            lines.append(Paragraph(_esc(note), s["small"]))
        cells.append(lines)
    glance = Table([cells], colWidths=[WIDTH / 4] * 4)
    glance.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    story += [
        glance,
        Spacer(1, 1.0 * cm),
        Paragraph(_esc(t("report.cover_note", lang)), s["small"]),
    ]
    return story


def _headline_note(content: ReportContent, figure_id: str, lang: str) -> str:
    """Under a headline figure: its target or expected share and spend status, and the change."""
    item = content.figures[figure_id]
    parts = []
    if figure_id == FigureId.SPENT_SHARE:
        expected = content.figures[FigureId.EXPECTED_SHARE]
        parts.append(f"{figure('expected_share').label(lang)} {format_value(expected, lang)}")
        parts.append(format_value(content.figures[FigureId.SPEND_STATUS], lang))
    elif item.target is not None:
        parts.append(t("report.of_target", lang, target=_target_text(item, lang)))
    delta = format_delta(item, content.previous.get(figure_id), lang)
    if delta is not None:
        parts.append(t("report.change", lang).lower() + f" {delta}")
    return " · ".join(parts)


def _key_figures(content: ReportContent, lang: str, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Every kpis.md figure under its catalogue group: value, previous quarter, change, target.

    A change is coloured by the figure's direction (green good, orange bad).
    """
    story: list[Flowable] = [Paragraph(_esc(t("common.key_figures", lang)), s["h1"])]
    previous_label = (
        t("report.previous_value", lang)
        + f" ({formatting.short_date(content.previous_as_of, lang)})"
    )
    value_label = t("report.value", lang) + f" ({formatting.short_date(content.as_of, lang)})"
    widths = [6.4 * cm, 3.1 * cm, 3.1 * cm, 3.2 * cm, WIDTH - 15.8 * cm]
    for group, ids in grouped(entry.id for entry in FIGURES):
        rows: list[list[Any]] = [
            _header_row(
                [
                    group_heading(group, lang),
                    value_label,
                    previous_label,
                    t("report.change", lang),
                    t("report.target", lang),
                ],
                s,
            )
        ]
        tones: list[Tone] = []
        for figure_id in ids:
            item = content.figures[figure_id]
            before = content.previous.get(figure_id)
            rows.append(
                [
                    Paragraph(_esc(figure(figure_id).label(lang)), s["cell"]),
                    format_value(item, lang),
                    "" if before is None else format_value(before, lang),
                    format_delta(item, before, lang) or "",
                    _target_text(item, lang),
                ]
            )
            tones.append(_tone(item, before))
        table = _table(rows, widths)
        table.setStyle(
            TableStyle(
                [
                    ("TEXTCOLOR", (3, row), (3, row), TONE_COLOURS[tone])
                    for row, tone in enumerate(tones, start=1)
                ]
            )
        )
        story += [table, Spacer(1, 0.4 * cm)]
    return story


def _tone(item: FigureValue, before: FigureValue | None) -> Tone:
    """Good, bad or neutral change since the previous quarter (the catalogue's direction)."""
    if before is None or item.value is None or before.value is None:
        return "neutral"
    return change_tone(item.figure_id, item.value - before.value)


def _image(png: bytes, width: float) -> Image:
    image = Image(io.BytesIO(png))
    ratio = image.imageHeight / image.imageWidth
    image.drawWidth = width
    image.drawHeight = width * ratio
    return image


def _charts(content: ReportContent, lang: str, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(_esc(t("report.charts", lang)), s["h1"])]
    for caption, png in (
        (N_("report.stage_chart"), charts.stage_chart(content.stage_months, lang)),
        (N_("report.spend_chart"), charts.spend_chart(content.spend_months, lang)),
    ):
        story.append(
            KeepTogether([Paragraph(_esc(t(caption, lang)), s["h2"]), _image(png, WIDTH * 0.92)])
        )
    return story


def _cell(value: object, lang: str) -> str:
    """A count from a table: number in Danish format, "<5" as it is, empty for none."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        return value
    return formatting.number(float(value), lang)  # type: ignore[arg-type]


def _coordinator_table(
    frame: pd.DataFrame, columns: Sequence[str], lang: str, s: dict[str, ParagraphStyle]
) -> Table:
    """Coordinator name plus `columns`, with a total row when every cell is a number."""
    headers = coordinator_headers(lang)
    rows: list[list[Any]] = [
        _header_row([headers["coordinator"]] + [headers[c] for c in columns], s)
    ]
    for record in frame.to_dict("records"):
        name = record["coordinator"] or t("report.no_coordinator", lang)
        rows.append([Paragraph(_esc(name), s["cell"])] + [_cell(record[c], lang) for c in columns])
    numeric = [c for c in columns if c != "capacity"]
    total = len(frame) > 1 and all(
        isinstance(v, int | float) and not pd.isna(v) for c in numeric for v in frame[c]
    )
    if total:
        rows.append(
            [t("common.total", lang)]
            + [
                formatting.number(float(frame[c].sum()), lang) if c in numeric else ""
                for c in columns
            ]
        )
    first = 3.2 * cm
    widths = [first] + [(WIDTH - first) / len(columns)] * len(columns)
    return _table(rows, widths, total=total)


def _coordinators(
    content: ReportContent, lang: str, s: dict[str, ParagraphStyle]
) -> list[Flowable]:
    """Per-coordinator progression: families by stage, then reviews held and overdue."""
    frame = content.coordinators
    return [
        Paragraph(_esc(t("report.coordinators", lang)), s["h1"]),
        Paragraph(_esc(t("report.coordinators_intro", lang)), s["body"]),
        Paragraph(_esc(t("report.families_by_stage", lang)), s["h2"]),
        _coordinator_table(frame, [*STAGE_ORDER, "active", "capacity"], lang, s),
        Paragraph(_esc(t("report.follow_up", lang)), s["h2"]),
        _coordinator_table(frame, ["courses_overdue", "reviews_held", "reviews_overdue"], lang, s),
    ]


def _spend_table(
    frame: pd.DataFrame, key_label: str, lang: str, s: dict[str, ParagraphStyle]
) -> Table:
    """One row per department or funder, with the spend status of kpis.md as its last column."""
    columns = ("budget_year", "spent_ytd", "spent_share", "forecast_year", "variance_dkk")
    labels = [key_label] + [spend_column_label(c, lang) for c in columns]
    labels.append(figure(FigureId.SPEND_STATUS).label(lang))
    rows: list[list[Any]] = [_header_row(labels, s)]
    colours = []
    for row, record in enumerate(frame.to_dict("records"), start=1):
        rows.append(
            [Paragraph(_esc(record["name"]), s["cell"])]
            + [
                formatting.share(_number(record[c]), lang)
                if c == "spent_share"
                else formatting.signed_money(_number(record[c]), lang)
                if c == "variance_dkk"
                else formatting.money(_number(record[c]), lang)
                for c in columns
            ]
            + [spend_status_text(record["status"], lang)]
        )
        colour = SPEND_STATUS_TEXT_COLOURS[status_of(record["status"])]
        colours.append(("TEXTCOLOR", (-1, row), (-1, row), colors.HexColor(colour)))
    # Seven columns beside the name: a size smaller, so names wrap between words.
    first, status = 4.4 * cm, 2.3 * cm
    rest = (WIDTH - first - status) / len(columns)
    table = _table(rows, [first] + [rest] * len(columns) + [status])
    table.setStyle(TableStyle([("FONT", (1, 1), (-1, -1), FONT, 7.8), *colours]))
    return table


def _number(value: object) -> float | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return float(value)  # type: ignore[arg-type]


def _spend(content: ReportContent, lang: str, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    expected = format_value(content.figures["expected_share"], lang)
    intro = t("report.spend_intro", lang) + f" {figure('expected_share').label(lang)}: {expected}."
    return [
        Paragraph(_esc(group_heading("money", lang)), s["h1"]),
        Paragraph(_esc(intro), s["body"]),
        Paragraph(_esc(t("report.budget_chart", lang)), s["h2"]),
        _image(charts.budget_chart(content.spend_department, lang), WIDTH * 0.85),
        Paragraph(_esc(t("report.spend_department", lang)), s["h2"]),
        _spend_table(content.spend_department, t(SPEND_BREAKDOWNS["department"], lang), lang, s),
        Paragraph(_esc(t("report.spend_funder", lang)), s["h2"]),
        _spend_table(content.spend_funder, t(SPEND_BREAKDOWNS["funder"], lang), lang, s),
    ]


def _text_table(
    frame: pd.DataFrame,
    widths: Sequence[float],
    s: dict[str, ParagraphStyle],
    *,
    wrapped: Sequence[int] = (0,),
    total: bool = False,
) -> Table:
    """A table of already formatted text; the `wrapped` columns wrap between words."""
    rows: list[list[Any]] = [_header_row([str(c) for c in frame.columns], s)]
    for record in frame.itertuples(index=False):
        rows.append(
            [
                Paragraph(_esc(value), s["cell"]) if i in wrapped else str(value)
                for i, value in enumerate(record)
            ]
        )
    table = _table(rows, widths, total=total)
    table.setStyle(TableStyle([("FONT", (1, 1), (-1, -1), FONT, 7.8)]))
    return table


def _prevention(content: ReportContent, lang: str, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The Forebyggelse page's tables and assumptions (issue 22: the report carries them)."""
    case = content.business_case
    if case is None:
        return []
    years = year_table(case, lang)
    story: list[Flowable] = [
        Paragraph(_esc(t("page.forebyggelse.title", lang)), s["h1"]),
        Paragraph(_esc(t("prevention.intro", lang)), s["body"]),
        Paragraph(_esc(t("prevention.years_heading", lang)), s["h2"]),
        _text_table(years, [WIDTH / years.shape[1]] * years.shape[1], s, total=True),
        Paragraph(_esc(t("prevention.measures_heading", lang)), s["h2"]),
    ]
    if case.measures.empty:
        story.append(Paragraph(_esc(t("prevention.no_unit_costs", lang)), s["body"]))
    else:
        measures = measure_table(case, lang)
        first, source = 3.2 * cm, 3.6 * cm
        rest = (WIDTH - first - source) / (measures.shape[1] - 2)
        story += [
            _text_table(
                measures,
                [first] + [rest] * (measures.shape[1] - 2) + [source],
                s,
                wrapped=(0, measures.shape[1] - 1),
            ),
            Paragraph(_esc(t("prevention.measures_note", lang)), s["body"]),
        ]
    story.append(Paragraph(_esc(t("prevention.assumptions_heading", lang)), s["h2"]))
    story += [Paragraph("• " + _esc(line), s["body"]) for line in assumptions(case, lang)]
    return story


def _indicator_cell(cell: IndicatorCell | None, lang: str, style: ParagraphStyle) -> Paragraph:
    """A district's value, change and reading, the reading in its tone (the words say it too)."""
    if cell is None:
        return Paragraph(formatting.MISSING, style)
    reading = cell.reading_text(lang)
    if reading is None or cell.reading is None:
        return Paragraph(_esc(cell.figures), style)
    colour = TONE_COLOURS[READING_TONES[cell.reading]].hexval()[2:]
    return Paragraph(f'{_esc(cell.figures)} <font color="#{colour}">{_esc(reading)}</font>', style)


def _districts(content: ReportContent, lang: str, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The presentation's indicator table: a row per area, the city last, in tables of three."""
    found = content.district_indicators
    if found is None:
        return []
    shown, rows = indicator_rows(found.indicators, found.panels, lang)
    story: list[Flowable] = [
        Paragraph(_esc(t("presentation.indicators", lang)), s["h1"]),
        Paragraph(
            _esc(
                t(
                    "presentation.indicators_note",
                    lang,
                    start=formatting.long_date(content.programme.starts_on, lang),
                )
            ),
            s["body"],
        ),
    ]
    first = 4.2 * cm
    for start in range(0, len(shown), INDICATORS_PER_TABLE):
        part = shown[start : start + INDICATORS_PER_TABLE]
        header = [Paragraph(_esc(t("common.district", lang)), s["head"])] + [
            Paragraph(
                f"<b>{_esc(i.label(lang))}</b><br/>{_esc(direction(i, lang))}"
                + (f"<br/>{_esc(i.unit_label(lang))}" if i.unit_label(lang) else ""),
                s["cell"],
            )
            for i in part
        ]
        body = [
            [
                Paragraph(f"<b>{_esc(row.name)}</b>" if row.is_city else _esc(row.name), s["cell"]),
                *(_indicator_cell(row.cells[start + n], lang, s["cell"]) for n in range(len(part))),
            ]
            for row in rows
        ]
        rest = (WIDTH - first) / INDICATORS_PER_TABLE
        table = _table([header, *body], [first] + [rest] * len(part), numeric_from=len(part) + 1)
        # A last table with fewer indicators keeps its columns under those above it.
        table.hAlign = "LEFT"
        story += [Spacer(1, 0.3 * cm), table]
    return story


def _definitions(lang: str, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Every figure's and stage's plain definition from the catalogue."""
    widths = [4.6 * cm, WIDTH - 4.6 * cm]
    figure_rows: list[list[Any]] = [
        _header_row([t("common.term", lang), t("common.definition", lang)], s, numeric_from=2)
    ]
    for entry in FIGURES:
        figure_rows.append(
            [
                Paragraph(f"<b>{_esc(entry.label(lang))}</b>", s["cell"]),
                Paragraph(_esc(entry.definition(lang)), s["cell"]),
            ]
        )
    stage_rows: list[list[Any]] = [
        _header_row([t("report.stages", lang), t("common.definition", lang)], s, numeric_from=2)
    ]
    for stage in STAGE_ORDER:
        stage_rows.append(
            [
                Paragraph(f"<b>{_esc(stage_label(stage, lang))}</b>", s["cell"]),
                Paragraph(_esc(stage_definition(stage, lang)), s["cell"]),
            ]
        )
    return [
        Paragraph(_esc(t("report.definitions", lang)), s["h1"]),
        Paragraph(_esc(t("report.definitions_intro", lang)), s["body"]),
        Spacer(1, 0.3 * cm),
        _table(figure_rows, widths, numeric_from=2),
        Spacer(1, 0.4 * cm),
        _table(stage_rows, widths, numeric_from=2),
    ]


def _notes(content: ReportContent, lang: str, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The frozen quarter's changes, remarks and decisions, as escaped plain text."""
    story: list[Flowable] = [Paragraph(_esc(t("report.steering_notes", lang)), s["h1"])]
    for heading, line in note_rows(content, lang):
        story.append(Paragraph(f"<b>{_esc(heading)}</b>", s["body"]))
        story.append(Paragraph(_esc(line).replace("\n", "<br/>"), s["body"]))
    return story


def _decisions(content: ReportContent, lang: str, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Decisions made, closed and overdue in the quarter; the group's text escaped."""
    rows = [[Paragraph(_esc(c), s["body"]) for c in row] for row in decision_rows(content, lang)]
    header = [_esc(c) for c in decision_columns(lang)]
    width = A4[0] - 2 * MARGIN
    widths = [0.14 * width, 0.09 * width, 0.4 * width, 0.15 * width, 0.11 * width, 0.11 * width]
    return [
        Paragraph(_esc(t("report.decisions.heading", lang)), s["h1"]),
        _table([header, *rows], widths, numeric_from=len(header)),
    ]


def render_pdf(content: ReportContent, lang: str = "da") -> bytes:
    """The report as PDF bytes."""
    _register_fonts()
    s = _styles()
    footer = f"{content.programme.name} · {content.quarter.label(lang)}"

    def draw_footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 1.0 * cm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 1.0 * cm, t("report.page", lang, n=doc.page))
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=t("report.title", lang) + f" – {content.quarter.label(lang)}",
        author=t("app.title", "da"),
        lang=lang,
    )
    story: list[Flowable] = []
    for part in (
        _cover(content, lang, s),
        *([_notes(content, lang, s)] if has_notes(content) else []),
        *([_decisions(content, lang, s)] if decision_rows(content, lang) else []),
        _key_figures(content, lang, s),
        _charts(content, lang, s),
        _coordinators(content, lang, s),
        _spend(content, lang, s),
        *([_prevention(content, lang, s)] if content.business_case is not None else []),
        *([_districts(content, lang, s)] if content.district_indicators is not None else []),
        _definitions(lang, s),
    ):
        story += [*part, PageBreak()]
    doc.build(story[:-1], onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()
