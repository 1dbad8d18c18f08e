"""Tables hold numbers (what a header click sorts by) and show Danish text (what people read)."""

from __future__ import annotations

import json
import math
import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import tables
from dashboard.tables import NOTED_MISSING, Column, Kind, build, estimated_width, show_short
from tests.fixtures import scripts
from tests.fixtures.apptest import table_text


def test_numbers_are_values_and_hidden_counts_carry_no_number() -> None:
    values = scripts.sample_table().values
    assert list(values["Familier"]) == [15.0, 2.0, 10292.0, 2.5]
    # "x" is -2 (any value: first); "<5" is 2.5, where a hidden 1-4 lies. Neither is its number.
    assert list(values["Skjult"])[:2] == [-2.0, 7.0]
    assert math.isnan(values["Skjult"][2])
    # Sorting by value puts 2 before "<5" before 15 before 10.292 (as text: "10.292" < "15" < "2").
    ranked = values.sort_values("Familier")["Bydel"].tolist()
    assert ranked == ["Bispebjerg", "Valby", "Amager", "Nørrebro"]


def test_cells_read_danish() -> None:
    text = scripts.sample_table().text()
    assert list(text["Familier"]) == ["15", "2", "10.292", "<5"]
    assert list(text["Skjult"]) == ["x", "7", "–", "0"]
    assert list(text["Forbrug"]) == ["1.234.567 kr.", "15 kr.", "–", "200 kr."]
    assert list(text["Andel"]) == ["61,5 %", "–", "5,0 % (få)", "100,0 %"]
    # ±: a variance that rounds to 0 kr. has no sign.
    assert list(text["Afvigelse"]) == ["±0 kr.", "+2.500 kr.", "−1.000 kr.", "+1 kr."]
    # 3,3 points over; -0,49 points rounds to -0,5; nothing when missing.
    assert list(text["Point"]) == ["+3,3 pp", "−0,5 pp", "±0,0 pp", "–"]
    assert list(text["Ændring"]) == ["−2,0", "±0,0", "+1,2", "–"]
    assert list(text["Dato"]) == ["30.06.2011", "–", "04.01.2010", "29.02.2012"]


def test_cells_read_english() -> None:
    text = scripts.sample_table("en").text()
    assert list(text["Familier"]) == ["15", "2", "10,292", "<5"]
    assert text["Forbrug"][0] == "DKK 1,234,567"
    assert text["Andel"][0] == "61.5%"


def _draw() -> None:
    from dashboard import tables
    from tests.fixtures.scripts import sample_table

    tables.show(sample_table())


def test_the_grid_gets_values_and_the_same_text() -> None:
    app = AppTest.from_function(_draw, default_timeout=60).run()
    assert not app.exception
    frame = app.dataframe[0]
    assert list(frame.value["Familier"]) == [15.0, 2.0, 10292.0, 2.5]
    shown = table_text(frame)
    assert shown.equals(scripts.sample_table().text())


LONG_NAME = "Tværgående interventionsteam for kriminalitetstruede familier"


def _draw_filters() -> None:
    from datetime import date

    import streamlit as st

    from dashboard import filters
    from data_access.queries.programmes import ProgrammeInfo
    from data_access.rules.access import SYSTEM

    def programme(pid: str, name: str) -> ProgrammeInfo:
        return ProgrammeInfo(pid, name, date(2010, 1, 1), date(2011, 12, 31), 3, 0.5, 6, 12)

    long_name = "Tværgående interventionsteam for kriminalitetstruede familier"
    chosen = st.query_params.get("programme", "P1")

    def no_districts(_programme_id: str) -> list[object]:
        return []

    filters.list_programmes = lambda: [programme("P1", long_name), programme("P2", "Kort")]
    filters.data_as_of = lambda: date(2011, 6, 30)
    filters.list_districts = no_districts  # type: ignore[assignment]
    st.query_params["programme"] = chosen
    filters.sidebar_filters(SYSTEM)


def test_the_programme_picker_writes_a_long_name_out() -> None:
    from dashboard import filters

    saved = (filters.list_programmes, filters.data_as_of, filters.list_districts)
    try:
        app = AppTest.from_function(_draw_filters, default_timeout=60).run()
        assert not app.exception, [e.value for e in app.exception]
        assert [c.value for c in app.sidebar.caption] == [LONG_NAME]
        short = AppTest.from_function(_draw_filters, default_timeout=60)
        short.query_params["programme"] = "P2"
        short.run()
        assert not short.exception, [e.value for e in short.exception]
        assert [c.value for c in short.sidebar.caption] == []
    finally:
        filters.list_programmes, filters.data_as_of, filters.list_districts = saved


def _draw_twice_in_columns() -> None:
    import streamlit as st

    from dashboard import tables
    from tests.fixtures.scripts import sample_table

    lang = st.query_params.get("lang", "da")
    left, right = st.columns(2)
    with right:
        tables.show(sample_table(lang))
    with left:
        st.write("venstre")


