"""Every page renders without an exception, for the demo database, on both backends."""

from __future__ import annotations

import pytest

from dashboard.navigation import PAGES, PAGES_DIR
from tests.fixtures.apptest import checked_charts, render


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
