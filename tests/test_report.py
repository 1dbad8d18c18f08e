"""The quarterly report: same figures as the overview page, no pseudonyms, CLI exit codes."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from dashboard.__main__ import main
from dashboard.catalogue import FIGURES, spend_status_label
from dashboard.figure_format import format_value
from dashboard.report import render_report
from dashboard.report.charts import stage_figure
from dashboard.report.content import REPORT_SCOPE, build_report, parse_quarter
from dashboard.report.xlsx import sheet_name
from data_access.db.engine import make_engine
from data_access.db.schema import families
from data_access.queries.figures import compute_figures
from data_access.rules.access import Scope
from tests.fixtures.contexts import query_context

PROGRAMME = "interventionsteam"
REPORT_DATE = date(2011, 6, 30)


@pytest.fixture(scope="module")
def reports(demo_db_url: str) -> dict[str, object]:
    """Both formats for the demo's 2011Q2, plus what the overview shows for 30 June 2011."""
    engine = make_engine(demo_db_url)
    try:
        content = build_report(engine, PROGRAMME, parse_quarter("2011Q2"))
        shown = compute_figures(
            engine, query_context(PROGRAMME, REPORT_DATE, scope=Scope(role="steering"))
        )
        with engine.connect() as conn:
            family_ids = [row[0] for row in conn.execute(select(families.c.family_id))]
    finally:
        engine.dispose()
    pdf = render_report(content, "pdf", "da")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    book = openpyxl.load_workbook(io.BytesIO(render_report(content, "xlsx", "da")))
    return {"content": content, "shown": shown, "ids": family_ids, "text": text, "book": book}


def test_report_date_and_scope(reports: dict) -> None:
    content = reports["content"]
    assert content.as_of == REPORT_DATE
    assert content.previous_as_of == date(2011, 3, 31)
    assert REPORT_SCOPE.role == "steering"


def test_pdf_shows_every_figure_as_the_overview_does(reports: dict) -> None:
    text = " ".join(reports["text"].split())
    assert "Forbedret forældreautoritet" in text
    assert "2. kvartal 2011" in text and "30. juni 2011" in text
    for entry in FIGURES:
        assert entry.label("da") in text, entry.id
        value = format_value(reports["shown"][entry.id], "da")
        assert value in text, (entry.id, value)


def test_xlsx_key_figures_are_numbers_equal_to_the_overview(reports: dict) -> None:
    sheet = reports["book"][sheet_name("key_figures", "da")]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == len(FIGURES)
    for entry in FIGURES:
        cell = rows[entry.label("da")][1]
        if entry.kind == "status":
            # The spend status is a verdict, written as kpis.md's words.
            assert cell.value == spend_status_label(reports["shown"][entry.id].status, "da")
            continue
        expected = reports["shown"][entry.id].value
        if expected is None:
            assert cell.value is None
            continue
        assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), entry.id
        assert cell.value == pytest.approx(expected), entry.id
    assert rows["Budget (år)"][1].number_format == '#,##0 "kr."'
    assert rows["Forbrugt af budget"][1].number_format == "0.0 %"
    assert sheet.freeze_panes == "B2"


def test_xlsx_has_every_table(reports: dict) -> None:
    book = reports["book"]
    for key in ("key_figures", "coordinators", "spend_department", "spend_funder", "definitions"):
        assert sheet_name(key, "da") in book.sheetnames
    coordinators = book[sheet_name("coordinators", "da")]
    header = [c.value for c in coordinators[1]]
    active = header.index("Aktive")
    total = sum(row[active].value for row in coordinators.iter_rows(min_row=2))
    assert total == reports["shown"]["active_families"].value
    spend = book[sheet_name("spend_department", "da")]
    spent = sum(row[2].value for row in spend.iter_rows(min_row=2))
    assert spent == pytest.approx(reports["shown"]["spent_ytd"].value)


def test_no_pseudonym_anywhere(reports: dict) -> None:
    ids = reports["ids"]
    assert ids
    text = reports["text"]
    cells = [
        str(cell.value)
        for sheet in reports["book"]
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    for family_id in ids:
        assert family_id not in text
        assert not any(family_id in value for value in cells)


def test_english_report(demo_db_url: str) -> None:
    engine = make_engine(demo_db_url)
    try:
        content = build_report(engine, PROGRAMME, parse_quarter("2011Q2"))
    finally:
        engine.dispose()
    text = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(render_report(content, "pdf", "en"))).pages
    )
    assert "Improved parental authority" in text and "Q2 2011" in text


