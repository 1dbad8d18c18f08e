"""On a laptop, the tables show every column and no key figure is cut short.

Streamlit's grid sizes each column to its longest text and scrolls sideways
when the columns are wider than their place; what is scrolled out of view
is easily missed. These must fit at 1366 px: Bydele's change and its
reading beside each chart, Effekt's two tables (start x latest SSP, per
district), Forebyggelse's three (the measures' with short headings),
Økonomi's departments (their long names on two lines) and years, and the
coordinator's families on Sagsstamme (ten columns, the SSP level last).
A table wider than that pins the column that names its rows
(tests/test_tables.py). Adgangslog shows every column too, its longer
texts on a row's second line. A short
list (a coordinator's families, a load's files) shows every row rather
than ten and a scroll bar inside the page. A key figure's label and value
are drawn on one line and end in "…" where they do not fit; at 1280 px (a
1920 px screen at 150 % scaling) they must wrap. Økonomi's long department
names wrap only where they must: on a 1920 px screen each has one line. The
sidebar's demo-user picker cuts a long email short, so whom the pages are
shown as is written out whole under it. Every month of a chart's axis has
its label.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dashboard.access_log import FILTERS, HEADINGS
from dashboard.i18n import role_label, t
from dashboard.navigation import pages_for
from data_access.appstate import access_log as audit
from data_access.demo.bundle import DEMO_USERS
from tests.fixtures.browser import (
    FIGURE_TEXTS,
    Servers,
    cut_short,
    exceptions,
    open_path,
    wait_idle,
)

LAPTOP = {"width": 1366, "height": 768}
WIDE = {"width": 1920, "height": 1080}
SCALED = {"width": 1280, "height": 720}
#: Each grid's scrolling area: [its content's width, the width it has].
WIDTHS = """() => Array.from(document.querySelectorAll('[data-testid="stDataFrame"]'))
    .filter(grid => grid.offsetParent !== null)
    .map(grid => grid.querySelector('.dvn-scroller'))
    .filter(scroller => scroller !== null)
    .map(scroller => [scroller.scrollWidth, scroller.clientWidth])"""
#: Each grid's scrolling area: [its content's height, the height it has].
HEIGHTS = WIDTHS.replace("scrollWidth", "scrollHeight").replace("clientWidth", "clientHeight")
#: The headings of the grid's columns in view: the grid writes only those into its
#: accessible table, a column cut short by the edge included.
HEADINGS_IN_VIEW = """() => Array.from(
    document.querySelectorAll('[data-testid="stDataFrame"] th[role="columnheader"]'))
    .map(th => th.innerText)"""


def open_grids(page: Any, servers: Servers, role: str, key: str, **query: str) -> None:
    """Open page `key` as `role` on a laptop's screen, without errors, and wait for its grids."""
    page.set_viewport_size(LAPTOP)
    open_path(page, servers.for_role(role).url, key, **query)
    assert exceptions(page) == []
    page.wait_for_selector('[data-testid="stDataFrame"] .dvn-scroller')


@pytest.mark.parametrize(
    ("key", "grids", "role"),
    [
        ("bydele", slice(None), "admin"),
        ("effekt", slice(None), "admin"),
        ("forebyggelse", slice(0, 3), "admin"),
        ("oekonomi", slice(None), "admin"),
        ("sagsstamme", slice(None), "admin"),
        # The Nørrebro coordinator's own families: a longer stage and all three departments.
        ("sagsstamme", slice(None), "coordinator"),
    ],
)
def test_the_table_fits_without_scrolling_sideways(
    key: str, grids: slice, role: str, servers: Servers, page: Any
) -> None:
    open_grids(page, servers, role, key)
    widths = page.evaluate(WIDTHS)[grids]
    assert widths, f"no table on {key}"
    assert all(content <= room for content, room in widths), widths


ADMIN_PAGES = [spec.key for spec in pages_for("admin")]


