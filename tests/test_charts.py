"""Charts built in one step (`charts.figure`): the shared layout, Plotly's own JSON, the check."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts
from tests.fixtures.apptest import checked_charts
from tests.fixtures.scripts import some_chart


def test_layout_goes_on_top_of_the_shared_one_key_by_key() -> None:
    built = charts.figure(
        [{"type": "bar", "x": ["a"], "y": [1]}],
        "da",
        height=300,
        barmode="stack",
        xaxis={"title": charts.title("Måned")},
    )
    layout = built.to_plotly_json()["layout"]
    assert layout["height"] == 300 and layout["barmode"] == "stack"
    assert layout["separators"] == ",."
    # The axis keeps the shared "no grid" and grouped thousands, and gains the title.
    assert layout["xaxis"] == {
        "showgrid": False,
        "separatethousands": True,
        "title": {"text": "Måned"},
    }
    assert layout["yaxis"]["gridcolor"] == "#e5e5e5"


def test_columns_become_lists() -> None:
    frame = pd.DataFrame({"month": [date(2011, 1, 31), date(2011, 2, 28)], "n": [3, 4]})
    built = charts.figure([{"type": "bar", "x": frame["month"], "y": frame["n"]}], "en")
    trace = built.to_plotly_json()["data"][0]
    # Dates as ISO text (cheap to copy), exactly what Plotly writes for date objects.
    assert trace["x"] == ["2011-01-31", "2011-02-28"]
    assert trace["y"] == [3, 4]
    assert built.to_plotly_json()["layout"]["separators"] == ".,"
    plotly_own = go.Figure(go.Bar(x=list(frame["month"]), y=[3, 4]))
    assert json.loads(plotly_own.to_json())["data"][0]["x"] == trace["x"]


def test_the_finished_chart_is_what_a_plotly_figure_would_send() -> None:
    """Plotly's own figure, made from the same spec, writes the same JSON (template included)."""
    ours = some_chart()
    spec = ours.to_dict()
    layout = {key: value for key, value in spec["layout"].items() if key != "template"}
    theirs = go.Figure(data=spec["data"], layout=layout, _validate=False)
    assert json.loads(ours.to_json()) == json.loads(theirs.to_json())
    assert (
        json.loads(ours.to_json())["layout"]["template"]
        == json.loads(go.Figure().to_json())["layout"]["template"]
    )


def _draw_some_chart() -> None:
    import streamlit as st

    from tests.fixtures.scripts import some_chart

    st.plotly_chart(some_chart())


def test_streamlit_sends_the_finished_spec() -> None:
    app = AppTest.from_function(_draw_some_chart).run()
    assert not app.exception
    sent = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert sent == json.loads(some_chart().to_json())
    assert sent["data"][0]["x"] == ["2011-01-31", "2011-02-28"]
    assert sent["data"][1]["y"] == [1.5, 2.5]


#: Names as an ETL bundle could deliver them; Plotly.js would draw the tags.
MARKED_UP = ("<b>Nørrebro</b>", 'A & B <a href="https://example.invalid">link</a>')


def test_names_reach_the_chart_as_literal_text() -> None:
    """Values, legend names and category orders escape Plotly.js's markup."""
    built = charts.figure(
        [
            {
                "type": "bar",
                "name": MARKED_UP[0],
                "y": pd.Series(MARKED_UP),
                "x": [1, 2],
                "text": ["<5", "7"],
                "orientation": "h",
            }
        ],
        "da",
        yaxis={"categoryorder": "array", "categoryarray": list(MARKED_UP)},
    )
    spec = json.loads(built.to_json())
    trace = spec["data"][0]
    escaped = [
        "&lt;b&gt;Nørrebro&lt;/b&gt;",
        'A &amp; B &lt;a href="https://example.invalid"&gt;link&lt;/a&gt;',
    ]
    assert trace["y"] == escaped
    assert trace["name"] == escaped[0]
    assert trace["text"] == ["&lt;5", "7"]
    assert spec["layout"]["yaxis"]["categoryarray"] == escaped
    assert trace["x"] == [1, 2]
    assert charts.title("Andel < 5 & stigende") == {"text": "Andel &lt; 5 &amp; stigende"}


def _shapes(figure: go.Figure) -> list[dict[str, object]]:
    return json.loads(figure.to_json())["layout"]["shapes"]


def test_lines_are_the_shapes_plotly_itself_adds() -> None:
    ours = charts.figure(
        [{"type": "scatter", "x": [1, 9], "y": [1, 9]}],
        "da",
        shapes=[
            charts.vline(4, colour="#555555", dash="dot", width=3),
            charts.hline(60.0, colour="#000000", dash="dash", width=1),
        ],
    )
    theirs = go.Figure(go.Scatter(x=[1, 9], y=[1, 9]))
    theirs.add_vline(x=4, line={"color": "#555555", "dash": "dot", "width": 3})
    theirs.add_hline(y=60.0, line={"color": "#000000", "dash": "dash", "width": 1})
    assert _shapes(ours) == _shapes(theirs)


def _draw_unknown_property() -> None:
    import streamlit as st

    from dashboard import charts

    st.plotly_chart(charts.figure([{"type": "bar", "x": [1], "y": [1], "colour": "red"}], "da"))


def _draw_shorthand() -> None:
    import streamlit as st

    from dashboard import charts

    st.plotly_chart(charts.figure([{"type": "bar", "x": [1], "y": [1]}], "da", title="Titel"))


def _draw_valid() -> None:
    import streamlit as st

    from dashboard import charts

    title = charts.title("Titel")
    st.plotly_chart(charts.figure([{"type": "bar", "x": [1], "y": [1]}], "da", title=title))


def test_the_check_catches_what_the_one_step_build_lets_through() -> None:
    unknown = AppTest.from_function(_draw_unknown_property).run()
    with pytest.raises(ValueError, match="colour"):
        checked_charts(unknown)
    shorthand = AppTest.from_function(_draw_shorthand).run()
    with pytest.raises(AssertionError, match="only Python understands"):
        checked_charts(shorthand)
    valid = AppTest.from_function(_draw_valid).run()
    assert checked_charts(valid)[0]["layout"]["title"] == {"text": "Titel"}


def test_twelve_districts_get_twelve_colours_whatever_order_a_chart_lists_them() -> None:
    """The ten housing areas of a roll-out and its two first districts: no colour twice."""
    names = [f"Bydel {letter}" for letter in "LKJIHGFEDCBA"]
    colours = charts.district_colours(names)
    assert len({colour for colour, _ in colours.values()}) == 12
    assert charts.CITY not in {colour for colour, _ in colours.values()}
    assert {dash for _, dash in colours.values()} == {"solid"}
    # The funnel and the indicator chart list them differently: same colours.
    assert charts.district_colours(reversed(names)) == colours
    assert colours["Bydel A"] == (charts.DISTRICT_PALETTE[0], "solid")


def test_a_thirteenth_district_repeats_a_colour_with_another_line() -> None:
    names = [f"Bydel {n:02d}" for n in range(13)]
    colours = charts.district_colours(names)
    assert colours["Bydel 12"] == (colours["Bydel 00"][0], "dot")
    assert len(set(colours.values())) == 13
