"""The first run without a configured database creates the demo through the command line.

The app must not import the demo generator (import-linter checks that), so
`dashboard.data` runs `python -m data_access demo` in a subprocess instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import data
from data_access.db.engine import make_engine
from data_access.queries.reference import data_version, latest_load


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """`_ensure_demo_database` runs once per process: forget that around each test."""
    data._ensure_demo_database.clear()
    yield
    data._ensure_demo_database.clear()


def test_an_empty_database_is_filled_by_the_demo_command(
    tmp_path: Path, fresh_cache: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert data._ensure_demo_database(url) is True
    engine = make_engine(url)
    try:
        load = latest_load(engine)
        assert data_version(engine) == 1
    finally:
        engine.dispose()
    assert load is not None
    assert load.is_demo
    assert load.bundle_name == "demodata (skala 1)"

    # A database that holds data is left alone on the next process's first run.
    data._ensure_demo_database.clear()

    def must_not_run(url: str) -> None:
        raise AssertionError(f"the demo was written again to {url}")

    monkeypatch.setattr(data, "write_demo_database", must_not_run)
    assert data._ensure_demo_database(url) is True


def test_a_failed_demo_command_says_which_command_and_why(tmp_path: Path) -> None:
    (tmp_path / "a file").write_text("not a folder", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'a file' / 'demo.sqlite'}"
    with pytest.raises(data.DemoDatabaseError) as raised:
        data.write_demo_database(url)
    message = str(raised.value)
    assert message.startswith("python -m data_access demo failed (exit 1): Demo failed:")
    assert "a file" in message
