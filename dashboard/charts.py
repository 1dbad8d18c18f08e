"""Plotly building blocks shared by every page: palette, layout, Danish axes.

Charts use `plotly.graph_objects` (much faster to build than plotly.express),
the Okabe-Ito palette (safe for the common colour-vision deficiencies) and
Danish separators; month axes get Babel's month names, not Plotly's English.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

import plotly.graph_objects as go

from dashboard import formatting

#: Okabe-Ito, in an order where neighbours differ in lightness too.
PALETTE: Final[tuple[str, ...]] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

STAGE_COLOURS: Final[dict[str, str]] = {
    "referred": "#BBBBBB",
    "investigation": "#56B4E9",
    "approved": "#E69F00",
    "intensive": "#0072B2",
    "aftercare": "#009E73",
    "ended": "#888888",
}

ON_TRACK: Final = "#009E73"
OFF_TRACK: Final = "#D55E00"
NEUTRAL: Final = "#888888"
CITY: Final = "#000000"

SEPARATORS: Final[dict[str, str]] = {"da": ",.", "en": ".,"}


def base_layout(figure: go.Figure, lang: str, *, height: int = 380) -> go.Figure:
    """Readable defaults: large type, Danish separators, legend on top, no clutter."""
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        separators=SEPARATORS.get(lang, SEPARATORS["da"]),
        font={"size": 15},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        colorway=list(PALETTE),
        plot_bgcolor="#ffffff",
        hoverlabel={"font_size": 14},
    )
    figure.update_xaxes(showgrid=False)
    figure.update_yaxes(gridcolor="#e5e5e5", zeroline=True, zerolinecolor="#bbbbbb")
    return figure


def month_axis(figure: go.Figure, months: Sequence[date], lang: str, *, every: int = 1) -> None:
    """Label a date x axis with Babel's month names (`jun. 2011`)."""
    ticks = list(months)[::every]
    figure.update_xaxes(
        tickvals=ticks, ticktext=[formatting.month_label(day, lang) for day in ticks]
    )


def chart_config() -> dict[str, object]:
    """Plotly config for st.plotly_chart: no logo, a PNG export for slides."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}
