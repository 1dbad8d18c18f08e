"""Presentation mode on the steering group's shared screen: figures large, nothing cut short.

Streamlit draws a metric's value and label as markdown (a <p> inside), so a
style meant for the status lines once drew the values at the labels' size
and cut the step buttons to "Næs…" at 1366 px; a fixed 3.6rem value cut
"19.769.033 kr." to "19.769.0…" there. Each step is checked on a projector's
1280x720, a laptop's 1366x768 and a 1920x1080 screen.
"""

from __future__ import annotations

from typing import Any

import pytest

from dashboard.i18n import t
from tests.fixtures.browser import PROGRAMME, Servers, exceptions, wait_idle

SCREENS = ((1280, 720), (1366, 768), (1920, 1080))
#: Font sizes in px: each metric's value and label, and the first value's.
SIZES = """() => Array.from(document.querySelectorAll('[data-testid="stMetric"]')).map(metric => {
    const size = selector => {
        const element = metric.querySelector(selector);
        return element ? parseFloat(getComputedStyle(element).fontSize) : 0;
    };
    return [size('[data-testid="stMetricValue"] p'), size('[data-testid="stMetricLabel"] p')];
})"""
#: The text of each metric value or label, and each button, that is drawn cut short ("…").
CUT = """() => Array.from(document.querySelectorAll([
        '[data-testid="stMetricValue"] p',
        '[data-testid="stMetricLabel"] p',
        '[data-testid="stButton"] p',
    ].join(', ')))
    .filter(text => {
        const box = text.closest('.stMarkdownEllipsis') || text;
        return box.scrollWidth > box.clientWidth + 1 || text.scrollWidth > text.clientWidth + 1;
    })
    .map(text => text.innerText)"""


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
    steps = 0
    while True:
        steps += 1
        assert exceptions(page) == []
        sizes = page.evaluate(SIZES)
        # A value is drawn at least one and a half times its label's size.
        assert all(value >= 1.5 * label for value, label in sizes), (steps, sizes)
        assert page.evaluate(CUT) == [], steps
        if following.is_disabled():
            break
        following.click()
        wait_idle(page)
    assert steps >= 5