@pytest.mark.parametrize("key", ADMIN_PAGES)
def test_no_key_figure_is_cut_short_at_1280_px(key: str, servers: Servers, page: Any) -> None:
    page.set_viewport_size(SCALED)
    open_path(page, servers.for_role("admin").url, key)
    assert exceptions(page) == []
    assert cut_short(page, *FIGURE_TEXTS) == []


def test_the_access_log_shows_every_column_without_scrolling(servers: Servers, page: Any) -> None:
    page.set_viewport_size(LAPTOP)
    # The coordinator's view of pseudonyms, under the demo's longest email.
    open_path(page, servers.for_role("coordinator").url, "forloeb")
    wait_idle(page)
    # The longest texts of the other columns: a department head's download of
    # aggregates with a district filter on the longest page title, and a report's file.
    audit.record_access(
        servers.database_url,
        email=DEMO_USERS["department_head"],
        role="department_head",
        page="forebyggelse",
        action=audit.DOWNLOAD,
        file="forebyggelse_interventionsteam_2011-06-30.csv",
        programme_id="interventionsteam",
        report_date=date(2011, 6, 30),
        district_id="vesterbro-kongens-enghave",
    )
    audit.record_access(
        servers.database_url,
        email=DEMO_USERS["steering"],
        role="steering",
        page="oversigt",
        action=audit.REPORT,
        file="kvartalsrapport_intensiveret-indsats_2011Q2.xlsx",
        programme_id="intensiveret-indsats",
        report_date=date(2011, 6, 30),
    )
    open_path(page, servers.for_role("admin").url, "adgangslog")
    assert exceptions(page) == []
    page.wait_for_selector('[data-testid="stDataFrame"] th[role="columnheader"]', state="attached")
    assert all(content <= room for content, room in page.evaluate(WIDTHS)), page.evaluate(WIDTHS)
    names = ("at", "email", "role", "action", "page", "shown")
    every_heading = [*(t(HEADINGS[name], "da") for name in names), t(FILTERS, "da")]
    assert page.evaluate(HEADINGS_IN_VIEW) == every_heading


#: The demo's roll-out in ten housing areas, at a date with indicators for all of them.
ROLL_OUT = {"programme": "intensiveret-indsats", "as_of": "2013-12-31"}


@pytest.mark.parametrize(
    ("key", "grid", "role", "query"),
    [
        # The demo's Nørrebro coordinator has 14 families.
        ("sagsstamme", 1, "coordinator", {}),
        # The demo bundle's 16 files.
        ("indlaesninger", 1, "admin", {}),
        # Ten areas and the city, the baseline, in each indicator's change table.
        ("bydele", 0, "admin", ROLL_OUT),
    ],
)
def test_a_short_list_shows_every_row_without_scrolling_the_table(
    key: str, grid: int, role: str, query: dict[str, str], servers: Servers, page: Any
) -> None:
    open_grids(page, servers, role, key, **query)
    rows = page.evaluate(
        """grid => document.querySelectorAll('[data-testid="stDataFrame"]')[grid]
            .querySelector('table').getAttribute('aria-rowcount')""",
        grid,
    )
    # More than the ten rows a grid shows before it scrolls inside the page.
    assert int(rows) - 1 > 10, rows
    content, room = page.evaluate(HEIGHTS)[grid]
    assert content <= room, (content, room)


#: The height of a grid row of one line (Streamlit's default row height).
ONE_LINE_ROW_PX = 35
#: The grids in view: displayed, and not in a closed expander.
IN_VIEW = """Array.from(document.querySelectorAll('[data-testid="stDataFrame"]'))
    .filter(grid => grid.offsetParent !== null && !grid.closest('details:not([open])'))"""
