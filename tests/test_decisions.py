"""Decision follow-up on SQLite and PostgreSQL: versions, who may change what, overdue.

Each test writes its own few decisions into an empty app database; the dates
are chosen so every expected value can be read off the test itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Table, delete, exc, insert, select, update

from dashboard.navigation import pages_for
from data_access.appstate import decisions as store
from data_access.appstate.migrate import writer
from data_access.appstate.quarters import QuarterError, save_remark
from data_access.appstate.schema import quarter_decisions, quarter_remarks
from data_access.rules import decisions as rules
from data_access.rules.access import ROLES, Scope
from tests.fixtures.apptest import render, texts

PROGRAMME = "P1"
STEERING = Scope(role="steering", email="styregruppe@t.invalid")
ADMIN = Scope(role="admin", email="admin@t.invalid")
COORDINATOR = Scope(role="coordinator", email="k1@t.invalid", coordinator_id="C1")
HEAD = Scope(role="department_head", email="chef@t.invalid")


def _at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Versions written from here on carry `moment` as their time."""
    monkeypatch.setattr(store, "_now", lambda: moment)


# --- the rules, without a database ---------------------------------------------


def test_overdue_from_the_day_after_the_due_date_and_only_while_open() -> None:
    due = date(2011, 9, 30)
    assert not rules.is_overdue(rules.OPEN, due, date(2011, 9, 29))
    assert not rules.is_overdue(rules.OPEN, due, date(2011, 9, 30))
    assert rules.is_overdue(rules.OPEN, due, date(2011, 10, 1))
    assert not rules.is_overdue(rules.DONE, due, date(2011, 10, 1))
    assert not rules.is_overdue(rules.DROPPED, due, date(2011, 10, 1))


def test_who_sees_and_who_changes() -> None:
    assert rules.may_see("steering", "coordinator") and rules.may_see("admin", "viewer")
    assert rules.may_see("coordinator", "coordinator")
    assert not rules.may_see("coordinator", "steering")
    assert not rules.may_see("department_head", "coordinator")
    assert rules.may_change("steering") and rules.may_change("admin")
    assert not rules.may_change("coordinator") and not rules.may_change("department_head")


def test_concerns_round_trip() -> None:
    assert rules.concerns_code("figure", "active_families") == "figure:active_families"
    assert rules.split_concerns("page:oekonomi") == ("page", "oekonomi")
    assert rules.split_concerns(None) is None and rules.split_concerns("other:x") is None
    with pytest.raises(ValueError):
        rules.concerns_code("table", "x")


# --- stored versions ------------------------------------------------------------


