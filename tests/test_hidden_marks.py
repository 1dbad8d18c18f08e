"""A hidden count is drawn as a hatched, labelled bar with its legend entry, never as 0."""

from __future__ import annotations

from dashboard.charts import HIDDEN_HEIGHT, hidden_legend, mark_hidden, with_hidden


def test_hidden_cells_become_hatched_labelled_bars() -> None:
    trace = {"type": "bar", "y": [0, 10, 0], "marker": {"color": "#0072B2"}}
    marked = mark_hidden(trace, [0, 10, "<5"])
    # The "<5" month stands 4 high, white with the trace's hatching and its label.
    assert marked["y"] == [0, 10, HIDDEN_HEIGHT] and HIDDEN_HEIGHT == 4
    assert marked["text"] == ["", "", "<5"]
    assert marked["marker"]["pattern"]["shape"] == ["", "", "/"]
    # White under hatching in the trace colour (the bar colour stays one: see mark_hidden).
    assert marked["marker"]["pattern"]["bgcolor"] == ["#0072B2", "#0072B2", "#ffffff"]
    assert marked["marker"]["color"] == "#0072B2"
    assert marked["marker"]["pattern"]["fgcolor"] == "#0072B2"
    # The shown 0 stays a 0: only hidden cells are marked.
    assert marked["y"][0] == 0


def test_nothing_hidden_leaves_the_trace_and_the_legend_alone() -> None:
    trace = {"type": "bar", "x": [5, 0], "orientation": "h"}
    assert mark_hidden(trace, [5, 0], axis="x") is trace
    assert with_hidden([trace], "skjult, under 5") == [trace]


def test_legend_entry_only_when_a_bar_is_hidden() -> None:
    marked = mark_hidden({"type": "bar", "x": [0], "text": ["0"]}, ["x"], axis="x")
    assert marked["x"] == [HIDDEN_HEIGHT] and marked["text"] == ["x"]
    traces = with_hidden([marked], "skjult, under 5", offsetgroup="0")
    assert traces[-1] == hidden_legend("skjult, under 5", offsetgroup="0")
    assert traces[-1]["name"] == "skjult, under 5" and traces[-1]["offsetgroup"] == "0"
