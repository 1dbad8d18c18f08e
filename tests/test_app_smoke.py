"""Every page renders without an exception, for the demo database, on both backends."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.navigation import PAGES, PAGES_DIR
from tests.fixtures.apptest import APP, checked_charts, render


def test_every_page_file_is_in_the_registry() -> None:
    files = {path.stem for path in PAGES_DIR.glob("*.py")}
    assert files == {spec.key for spec in PAGES}


@pytest.mark.parametrize("spec", PAGES, ids=[spec.key for spec in PAGES])
def test_page_renders_for_admin(spec, demo_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = render(monkeypatch, demo_db_url, spec.key)
    assert not app.exception, [e.value for e in app.exception]
    assert [title.value for title in app.title] == [spec.title("da")]
    checked_charts(app)


def test_english_on_lang_en(demo_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = render(monkeypatch, demo_db_url, "oversigt", query={"lang": "en"})
    assert not app.exception
    assert [title.value for title in app.title] == ["Overview"]


def test_the_url_holds_each_chosen_filter_once_and_no_empty_one(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The URL is written only where it differs from the filters: what it holds stays right.

    An empty district (the whole programme) leaves the URL; a language given
    twice is written back once; the programme and report date are added.
    """
    app = AppTest.from_file(str(APP), default_timeout=120)
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", demo_db_url)
    monkeypatch.delenv("DASHBOARD_DEMO_USER", raising=False)
    app.query_params["district"] = ""
    app.query_params["lang"] = ["da", "en"]
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert "district" not in app.query_params
    assert app.query_params["lang"] == "en"
    assert app.query_params["programme"] and app.query_params["as_of"]
    app.run()
    assert app.query_params["lang"] == "en" and "district" not in app.query_params
