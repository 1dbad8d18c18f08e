"""kpis.md `spend_status`: one rule, forecast_year / budget_year, for every row and surface.

The overview used to call spend "Følger planen" when the spent share was
within 5 percentage points of the linear plan, while Økonomi called the same
programme "Over budget" from its forecast. BETWEEN sits between the two:

D = 31 March 2010, day 90 of 365: expected share 90/365 = 24,66 %.
Budget 2010: SOF 600.000 (Koordinering), BIF 400.000 (Beskæftigelse, funded
by IM) = 1.000.000. Spent by D: SOF 210.000; BIF 60.000 + 10.000 on an
unbudgeted Mentor activity = 70.000; in all 280.000.

- Programme: spent share 28,0 %, 3,3 points above the plan (the old overview:
  on plan); forecast 280.000 x 365 / 90 = 1.135.556 = 113,6 % of the budget,
  above 105 %: Over budget.
- SOF (department and funder; activity Koordinering): 210.000 x 365 / 90 =
  851.667 = 141,9 % of 600.000: Over budget.
- BIF (department) and IM (funder): 70.000 x 365 / 90 = 283.889 = 71,0 % of
  400.000, below 90 %: Underforbrug. Activity Beskæftigelse: 60.000 x 365 / 90 =
  243.333 = 60,8 %: Underforbrug. Mentor has no budget: no status.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader
from streamlit.proto.Metric_pb2 import Metric

from dashboard.report import render_report
from dashboard.report.content import build_report, parse_quarter
from dashboard.report.xlsx import sheet_name
from data_access.db.engine import make_engine
from data_access.queries.figures import compute_figures
from data_access.queries.spend import spend_breakdown
from data_access.rules.spend import SpendStatus, expected_share, spend_status
from tests.fixtures.apptest import APP, render, table_text, texts
from tests.fixtures.backends import BACKENDS, loaded_database
from tests.fixtures.bundles import write_bundle
from tests.fixtures.contexts import query_context


@pytest.mark.parametrize(
    ("forecast", "budget", "status"),
    [
        # 105 / 100 = 1,05 exactly: not above 1,05, so on plan.
        (105.0, 100.0, SpendStatus.ON_PLAN),
        # 105,01 / 100 = 1,0501: above 1,05.
        (105.01, 100.0, SpendStatus.OVER),
        # 90 / 100 = 0,90 exactly: not below 0,90, so on plan.
        (90.0, 100.0, SpendStatus.ON_PLAN),
        # 89,99 / 100 = 0,8999: below 0,90.
        (89.99, 100.0, SpendStatus.UNDER),
        (100.0, 100.0, SpendStatus.ON_PLAN),
        # Nothing spent against a budget: forecast 0 is an underspend.
        (0.0, 100.0, SpendStatus.UNDER),
    ],
)
def test_bounds_belong_to_on_plan(forecast: float, budget: float, status: SpendStatus) -> None:
    assert spend_status(forecast, budget) is status


@pytest.mark.parametrize("budget", [0.0, None])
def test_no_status_without_a_budget(budget: float | None) -> None:
    # Spend without a budget for the year has nothing to be measured against.
    assert spend_status(50_000.0, budget) is None
    assert spend_status(0.0, budget) is None


def test_linear_plan() -> None:
    # 30 June 2011: day 181 of 365; 29 February 2012: day 60 of 366.
    assert expected_share(date(2011, 6, 30)) == (181, 365)
    assert expected_share(date(2012, 2, 29)) == (60, 366)


@pytest.mark.parametrize(
    ("as_of", "spent", "budget", "status"),
    [
        # 31 July 2010 is day 212 of 365: 445.200 x 365 / 212 = 2.100 x 365 = 766.500,
        # and 766.500 / 730.000 = 1,05 exactly: on plan, not over.
        (date(2010, 7, 31), 445_200.0, 730_000.0, SpendStatus.ON_PLAN),
        # One øre more: 445.200,01 x 365 / 212 = 766.500,017 > 766.500: over.
        (date(2010, 7, 31), 445_200.01, 730_000.0, SpendStatus.OVER),
        # 31 August 2011 is day 243 of 365: 656.100 x 365 / 243 = 2.700 x 365 = 985.500,
        # and 985.500 / 1.095.000 = 0,90 exactly: on plan, not underspend.
        (date(2011, 8, 31), 656_100.0, 1_095_000.0, SpendStatus.ON_PLAN),
        # One øre less: 656.099,99 x 365 / 243 = 985.499,985 < 985.500: underspend.
        (date(2011, 8, 31), 656_099.99, 1_095_000.0, SpendStatus.UNDER),
        # 30 September 2012 is day 274 of 366 (leap year): 2.466.000 x 366 / 274
        # = 9.000 x 366 = 3.294.000 = 0,90 x 3.660.000: on plan.
        (date(2012, 9, 30), 2_466_000.0, 3_660_000.0, SpendStatus.ON_PLAN),
    ],
)
def test_a_forecast_on_the_bound_as_the_app_computes_it_is_on_plan(
    as_of: date, spent: float, budget: float, status: SpendStatus
) -> None:
    # The forecast the way the queries compute it: spent / (day / days in year),
    # a float division that lands a hair above (or below) the bound.
    day, days = expected_share(as_of)
    forecast = spent / (day / days)
    assert spend_status(forecast, budget) is status


# --- one status on every surface ----------------------------------------------------

D = date(2010, 3, 31)
STEERING = "styre@example.org"
#: What the programme's status line reads on every page and in the presentation.
PROGRAMME_LINE = "▲ Over budget · prognose 113,6 % af budgettet"

#: Rows per file; the headers are the loader's spec less these optional columns.
BETWEEN_WITHOUT = {
    "families.csv": ("single_parent",),
    "members.csv": ("birth_year", "employment_act"),
    "spend.csv": ("family_id",),
}
BETWEEN: dict[str, str] = {
    "districts.csv": """
        kk,Københavns Kommune,city,
        nb,Nørrebro,bydel,kk
    """,
    "departments.csv": """
        SOF,Socialforvaltningen,forvaltning
        BIF,Beskæftigelses- og Integrationsforvaltningen,forvaltning
        IM,Integrationsministeriet,stat
    """,
    "programmes.csv": """
        P1,Interventionsteam,2010-01-01,2011-12-31,3,0.5,6,12
    """,
    "coordinators.csv": """
        C1,Koordinator Et,k1@example.org,nb,15
    """,
    "families.csv": """
        F1,P1,nb,C1,2010-01-04,2010-01-14,2010-01-24,2010-02-01,,,
    """,
    "members.csv": """
    """,
    "assessments.csv": """
    """,
    "interventions.csv": """
    """,
    "meetings.csv": """
    """,
    "budget.csv": """
        P1,2010,SOF,SOF,Koordinering,600000
        P1,2010,BIF,IM,Beskæftigelse,400000
    """,
    "spend.csv": """
        S1,P1,2010-02-01,SOF,SOF,Koordinering,210000
        S2,P1,2010-03-01,BIF,IM,Beskæftigelse,60000
        S3,P1,2010-03-10,BIF,IM,Mentor,10000
    """,
    "indicators.csv": """
    """,
    "users.csv": """
        admin@example.org,admin,,
        styre@example.org,steering,,
    """,
}


@pytest.fixture(scope="module", params=BACKENDS)
def between_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """BETWEEN loaded once per backend (every test only reads it)."""
    folder = write_bundle(
        tmp_path_factory.mktemp("between") / "bundle", BETWEEN, without=BETWEEN_WITHOUT
    )
    with loaded_database(request.param, folder, tmp_path_factory.mktemp("betweendb")) as url:
        yield url


def test_the_rule_on_the_data(between_url: str) -> None:
    engine = make_engine(between_url)
    try:
        context = query_context("P1", D)
        figures = compute_figures(engine, context)
        assert expected_share(D) == (90, 365)
        # Within 5 points of the plan (what the old overview read as on plan) ...
        assert figures["spent_share"].value == pytest.approx(0.28)
        assert 0 < figures["spent_share"].value - 90 / 365 < 0.05  # type: ignore[operator]
        # ... and yet over budget by the forecast.
        status = figures["spend_status"]
        assert status.value == pytest.approx(280_000 * 365 / 90 / 1_000_000)
        assert status.status is SpendStatus.OVER
        rows = {
            by: spend_breakdown(engine, context, by).set_index("key")["status"].to_dict()
            for by in ("department", "funder", "activity")
        }
    finally:
        engine.dispose()
    assert rows["department"] == {"SOF": SpendStatus.OVER, "BIF": SpendStatus.UNDER}
    assert rows["funder"] == {"SOF": SpendStatus.OVER, "IM": SpendStatus.UNDER}
    assert rows["activity"] == {
        "Koordinering": SpendStatus.OVER,
        "Beskæftigelse": SpendStatus.UNDER,
        "Mentor": None,
    }


QUERY = {"programme": "P1", "as_of": D.isoformat()}


def test_overview_says_over_budget(monkeypatch: pytest.MonkeyPatch, between_url: str) -> None:
    app = render(monkeypatch, between_url, "oversigt", user=STEERING, query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    page = texts(app)
    assert PROGRAMME_LINE in page
    assert "Følger planen" not in page


def test_oekonomi_says_over_budget_for_the_programme_and_each_row(
    monkeypatch: pytest.MonkeyPatch, between_url: str
) -> None:
    app = render(monkeypatch, between_url, "oekonomi", user=STEERING, query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    assert PROGRAMME_LINE in texts(app)
    department = table_text(app.dataframe[0])
    statuses = dict(zip(department.iloc[:, 0], department["Status"], strict=True))
    assert statuses == {
        "Socialforvaltningen": "▲ Over budget",
        "Beskæftigelses- og Integrationsforvaltningen": "▼ Underforbrug",
    }


def test_presentation_spend_step_says_over_budget(
    monkeypatch: pytest.MonkeyPatch, between_url: str
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_DATABASE_URL", between_url)
    monkeypatch.setenv("DASHBOARD_DEMO_USER", STEERING)
    app = AppTest.from_file(str(APP), default_timeout=120)
    for name, value in {**QUERY, "present": "1"}.items():
        app.query_params[name] = value
    app.run()
    assert PROGRAMME_LINE in texts(app)  # the overview step's forecast
    for _ in range(3):  # overview -> intake -> courses -> spend
        app.button(key="presentation_next").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value.startswith("Økonomi")
    assert PROGRAMME_LINE in texts(app)
    # Each department's bar carries its status, by the same rule.
    chart = app.get("plotly_chart")[0].proto.spec
    assert "▲ Over budget" in chart and "▼ Underforbrug" in chart
    # Budget, spend and status per department, as on Økonomi, in Danish units:
    # SOF 600.000 budget, 210.000 spent; BIF 400.000 and 70.000.
    budget, spent = json.loads(chart)["data"]
    assert budget["text"] == ["600.000\u00a0kr.", "400.000\u00a0kr."]
    assert spent["text"] == [
        "210.000\u00a0kr. · ▲ Over budget",
        "70.000\u00a0kr. · ▼ Underforbrug",
    ]
    # 600.000 / 5 ticks = 120.000: steps of 200.000 kr., never Plotly's "200k".
    assert json.loads(chart)["layout"]["xaxis"]["ticktext"] == [
        "0",
        "200.000\u00a0kr.",
        "400.000\u00a0kr.",
        "600.000\u00a0kr.",
    ]
    # 280.000 kr. more spent since 31 December is not coloured as good news: grey.
    spent = next(m for m in app.metric if m.label == "Forbrug år til dato")
    assert spent.proto.delta.startswith("+280.000 kr.")
    assert spent.proto.color == Metric.GRAY


def test_report_says_over_budget_in_pdf_and_xlsx(between_url: str) -> None:
    engine = make_engine(between_url)
    try:
        content = build_report(engine, "P1", parse_quarter("2010Q1"))
    finally:
        engine.dispose()
    assert content.as_of == D
    assert content.figures["spend_status"].status is SpendStatus.OVER
    assert list(content.spend_department["status"]) == [SpendStatus.OVER, SpendStatus.UNDER]
    pdf = render_report(content, "pdf", "da")
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    assert "▲ Over budget" in text and "▼ Underforbrug" in text
    # The variance against the linear plan (day 90 of 365) carries its sign as on the page:
    # SOF 210.000 - 600.000 x 90/365 = +62.054,79; BIF 70.000 - 400.000 x 90/365 = -28.630,14.
    assert "+62.055 kr." in text and "−28.630 kr." in text
    book = openpyxl.load_workbook(io.BytesIO(render_report(content, "xlsx", "da")))
    figures = book[sheet_name("key_figures", "da")]
    rows = {row[0].value: row for row in figures.iter_rows(min_row=2)}
    assert rows["Status"][1].value == "Over budget"
    spend = book[sheet_name("spend_department", "da")]
    header = [c.value for c in spend[1]]
    status_column = header.index("Status")
    assert [row[status_column].value for row in spend.iter_rows(min_row=2)] == [
        "Over budget",
        "Underforbrug",
    ]


# --- a forecast exactly on a bound, on the page ------------------------------------------

#: BETWEEN with other money: on 31 July 2010 (day 212 of 365) SOF's 445.200 kr. of a
#: 730.000 kr. budget forecast 2.100 x 365 = 766.500 kr. = 105,0 % exactly; on
#: 31 August 2011 (day 243 of 365) IM's 656.100 kr. of 1.095.000 kr. forecast
#: 2.700 x 365 = 985.500 kr. = 90,0 % exactly. Both are on plan (kpis.md: strictly
#: above 1,05 / strictly below 0,90), for the programme and every row.
ON_THE_BOUND: dict[str, str] = {
    **BETWEEN,
    "budget.csv": """
        P1,2010,SOF,SOF,Koordinering,730000
        P1,2011,BIF,IM,Beskæftigelse,1095000
    """,
    "spend.csv": """
        S1,P1,2010-07-01,SOF,SOF,Koordinering,445200
        S2,P1,2011-08-01,BIF,IM,Beskæftigelse,656100
    """,
}


@pytest.fixture(scope="module", params=BACKENDS)
def bound_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """ON_THE_BOUND loaded once per backend (every test only reads it)."""
    folder = write_bundle(
        tmp_path_factory.mktemp("bound") / "bundle", ON_THE_BOUND, without=BETWEEN_WITHOUT
    )
    with loaded_database(request.param, folder, tmp_path_factory.mktemp("bounddb")) as url:
        yield url


@pytest.mark.parametrize(
    ("as_of", "percent", "row"),
    [
        (date(2010, 7, 31), "105,0 %", "Socialforvaltningen"),
        (date(2011, 8, 31), "90,0 %", "Beskæftigelses- og Integrationsforvaltningen"),
    ],
)
def test_oekonomi_calls_a_forecast_on_the_bound_on_plan(
    monkeypatch: pytest.MonkeyPatch, bound_url: str, as_of: date, percent: str, row: str
) -> None:
    query = {"programme": "P1", "as_of": as_of.isoformat()}
    app = render(monkeypatch, bound_url, "oekonomi", user=STEERING, query=query)
    assert not app.exception, [e.value for e in app.exception]
    page = texts(app)
    # The app used to read "▲ Over budget · prognose 105,0 % af budgettet".
    assert f"● Som planlagt · prognose {percent} af budgettet" in page
    assert "Over budget" not in page and "Underforbrug" not in page
    # Department, funder and activity: one row each, on plan by the same rule.
    for frame in app.dataframe[:3]:
        shown = table_text(frame)
        assert list(shown["Status"]) == ["● Som planlagt"], list(shown.iloc[:, 0])
    assert list(table_text(app.dataframe[0]).iloc[:, 0]) == [row]