def test_status_change_keeps_the_old_version(
    empty_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = empty_db_url
    _at(monkeypatch, datetime(2011, 6, 20, 10, tzinfo=UTC))
    made = store.add_decision(
        url,
        PROGRAMME,
        "2011Q2",
        "Flere familier i Nørrebro",
        "steering",
        date(2011, 9, 30),
        STEERING,
        concerns="figure:active_families",
    )
    _at(monkeypatch, datetime(2011, 10, 3, 9, tzinfo=UTC))
    store.set_decision_status(url, made.decision_key, rules.DONE, ADMIN)
    history = store.decision_history(url, made.decision_key)
    assert [(d.version, d.status, d.written_by) for d in history] == [
        (2, "done", ADMIN.email),
        (1, "open", STEERING.email),
    ]
    assert history[1].written_at == datetime(2011, 6, 20, 10, tzinfo=UTC)
    assert {d.concerns for d in history} == {"figure:active_families"}
    [current] = store.decisions(url, PROGRAMME, "2011Q2")
    assert (current.status, current.version) == ("done", 2)
    with writer(url).connect() as connection:
        rows = connection.execute(select(quarter_decisions.c.status)).scalars().all()
    assert sorted(rows) == ["done", "open"]


def test_coordinator_cannot_change_a_steering_decision(empty_db_url: str) -> None:
    url = empty_db_url
    made = store.add_decision(
        url, PROGRAMME, "2011Q2", "Ny visitation", "steering", date(2011, 9, 30), STEERING
    )
    own = store.add_decision(
        url, PROGRAMME, "2011Q2", "Ring til familierne", "coordinator", date(2011, 9, 30), ADMIN
    )
    for key in (made.decision_key, own.decision_key):
        with pytest.raises(QuarterError, match="Kun styregruppen"):
            store.set_decision_status(url, key, rules.DROPPED, COORDINATOR)
    with pytest.raises(QuarterError, match="Kun styregruppen"):
        store.add_decision(
            url, PROGRAMME, "2011Q2", "Egen beslutning", "coordinator", date(2011, 9, 30), HEAD
        )
    assert [len(store.decision_history(url, d.decision_key)) for d in (made, own)] == [1, 1]


def test_unknown_status_owner_or_concern_is_refused(empty_db_url: str) -> None:
    url = empty_db_url
    made = store.add_decision(url, PROGRAMME, "2011Q2", "X", "steering", date(2011, 9, 30), ADMIN)
    with pytest.raises(QuarterError, match="Ukendt status"):
        store.set_decision_status(url, made.decision_key, "closed", ADMIN)
    with pytest.raises(QuarterError, match="Ukendt ansvarlig"):
        store.add_decision(url, PROGRAMME, "2011Q2", "X", "mayor", date(2011, 9, 30), ADMIN)
    with pytest.raises(QuarterError, match="Ukendt emne"):
        store.add_decision(
            url, PROGRAMME, "2011Q2", "X", "steering", date(2011, 9, 30), ADMIN, concerns="x"
        )


def test_a_second_writer_of_the_same_version_is_refused(empty_db_url: str) -> None:
    """Two status changes that both read version 1 cannot both become version 2."""
    url = empty_db_url
    made = store.add_decision(url, PROGRAMME, "2011Q2", "X", "steering", date(2011, 9, 30), ADMIN)
    row = {
        name: getattr(made, name) for name in store.Decision.__dataclass_fields__ if name != "id"
    }
    with pytest.raises(QuarterError, match="netop ændret"):
        store._insert(url, row)


@pytest.mark.parametrize("table", [quarter_decisions, quarter_remarks], ids=lambda t: t.name)
def test_rows_cannot_be_rewritten_or_deleted(empty_db_url: str, table: Table) -> None:
    url = empty_db_url
    store.add_decision(url, PROGRAMME, "2011Q2", "X", "steering", date(2011, 9, 30), ADMIN)
    save_remark(url, PROGRAMME, "2011Q2", "oversigt", "Godt kvartal", ADMIN)
    engine = writer(url)
    for statement in (update(table).values(text="ændret"), delete(table)):
        with pytest.raises(exc.DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(statement)
    with engine.connect() as connection:
        assert connection.execute(select(table.c.text)).scalars().all() == [
            "X" if table is quarter_decisions else "Godt kvartal"
        ]


def test_rows_from_before_a0005_are_numbered_in_order(empty_db_url: str) -> None:
    """Rows written before the version column existed read as versions 1, 2, ..."""
    url = empty_db_url
    made = store.add_decision(url, PROGRAMME, "2011Q2", "X", "steering", date(2011, 9, 30), ADMIN)
    old = {
        **{name: getattr(made, name) for name in store.Decision.__dataclass_fields__},
        "decision_key": "old",
        "version": None,
    }
    del old["id"]
    with writer(url).begin() as connection:
        connection.execute(insert(quarter_decisions), [old, {**old, "status": "done"}])
    assert [d.version for d in store.decision_history(url, "old")] == [2, 1]
    changed = store.set_decision_status(url, "old", rules.OPEN, ADMIN)
    assert changed.version == 3


# --- visibility, overdue and the quarter's summary ------------------------------


def _three(url: str) -> dict[str, str]:
    """A steering, a coordinator and a department-head decision of 2011Q2, due 30.09.2011."""
    keys = {}
    for owner in ("steering", "coordinator", "department_head"):
        made = store.add_decision(
            url, PROGRAMME, "2011Q2", f"Opgave for {owner}", owner, date(2011, 9, 30), STEERING
        )
        keys[owner] = made.decision_key
    return keys


def test_each_role_sees_its_own_decisions(empty_db_url: str) -> None:
    url = empty_db_url
    _three(url)
    store.add_decision(url, "P2", "2011Q2", "Andet program", "coordinator", date(2011, 9, 1), ADMIN)

    def owners(scope: Scope) -> list[str]:
        return [d.owner_role for d in store.programme_decisions(url, PROGRAMME, scope)]

    assert owners(STEERING) == ["steering", "coordinator", "department_head"]
    assert owners(ADMIN) == ["steering", "coordinator", "department_head"]
    assert owners(COORDINATOR) == ["coordinator"]
    assert owners(HEAD) == ["department_head"]
    assert owners(Scope(role="viewer")) == []


def test_overdue_on_the_day_after_the_due_date_and_not_before(empty_db_url: str) -> None:
    url = empty_db_url
    keys = _three(url)
    store.set_decision_status(url, keys["department_head"], rules.DONE, ADMIN)

    def overdue(scope: Scope, today: date) -> list[str]:
        return [d.owner_role for d in store.overdue_decisions(url, PROGRAMME, scope, today)]

    assert overdue(STEERING, date(2011, 9, 30)) == []
    assert overdue(STEERING, date(2011, 10, 1)) == ["steering", "coordinator"]
    assert overdue(COORDINATOR, date(2011, 10, 1)) == ["coordinator"]
    assert overdue(HEAD, date(2011, 10, 1)) == []


def test_quarter_summary_made_closed_overdue(
    empty_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Q2 makes three decisions due 30.09; Q3 closes one (done) and drops one; one stays open.

    2011Q2: made 3, closed 0, overdue 0 (nothing due yet on 30.06).
    2011Q3: made 0, closed 2 (both in Q3), overdue 0 on 30.09 (due that day).
    2011Q4: made 0, closed 0, overdue 1 (the open one, from 01.10); the one
    reopened on 15.11 after being closed is overdue again by 31.12 -> 2.
    """
    url = empty_db_url
    _at(monkeypatch, datetime(2011, 6, 1, 8, tzinfo=UTC))
    keys = _three(url)
    _at(monkeypatch, datetime(2011, 8, 1, 8, tzinfo=UTC))
    store.set_decision_status(url, keys["coordinator"], rules.DONE, ADMIN)
    store.set_decision_status(url, keys["department_head"], rules.DROPPED, ADMIN)
    today = date(2012, 6, 1)

    def counts(quarter: str) -> tuple[int, int, int]:
        summary = store.quarter_decisions_summary(url, PROGRAMME, quarter, today)
        return len(summary.made), len(summary.closed), len(summary.overdue)

    assert counts("2011Q2") == (3, 0, 0)
    assert counts("2011Q3") == (0, 2, 0)
    assert counts("2011Q4") == (0, 0, 1)
    _at(monkeypatch, datetime(2011, 11, 15, 8, tzinfo=UTC))
    store.set_decision_status(url, keys["coordinator"], rules.OPEN, STEERING)
    assert counts("2011Q4") == (0, 0, 2)
    assert counts("2011Q3") == (0, 2, 0)
    # A quarter still running is judged on today, not on its last day.
    summary = store.quarter_decisions_summary(url, PROGRAMME, "2011Q4", date(2011, 9, 30))
    assert summary.overdue == ()


def test_last_meeting_open(empty_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    url = empty_db_url
    assert store.last_meeting_open(url, PROGRAMME, "2011Q3") == ("", [])
    first = store.add_decision(
        url, PROGRAMME, "2011Q1", "Gammel", "steering", date(2011, 6, 1), ADMIN
    )
    keys = _three(url)
    store.set_decision_status(url, keys["steering"], rules.DONE, ADMIN)
    quarter, open_ones = store.last_meeting_open(url, PROGRAMME, "2011Q3")
    assert quarter == "2011Q2"
    assert [d.owner_role for d in open_ones] == ["coordinator", "department_head"]
    quarter, open_ones = store.last_meeting_open(url, PROGRAMME, "2011Q1")
    assert (quarter, [d.decision_key for d in open_ones]) == ("2011Q1", [first.decision_key])


# --- the page, per role (AppTest on the demo database) ----------------------------

DEMO_QUERY = {"programme": "interventionsteam", "as_of": "2011-06-30"}


def _page_decisions(app_url: str) -> None:
    """One steering decision long overdue, one coordinator decision due far in the future."""
    store.add_decision(
        app_url,
        "interventionsteam",
        "2011Q2",
        "Styregruppens opgave",
        "steering",
        date(2011, 9, 30),
        STEERING,
        concerns="page:oekonomi",
    )
    store.add_decision(
        app_url,
        "interventionsteam",
        "2011Q2",
        "Koordinatorernes opgave",
        "coordinator",
        date(2099, 1, 1),
        STEERING,
    )


@pytest.mark.parametrize(
    ("user", "shown", "hidden", "overdue", "writer"),
    [
        (
            "styregruppe@demo.invalid",
            ["Styregruppens opgave", "Koordinatorernes opgave"],
            [],
            1,
            True,
        ),
        ("admin@demo.invalid", ["Styregruppens opgave", "Koordinatorernes opgave"], [], 1, True),
        (
            "koordinator.norrebro@demo.invalid",
            ["Koordinatorernes opgave"],
            ["Styregruppens"],
            0,
            False,
        ),
        ("chef.buf@demo.invalid", [], ["Styregruppens", "Koordinatorernes"], 0, False),
    ],
    ids=["steering", "admin", "coordinator", "department_head"],
)
def test_page_per_role(
    demo_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    user: str,
    shown: list[str],
    hidden: list[str],
    overdue: int,
    writer: bool,
) -> None:
    app_url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", app_url)
    _page_decisions(app_url)
    app = render(monkeypatch, demo_db_url, "beslutninger", user=user, query=DEMO_QUERY)
    assert not app.exception
    assert [e.value for e in app.title] == ["Beslutninger"]
    page_text = texts(app)
    for text in shown:
        assert text in page_text
    for text in hidden:
        assert text not in page_text
    flagged = [e.value for e in app.error if "over fristen" in str(e.value)]
    assert flagged == ([f"Åbne beslutninger over fristen: {overdue}"] if overdue else [])
    if overdue:
        top = app.dataframe[0].value
        assert top.iloc[:, 1].tolist() == ["Styregruppens opgave"]
        assert top.iloc[0, 2] == "Økonomi"
    assert any(b.label == "Gem status" for b in app.button) == writer


def test_the_page_is_listed_for_the_roles_that_follow_decisions_up() -> None:
    """The viewer gets no Beslutninger page; `open_page` refuses it by the same table."""
    keys = {role: {spec.key for spec in pages_for(role)} for role in ROLES}
    assert {role for role in ROLES if "beslutninger" in keys[role]} == {
        "admin",
        "steering",
        "coordinator",
        "department_head",
    }


def test_steering_changes_a_status_on_the_page(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app_url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", app_url)
    _page_decisions(app_url)
    app = render(
        monkeypatch, demo_db_url, "beslutninger", user="styregruppe@demo.invalid", query=DEMO_QUERY
    )
    status = next(r for r in app.radio if r.label == "Status")
    status.set_value("done")
    next(b for b in app.button if b.label == "Gem status").click()
    app.run()
    assert not app.exception
    [steering] = [
        d
        for d in store.programme_decisions(app_url, "interventionsteam", STEERING)
        if d.version == 2
    ]
    assert (steering.text, steering.status, steering.written_by) == (
        "Styregruppens opgave",
        "done",
        "styregruppe@demo.invalid",
    )
    assert not [e for e in app.error if "over fristen" in str(e.value)]


def test_overview_warns_of_overdue_decisions(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app_url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", app_url)
    _page_decisions(app_url)
    app = render(monkeypatch, demo_db_url, "oversigt", user="admin@demo.invalid", query=DEMO_QUERY)
    assert not app.exception
    assert [w.value for w in app.warning if "over fristen" in str(w.value)] == [
        "Åbne beslutninger over fristen: 1"
    ]
    assert [x.value for x in app.text if "opgave" in x.value] == [
        "30.09.2011 · Styregruppen · Styregruppens opgave"
    ]
    coordinator = render(
        monkeypatch,
        demo_db_url,
        "oversigt",
        user="koordinator.norrebro@demo.invalid",
        query=DEMO_QUERY,
    )
    assert not [w for w in coordinator.warning if "over fristen" in str(w.value)]


def test_presentation_opens_with_the_last_meetings_open_decisions(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Q1 left one decision open, Q2 (the last meeting) one open and one done."""
    app_url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", app_url)
    programme = "interventionsteam"
    store.add_decision(app_url, programme, "2011Q1", "Fra Q1", "steering", date(2011, 6, 1), ADMIN)
    store.add_decision(app_url, programme, "2011Q2", "Åben", "steering", date(2099, 1, 1), ADMIN)
    done = store.add_decision(
        app_url, programme, "2011Q2", "Lukket", "steering", date(2099, 1, 1), ADMIN
    )
    store.set_decision_status(app_url, done.decision_key, rules.DONE, ADMIN)
    app = render(
        monkeypatch,
        demo_db_url,
        "oversigt",
        user="styregruppe@demo.invalid",
        query={**DEMO_QUERY, "present": "1"},
    )
    assert not app.exception
    assert app.subheader[0].value == "Åbne beslutninger fra seneste møde (2. kvartal 2011)"
    shown = [x.value for x in app.text]
    assert shown[0] == "Åben\nAnsvarlig rolle: Styregruppen · 1. januar 2099"
    assert not [x for x in shown if "Fra Q1" in x or "Lukket" in x]