def test_cli_writes_both_formats_and_refuses_a_bad_quarter(
    demo_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["report", "--programme", PROGRAMME, "--database-url", demo_db_url]
    for fmt in ("pdf", "xlsx"):
        out = tmp_path / f"report.{fmt}"
        assert main([*common, "--quarter", "2011Q2", "--format", fmt, "--out", str(out)]) == 0
        assert out.stat().st_size > 1000
    bad = tmp_path / "bad.pdf"
    assert main([*common, "--quarter", "2011Q5", "--format", "pdf", "--out", str(bad)]) == 2
    assert "2011Q5" in capsys.readouterr().err
    assert not bad.exists()
    unknown = ["report", "--programme", "nope", "--database-url", demo_db_url]
    assert main([*unknown, "--quarter", "2011Q2", "--format", "pdf", "--out", str(bad)]) == 2


def test_stale_data_warning_in_both_formats(db_url: str, tmp_path: Path) -> None:
    """A newest load older than DASHBOARD_STALE_DAYS (40) is named in the PDF and workbook."""
    from data_access.db.schema import load_history
    from data_access.demo.bundle import write_demo

    write_demo(db_url, 1)
    engine = make_engine(db_url)
    try:
        fresh = build_report(engine, PROGRAMME, parse_quarter("2011Q2"))
        with engine.begin() as conn:
            # Loaded in January 2026: far more than 40 days before any run of this test.
            conn.execute(load_history.update().values(loaded_at=datetime(2026, 1, 2, 9, 30)))
        stale = build_report(engine, PROGRAMME, parse_quarter("2011Q2"))
    finally:
        engine.dispose()
    assert fresh.stale_note is None
    assert stale.stale_note == "2026-01-02"
    pdf = render_report(stale, "pdf", "da")
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    assert "data blev sidst indlæst 2. januar 2026" in text
    book = openpyxl.load_workbook(io.BytesIO(render_report(stale, "xlsx", "da")))
    about = book[sheet_name("about", "da")]
    cells = [str(cell.value) for row in about.iter_rows() for cell in row]
    assert any("sidst indlæst 2. januar 2026" in cell for cell in cells)


def test_a_dollar_in_a_department_name_is_drawn_not_parsed() -> None:
    """matplotlib reads `$...$` as mathematics; a malformed one stopped the whole report."""
    import pandas as pd

    from dashboard.report.charts import budget_chart

    spend = pd.DataFrame(
        {
            "name": [r"Afd. $\frac$ drift", "BUF"],
            "budget_year": [10.0, 20.0],
            "spent_ytd": [5.0, 6.0],
            "expected_share": [0.5, 0.5],
        }
    )
    png = budget_chart(spend, "da")
    assert png.startswith(b"\x89PNG")


def test_report_stage_chart_counts_whole_families() -> None:
    """Two families at most (July: 1 intensive; August: 1 intensive + 1 in aftercare).

    matplotlib's own ticks over 0-2 step by a half; a family has no half.
    """
    july, august = date(2010, 7, 31), date(2010, 8, 31)
    frame = pd.DataFrame(
        [
            {"month_end": july, "stage": "intensive", "families": 1, "display": "1"},
            {"month_end": august, "stage": "intensive", "families": 1, "display": "1"},
            {"month_end": august, "stage": "aftercare", "families": 1, "display": "1"},
        ]
    )
    fig = stage_figure(frame, "da")
    fig.canvas.draw()
    ticks = [tick for tick in fig.axes[0].get_yticks() if 0 <= tick <= 2]
    assert ticks and all(float(tick).is_integer() for tick in ticks)
    assert [label.get_text() for label in fig.axes[0].get_yticklabels()][:3] == ["0", "1", "2"]


def test_the_report_carries_the_district_indicators(results_url: str) -> None:
    """The presentation's indicator table in the PDF, and its numbers in the workbook.

    results.py, P1 from 2011-01-01, 2012Q2: Nørrebro's tryghedsindex 60
    (2010-01-01) -> 65 (2012-01-01), fritidsjob 20 -> 25; the city's
    tryghedsindex 70 -> 74, no fritidsjob. Both "higher is better".
    Brønshøj-Husum has a family but no measurements, so no row.
    """
    engine = make_engine(results_url)
    try:
        content = build_report(engine, "P1", parse_quarter("2012Q2"))
    finally:
        engine.dispose()
    pdf = render_report(content, "pdf", "da")
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    [text] = [page for page in pages if "\nBydelsindikatorer\n" in page]
    # pypdf reads the table cell by cell, a line each, row after row.
    lines = text.splitlines()
    table = lines[lines.index("Nørrebro") :]
    assert table == [
        "Nørrebro",
        "65,0 (+5,0) ▲ Bedre",
        "25,0 (+5,0) ▲ Bedre",
        "Københavns Kommune",
        "74,0 (+4,0) ▲ Bedre",
        "–",
    ]

    book = openpyxl.load_workbook(io.BytesIO(render_report(content, "xlsx", "da")))
    rows = list(book[sheet_name("districts", "da")].iter_rows(values_only=True))
    assert rows[0] == (
        "Indikator",
        "Enhed",
        "Retning",
        "Bydel/område",
        "Måling ved start",
        "Ved start",
        "Seneste måling",
        "Seneste",
        "Ændring",
        "Vurdering",
    )
    start, latest = datetime(2010, 1, 1), datetime(2012, 1, 1)
    higher = "↑ Højere er bedre"
    assert rows[1:] == [
        ("Tryghedsindex", "indeks 0-100", higher, "Nørrebro", start, 60, latest, 65, 5, "▲ Bedre"),
        (
            "Tryghedsindex",
            "indeks 0-100",
            higher,
            "Københavns Kommune",
            start,
            70,
            latest,
            74,
            4,
            "▲ Bedre",
        ),
        ("Unge i fritidsjob", "%", higher, "Nørrebro", start, 20, latest, 25, 5, "▲ Bedre"),
    ]
