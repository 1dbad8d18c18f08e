"""Counts in tables and chart labels read with separators, as the cards do.

At city scale a count passes 1 000; the pilot's 30 families never showed
that its cells were written with `str()`. These tests feed the views
counts of several thousand, with the `<5` and `x` texts disclosure leaves.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboard import formatting
from tests.fixtures.apptest import table_text


def test_counts_keep_disclosure_texts_and_add_separators() -> None:
    values = [10292, "<5", None, float("nan"), 7, np.int64(4409), 10292.0, "x", pd.NA]
    assert formatting.counts(values, "da") == [
        "10.292",
        "<5",
        "–",
        "–",
        "7",
        "4.409",
        "10.292",
        "x",
        "–",
    ]
    assert formatting.counts([10292, 1_234_567], "en") == ["10,292", "1,234,567"]
    assert formatting.count_text("<5", "da") == "<5"


def _draw_transitions() -> None:
    import pandas as pd

    from dashboard.views.outcomes import transition_table
    from data_access.queries.outcomes import SSP_LEVELS

    table = pd.DataFrame(0, index=list(SSP_LEVELS), columns=list(SSP_LEVELS), dtype=object)
    table.loc[3, 0] = 10292
    table.loc[4, 4] = "<5"
    table.loc[4, 3] = 1234
    transition_table(table, "da")


def test_transition_table_reads_like_the_cards() -> None:
    app = AppTest.from_function(_draw_transitions).run()
    assert not app.exception
    shown = table_text(app.dataframe[0])
    # Rows are the level at start (0-4), columns 1.. the latest level (0-4).
    assert shown.iloc[3, 1] == "10.292"
    assert shown.iloc[4, 4] == "1.234"
    assert shown.iloc[4, 5] == "<5"
    assert shown.iloc[0, 1] == "0"


def _draw_waits() -> None:
    import pandas as pd

    from dashboard.views.intake import waits

    waits(
        pd.DataFrame(
            {
                "step": ["referred", "investigation", "approved"],
                "median_days": [12.5, None, 30.0],
                "finished": [2500, "<5", 0],
                "waiting": [1001, 6, "x"],
                "slow": [999, 1000, 0],
            }
        ),
        "da",
    )


def test_wait_table_counts_read_with_separators() -> None:
    app = AppTest.from_function(_draw_waits).run()
    assert not app.exception
    shown = table_text(app.dataframe[0])
    assert list(shown.iloc[:, 2]) == ["2.500", "<5", "0"]
    assert list(shown.iloc[:, 3]) == ["1.001", "6", "x"]
    assert list(shown.iloc[:, 4]) == ["999", "1.000", "0"]


def _draw_coordinators() -> None:
    import pandas as pd

    from dashboard.views.caseload import load_chart

    load_chart(
        pd.DataFrame(
            {
                "coordinator_id": ["k1", "k2", "k3"],
                "name": ["Koordinator A", "Koordinator B", "Koordinator C"],
                "active": [1500, 3, 0],
                "capacity": [2000, 15, 15],
                "load": [0.75, 0.2, 0.0],
            }
        ),
        "da",
    )


def test_coordinator_labels_and_table_read_with_separators() -> None:
    """All three are within capacity, so they share the first bar trace."""
    app = AppTest.from_function(_draw_coordinators).run()
    assert not app.exception
    shown = table_text(app.dataframe[0])
    assert list(shown.iloc[:, 1]) == ["1.500", "3", "0"]
    assert list(shown.iloc[:, 2]) == ["2.000", "15", "15"]
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    within = spec["data"][0]
    assert within["text"] == ["1.500 / 2.000", "3 / 15", "0 / 15"]
    # A bar of width 0 has no inside: C's label goes outside, or it is not drawn.
    assert within["textposition"] == ["auto", "auto", "outside"]
