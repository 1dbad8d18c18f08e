"""Names with markup are drawn letter for letter by Plotly.js, never as bold or links."""

from __future__ import annotations

from typing import Any

from dashboard import charts

NAMES = ("<b>Nørrebro</b>", 'A & B <a href="https://example.invalid">link</a>')


def test_plotly_draws_escaped_names_as_written(page: Any) -> None:
    built = charts.figure(
        [{"type": "bar", "name": NAMES[0], "y": list(NAMES), "x": [1, 2], "orientation": "h"}],
        "da",
        showlegend=True,
        yaxis={"categoryorder": "array", "categoryarray": list(NAMES)},
    )
    page.set_content(built.to_html(include_plotlyjs=True, full_html=True))
    page.wait_for_selector(".ytick text", timeout=30_000)
    ticks = page.locator(".ytick text").all_text_contents()
    legend = page.locator(".legendtext").all_text_contents()
    assert sorted(ticks) == sorted(NAMES)
    assert legend == [NAMES[0]]
    assert page.locator("svg a").count() == 0
    assert page.locator("svg tspan[style*='bold']").count() == 0