def test_a_cached_draw_replays_into_its_column_and_follows_the_language() -> None:
    """The draw is cached (a Styler costs 10-20 ms): a hit must land where it was asked for."""
    app = AppTest.from_function(_draw_twice_in_columns, default_timeout=60).run()
    first = table_text(app.columns[1].dataframe[0])
    app.run()  # the same table again: served from the draw cache
    assert not app.exception
    assert len(app.columns[0].dataframe) == 0
    again = table_text(app.columns[1].dataframe[0])
    assert again.equals(first)
    assert list(again["Familier"]) == ["15", "2", "10.292", "<5"]
    app.query_params["lang"] = "en"
    app.run()
    # Same values, other language: another draw, not the Danish one replayed.
    assert list(table_text(app.columns[1].dataframe[0])["Familier"]) == ["15", "2", "10,292", "<5"]


def test_the_draw_key_changes_with_a_value_a_note_or_the_language() -> None:
    from dashboard import tables
    from dashboard.tables import Column, Kind

    def table(count: int, note: str = "", lang: str = "da") -> tables.Table:
        return tables.build(
            [Column("Bydel", ["Amager"]), Column("Familier", [count], Kind.COUNT, notes=[note])],
            lang,
        )

    base = table(15).fingerprint()
    assert table(15).fingerprint() == base
    assert table(20).fingerprint() != base
    assert table(15, "(få)").fingerprint() != base
    assert table(15, lang="en").fingerprint() != base


def test_a_missing_cell_with_a_note_holds_a_value_so_the_grid_draws_its_note() -> None:
    """The grid draws its placeholder `–` over a missing value whatever the text says.

    A withheld share ("– Vises ikke (< 5)") must therefore not be missing in
    the grid: it holds NOTED_MISSING (sorts first), its text is `–` and the
    note; a missing cell without a note stays missing and reads `–`.
    """
    table = build(
        [
            Column("Bydel", ["A", "B", "C"]),
            Column("Andel", [0.5, None, None], Kind.SHARE, notes=["", "Vises ikke (< 5)", ""]),
        ],
        "da",
    )
    values = list(table.values["Andel"])
    assert values[:2] == [0.5, NOTED_MISSING] and math.isnan(values[2])
    assert list(table.text()["Andel"]) == ["50,0 %", "– Vises ikke (< 5)", "–"]
    assert table.values.sort_values("Andel")["Bydel"].tolist()[0] == "B"


def test_the_draw_key_needs_no_dataframe_and_the_grid_keeps_its_types() -> None:
    """A warm view replays the draw from its key: the key is made without pandas.

    When something does read the values, numbers are float64 (the grid sorts
    them as numbers), dates stay dates and text stays text.
    """
    table = build(
        [
            Column("Bydel", ["A", "B"]),
            Column("Familier", [3, 12], Kind.COUNT),
            Column("Dato", [date(2026, 1, 31), None], Kind.DATE),
        ],
        "da",
    )
    table.fingerprint()
    assert "values" not in vars(table)
    dtypes = table.values.dtypes
    assert [str(dtypes["Familier"]), str(dtypes["Dato"])] == ["float64", "object"]
    assert list(table.values["Dato"]) == [date(2026, 1, 31), None]
    assert list(table.text()["Familier"]) == ["3", "12"]
    assert list(table.text()["Dato"])[1] == "–"


def test_the_estimated_width_counts_the_longest_text_of_each_column() -> None:
    table = build([Column("Navn", ["Ab", "Abcdef"]), Column("Beløb", [1000, 5], Kind.MONEY)], "da")
    # "Abcdef" (6 characters) and "1.000 kr." (9): 6 x 6 + 17 and 9 x 6 + 17 pixels.
    assert estimated_width(table) == (6 * 6 + 17) + (9 * 6 + 17)


def _draw_narrow_and_wide() -> None:
    from dashboard import tables
    from dashboard.tables import Column

    tables.show(tables.build([Column("Navn", ["Ab"]), Column("Antal", ["1"])], "da"))
    long = [Column(f"En lang overskrift på kolonne nummer {n}", ["x"]) for n in range(10)]
    tables.show(tables.build(long, "da"))


def test_only_a_table_wider_than_a_laptop_pins_the_column_that_names_its_rows() -> None:
    app = AppTest.from_function(_draw_narrow_and_wide, default_timeout=60).run()
    assert not app.exception
    narrow, wide = (json.loads(frame.proto.columns) for frame in app.dataframe)
    assert not any(config.get("pinned") for config in narrow.values())
    # Ten headings of 38-39 characters: about 2 500 px, far over a laptop's 900.
    pinned = [heading for heading, config in wide.items() if config.get("pinned")]
    assert pinned == ["En lang overskrift på kolonne nummer 0"]


def test_a_first_column_that_wraps_counts_as_its_fixed_width() -> None:
    table = build([Column("Navn", ["A" * 40]), Column("Beløb", [1000], Kind.MONEY)], "da")
    # One line: 40 x 6 + 17 and "1.000 kr." 9 x 6 + 17; wrapped, the names take 184.
    assert estimated_width(table) == (40 * 6 + 17) + (9 * 6 + 17)
    assert estimated_width(table, wrapped=True) == 184 + (9 * 6 + 17)


