"""Running the real app in AppTest: the entry script, a page, a user, the URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.navigation import page

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def render(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    page_key: str,
    *,
    user: str | None = None,
    query: dict[str, str] | None = None,
) -> AppTest:
    """Run the app on `database_url` as demo user `user` and open page `page_key`."""
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", database_url)
    if user is not None:
        monkeypatch.setenv("DASHBOARD_DEMO_USER", user)
    else:
        monkeypatch.delenv("DASHBOARD_DEMO_USER", raising=False)
    app = AppTest.from_file(str(APP), default_timeout=120)
    for name, value in (query or {}).items():
        app.query_params[name] = value
    app.run()
    app.switch_page(str(page(page_key).path))
    app.run()
    return app


def texts(app: AppTest) -> str:
    """Every piece of text the page shows, joined, for 'must (not) appear' checks."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error"):
        parts.extend(str(element.value) for element in getattr(app, kind))
    for metric in app.metric:
        parts.extend([str(metric.label), str(metric.value)])
    for frame in app.dataframe:
        parts.append(frame.value.to_csv())
    return "\n".join(parts)
