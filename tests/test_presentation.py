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
#: The steering group's six steps, written out by hand so a wrong title fails.
TITLES_DA = [
    f"Overblik · {PROGRAMME}",
    f"Visitation · {PROGRAMME}",
    f"Forløb · {PROGRAMME}",
    f"Økonomi · {PROGRAMME}",
    f"Effekt · {PROGRAMME}",
    f"Bydele · {PROGRAMME}",
]
TITLES_EN = [
    f"Overview · {PROGRAMME}",
    f"Intake · {PROGRAMME}",
    f"Family courses · {PROGRAMME}",
    f"Spend · {PROGRAMME}",
    f"Outcomes · {PROGRAMME}",
    f"Districts · {PROGRAMME}",
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
        assert app.metric, f"step {len(titles)} shows no figure"
        assert len(checked_charts(app)) <= 1, "at most one chart per step"
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
    assert positions == [f"**Trin {n} af 6**" for n in range(1, 7)]


def test_the_steps_in_english(monkeypatch: pytest.MonkeyPatch, demo_db_url: str) -> None:
    titles, positions = _walk(_present(monkeypatch, demo_db_url, lang="en"))
    assert titles == TITLES_EN
    assert positions[0] == "**Step 1 of 6**"
    assert positions[-1] == "**Step 6 of 6**"


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