#: Every grid in view has drawn its accessible table (which counts its rows).
GRIDS_DRAWN = f"""() => {IN_VIEW}.every(grid => grid.querySelector('table') !== null)"""
#: Each grid in view: [its height, its rows with the heading's].
GRID_ROWS = f"""() => {IN_VIEW}.map(grid => [grid.getBoundingClientRect().height,
                  Number(grid.querySelector('table').getAttribute('aria-rowcount'))])"""


def test_department_names_keep_one_line_on_a_wide_screen_and_wrap_on_a_laptop(
    servers: Servers, page: Any
) -> None:
    page.set_viewport_size(WIDE)
    open_path(page, servers.for_role("admin").url, "oekonomi")
    assert exceptions(page) == []
    page.wait_for_function(GRIDS_DRAWN)
    # The departments (the first tab) and the years; neither has rows of two lines.
    grids = page.evaluate(GRID_ROWS)
    assert len(grids) == 2, grids
    assert all(height <= rows * ONE_LINE_ROW_PX + 3 for height, rows in grids), grids
    # The same tab on a laptop's width: the names wrap and every column is in view.
    page.set_viewport_size(LAPTOP)
    page.wait_for_timeout(500)
    page.wait_for_function(GRIDS_DRAWN)
    departments_height, departments_rows = page.evaluate(GRID_ROWS)[0]
    assert departments_height > departments_rows * ONE_LINE_ROW_PX + 3
    assert all(content <= room for content, room in page.evaluate(WIDTHS)), page.evaluate(WIDTHS)


#: The sidebar's texts shown whole: inputs' values and leaf elements' text that are
#: neither cut short nor past the sidebar's edge.
SIDEBAR_WHOLE = """() => {
    const side = document.querySelector('[data-testid="stSidebar"]');
    const edge = side.getBoundingClientRect().right;
    const whole = el => el.scrollWidth <= el.clientWidth + 1
        && el.getBoundingClientRect().right <= edge;
    const values = Array.from(side.querySelectorAll('input')).filter(whole).map(i => i.value);
    const texts = Array.from(side.querySelectorAll('p, span, div'))
        .filter(el => el.children.length === 0 && el.offsetParent !== null && whole(el))
        .map(el => el.innerText.replace(/\\s+/g, ' ').trim());
    return [...values, ...texts];
}"""


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_sidebar_shows_whom_the_pages_are_shown_as_in_full(
    lang: str, servers: Servers, page: Any
) -> None:
    page.set_viewport_size(LAPTOP)
    # The demo's longest email.
    open_path(page, servers.for_role("coordinator").url, "oversigt", lang=lang)
    assert exceptions(page) == []
    acting_as = f"{role_label('coordinator', lang)}: {DEMO_USERS['coordinator']}"
    assert acting_as in page.evaluate(SIDEBAR_WHOLE)
    # Shown as text: not a mailto link to oneself.
    assert page.locator('[data-testid="stSidebar"] a[href^="mailto:"]').count() == 0


#: Each chart's axis labels that Plotly hid (it hides one that would cross the chart's
#: edge) or drew past the chart's box: [chart, label].
HIDDEN_TICKS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .flatMap((plot, chart) => {
        const box = plot.getBoundingClientRect();
        return Array.from(plot.querySelectorAll('.xtick text, .ytick text'))
            .filter(label => {
                const drawn = label.getBoundingClientRect();
                return drawn.width === 0 || drawn.left < box.left - 1
                    || drawn.right > box.right + 1 || drawn.bottom > box.bottom + 1;
            })
            .map(label => [chart, label.textContent]);
    })"""


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("key", ["forloeb", "visitation"])
def test_every_month_of_a_chart_axis_is_labelled(
    key: str, lang: str, servers: Servers, page: Any
) -> None:
    page.set_viewport_size(LAPTOP)
    open_path(page, servers.for_role("coordinator").url, key, lang=lang)
    assert exceptions(page) == []
    page.wait_for_selector(".js-plotly-plot .xtick text", state="attached")
    assert page.evaluate(HIDDEN_TICKS) == []
