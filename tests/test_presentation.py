"""Presentation mode: every step renders on the demo, with the sidebar hidden."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import presentation
from tests.fixtures.apptest import APP, checked_charts

QUERY = {"present": "1", "programme": "interventionsteam", "as_of": "2011-06-30"}


def _present(monkeypatch: pytest.MonkeyPatch, url: str, *, lang: str | None = None) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    monkeypatch.delenv("DASHBOARD_DEMO_USER", raising=False)
    app = AppTest.from_file(str(APP), default_timeout=120)
    for name, value in {**QUERY, **({"lang": lang} if lang else {})}.items():
        app.query_params[name] = value
    app.run()
    return app


#: The demo programme's name, as programmes.csv of the demo gives it.
PROGRAMME = "Interventionsteam på Nørrebro og i Tingbjerg"
#: The steering group's seven steps, written out by hand so a wrong title fails.
TITLES_DA = [
    f"Overblik · {PROGRAMME}",
    f"Visitation · {PROGRAMME}",
    f"Forløb · {PROGRAMME}",
    f"Økonomi · {PROGRAMME}",
    f"Effekt · {PROGRAMME}",
    f"Bydele · {PROGRAMME}",
    f"Bydelsindikatorer · {PROGRAMME}",
]
TITLES_EN = [
    f"Overview · {PROGRAMME}",
    f"Intake · {PROGRAMME}",
    f"Family courses · {PROGRAMME}",
    f"Spend · {PROGRAMME}",
    f"Outcomes · {PROGRAMME}",
    f"Districts · {PROGRAMME}",
    f"District indicators · {PROGRAMME}",
]


def _walk(app: AppTest) -> tuple[list[str], list[str]]:
    """Click through every step: each step's title and its position text."""
    titles: list[str] = []
    positions: list[str] = []
    while True:
        assert not app.exception, (len(titles), app.exception)
        titles.append(app.title[0].value)
        positions.extend(str(m.value) for m in app.markdown if str(m.value).startswith("**"))
        assert any("stSidebar" in str(m.value) for m in app.markdown), "sidebar not hidden"
        assert app.metric or app.table, f"step {len(titles)} shows no figure"
        assert len(checked_charts(app)) + len(app.table) <= 1, "at most one chart or table"
        assert not any(b.key == presentation.TOGGLE_KEY for b in app.sidebar.toggle)
        next_button = app.button(key="presentation_next")
        if next_button.disabled or len(titles) > 10:
            return titles, positions
        next_button.click().run()


def test_every_step_renders_and_the_sidebar_is_hidden(
    monkeypatch: pytest.MonkeyPatch, demo_db_url: str
) -> None:
    titles, positions = _walk(_present(monkeypatch, demo_db_url))
    assert titles == TITLES_DA
    assert positions == [f"**Trin {n} af 7**" for n in range(1, 8)]


def test_the_steps_in_english(monkeypatch: pytest.MonkeyPatch, demo_db_url: str) -> None:
    titles, positions = _walk(_present(monkeypatch, demo_db_url, lang="en"))
    assert titles == TITLES_EN
    assert positions[0] == "**Step 1 of 7**"
    assert positions[-1] == "**Step 7 of 7**"


def test_previous_and_leave(monkeypatch: pytest.MonkeyPatch, demo_db_url: str) -> None:
    app = _present(monkeypatch, demo_db_url)
    assert app.button(key="presentation_previous").disabled
    app.button(key="presentation_next").click().run()
    app.button(key="presentation_previous").click().run()
    assert app.title[0].value == TITLES_DA[0]
    app.button(key="presentation_exit").click().run()
    assert not app.exception
    assert "present" not in app.query_params
    assert not any(b.key == "presentation_next" for b in app.button)


def test_changes_are_coloured_by_the_catalogue(
    monkeypatch: pytest.MonkeyPatch, demo_db_url: str
) -> None:
    """The shared screen colours a change as the overview does, from the figure's direction.

    Spend going up and fewer families waiting are neither good nor bad news
    (grey); more active families toward the target are good, in green.
    """
    from streamlit.proto.Metric_pb2 import Metric

    app = _present(monkeypatch, demo_db_url)
    assert not app.exception
    shown = {m.label: m.proto for m in app.metric}
    for label in ("Under visitation", "Forbrug år til dato", "Prognose for året"):
        assert shown[label].delta, label
        assert shown[label].color == Metric.GRAY, label
    active = shown["Aktive familier"]
    if active.delta.startswith("+"):
        assert active.color == Metric.GREEN
    elif active.delta.startswith("-"):
        assert active.color == Metric.RED


def _last_step(app: AppTest) -> AppTest:
    """Click "Næste" until the last step."""
    for _ in range(10):
        following = app.button(key="presentation_next")
        if following.disabled:
            break
        following.click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize(
    ("as_of", "norrebro", "city"),
    [
        # results.py: P1 starts 2011-01-01. Nørrebro's tryghedsindex 60 (2010-01-01)
        # -> 65 (2012-01-01), fritidsjob 20 -> 25; the city's tryghedsindex 70 -> 74,
        # no fritidsjob. Both indicators are "higher is better".
        (
            "2012-06-30",
            ["Nørrebro", "65,0 (+5,0) :green[▲\u00a0Bedre]", "25,0 (+5,0) :green[▲\u00a0Bedre]"],
            ["**Københavns Kommune**", "74,0 (+4,0) :green[▲\u00a0Bedre]", "–"],
        ),
        # Before the 2012 measurements the latest value is the start value: no change to read.
        (
            "2011-06-30",
            ["Nørrebro", "60,0", "20,0"],
            ["**Københavns Kommune**", "70,0", "–"],
        ),
    ],
)
def test_the_indicators_step_puts_every_district_against_the_city(
    monkeypatch: pytest.MonkeyPatch,
    results_url: str,
    as_of: str,
    norrebro: list[str],
    city: list[str],
) -> None:
    """One table of every indicator: latest value, change since start and its reading.

    Brønshøj-Husum, where one family lives, has no measurements and no row,
    as on the Bydele page.
    """
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", results_url)
    monkeypatch.setenv("DASHBOARD_DEMO_USER", "viewer@example.org")
    app = AppTest.from_file(str(APP), default_timeout=120)
    for name, value in {"present": "1", "programme": "P1", "as_of": as_of}.items():
        app.query_params[name] = value
    app.run()
    _last_step(app)
    assert app.title[0].value == "Bydelsindikatorer · Pilot"
    [table] = app.table
    frame = table.value
    assert list(frame.columns) == [
        "Bydel/område",
        # The unit last, Markdown-escaped: "indeks 0-100" is the built-in one, "%" the bundle's.
        "**Tryghedsindex** · ↑ Højere er bedre · indeks 0\\-100",
        "**Unge i fritidsjob** · ↑ Højere er bedre · %",
    ]
    assert frame.values.tolist() == [norrebro, city]
    assert any("ændringen siden programstart (1. januar 2011)" in m.value for m in app.markdown)
