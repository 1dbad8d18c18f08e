"""On a 1366 px laptop, the tables that sit beside a chart or read as a grid show every column.

Streamlit's grid sizes each column to its longest text and scrolls sideways
when the columns are wider than their place; what is scrolled out of view
is easily missed. Bydele's change and its reading beside each chart, and
Effekt's start x latest SSP table, must fit. (A table wider than that pins
the column that names its rows: tests/test_tables.py.)
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.browser import Servers, exceptions, open_path

LAPTOP = {"width": 1366, "height": 768}
#: Each grid's scrolling area: [its content's width, the width it has].
WIDTHS = """() => Array.from(document.querySelectorAll('[data-testid="stDataFrame"]'))
    .filter(grid => grid.offsetParent !== null)
    .map(grid => grid.querySelector('.dvn-scroller'))
    .map(scroller => [scroller.scrollWidth, scroller.clientWidth])"""


@pytest.mark.parametrize(("key", "grids"), [("bydele", slice(None)), ("effekt", slice(0, 1))])
def test_the_table_fits_without_scrolling_sideways(
    key: str, grids: slice, servers: Servers, page: Any
) -> None:
    page.set_viewport_size(LAPTOP)
    open_path(page, servers.for_role("admin").url, key)
    assert exceptions(page) == []
    page.wait_for_selector('[data-testid="stDataFrame"] .dvn-scroller')
    widths = page.evaluate(WIDTHS)[grids]
    assert widths, f"no table on {key}"
    assert all(content <= room for content, room in widths), widths
