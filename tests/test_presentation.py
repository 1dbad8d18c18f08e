"""Presentation mode: every step renders on the demo, with the sidebar hidden."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import presentation
from tests.fixtures.apptest import APP, checked_charts

QUERY = {"present": "1", "programme": "interventionsteam", "as_of": "2011-06-30"}


def _present(monkeypatch: pytest.MonkeyPatch, url: str) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    monkeypatch.delenv("DASHBOARD_DEMO_USER", raising=False)
    app = AppTest.from_file(str(APP), default_timeout=120)
    for name, value in QUERY.items():
        app.query_params[name] = value
    app.run()
    return app


def test_every_step_renders_and_the_sidebar_is_hidden(
    monkeypatch: pytest.MonkeyPatch, demo_db_url: str
) -> None:
    app = _present(monkeypatch, demo_db_url)
    seen = []
    for step in range(len(presentation.STEPS)):
        assert not app.exception, (step, app.exception)
        seen.append(app.title[0].value)
        assert any("stSidebar" in str(m.value) for m in app.markdown), "sidebar not hidden"
        assert app.metric, f"step {step} shows no figure"
        assert len(checked_charts(app)) <= 1, "at most one chart per step"
        assert not any(b.key == presentation.TOGGLE_KEY for b in app.sidebar.toggle)
        next_button = app.button(key="presentation_next")
        if step == len(presentation.STEPS) - 1:
            assert next_button.disabled
            break
        next_button.click().run()
    # The steering group's words for the steps, written out so a wrong title fails.
    labels = ["Overblik", "Visitation", "Forløb", "Økonomi", "Effekt", "Bydele"]
    assert [title.split(" · ")[0] for title in seen] == labels


def test_previous_and_leave(monkeypatch: pytest.MonkeyPatch, demo_db_url: str) -> None:
    app = _present(monkeypatch, demo_db_url)
    assert app.button(key="presentation_previous").disabled
    app.button(key="presentation_next").click().run()
    app.button(key="presentation_previous").click().run()
    assert app.title[0].value.startswith("Overblik · ")
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
