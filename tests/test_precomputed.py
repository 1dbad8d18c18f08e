"""Precomputed answers (issue 21.3): a safe codec, a stable key, and pages served from the store.

The codec is tried on every kind an answer holds and on forged payloads;
the key in two processes with different hash seeds; then the hand-made
bundle (tests/fixtures/programme.py) is precomputed and a page is rendered
with every query made to raise: it must show what it shows when computed.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from dashboard import data as dashboard_data
from dashboard.__main__ import main as dashboard_main
from dashboard.navigation import PAGES
from dashboard.precompute import precompute, report_dates, representatives, scratch_app_environment
from dashboard.views.loads import precompute_note
from data_access.db.engine import make_engine
from data_access.queries import answer_store, answers
from data_access.queries.context import QueryContext
from data_access.queries.figures import FigureValue
from data_access.queries.reference import list_districts
from data_access.rules.access import Scope
from data_access.rules.figures import FigureId
from data_access.rules.spend import SpendStatus
from tests.fixtures.apptest import metrics, render, texts
from tests.fixtures.programme import QUERY, load_small

ROOT = Path(__file__).resolve().parents[1]
CONTEXT = QueryContext("P1", date(2010, 9, 30), None, Scope(role="steering"))


def _frame() -> pd.DataFrame:
    """Typed columns, an object column of enums and one of mixed values, a named index."""
    return pd.DataFrame(
        {
            "count": np.array([3, 0], dtype="int64"),
            "share": [0.5, float("nan")],
            "status": [SpendStatus.OVER, SpendStatus.UNDER],
            "mixed": [1, "to"],
            "day": pd.to_datetime(["2010-09-30", "2010-10-31"]),
        },
        index=pd.Index(["a", "b"], name="key"),
    )


VALUES: list[Any] = [
    None,
    True,
    7,
    -0.25,
    float("inf"),
    "Nørrebro",
    date(2010, 9, 30),
    datetime(2010, 9, 30, 12, 5, 1),
    Decimal("12.30"),
    b"\x00\xff",
    [1, "x", None],
    (1, (2, 3)),
    {"b", "a"},
    frozenset({"SOF", "BUF"}),
    {FigureId.ACTIVE_FAMILIES: 4, "x": [date(2011, 1, 1)]},
    np.int64(5),
    SpendStatus.OVER,
    FigureValue(FigureId.ACTIVE_FAMILIES, 3.0, None, 3, 4, None, None),
    CONTEXT,
    _frame(),
    pd.DataFrame({"n": []}, dtype="int64"),
    pd.crosstab(pd.Series([1, 2], name="baseline"), pd.Series([1, 1], name="latest")),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda value: type(value).__name__)
def test_each_kind_comes_back_exactly(value: Any) -> None:
    payload = answers.round_trip(value)
    assert payload is not None
    back = answers.decode(payload)
    assert type(back) is type(value)
    assert answers.same(value, back)


def test_same_sees_a_changed_type_or_value() -> None:
    assert not answers.same(1, 1.0)
    assert not answers.same((1, 2), [1, 2])
    frame = _frame()
    other = frame.copy()
    other.loc["a", "count"] = 4
    assert not answers.same(frame, other)


class NotAnAnswer:
    """A class the allowlist does not name."""


def test_a_type_outside_the_allowlist_is_neither_stored_nor_decoded() -> None:
    assert answers.round_trip(NotAnAnswer()) is None
    assert answers.round_trip([pd.Timestamp("2010-01-01")]) is None
    with pytest.raises(answers.AnswerCodecError):
        answers.encode(NotAnAnswer())
    forged = {"dataclass": "subprocess.Popen", "fields": {"args": {"list": ["true"]}}}
    tree = json.dumps(forged).encode()
    payload = answers.MAGIC + answers._LENGTH.pack(len(tree)) + tree
    with pytest.raises(answers.AnswerCodecError, match="not allowed"):
        answers.decode(payload)
    with pytest.raises(answers.AnswerCodecError):
        answers.decode(b"\x80\x04pickle")


def test_an_allowed_dataclass_with_other_fields_is_refused() -> None:
    name = "data_access.rules.access.Scope"
    tree = json.dumps({"dataclass": name, "fields": {"role": "admin", "x": 1}}).encode()
    with pytest.raises(answers.AnswerCodecError, match="fields"):
        answers.decode(answers.MAGIC + answers._LENGTH.pack(len(tree)) + tree)


KEY_SCRIPT = """
from datetime import date
from data_access.queries.answers import answer_key
from data_access.queries.context import QueryContext
from data_access.rules.access import Scope
context = QueryContext("P1", date(2010, 9, 30), None, Scope(role="steering"))
kinds = frozenset({"intensive", "aftercare", "ended", "waiting", "referred"})
print(answer_key("q", (context, kinds), (("d", {"b": 1, "a": 2}),)))
"""


def test_the_key_is_the_same_in_every_process() -> None:
    keys = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", KEY_SCRIPT],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        keys.add(done.stdout.strip())
    assert len(keys) == 1
    kinds = frozenset({"intensive", "aftercare", "ended", "waiting", "referred"})
    assert keys == {answers.answer_key("q", (CONTEXT, kinds), (("d", {"a": 2, "b": 1}),))}


def test_the_key_tells_rights_and_arguments_apart() -> None:
    base = answers.answer_key("q", (CONTEXT,), ())
    viewer = QueryContext("P1", date(2010, 9, 30), None, Scope(role="viewer"))
    assert answers.answer_key("q", (viewer,), ()) != base
    assert answers.answer_key("q", (CONTEXT.at(date(2010, 6, 30)),), ()) != base
    assert answers.answer_key("r", (CONTEXT,), ()) != base


def test_representatives_are_one_per_rights_class() -> None:
    users = [
        Scope("admin", "a1"),
        Scope("admin", "a2"),
        Scope("coordinator", "k1", coordinator_id="C1"),
        Scope("department_head", "h1", department_id="SOF"),
        Scope("department_head", "h2", department_id="SOF"),
        Scope("department_head", "h3", department_id="BUF"),
        Scope("viewer", "v1"),
    ]
    assert [u.email for u in representatives(users)] == ["a1", "h1", "h3", "v1"]


def test_report_dates_are_the_default_and_the_quarter_ends_before_it() -> None:
    # Two years of quarter ends before the default, none before the start.
    assert report_dates(date(2008, 1, 1), date(2011, 2, 14)) == [
        date(2011, 2, 14),
        date(2010, 12, 31),
        date(2010, 9, 30),
        date(2010, 6, 30),
        date(2010, 3, 31),
        date(2009, 12, 31),
        date(2009, 9, 30),
        date(2009, 6, 30),
        date(2009, 3, 31),
    ]
    assert report_dates(date(2010, 1, 1), date(2011, 2, 14), back=4)[-1] == date(2010, 3, 31)
    assert report_dates(date(2010, 8, 1), date(2010, 12, 31)) == [
        date(2010, 12, 31),
        date(2010, 9, 30),
    ]


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    dashboard_data.clear_caches()
    yield
    dashboard_data.clear_caches()


def _refuse(monkeypatch: pytest.MonkeyPatch, names: set[str]) -> None:
    """Make the queries `names` raise when called.

    Page scripts run again on every rerun and wrap their queries anew, so the
    query is replaced in its module (under its own name, so the cache key is
    unchanged) as well as in `dashboard.data`'s registry.
    """
    for name in names:
        module, attribute = name.rsplit(".", 1)
        original = getattr(importlib.import_module(module), attribute)

        @functools.wraps(original)
        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("computed instead of read from the store")

        monkeypatch.setattr(f"{module}.{attribute}", refuse)
        monkeypatch.setitem(dashboard_data._QUERIES, name, refuse)


def _page_queries(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The names of the `cached` queries the next renders call (filled as they run)."""
    names: set[str] = set()
    original = dashboard_data._cached_call

    def record(name: str, *rest: Any) -> Any:
        names.add(name)
        return original(name, *rest)

    monkeypatch.setattr(dashboard_data, "_cached_call", record)
    return names


