"""Presentation mode on the steering group's shared screen: figures large, nothing cut short.

Streamlit draws a metric's value and label as markdown (a <p> inside), so a
style meant for the status lines once drew the values at the labels' size
and cut the step buttons to "Næs…" at 1366 px; a fixed 3.6rem value cut
"19.769.033 kr." to "19.769.0…" there. Each step is checked on a projector's
1280x720, a laptop's 1366x768 and a 1920x1080 screen; on the last, every
step's figures, chart or table end above the screen's edge.
"""

from __future__ import annotations

from typing import Any

import pytest

from dashboard.i18n import t
from tests.fixtures.browser import (
    FIGURE_TEXTS,
    PROGRAMME,
    Servers,
    cut_short,
    exceptions,
    wait_idle,
)

SCREENS = ((1280, 720), (1366, 768), (1920, 1080))
#: Font sizes in px of each metric's value and label, [value, label] per metric.
SIZES = """() => Array.from(document.querySelectorAll('[data-testid="stMetric"]')).map(metric => {
    const size = selector => {
        const element = metric.querySelector(selector);
        return element ? parseFloat(getComputedStyle(element).fontSize) : 0;
    };
    return [size('[data-testid="stMetricValue"] p'), size('[data-testid="stMetricLabel"] p')];
})"""
#: Where the step's figures, chart or table end, in px from the top of the screen.
BOTTOM = """() => Math.max(...Array.from(document.querySelectorAll(
    '[data-testid="stMetric"], [data-testid="stPlotlyChart"], [data-testid="stTable"]'
)).map(element => element.getBoundingClientRect().bottom))"""
#: Font sizes in px of the cells of the step's tables.
CELL_SIZES = """() => Array.from(document.querySelectorAll('[data-testid="stTable"] td'))
    .map(cell => parseFloat(getComputedStyle(cell).fontSize))"""


@pytest.mark.parametrize(("width", "height"), SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_every_step_shows_large_figures_and_cuts_no_text(
    width: int, height: int, servers: Servers, page: Any
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    base = servers.for_role("admin").url
    page.goto(f"{base}/oversigt?programme={PROGRAMME}&as_of=2011-06-30&present=1")
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=90_000)
    wait_idle(page)
    following = page.get_by_role("button", name=t("presentation.next", "da"))
    steps = figures = cells = 0
    while True:
        steps += 1
        assert exceptions(page) == []
        sizes = page.evaluate(SIZES)
        figures += len(sizes)
        if height >= 1080:
            # The shared screen shows the whole step: nothing below its edge.
            assert page.evaluate(BOTTOM) <= height, steps
        # Table cells read from the back of the room too: 1.45rem, not the 1rem of a page.
        cell_sizes = page.evaluate(CELL_SIZES)
        cells += len(cell_sizes)
        assert all(size >= 22 for size in cell_sizes), (steps, cell_sizes)
        # A value is drawn at least one and a half times its label's size.
        assert all(value >= 1.5 * label for value, label in sizes), (steps, sizes)
        assert cut_short(page, *FIGURE_TEXTS, '[data-testid="stButton"] p') == [], steps
        if following.is_disabled():
            break
        following.click()
        wait_idle(page)
    assert steps == 7 and figures >= 8 and cells > 0
