"""A hidden count is drawn as a hatched, labelled bar with its legend entry, never as 0."""

from __future__ import annotations

from dashboard.charts import (
    HIDDEN_HALO,
    HIDDEN_HEIGHT,
    figure,
    hidden_legend,
    mark_hidden,
    with_hidden,
)


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
    # Only the "<5" label is bold with a white halo, to read across the hatching.
    font = marked["insidetextfont"]
    assert font["shadow"] == ["none", "none", HIDDEN_HALO] and font["weight"] == [400, 400, 700]
    assert HIDDEN_HALO.count("#ffffff") == 3


def test_nothing_hidden_leaves_the_trace_and_the_legend_alone() -> None:
    trace = {"type": "bar", "x": [5, 0], "orientation": "h"}
    assert mark_hidden(trace, [5, 0], axis="x") is trace
    assert with_hidden([trace], "skjult, under 5") == [trace]


def test_legend_entry_only_when_a_bar_is_hidden() -> None:
    marked = mark_hidden({"type": "bar", "x": [0], "text": ["0"]}, ["x"], axis="x")
    # Led by the point that draws nothing (see the swatch test below).
    assert marked["x"] == [None, HIDDEN_HEIGHT] and marked["text"] == ["", "x"]
    traces = with_hidden([marked], "skjult, under 5", offsetgroup="0")
    assert traces[-1] == hidden_legend("skjult, under 5", offsetgroup="0")
    assert traces[-1]["name"] == "skjult, under 5" and traces[-1]["offsetgroup"] == "0"


def test_a_nameless_trace_stays_out_of_the_legend_the_hidden_entry_brings() -> None:
    # Forløb's end reasons: one nameless trace; with a "<5" bar the legend appeared
    # and listed it as "trace 0". A named trace keeps its entry.
    nameless = mark_hidden({"type": "bar", "x": [5, 3], "orientation": "h"}, [5, "<5"], axis="x")
    named = {**nameless, "name": "Startet"}
    first, legend = with_hidden([nameless], "skjult, under 5")
    assert first["showlegend"] is False and legend["name"] == "skjult, under 5"
    assert "showlegend" not in with_hidden([named], "skjult, under 5")[0]


def test_a_hidden_first_bar_leaves_the_legend_swatch_in_the_trace_colour() -> None:
    """Plotly.js draws a bar trace's legend swatch from its first point (legend/style.js).

    January hidden, February 10: the figure's JSON must start the trace with
    a point that has no position and the plain style, and still draw January
    hatched and February plain after it.
    """
    trace = {
        "type": "bar",
        "name": "Intensiv fase",
        "x": ["2010-01-31", "2010-02-28"],
        "y": [None, 10],
        "customdata": ["<5", "10"],
        "marker": {"color": "#0072B2"},
    }
    spec = figure(with_hidden([mark_hidden(trace, ["<5", 10])], "skjult, under 5"), "da")
    first, legend = spec.to_plotly_json()["data"]
    marker = first["marker"]
    # The swatch's point: no position, no hatching, the trace's colour as background, no outline.
    assert first["x"][0] is None and first["y"][0] is None
    assert marker["pattern"]["shape"][0] == ""
    assert marker["pattern"]["bgcolor"][0] == "#0072B2"
    assert marker["line"]["width"][0] == 0
    assert marker["color"] == "#0072B2"
    assert first["insidetextfont"]["shadow"][:2] == ["none", HIDDEN_HALO]
    # The bars themselves, one place on: January hatched "<5" 4 high, February plain 10.
    assert first["x"][1:] == ["2010-01-31", "2010-02-28"]
    assert first["y"][1:] == [HIDDEN_HEIGHT, 10]
    assert marker["pattern"]["shape"][1:] == ["/", ""]
    assert marker["pattern"]["bgcolor"][1:] == ["#ffffff", "#0072B2"]
    assert first["customdata"] == [None, "&lt;5", "10"]
    assert first["hovertemplate"][1] == "%{x}: &lt;5"
    # Only the legend entry of hidden counts is hatched.
    assert legend["name"] == "skjult, under 5" and legend["marker"]["pattern"]["shape"] == "/"


def test_a_shown_first_bar_needs_no_leading_point() -> None:
    trace = {"type": "bar", "x": ["a", "b"], "y": [10, None], "marker": {"color": "#0072B2"}}
    marked = mark_hidden(trace, [10, "<5"])
    assert marked["x"] == ["a", "b"] and marked["y"] == [10, HIDDEN_HEIGHT]
