"""Every programme page renders for each demo programme before, during and after its period.

One AppTest per (role, date kind) visits all five pages for each programme,
so the sweep stays quick on both backends.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.navigation import page
from data_access.db.engine import make_engine
from data_access.demo.bundle import DEMO_USERS
from data_access.queries.programmes import ProgrammeInfo, list_programmes
from tests.fixtures.apptest import APP

PAGES = ("oversigt", "visitation", "forloeb", "sagsstamme", "begreber")


def report_date(info: ProgrammeInfo, kind: str) -> date:
    """Before the start, halfway through, or after the end of the programme."""
    if kind == "before":
        return info.starts_on - timedelta(days=40)
    if kind == "after":
        return info.ends_on + timedelta(days=60)
    return info.starts_on + (info.ends_on - info.starts_on) / 2


@pytest.mark.parametrize(
    ("role", "kind"),
    [("admin", "before"), ("admin", "mid"), ("admin", "after"), ("steering", "mid")],
)
def test_pages_render_at_three_dates(
    role: str, kind: str, demo_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(demo_db_url)
    programmes = list_programmes(engine)
    engine.dispose()
    assert len(programmes) >= 3
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", demo_db_url)
    monkeypatch.setenv("DASHBOARD_DEMO_USER", DEMO_USERS[role])
    for info in programmes:
        app = AppTest.from_file(str(APP), default_timeout=120)
        app.query_params["programme"] = info.programme_id
        app.query_params["as_of"] = report_date(info, kind).isoformat()
        app.run()
        for key in PAGES:
            app.switch_page(str(page(key).path))
            app.run()
            where = f"{info.programme_id} {kind} {key}"
            assert not app.exception, (where, [e.value for e in app.exception])
            assert [t.value for t in app.title] == [page(key).title("da")], where
