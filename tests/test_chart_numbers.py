"""Every chart's numbers can be read as a table (WCAG 1.1.1), with the chart's disclosure.

A screen reader reads nothing of a Plotly chart; the switch under a chart
shows its cells as an HTML table. For a suppressed role the table says `<5`
where the chart draws a hatched bar, never the height it is drawn at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.i18n import t
from tests.fixtures.apptest import render
from tests.fixtures.programme import QUERY, load_small

SWITCH = t("common.chart_numbers", "da")


def test_no_table_until_asked(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_small(db_url, tmp_path / "bundle").dispose()
    app = render(monkeypatch, db_url, "forloeb", user="admin@example.org", query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    # Stages, started/ended and end reasons each have their switch, off.
    switches = [toggle for toggle in app.toggle if toggle.label == SWITCH]
    assert [s.key for s in switches] == [
        "forloeb_stages_numbers",
        "forloeb_flow_numbers",
        "forloeb_reasons_numbers",
    ]
    assert not any(s.value for s in switches)
    assert len(app.table) == 0


def test_a_viewer_reads_hidden_cells_as_hidden(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Brønshøj-Husum: F3 started in June 2010 (the flow chart hatches that "<5")."""
    load_small(db_url, tmp_path / "bundle").dispose()
    query = {**QUERY, "district": "bh"}
    app = render(monkeypatch, db_url, "forloeb", user="laeser@example.org", query=query)
    app.toggle(key="forloeb_flow_numbers").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.table) == 1
    flow = app.table[0].value
    month = t("common.month", "da")
    started = flow.set_index(month)[t("common.started", "da")]
    assert started["30.06.2010"] == "<5"
    # Every count a viewer reads is "<5" or a multiple of 5, never the 4 a hatched bar is drawn at.
    cells = {str(cell) for cell in flow.drop(columns=month).to_numpy().ravel()}
    assert cells <= {"<5"} | {str(n) for n in range(0, 100, 5)}, cells