@pytest.mark.usefixtures("fresh_caches")
def test_a_precomputed_page_is_read_from_the_store(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    monkeypatch.setenv("DASHBOARD_PRECOMPUTED", "0")
    with monkeypatch.context() as recording:
        names = _page_queries(recording)
        computed = render(monkeypatch, db_url, "forloeb", user="styre@example.org", query=QUERY)
    assert not computed.exception
    assert "data_access.queries.courses.course_flow" in names
    result = precompute(db_url, [date.fromisoformat(QUERY["as_of"])], districts=False)
    assert result.errors == [] and result.answers > 0 and not result.rejected
    dashboard_data.clear_caches()
    monkeypatch.setenv("DASHBOARD_PRECOMPUTED", "1")
    _refuse(monkeypatch, names)
    stored = render(monkeypatch, db_url, "forloeb", user="styre@example.org", query=QUERY)
    assert not stored.exception, [e.value for e in stored.exception]
    assert texts(stored) == texts(computed)
    assert "Aktive familier" in texts(stored)
    # Switched off, the same page computes, and the refusing queries show.
    dashboard_data.clear_caches()
    monkeypatch.setenv("DASHBOARD_PRECOMPUTED", "0")
    refused = render(monkeypatch, db_url, "forloeb", user="styre@example.org", query=QUERY)
    assert refused.exception or refused.error, texts(refused)


@pytest.mark.usefixtures("fresh_caches")
def test_a_district_view_is_read_from_the_store(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forløb filtered to Nørrebro: F1 and F2 in aftercare (active 2), F5 ended (1).

    The whole programme shows 3 active (F3 in Brønshøj-Husum too), so the
    figures below can only be the district's answers.
    """
    load_small(db_url, tmp_path / "bundle").dispose()
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    monkeypatch.setenv("DASHBOARD_PRECOMPUTED", "0")
    in_nb = {**QUERY, "district": "nb"}
    with monkeypatch.context() as recording:
        names = _page_queries(recording)
        computed = render(monkeypatch, db_url, "forloeb", user="styre@example.org", query=in_nb)
    assert not computed.exception
    assert metrics(computed)["Aktive familier"] == "2"
    day = date.fromisoformat(QUERY["as_of"])
    # Only the whole programme stored: the district's queries are computed, and refused.
    assert precompute(db_url, [day], districts=False).errors == []
    dashboard_data.clear_caches()
    monkeypatch.setenv("DASHBOARD_PRECOMPUTED", "1")
    with monkeypatch.context() as refusing:
        _refuse(refusing, names)
        missed = render(monkeypatch, db_url, "forloeb", user="styre@example.org", query=in_nb)
    assert missed.exception or missed.error, texts(missed)
    # Every district filter stored: the same view with every query refused.
    monkeypatch.setenv("DASHBOARD_PRECOMPUTED", "0")
    result = precompute(db_url, [day])
    assert result.errors == [] and not result.rejected
    dashboard_data.clear_caches()
    monkeypatch.setenv("DASHBOARD_PRECOMPUTED", "1")
    _refuse(monkeypatch, names)
    stored = render(monkeypatch, db_url, "forloeb", user="styre@example.org", query=in_nb)
    assert not stored.exception, [e.value for e in stored.exception]
    assert not stored.error, texts(stored)
    shown = metrics(stored)
    assert shown["Aktive familier"] == "2"
    assert shown["Afsluttede forløb"] == "1"
    assert texts(stored) == texts(computed)


def _store_one(url: str, version: int) -> tuple[str, tuple[Any, ...]]:
    """Store a made-up answer (7) for list_districts() at `version`; return its name and args."""
    name = f"{list_districts.__module__}.{list_districts.__qualname__}"
    args = ()
    stored = answer_store.StoredAnswer(answers.answer_key(name, args, ()), name, answers.encode(7))
    engine = make_engine(url)
    try:
        answer_store.write_answers(engine, version, [stored])
    finally:
        engine.dispose()
    return name, args


@pytest.mark.usefixtures("fresh_caches")
def test_an_answer_serves_only_its_data_version(db_url: str) -> None:
    name, args = _store_one(db_url, 5)
    assert dashboard_data._stored(name, db_url, 5, args, ()) == (True, 7)
    assert dashboard_data._stored(name, db_url, 6, args, ()) == (False, None)
    assert dashboard_data._stored(name, db_url, 5, ("other",), ()) == (False, None)


@pytest.mark.usefixtures("fresh_caches")
def test_a_damaged_or_missing_store_falls_back_to_computing(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", db_url)
    name, args = _store_one(db_url, 0)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE precomputed_answers SET payload = :p"), {"p": b"junk"})
        assert dashboard_data._stored(name, db_url, 0, args, ()) == (False, None)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE precomputed_answers"))
    finally:
        engine.dispose()
    dashboard_data.clear_caches()
    assert dashboard_data._stored(name, db_url, 0, args, ()) == (False, None)
    # The empty database has no districts: computed, the answer is [], not the stored 7.
    assert dashboard_data.cached(list_districts)() == []


def test_the_command_prints_answers_bytes_and_seconds(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    code = dashboard_main(["precompute", "--database-url", db_url, "--dates", QUERY["as_of"]])
    printed = capsys.readouterr().out.strip()
    assert code == 0, printed
    found = re.fullmatch(
        r"(\d+) answers, (\d+) bytes, [\d.]+ s \((\d+) page views, data version 1\)", printed
    )
    assert found is not None, printed
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            rows, size, versions = connection.execute(
                text(
                    "SELECT count(*), sum(length(payload)), count(DISTINCT data_version)"
                    " FROM precomputed_answers"
                )
            ).one()
    finally:
        engine.dispose()
    assert (int(found[1]), int(found[2])) == (rows, size)
    assert rows > 0 and versions == 1
    # The small bundle's users: admin, steering, viewer (no department head), one
    # programme, one date, three filters: the whole programme, Brønshøj-Husum, Nørrebro.
    assert int(found[3]) == 3 * sum(
        spec.allows(role) for spec in PAGES for role in ("admin", "steering", "viewer")
    )


def test_quarters_back_sets_how_many_quarter_ends_are_stored(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default date alone, then it and the quarter end before it: twice the views.

    P1 starts 2010-01-01 and the small load's default date lies after 2010-03-31.
    """
    load_small(db_url, tmp_path / "bundle").dispose()
    views = []
    for back in ("0", "1"):
        args = ["precompute", "--database-url", db_url, "--no-districts", "--quarters-back", back]
        assert dashboard_main(args) == 0
        found = re.search(r"\((\d+) page views", capsys.readouterr().out)
        assert found is not None
        views.append(int(found[1]))
    pages = sum(spec.allows(role) for spec in PAGES for role in ("admin", "steering", "viewer"))
    assert views == [pages, 2 * pages]


@pytest.mark.parametrize("back", ["-1", "two"])
def test_a_bad_quarters_back_is_named_and_nothing_runs(
    back: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        dashboard_main(
            ["precompute", "--database-url", "sqlite:///nowhere.sqlite", "--quarters-back", back]
        )
    assert stopped.value.code == 2
    assert f"not a number of quarters (0 or more): '{back}'" in capsys.readouterr().err


def test_the_scratch_environment_puts_every_dashboard_variable_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", "sqlite:///real.sqlite")
    monkeypatch.setenv("DASHBOARD_AUDIT_URL", "sqlite:///real-log.sqlite")
    monkeypatch.setenv("DASHBOARD_DEMO", "0")
    monkeypatch.delenv("DASHBOARD_DEMO_USER", raising=False)
    with scratch_app_environment("sqlite:///other.sqlite", {"DASHBOARD_DEMO": "1"}):
        assert os.environ["DASHBOARD_DATABASE_URL"] == "sqlite:///other.sqlite"
        assert os.environ["DASHBOARD_DEMO"] == "1"
        # The pages' access-log rows go to a scratch file, never the real log.
        assert os.environ["DASHBOARD_AUDIT_URL"].endswith("/audit.sqlite")
        assert "real-log" not in os.environ["DASHBOARD_AUDIT_URL"]
        os.environ["DASHBOARD_DEMO_USER"] = "laeser@demo.invalid"  # as precompute does
    assert os.environ["DASHBOARD_DATABASE_URL"] == "sqlite:///real.sqlite"
    assert os.environ["DASHBOARD_AUDIT_URL"] == "sqlite:///real-log.sqlite"
    assert "DASHBOARD_DEMO_USER" not in os.environ
    assert os.environ["DASHBOARD_DEMO"] == "0"


def _set_fingerprint(url: str, fingerprint: str | None) -> None:
    """Make every stored row look computed by other code (or by code before the column)."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE precomputed_answers SET code_fingerprint = :f"), {"f": fingerprint}
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("fingerprint", ["0" * 64, None])
@pytest.mark.usefixtures("fresh_caches")
def test_answers_of_other_code_are_not_asked_for(db_url: str, fingerprint: str | None) -> None:
    """After a release without a precompute the store holds the old code's answers only.

    Their keys never match this code's, so the app must not spend a SELECT
    per cold query on them: `has_answers` says no and `_stored` never asks.
    """
    name, args = _store_one(db_url, 5)
    engine = make_engine(db_url)
    try:
        assert answer_store.has_answers(engine, 5)
        _set_fingerprint(db_url, fingerprint)
        assert not answer_store.has_answers(engine, 5)
    finally:
        engine.dispose()
    assert dashboard_data._stored(name, db_url, 5, args, ()) == (False, None)


def test_the_store_state_names_load_code_count_and_time(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert answer_store.store_state(engine) is None
        name = "data_access.queries.reference.list_districts"
        stored = [
            answer_store.StoredAnswer(answers.answer_key(name, (n,), ()), name, answers.encode(n))
            for n in (1, 2, 3)
        ]
        before = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        answer_store.write_answers(engine, 4, stored)
        state = answer_store.store_state(engine)
        assert state is not None
        assert (state.data_version, state.this_code, state.answers) == (4, True, 3)
        assert before <= state.created_at <= datetime.now(UTC).replace(tzinfo=None)
        _set_fingerprint(db_url, None)
        assert answer_store.store_state(engine) == replace(state, this_code=False)
    finally:
        engine.dispose()


READY = answer_store.StoreState(3, True, 1233, datetime(2026, 12, 8, 1, 10))


@pytest.mark.parametrize(
    ("state", "newest", "enabled", "expected"),
    [
        # 01.10 UTC on 8 December is 02.10 in Copenhagen (winter time, UTC+1).
        (
            READY,
            3,
            True,
            (
                True,
                "Svarene til indlæsning 3 er forudberegnet: 1.233 svar, beregnet "
                "8. december 2026 kl. 02.10.",
            ),
        ),
        (None, 3, True, (False, "ingen forudberegnede svar til den nyeste indlæsning (3)")),
        (READY, 4, True, (False, "hører til indlæsning 3, ikke til den nyeste (4)")),
        (replace(READY, this_code=False), 3, True, (False, "en anden version af dashboardet")),
        (None, 3, False, (True, "slået fra (`DASHBOARD_PRECOMPUTED=0`)")),
    ],
)
def test_the_loads_page_says_whether_the_newest_load_is_precomputed(
    state: answer_store.StoreState | None,
    newest: int,
    enabled: bool,
    expected: tuple[bool, str],
) -> None:
    in_order, note = precompute_note(state, newest, enabled, "da")
    assert in_order == expected[0]
    assert expected[1] in note, note
    if not in_order:
        assert "`python -m dashboard precompute`" in note


@pytest.mark.usefixtures("fresh_caches")
def test_an_admin_sees_the_precompute_go_stale_with_the_next_load(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Load 1 precomputed: a note in order; load 2 on top: a warning naming both loads."""
    load_small(db_url, tmp_path / "bundle").dispose()
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    assert precompute(db_url, [date.fromisoformat(QUERY["as_of"])], districts=False).errors == []
    dashboard_data.clear_caches()
    shown = render(monkeypatch, db_url, "indlaesninger", user="admin@example.org", query=QUERY)
    assert not shown.exception, texts(shown)
    assert not [w for w in shown.warning if "forudberegne" in w.value], texts(shown)
    assert any("Svarene til indlæsning 1 er forudberegnet" in c.value for c in shown.caption)
    load_small(db_url, tmp_path / "again").dispose()
    dashboard_data.clear_caches()
    stale = render(monkeypatch, db_url, "indlaesninger", user="admin@example.org", query=QUERY)
    notes = [w.value for w in stale.warning if "forudberegne" in w.value]
    assert len(notes) == 1, texts(stale)
    assert "hører til indlæsning 1, ikke til den nyeste (2)" in notes[0]
    assert not [c for c in stale.caption if "forudberegne" in c.value]
