"""Charts speak Danish units: `12,8 mio. kr.`, not Plotly's `12.8M` (issue 22, point 4)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import formatting
from dashboard.charts import count_axis, money_axis, money_unit, stacked_counts, type_size

NBSP = "\u00a0"


def test_money_in_short_units() -> None:
    assert formatting.money_short(2_500_000, 1_000_000, "da") == f"2,5{NBSP}mio.{NBSP}kr."
    assert formatting.money_short(12_800_000, 1_000_000, "da") == f"12,8{NBSP}mio.{NBSP}kr."
    assert formatting.money_short(3_000_000, 1_000_000, "da") == f"3{NBSP}mio.{NBSP}kr."
    assert formatting.money_short(250_000, 1, "da") == f"250.000{NBSP}kr."
    assert formatting.money_short(2_500_000, 1_000_000, "en") == f"DKK{NBSP}2.5m"
    assert formatting.money_short(0, 1_000_000, "da") == "0"


def test_an_axis_reads_one_unit_with_nice_steps() -> None:
    # Budget 12.800.000 and 3.000.000: 12,8 mio. / 5 ticks = 2,56 mio., so steps of 5 mio.
    axis = money_axis([12_800_000, 3_000_000, None], "da")
    assert axis["tickvals"] == [0.0, 5_000_000.0, 10_000_000.0, 15_000_000.0]
    assert axis["ticktext"] == ["0"] + [f"{n}{NBSP}mio.{NBSP}kr." for n in (5, 10, 15)]
    # Half a million in a chart of millions still says mio.: 0,5 mio. kr.
    small = money_axis([1_675_688, 130_196], "da")
    assert small["tickvals"] == [0.0, 500_000.0, 1_000_000.0, 1_500_000.0, 2_000_000.0]
    assert small["ticktext"][1] == f"0,5{NBSP}mio.{NBSP}kr."
    assert money_axis([400], "en")["ticktext"] == ["0"] + [
        f"DKK{NBSP}{n}" for n in (100, 200, 300, 400)
    ]
    assert not any("M" in text for text in axis["ticktext"])


@pytest.mark.parametrize(
    ("values", "unit"), [([12_800_000.0], 1_000_000), ([999_999.0, -5.0], 1), ([], 1)]
)
def test_the_unit_is_the_largest_reached(values: list[float], unit: int) -> None:
    assert money_unit(values) == unit


def test_type_size_reaches_ticks_legend_and_titles_and_keeps_the_callers_axis() -> None:
    layout = type_size({"yaxis": {"title": {"text": "Familier"}}}, 22)
    assert layout["font"] == {"size": 22}
    assert layout["legend"]["font"] == {"size": 22}
    assert layout["xaxis"]["tickfont"] == {"size": 22}
    assert layout["yaxis"]["title"] == {"text": "Familier", "font": {"size": 22}}


@pytest.mark.parametrize(
    ("values", "tickvals", "ticktext"),
    [
        # Two families: whole steps of 1, never 0,2 / 0,4.
        ([0, 1, 2], [0, 1, 2], ["0", "1", "2"]),
        # A hidden "<5" reaches 4, drawn as tall as its hatched bar.
        ([1, "<5"], [0, 1, 2, 3, 4], ["0", "1", "2", "3", "4"]),
        # 12 / 5 = 2,4 -> a step of 5 (counts skip the 2,5 step of money).
        ([12], [0, 5, 10, 15], ["0", "5", "10", "15"]),
        # 2.300 / 5 = 460 -> a step of 500, Danish thousands.
        (
            [2_300],
            [0, 500, 1_000, 1_500, 2_000, 2_500],
            ["0", "500", "1.000", "1.500", "2.000", "2.500"],
        ),
    ],
)
def test_count_axis_ticks_are_whole_danish_numbers(
    values: list[object], tickvals: list[float], ticktext: list[str]
) -> None:
    axis = count_axis(values, "da")
    assert axis["tickvals"] == tickvals
    assert axis["ticktext"] == ticktext


def test_count_axis_reads_a_pandas_column_of_whole_numbers() -> None:
    """A count column iterates as numpy integers: they set the reach like ints do.

    The reach is 12 (0, 5, 10, 15), not the axis of nothing (0, 1).
    """
    column = pd.Series([0, 12, 3], dtype="int64")
    assert count_axis(list(column), "da")["tickvals"] == [0, 5, 10, 15]


def test_stacked_counts_add_up_each_group_with_hidden_cells_as_drawn() -> None:
    # January: 3 + "<5" (drawn at 4) = 7; February: 2 + a missing cell = 2; March: "x" = 4.
    groups = ["jan", "jan", "feb", "feb", "mar"]
    cells: list[object] = [3, "<5", 2, None, "x"]
    assert stacked_counts(groups, cells) == [7.0, 2.0, 4.0]
    # 7 families at most: a step of 2, so no month's total is cut off.
    assert count_axis(stacked_counts(groups, cells), "da")["tickvals"] == [0, 2, 4, 6, 8]