def _draw_names_that_may_wrap() -> None:
    from dashboard import tables
    from dashboard.tables import Column, Kind

    # 44 characters: 44 x 6 + 17 = 281 px on one line.
    name = "Beskæftigelses- og Integrationsforvaltningen"
    # Each "1.000.000 kr." (13 characters, longer than its heading): 13 x 6 + 17 = 95 px.
    amounts = [Column(f"Beløb {n}", [1_000_000], Kind.MONEY) for n in range(10)]

    def draw(first: str, count: int, wrap: bool = True) -> None:
        columns = [Column("Afdeling", [first]), *amounts[:count]]
        tables.show(tables.build(columns, "da"), wrap_names=wrap)

    draw(name, 7)  # 281 + 665 = 946 > 904: wraps; then 184 + 665 = 849 fits
    draw("SOF", 7)  # "Afdeling" 8 x 6 + 17 = 65, + 665 = 730: fits as it is
    draw(name, 2)  # 281 + 190 = 471: fits as it is
    draw(name, 10)  # wrapped still 184 + 950 = 1 134: wraps and stays in view (pinned)
    draw(name, 7, wrap=False)  # 946 without wrapping: pinned only


def test_long_names_wrap_only_where_the_table_would_not_fit_a_laptop() -> None:
    app = AppTest.from_function(_draw_names_that_may_wrap, default_timeout=60).run()
    assert not app.exception
    drawn = [
        (json.loads(f.proto.columns).get("Afdeling", {}), f.proto.row_height) for f in app.dataframe
    ]
    # A table whose names may wrap is drawn twice: on one line and wrapped.
    one_line, wraps, short_names, narrow, very_wide_one_line, very_wide, not_asked = drawn
    assert one_line == ({}, 0)
    assert wraps == ({"width": 184}, 66)
    assert short_names == ({}, 0)
    assert narrow == ({}, 0)
    # Shown only where it fits (1 231 px), the one-line table pins nothing.
    assert very_wide_one_line == ({}, 0)
    assert very_wide == ({"width": 184, "pinned": True}, 66)
    assert not_asked == ({"pinned": True}, 0)


def test_the_browser_shows_the_one_line_table_where_its_estimated_width_fits() -> None:
    app = AppTest.from_function(_draw_names_that_may_wrap, default_timeout=60).run()
    styles = [str(element.proto.body) for element in app.get("html")]
    # 281 + 7 x 95 = 946 px and 281 + 10 x 95 = 1 231 px on one line.
    assert [re.findall(r"@container \((m..)-width:([\d.]+)px\)", style) for style in styles] == [
        [("min", "946"), ("max", "945.98")],
        [("min", "1231"), ("max", "1230.98")],
    ]


def _draw_with_helps() -> None:
    from dashboard import tables
    from dashboard.tables import Column

    columns = [Column("Navn", ["Ab"]), Column("År pr. forløb", [1.5], tables.Kind.NUMBER)]
    tables.show(tables.build(columns, "da"), helps={"År pr. forløb": "Undgåede år pr. forløb"})


def test_a_short_heading_carries_its_whole_sentence_as_help() -> None:
    app = AppTest.from_function(_draw_with_helps, default_timeout=60).run()
    assert not app.exception
    config = json.loads(app.dataframe[0].proto.columns)
    assert config["År pr. forløb"]["help"] == "Undgåede år pr. forløb"
    # A narrow table pins nothing, and a column without help gets no config.
    assert "Navn" not in config
    assert not config["År pr. forløb"].get("pinned")


def _draw_short() -> None:
    import streamlit as st

    from dashboard import tables
    from dashboard.tables import Column

    columns = [Column("Familie", ["F1"]), Column("Måneder i forløb", [7], tables.Kind.NUMBER)]
    csv = tables.show_short(columns, {"Måneder i forløb": "Måneder"}, "da")
    st.session_state["csv_headings"] = list(csv().columns)


def test_short_headings_on_screen_and_the_full_ones_in_the_csv() -> None:
    app = AppTest.from_function(_draw_short, default_timeout=60).run()
    assert not app.exception
    assert list(table_text(app.dataframe[0]).columns) == ["Familie", "Måneder"]
    config = json.loads(app.dataframe[0].proto.columns)
    assert config["Måneder"]["help"] == "Måneder i forløb"
    assert app.session_state["csv_headings"] == ["Familie", "Måneder i forløb"]


def test_short_headings_that_collide_are_refused() -> None:
    columns = [Column("Måneder i forløb", [7]), Column("Måneder", [3])]
    with pytest.raises(ValueError, match="short headings must differ"):
        show_short(columns, {"Måneder i forløb": "Måneder"}, "da")


def test_a_table_key_that_could_break_out_of_its_css_is_refused() -> None:
    """The names table's key becomes a class name in raw CSS: only [A-Za-z0-9_-] may."""
    table = build([Column("Afdeling", ["BUF"])], "da")
    with pytest.raises(ValueError, match="letters, digits"):
        tables._show_names_wrapping_when_narrow(table, (), (), "x}</style><script>")
