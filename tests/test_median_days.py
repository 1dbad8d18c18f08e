"""`median_days_to_start` on an even number of families: shown as computed, not rounded away.

kpis.md: the median of started_on - referred_on over families with
started_on <= D. Over an even number of families it is the mean of the two
middle values and can end in ,5. The card used to format it as a whole
number with Babel's half-to-even rounding, so 32,5 read "32 dage" on
Visitation, in the presentation and in the PDF, while the workbook's "#,##0"
showed 33 and a suppressed role (whole days, halves up) read "33 dage".

Hand-made bundle, P1 on D = 31 March 2010 (a quarter end, so the viewer
sees the same date). Six families, all referred on 1 January 2010:

    M1 start 11 Jan -> 10 days     M4 start 10 Feb -> 31 + 9 = 40 days
    M2 start 21 Jan -> 20 days     M5 start 20 Feb -> 31 + 19 = 50 days
    M3 start 26 Jan -> 25 days     M6 start  2 Mar -> 31 + 28 + 1 = 60 days

Median of 10, 20, 25, 40, 50, 60 = (25 + 40) / 2 = 32,5.
On 31 December 2009 nobody has been referred: no previous value.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from dashboard import formatting
from dashboard.report import render_report
from dashboard.report.content import build_report, parse_quarter
from dashboard.report.xlsx import sheet_name
from data_access.bundle.loader import load_bundle
from data_access.db.engine import make_engine
from tests.fixtures.apptest import metrics, render
from tests.fixtures.bundles import write_bundle

ROWS: dict[str, str] = {
    "districts.csv": """
        kk,Københavns Kommune,city,
        nb,Nørrebro,bydel,kk
    """,
    "departments.csv": """
        SOF,Socialforvaltningen,forvaltning
    """,
    "programmes.csv": """
        P1,Interventionsteam,2010-01-01,2011-12-31,10,0.5,6,12
    """,
    "coordinators.csv": """
        C1,Koordinator Et,k1@example.org,nb,15
    """,
    "families.csv": """
        M1,P1,nb,C1,2010-01-01,,,2010-01-11,,,,
        M2,P1,nb,C1,2010-01-01,,,2010-01-21,,,,
        M3,P1,nb,C1,2010-01-01,,,2010-01-26,,,,
        M4,P1,nb,C1,2010-01-01,,,2010-02-10,,,,
        M5,P1,nb,C1,2010-01-01,,,2010-02-20,,,,
        M6,P1,nb,C1,2010-01-01,,,2010-03-02,,,,
    """,
    "users.csv": """
        styre@example.org,steering,,
        laeser@example.org,viewer,,
    """,
}
QUERY = {"programme": "P1", "as_of": "2010-03-31"}
LABEL = {
    "da": "Dage fra henvisning til start (median)",
    "en": "Days from referral to start (median)",
}


@pytest.fixture
def url(db_url: str, tmp_path: Path) -> Iterator[str]:
    load_bundle(write_bundle(tmp_path / "bundle", ROWS), db_url)
    yield db_url


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        (32.5, "da", "32,5"),
        (32.5, "en", "32.5"),
        # Half to even would give 26: a median is shown as it is.
        (25.5, "da", "25,5"),
        (42.0, "da", "42"),
        (1234.5, "da", "1.234,5"),
        (1234.5, "en", "1,234.5"),
        (None, "da", "–"),
    ],
)
def test_days_keep_the_half(value: float | None, lang: str, shown: str) -> None:
    assert formatting.days(value, lang) == shown


@pytest.mark.parametrize(("lang", "shown"), [("da", "32,5 dage"), ("en", "32.5 days")])
def test_visitation_card_shows_the_median_with_its_half(
    monkeypatch: pytest.MonkeyPatch, url: str, lang: str, shown: str
) -> None:
    query = {**QUERY, "lang": lang}
    app = render(monkeypatch, url, "visitation", user="styre@example.org", query=query)
    assert not app.exception, [e.value for e in app.exception]
    assert metrics(app)[LABEL[lang]] == shown


def test_suppressed_role_reads_whole_days_halves_up(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    # Six families (>= 5): shown, in whole days, 32,5 rounded half up = 33.
    app = render(monkeypatch, url, "visitation", user="laeser@example.org", query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    assert metrics(app)[LABEL["da"]] == "33 dage"


def test_report_writes_the_median_with_its_half(url: str) -> None:
    engine = make_engine(url)
    try:
        content = build_report(engine, "P1", parse_quarter("2010Q1"))
    finally:
        engine.dispose()
    assert content.figures["median_days_to_start"].value == 32.5
    pdf = render_report(content, "pdf", "da")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert f"{LABEL['da']} 32,5 dage" in text
    book = openpyxl.load_workbook(io.BytesIO(render_report(content, "xlsx", "da")))
    rows = {row[0].value: row for row in book[sheet_name("key_figures", "da")].iter_rows()}
    cell = rows[LABEL["da"]][1]
    # A number, with a format that shows its decimal (Excel's "#,##0" showed 33).
    assert cell.value == 32.5
    assert cell.number_format == "#,##0.0"
