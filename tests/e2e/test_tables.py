"""A click on a table header sorts by value, in a real browser (issue 22, point 3).

Streamlit's grid draws on a canvas: the header has no element to click, so
the column borders are found in a screenshot of the header row (a border is
a line of one colour from its top to its bottom) and the header is clicked
between them. The grid keeps an accessible copy of its cells in the page,
with the values it sorts by; the order is read there. The text it draws
(`4.265`, `<5`) is checked in AppTest (tests/test_tables.py).
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from dashboard import formatting
from dashboard.i18n import t
from tests.fixtures.browser import Servers, exceptions, open_path, wait_idle

#: The header row's height in Streamlit's grid, in CSS pixels.
HEADER_HEIGHT = 35


def column_borders(frame: Any) -> list[int]:
    """x of each vertical line in the grid's header row, left edge to right edge."""
    image = Image.open(io.BytesIO(frame.screenshot())).convert("RGB")
    background = image.getpixel((5, HEADER_HEIGHT // 2))
    rows = range(3, HEADER_HEIGHT - 2)
    return [
        x for x in range(image.width) if all(image.getpixel((x, y)) != background for y in rows)
    ]


#: How long a click may take to reorder the grid on a busy machine, in ms.
REDRAW_TIMEOUT_MS = 15_000
#: Longer than a double click: two clicks closer than this may read as one double click.
DOUBLE_CLICK_MS = 700


def sort_by_header(
    page: Any, frame: Any, borders: list[int], column: int, columns: int, *, reverse: bool
) -> int:
    """Click the header of `column` (0 = first) until its values read in order; the clicks made.

    The grid cycles a column through ascending, descending and unsorted, one
    click a step. On CI's two busy cores a click was sometimes not taken, or
    taken after the wait for it ended, so a fixed number of clicks overshot
    (a second click landed on ascending again). Clicking until the wanted
    order shows, each click after a double-click interval and its redraw
    awaited, reaches it from any state; an order by text never comes, so the
    test still fails when the grid sorts "12" before "4".

    `borders` are read once, before any click: a clicked header stays drawn
    in another colour, and so does a hovered one, so a screenshot after the
    first sort read the whole column as a run of "borders" (0, 331, 332,
    333 ...) and the clicks of the second sort landed elsewhere.
    """
    box = frame.bounding_box()
    x = (borders[column] + borders[column + 1]) / 2
    for clicks in range(MAX_CLICKS):
        if _in_order(cells(frame, columns), column, reverse):
            return clicks
        before = cells(frame, columns)
        page.wait_for_timeout(DOUBLE_CLICK_MS)
        page.mouse.click(box["x"] + x, box["y"] + HEADER_HEIGHT / 2)
        waited = 0
        while cells(frame, columns) == before and waited < REDRAW_TIMEOUT_MS:
            page.wait_for_timeout(100)
            waited += 100
    assert _in_order(cells(frame, columns), column, reverse), cells(frame, columns)
    return MAX_CLICKS


#: Clicks to reach an order: two full cycles of ascending, descending, unsorted.
MAX_CLICKS = 6


def _in_order(rows: list[list[str]], column: int, reverse: bool) -> bool:
    values = [float(row[column]) for row in rows]
    return len(set(values)) > 1 and values == sorted(values, reverse=reverse)


def cells(frame: Any, columns: int) -> list[list[str]]:
    """The rows the grid has drawn, from its accessible copy: the values, not the text."""
    flat = [str(text) for text in frame.locator("td").all_text_contents()]
    return [flat[i : i + columns] for i in range(0, len(flat), columns)]


def test_a_header_click_sorts_counts_by_value_not_as_text(servers: Servers, page: Any) -> None:
    server = servers.for_role("admin")
    open_path(page, server.url, "indlaesninger")
    wait_idle(page)
    frame = page.locator('[data-testid="stDataFrame"]').nth(1)  # the files of the newest load
    frame.scroll_into_view_if_needed()
    headers = [str(h) for h in frame.locator("th").all_text_contents()]
    rows_column = headers.index(t("loads.rows", "da"))
    borders = column_borders(frame)
    assert len(borders) == len(headers) + 1, borders  # a line left of each column, one right

    unsorted = [float(row[rows_column]) for row in cells(frame, len(headers))]
    assert unsorted != sorted(unsorted)  # else the grid's order would prove nothing
    assert sort_by_header(page, frame, borders, rows_column, len(headers), reverse=False) >= 1
    ascending = [float(row[rows_column]) for row in cells(frame, len(headers))]
    assert ascending == sorted(ascending)
    # As text the same counts would sort otherwise ("1.346" before "12" before "4"):
    # the demo's files hold 1 to several thousand rows.
    texts = [formatting.number(v) for v in ascending]
    assert texts != sorted(texts)

    sort_by_header(page, frame, borders, rows_column, len(headers), reverse=True)
    descending = [float(row[rows_column]) for row in cells(frame, len(headers))]
    assert descending == sorted(descending, reverse=True)
    assert descending[0] > ascending[-1] or descending[0] == max(ascending)
    assert exceptions(page) == []
