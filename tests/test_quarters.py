"""Frozen quarters, remarks and decisions, on SQLite and PostgreSQL.

The bundle: programme P1 runs 2010-2011 with 6 intensive months. F1 started
on 2011-04-01 and F2 on 2011-05-02, neither has aftercare or an end, so on
2011-06-30 both are intensive: active families = 2. The corrected bundle adds
F3, started 2011-06-01, so the same day has 3 active families.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import Table, func, select
from streamlit.testing.v1 import AppTest

from dashboard.report import render_report
from dashboard.report.content import ReportContent, build_report, parse_quarter
from data_access.appstate.decisions import (
    add_decision,
    decision_history,
    decisions,
    set_decision_status,
)
from data_access.appstate.migrate import migrate_app
from data_access.appstate.quarters import (
    MAX_TEXT,
    QuarterError,
    freeze_quarter,
    frozen_quarter,
    remark_history,
    remarks,
    save_remark,
)
from data_access.appstate.schema import frozen_quarters, quarter_decisions, quarter_remarks
from data_access.bundle.loader import load_bundle
from data_access.db.engine import make_engine
from data_access.rules.access import Scope
from data_access.rules.decisions import DONE
from tests.fixtures.apptest import render
from tests.fixtures.bundles import write_bundle

PROGRAMME = "P1"
STEERING = Scope(role="steering", email="styregruppe@t.invalid")
ADMIN = Scope(role="admin", email="admin@t.invalid")
COORDINATOR = Scope(role="coordinator", email="k1@t.invalid", coordinator_id="C1")

FAMILIES = """
    F1,P1,nb,2011-03-01,,,2011-04-01,,,
    F2,P1,nb,2011-03-15,,,2011-05-02,,,
"""
CORRECTION = "F3,P1,nb,2011-05-01,,,2011-06-01,,,"
#: The optional columns the families rows leave out (headers come from the loader's spec).
WITHOUT = {"families.csv": ("coordinator_id", "single_parent")}


def _files(families: str) -> dict[str, str]:
    """Rows per file; the files without rows are written as their header alone."""
    return {
        "districts.csv": """
            kk,Københavns Kommune,city,
            nb,Nørrebro,bydel,kk
        """,
        "departments.csv": "SOF,Socialforvaltningen,forvaltning",
        "programmes.csv": "P1,Interventionsteam,2010-01-01,2011-12-31,30,0.6,6,12",
        "coordinators.csv": "C1,Koordinator Et,k1@t.invalid,nb,15",
        "families.csv": textwrap.dedent(families).strip(),
        "members.csv": "",
        "assessments.csv": "",
        "interventions.csv": "",
        "meetings.csv": "",
        "budget.csv": "",
        "spend.csv": "",
        "indicators.csv": "",
    }


@pytest.fixture
def loaded(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The first bundle loaded; the app tables live in the same database."""
    monkeypatch.delenv("DASHBOARD_AUDIT_URL", raising=False)
    load_bundle(write_bundle(tmp_path / "first", _files(FAMILIES), without=WITHOUT), db_url)
    return db_url


def _correct(url: str, tmp_path: Path) -> None:
    load_bundle(
        write_bundle(tmp_path / "corrected", _files(FAMILIES + CORRECTION), without=WITHOUT), url
    )


