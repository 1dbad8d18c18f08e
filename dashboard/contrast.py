"""Colour contrast by WCAG 2.1's formula: which colours our text and marks may use.

The palette and status colours are chosen here, not by Streamlit, so their
contrast is ours to keep (WCAG 1.4.3: text 4.5:1, large text 3:1; 1.4.11:
marks 3:1). Axe cannot check them: chart labels are SVG and table cells are
drawn on a canvas. docs/accessibility.md lists the measured ratios.
"""

from __future__ import annotations

from typing import Final

#: 1.4.3: normal text against its background.
TEXT_MINIMUM: Final = 4.5
#: 1.4.3 for large text (24 px, or 18.66 px bold), and 1.4.11 for graphical objects.
LARGE_TEXT_MINIMUM: Final = 3.0

WHITE: Final = "#ffffff"
BLACK: Final = "#000000"


def _channels(colour: str) -> tuple[int, int, int]:
    """`#rrggbb` as three 0-255 integers; anything else is a ValueError naming the value."""
    text = colour.strip()
    if not (text.startswith("#") and len(text) == 7):
        raise ValueError(f"colour {colour!r} is not of the form #rrggbb")
    try:
        return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)
    except ValueError:
        raise ValueError(f"colour {colour!r} is not of the form #rrggbb") from None


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB `#rrggbb` colour: 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1's contrast ratio of two colours, 1 (same) to 21 (black on white), either order."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(background: str, dark: str = BLACK, light: str = WHITE) -> str:
    """Of `dark` and `light`, the text colour with the higher contrast on `background`."""
    if contrast_ratio(dark, background) >= contrast_ratio(light, background):
        return dark
    return light
