"""Running the real app in AppTest: the entry script, a page, a user, the URL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
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
        parts.append(table_text(frame).to_csv())
    return "\n".join(parts)


def table_text(frame: Any) -> pd.DataFrame:
    """A drawn table's cells as the user reads them (`10.292`, `<5`), not the values it sorts by.

    `dashboard.tables` sends numbers with a Styler's text for each cell;
    `frame.value` is the numbers, the text travels beside them.
    """
    styler = frame.proto.arrow_data.styler
    if styler.display_values:
        text: pd.DataFrame = convert_arrow_bytes_to_pandas_df(styler.display_values)
        text.columns = frame.value.columns
        return text
    value: pd.DataFrame = frame.value
    return value


def checked_charts(app: AppTest) -> list[dict[str, Any]]:
    """Every chart the run drew, as its JSON spec, each passed through Plotly's validation.

    `charts.figure` builds figures without Plotly's per-property check, so
    this is where the check happens: an unknown property or a bad value
    raises here, and a Python-only shorthand (`title="x"` for
    `{"text": "x"}`) fails because validation would have reshaped it.
    """
    specs = []
    for chart in app.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        validated = json.loads(go.Figure(spec).to_json())
        assert _shape(spec) == _shape(validated), "a chart property only Python understands"
        specs.append(spec)
    return specs


def _shape(value: object) -> object:
    """The nesting of a chart spec's keys, with every array of values as one marker."""
    if isinstance(value, dict):
        if "bdata" in value:
            return "array"
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return [_shape(item) for item in value]
    return "array" if isinstance(value, list) else "value"