def _count(url: str, table: Table) -> int:
    migrate_app(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        engine.dispose()


def _report(url: str) -> ReportContent:
    engine = make_engine(url, read_only=True)
    try:
        return build_report(engine, PROGRAMME, parse_quarter("2011Q2"), app_url=url)
    finally:
        engine.dispose()


def test_frozen_report_keeps_the_old_figure_and_names_the_change(
    loaded: str, tmp_path: Path
) -> None:
    frozen = freeze_quarter(loaded, PROGRAMME, "2011Q2", STEERING)
    assert frozen.snapshot.figures["active_families"].value == 2
    assert frozen.frozen_by == STEERING.email and frozen.load_id is not None
    _correct(loaded, tmp_path)
    content = _report(loaded)
    assert content.figures["active_families"].value == 2
    changed = {c.figure_id: c for c in content.changes}
    assert (changed["active_families"].frozen.value, changed["active_families"].current.value) == (
        2,
        3,
    )
    book = openpyxl.load_workbook(BytesIO(render_report(content, "xlsx", "da")))
    notes = [row[1] for row in book["Styregruppen"].iter_rows(min_row=2, values_only=True)]
    assert "Ændret siden frysning: 2 -> 3" in notes
    pdf = PdfReader(BytesIO(render_report(content, "pdf", "da")))
    words = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "Ændret siden frysning: 2 -> 3" in words
    # The sections that are not frozen say so.
    current = "Forebyggelsesregnskab og bydelsindikatorer er beregnet på de nuværende data."
    assert any(current in note for note in notes)
    assert current in words


def test_unfrozen_report_follows_the_data(loaded: str, tmp_path: Path) -> None:
    _correct(loaded, tmp_path)
    content = _report(loaded)
    assert content.figures["active_families"].value == 3
    assert content.frozen is None and content.changes == ()


def test_second_freeze_is_refused_and_changes_nothing(loaded: str, tmp_path: Path) -> None:
    freeze_quarter(loaded, PROGRAMME, "2011Q2", STEERING)
    _correct(loaded, tmp_path)
    with pytest.raises(QuarterError, match="allerede frosset"):
        freeze_quarter(loaded, PROGRAMME, "2011q2", ADMIN)
    assert _count(loaded, frozen_quarters) == 1
    again = frozen_quarter(loaded, PROGRAMME, "2011Q2")
    assert again is not None and again.snapshot.figures["active_families"].value == 2


def test_unknown_quarter_is_refused(loaded: str) -> None:
    with pytest.raises(QuarterError, match="uden for programmets periode"):
        freeze_quarter(loaded, PROGRAMME, "2013Q1", STEERING)
    with pytest.raises(QuarterError, match="Ukendt kvartal"):
        freeze_quarter(loaded, PROGRAMME, "2011Q5", STEERING)
    assert _count(loaded, frozen_quarters) == 0


def test_coordinator_writes_are_refused_and_nothing_is_written(loaded: str) -> None:
    with pytest.raises(QuarterError, match="Kun styregruppen"):
        freeze_quarter(loaded, PROGRAMME, "2011Q2", COORDINATOR)
    with pytest.raises(QuarterError, match="Kun styregruppen"):
        save_remark(loaded, PROGRAMME, "2011Q2", "oversigt", "Godt kvartal", COORDINATOR)
    with pytest.raises(QuarterError, match="Kun styregruppen"):
        add_decision(
            loaded,
            PROGRAMME,
            "2011Q2",
            "Flere familier",
            "steering",
            date(2011, 9, 30),
            COORDINATOR,
        )
    for table in (frozen_quarters, quarter_remarks, quarter_decisions):
        assert _count(loaded, table) == 0


@pytest.mark.parametrize("text", ["", "   \n", "x" * (MAX_TEXT + 1)])
def test_empty_or_long_text_is_refused(loaded: str, text: str) -> None:
    with pytest.raises(QuarterError, match=r"tom|højst"):
        save_remark(loaded, PROGRAMME, "2011Q2", "oversigt", text, STEERING)
    assert _count(loaded, quarter_remarks) == 0


def test_remark_edits_keep_history_and_survive_a_restart(loaded: str) -> None:
    save_remark(loaded, PROGRAMME, "2011Q2", "oversigt", "Første udkast", STEERING)
    save_remark(loaded, PROGRAMME, "2011Q2", "oversigt", "<b>Endelig</b> *tekst*", ADMIN)
    # A fresh process reads the remarks back with its own engine.
    script = (
        "from data_access.appstate.quarters import remarks, remark_history;"
        f"r = remarks({loaded!r}, 'P1', '2011Q2');"
        "print(len(r), r[0].text, r[0].written_by);"
        f"print(len(remark_history({loaded!r}, 'P1', '2011Q2', 'oversigt')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["1 <b>Endelig</b> *tekst* admin@t.invalid", "2"]
    history = remark_history(loaded, PROGRAMME, "2011Q2", "oversigt")
    assert [r.text for r in history] == ["<b>Endelig</b> *tekst*", "Første udkast"]
    assert [r.page for r in remarks(loaded, PROGRAMME, "2011Q2")] == ["oversigt"]


def test_decisions_are_versioned(loaded: str) -> None:
    made = add_decision(
        loaded,
        PROGRAMME,
        "2011Q2",
        "Flere familier i Nørrebro",
        "coordinator",
        date(2011, 9, 30),
        STEERING,
    )
    assert made.status == "open"
    set_decision_status(loaded, made.decision_key, DONE, ADMIN)
    current = decisions(loaded, PROGRAMME, "2011Q2")
    assert [(d.text, d.status, d.written_by) for d in current] == [
        ("Flere familier i Nørrebro", "done", ADMIN.email)
    ]
    assert [d.status for d in decision_history(loaded, made.decision_key)] == ["done", "open"]
    with pytest.raises(QuarterError):
        set_decision_status(loaded, made.decision_key, "open", COORDINATOR)
    content = _report(loaded)
    assert [d.status for d in content.decisions] == ["done"]


def test_cli_freeze_then_again(loaded: str) -> None:
    command = [
        sys.executable,
        "-m",
        "dashboard",
        "freeze",
        "--programme",
        PROGRAMME,
        "--quarter",
        "2011Q2",
        "--database-url",
        loaded,
    ]
    first = subprocess.run(command, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "2011Q2" in first.stdout
    second = subprocess.run(command, capture_output=True, text=True)
    assert second.returncode == 1
    assert "allerede frosset" in second.stderr
    assert _count(loaded, frozen_quarters) == 1


DEMO_QUERY = {"programme": "interventionsteam", "as_of": "2011-06-30"}
DECISIONS_LINK = "Beslutninger og historik: se siden Beslutninger"


def _links(app: AppTest) -> list[tuple[str, str]]:
    """(label, page key) of every page link the run drew (`st.page_link`)."""
    return [
        (str(link.proto.label), Path(str(link.proto.page)).stem) for link in app.get("page_link")
    ]


def test_overview_shows_the_freeze_button_to_steering_only(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app_url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", app_url)
    save_remark(app_url, "interventionsteam", "2011Q2", "oversigt", "<b>Ikke fed</b>", STEERING)
    add_decision(
        app_url,
        "interventionsteam",
        "2011Q2",
        "Flere familier",
        "coordinator",
        date(2011, 9, 30),
        STEERING,
    )
    steering = render(
        monkeypatch, demo_db_url, "oversigt", user="styregruppe@demo.invalid", query=DEMO_QUERY
    )
    assert not steering.exception
    assert any(button.label == "Frys kvartal" for button in steering.button)
    # The remark box only: decisions are added and changed on Beslutninger, linked from here.
    assert len(steering.text_area) == 1
    assert _links(steering) == [(DECISIONS_LINK, "beslutninger")]
    assert not [b for b in steering.button if b.label == "Tilføj beslutning"]
    steering.button(key="freeze_quarter").click().run()
    assert not steering.exception
    frozen = frozen_quarter(app_url, "interventionsteam", "2011Q2")
    assert frozen is not None and frozen.frozen_by == "styregruppe@demo.invalid"
    assert steering.button(key="freeze_quarter").disabled
    viewer = render(
        monkeypatch, demo_db_url, "oversigt", user="laeser@demo.invalid", query=DEMO_QUERY
    )
    assert not viewer.exception
    assert not any(button.label == "Frys kvartal" for button in viewer.button)
    assert not viewer.text_area
    assert "<b>Ikke fed</b>" in [element.value for element in viewer.text]
    # The viewer may not open Beslutninger: no link, and the decision is not shown here either.
    assert _links(viewer) == []
    assert not [d for d in viewer.dataframe if "Flere familier" in d.value.to_csv()]


def test_presentation_shows_remarks_and_open_decisions(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app_url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", app_url)
    save_remark(app_url, "interventionsteam", "2011Q2", "oversigt", "Godt kvartal", STEERING)
    made = add_decision(
        app_url, "interventionsteam", "2011Q2", "Lukket sag", "steering", date(2011, 9, 30), ADMIN
    )
    set_decision_status(app_url, made.decision_key, DONE, ADMIN)
    add_decision(
        app_url, "interventionsteam", "2011Q2", "Åben sag", "steering", date(2011, 9, 30), ADMIN
    )
    app = render(
        monkeypatch,
        demo_db_url,
        "oversigt",
        user="styregruppe@demo.invalid",
        query={**DEMO_QUERY, "present": "1"},
    )
    assert not app.exception
    assert app.button(key="presentation_next")
    shown = "\n".join(element.value for element in app.text)
    assert "Godt kvartal" in shown and "Åben sag" in shown
    assert "Lukket sag" not in shown


def test_the_overview_links_to_beslutninger_for_the_roles_that_may_open_it(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The link asks the same policy as the navigation: every role but the viewer."""
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", f"sqlite:///{tmp_path / 'app.sqlite'}")
    for user, linked in (
        ("admin@demo.invalid", True),
        ("styregruppe@demo.invalid", True),
        ("koordinator.norrebro@demo.invalid", True),
        ("chef.buf@demo.invalid", True),
        ("laeser@demo.invalid", False),
    ):
        app = render(monkeypatch, demo_db_url, "oversigt", user=user, query=DEMO_QUERY)
        assert not app.exception, user
        assert _links(app) == ([(DECISIONS_LINK, "beslutninger")] if linked else []), user


def test_history_of_remarks_and_decisions_is_on_beslutninger_newest_first(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app_url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", app_url)
    save_remark(app_url, "interventionsteam", "2011Q2", "oversigt", "Første udkast", STEERING)
    save_remark(app_url, "interventionsteam", "2011Q2", "oversigt", "Endelig tekst", ADMIN)
    made = add_decision(
        app_url, "interventionsteam", "2011Q2", "Ny sag", "steering", date(2011, 9, 30), ADMIN
    )
    set_decision_status(app_url, made.decision_key, DONE, STEERING)
    overview = render(
        monkeypatch, demo_db_url, "oversigt", user="styregruppe@demo.invalid", query=DEMO_QUERY
    )
    assert not overview.exception
    # The overview keeps the current remark and no history of its own.
    assert "Endelig tekst" in [element.value for element in overview.text]
    assert not overview.expander
    app = render(
        monkeypatch, demo_db_url, "beslutninger", user="styregruppe@demo.invalid", query=DEMO_QUERY
    )
    assert not app.exception
    labels = [e.label for e in app.expander]
    assert labels == ["Historik for en beslutning", "Bemærkningernes historik"]
    remarks_shown = next(d.value for d in app.dataframe if "Første udkast" in d.value.to_csv())
    # Two versions of the remark, newest first, each with its writer.
    assert remarks_shown.iloc[:, 4].tolist() == ["Endelig tekst", "Første udkast"]
    assert remarks_shown.iloc[:, 3].tolist() == [ADMIN.email, STEERING.email]
    assert remarks_shown.iloc[:, 1].tolist() == ["Oversigt", "Oversigt"]
    versions = next(d.value for d in app.dataframe if "udført" in d.value.iloc[:, 4].tolist())
    # The decision's two versions, newest first: done by steering, opened by admin.
    assert versions.iloc[:, 0].tolist() == [2, 1]
    assert versions.iloc[:, 4].tolist() == ["udført", "åben"]
    assert versions.iloc[:, 2].tolist() == [STEERING.email, ADMIN.email]


def test_report_lists_decisions_made_closed_and_overdue(
    loaded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """C (Q1, due 30.04) and A (Q2, due 31.05) are open on 30.06: both overdue.
    B (Q2) was dropped on 10.06: closed in the quarter. Made in Q2: A and B."""
    from data_access.appstate import decisions as store

    def at(day: date) -> None:
        moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        monkeypatch.setattr(store, "_now", lambda: moment)

    at(date(2011, 3, 1))
    add_decision(loaded, PROGRAMME, "2011Q1", "C", "steering", date(2011, 4, 30), STEERING)
    at(date(2011, 4, 10))
    add_decision(loaded, PROGRAMME, "2011Q2", "A", "coordinator", date(2011, 5, 31), STEERING)
    b = add_decision(loaded, PROGRAMME, "2011Q2", "B", "steering", date(2011, 12, 31), STEERING)
    at(date(2011, 6, 10))
    set_decision_status(loaded, b.decision_key, "dropped", ADMIN)
    content = _report(loaded)
    book = openpyxl.load_workbook(BytesIO(render_report(content, "xlsx", "da")))
    rows = list(book["Beslutninger"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[5]) for r in rows] == [
        ("Truffet", "A", "åben"),
        ("Truffet", "B", "opgivet"),
        ("Lukket", "B", "opgivet"),
        ("Over fristen", "C", "åben"),
        ("Over fristen", "A", "åben"),
    ]
    pdf = PdfReader(BytesIO(render_report(content, "pdf", "da")))
    words = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "Beslutninger i kvartalet" in words and "Over fristen" in words
