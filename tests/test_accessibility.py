"""WCAG 2.1 AA for what axe cannot see: our colours' contrast, the page's language and title.

Chart labels are SVG and table cells are drawn on a canvas, so the contrast
of the colours we choose is computed here with WCAG's formula
(docs/accessibility.md). The browser side is tests/e2e/test_accessibility.py.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from dashboard import charts
from dashboard.accessibility import document_title, language_script
from dashboard.contrast import (
    LARGE_TEXT_MINIMUM,
    TEXT_MINIMUM,
    contrast_ratio,
    readable_on,
    relative_luminance,
)
from dashboard.i18n import t
from dashboard.metrics import change_reading
from data_access.queries.figures import FigureValue
from data_access.rules.figures import FigureId

ROOT = Path(__file__).resolve().parents[1]
#: Streamlit draws a caption (st.caption) in the text colour at 60 % opacity.
CAPTION_OPACITY = 0.6


def _blend(colour: str, background: str, opacity: float) -> str:
    """`colour` at `opacity` over `background`, as the browser composes it."""
    mixed = (
        round(opacity * int(colour[i : i + 2], 16) + (1 - opacity) * int(background[i : i + 2], 16))
        for i in (1, 3, 5)
    )
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


def test_contrast_formula_on_known_pairs() -> None:
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert relative_luminance("#000000") == pytest.approx(0.0)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#1f4e79", "#1f4e79") == pytest.approx(1.0)
    # #767676 is the lightest grey that reads 4.5:1 on white: 1.05 / (0.1812 + 0.05).
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") < TEXT_MINIMUM


def test_contrast_names_a_colour_it_cannot_read() -> None:
    with pytest.raises(ValueError, match="'blue' is not of the form #rrggbb"):
        contrast_ratio("blue", "#ffffff")
    with pytest.raises(ValueError, match="'#12345g' is not of the form"):
        relative_luminance("#12345g")


def test_readable_on_takes_the_stronger_of_black_and_white() -> None:
    assert readable_on("#0072B2") == "#ffffff"  # 5.2:1 against black's 4.0:1
    assert readable_on("#009E73") == "#000000"  # 6.1:1 against white's 3.4:1


@pytest.mark.parametrize(
    "colour", sorted({*charts.PALETTE, *charts.DISTRICT_PALETTE, *charts.STAGE_COLOURS.values()})
)
def test_a_bar_label_reads_on_its_bar(colour: str) -> None:
    """A bar's label (`mark_hidden` sets it) reads at 4.5:1 on every colour a bar may have.

    The old brightness rule of thumb put white on #009E73 (3.4:1) and dark
    grey on #CC79A7 (3.2:1).
    """
    label = charts._on(colour)
    assert contrast_ratio(label, colour) >= TEXT_MINIMUM, (colour, label)


def test_labels_of_hidden_bars_read_on_their_white() -> None:
    ratio = contrast_ratio(charts.HIDDEN_COLOUR, charts.HIDDEN_BACKGROUND)
    assert ratio >= TEXT_MINIMUM
    # The hatching and outline of a hidden bar are marks: 3:1 against the chart's white.
    assert ratio >= LARGE_TEXT_MINIMUM


@pytest.mark.parametrize("status", list(charts.SPEND_STATUS_TEXT_COLOURS))
def test_spend_status_words_read_on_white(status: object) -> None:
    """The status column of Økonomi's table and the presentation's spend labels are text.

    They were Okabe-Ito's fills: vermillion 3.9:1, green 3.4:1, grey 3.5:1.
    """
    colour = charts.SPEND_STATUS_TEXT_COLOURS[status]  # type: ignore[index]
    assert contrast_ratio(colour, "#ffffff") >= TEXT_MINIMUM, (status, colour)


def test_tone_colours_of_the_report_read_on_white() -> None:
    for colour in (charts.ON_TRACK_TEXT, charts.OFF_TRACK_TEXT, charts.NEUTRAL_TEXT):
        assert contrast_ratio(colour, "#ffffff") >= TEXT_MINIMUM, colour


def test_captions_of_the_theme_read_in_the_sidebar_and_the_page() -> None:
    """st.caption is the theme's text colour at 60 %: 4.5:1 on both backgrounds.

    With the old #1a1a1a the sidebar's captions (the programme's full name)
    read 4.4:1 on #f1f4f8: axe's only finding of ours on every page.
    """
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    for background in (theme["backgroundColor"], theme["secondaryBackgroundColor"]):
        caption = _blend(theme["textColor"], background, CAPTION_OPACITY)
        assert contrast_ratio(caption, background) >= TEXT_MINIMUM, (caption, background)
    assert contrast_ratio(theme["primaryColor"], theme["backgroundColor"]) >= TEXT_MINIMUM


def test_the_tab_title_names_the_page_first() -> None:
    assert document_title("Økonomi", "da") == "Økonomi – " + t("app.title", "da")
    assert document_title("Spend", "en") == "Spend – " + t("app.title", "en")


def test_the_language_script_writes_only_a_known_language() -> None:
    assert language_script("da") == "<script>document.documentElement.lang = 'da';</script>"
    assert "'en'" in language_script("en")
    with pytest.raises(ValueError, match='unknown language "\'</script>"'):
        language_script("'</script>")


@pytest.mark.parametrize(
    ("figure_id", "before", "now", "reading"),
    [
        (FigureId.ACTIVE_FAMILIES, 27.0, 29.0, "bedre"),  # more families toward the target
        (FigureId.ACTIVE_FAMILIES, 29.0, 27.0, "værre"),
        (FigureId.OVERDUE_FAMILIES, 1.0, 3.0, "værre"),  # a rise of a "bad" figure
        (FigureId.OVERDUE_FAMILIES, 3.0, 1.0, "bedre"),
        (FigureId.ACTIVE_FAMILIES, 29.0, 29.0, None),  # no change, no colour
    ],
)
def test_a_coloured_change_says_in_words_whether_it_is_good(
    figure_id: FigureId, before: float, now: float, reading: str | None
) -> None:
    """The change under a key figure was green or red and nothing else (WCAG 1.4.1)."""
    shown = change_reading(FigureValue(figure_id, now), FigureValue(figure_id, before), "da")
    assert shown == reading


def test_an_uncoloured_change_gets_no_words() -> None:
    """Spend to date rises all year: neither good nor bad (grey), so no reading either."""
    spent = FigureId.SPENT_YTD
    assert change_reading(FigureValue(spent, 9.0), FigureValue(spent, 5.0), "da") is None
    assert change_reading(FigureValue(spent, 9.0), None, "da") is None
    worse = change_reading(
        FigureValue(FigureId.OVERDUE_FAMILIES, 3.0),
        FigureValue(FigureId.OVERDUE_FAMILIES, 1.0),
        "en",
    )
    assert worse == "worse"
