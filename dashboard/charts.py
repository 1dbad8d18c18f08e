"""Plotly building blocks shared by every page: palette, layout, Danish axes.

Charts are plain Plotly dicts built into one figure (`figure`: much faster
than plotly.express or graph_objects set property by property), with the
Okabe-Ito palette (safe for the common colour-vision deficiencies) and Danish
separators; month axes get Babel's month names, not Plotly's English.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from numbers import Real
from typing import Any, Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting
from dashboard.contrast import WHITE, readable_on
from data_access.rules.access import MIN_CELL
from data_access.rules.spend import SpendStatus

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

#: A district's colour: Okabe-Ito without black (the city's line), then five
#: darker colours from Paul Tol's "muted" scheme, so the ten housing areas of a
#: roll-out and its two first districts each get their own.
DISTRICT_PALETTE: Final[tuple[str, ...]] = (
    *PALETTE[:-1],
    "#332288",  # indigo
    "#882255",  # wine
    "#999933",  # olive
    "#117733",  # green
    "#661100",  # brown
)
#: Line styles for districts beyond the palette's twelve ("dash" is the city's).
DISTRICT_DASHES: Final[tuple[str, ...]] = ("solid", "dot", "dashdot")

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

#: Colour of each spend status; it adds to the status's sign and words, never replaces them.
#: The status colours as text on white (the spend table's status, the presentation's
#: spend labels, the report): Okabe-Ito's green and vermillion and the grey read at
#: 3.4-3.9:1 only, under WCAG's 4.5:1 for text, so text takes darker shades of them.
ON_TRACK_TEXT: Final = "#00785A"
OFF_TRACK_TEXT: Final = "#B34700"
NEUTRAL_TEXT: Final = "#666666"
SPEND_STATUS_TEXT_COLOURS: Final[dict[SpendStatus | None, str]] = {
    SpendStatus.OVER: OFF_TRACK_TEXT,
    SpendStatus.UNDER: PALETTE[0],
    SpendStatus.ON_PLAN: ON_TRACK_TEXT,
    None: NEUTRAL_TEXT,
}
CITY: Final = "#000000"

#: Height of the hatched bar that stands for a hidden count (1 to 4): never a 0.
HIDDEN_HEIGHT: Final = MIN_CELL - 1
#: Outline and hatching of a hidden count's bar.
HIDDEN_COLOUR: Final = "#444444"
#: Background of a hidden count's bar, under its hatching.
HIDDEN_BACKGROUND: Final = "#ffffff"
#: CSS text shadow around a hidden bar's "<5": a white halo over the hatching.
HIDDEN_HALO: Final = "0 0 2px #ffffff, 0 0 3px #ffffff, 0 0 4px #ffffff"
#: Plotly's hatching for a hidden count (and its legend entry).
HIDDEN_PATTERN: Final[dict[str, Any]] = {"shape": "/", "fgcolor": HIDDEN_COLOUR, "solidity": 0.35}

SEPARATORS: Final[dict[str, str]] = {"da": ",.", "en": ".,"}


Trace = dict[str, Any]


def figure(traces: Iterable[Trace], lang: str, *, height: int = 380, **layout: Any) -> Chart:
    """One finished chart: the shared layout with `layout` on top, built in one step.

    Plotly checks every property as it is set; on the chart-heavy pages that
    check cost more than the page's SQL (about 40 ms for a chart of eleven
    lines, against 8 ms built this way). So traces and layout are plain dicts
    in Plotly's JSON form (`{"title": {"text": ...}}`, not `title_text=`) and
    the chart is built without the check. The tests run the check instead, on
    every chart the pages and the presentation draw (`tests/apptest.checked_charts`).
    """
    merged = _literal_categories(_merged(base_layout(lang, height=height), layout))
    return Chart(
        {
            "data": [_plain(dict(trace)) for trace in traces],
            "layout": {**merged, "template": _default_template()},
        }
    )


class Chart(go.Figure):
    """A finished chart spec that `st.plotly_chart` sends as it is.

    `st.plotly_chart` sends a Plotly figure as its `to_dict()` without
    checking it again. A `go.Figure` copies every trace and the layout when it
    is made and again in `to_dict` (some 15 ms for a chart of eleven lines,
    most of a small page's drawing). The spec here is already what the JSON
    will say, so this figure holds it and hands it over uncopied: only
    `to_dict`, `to_plotly_json` and `to_json` are meant to be used on it.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        # go.Figure.__init__ is skipped on purpose: it is the copy this avoids.
        self._spec = spec

    def to_dict(self) -> dict[str, Any]:
        return self._spec

    def to_plotly_json(self) -> dict[str, Any]:
        return self._spec


@cache
def _default_template() -> dict[str, Any]:
    """The template `go.Figure` adds to every figure, as JSON (shared, never changed)."""
    template: dict[str, Any] = go.Figure().to_dict()["layout"]["template"]
    return template


#: Plotly.js reads a small HTML subset in chart text (`<b>`, `<a href>`,
#: `<br>`, entities); these three characters escaped, a name is shown as written.
_MARKUP: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def literal(text: str) -> str:
    """`text` as Plotly shows it letter for letter, never as bold, a break or a link.

    Names come from the ETL bundles (districts, coordinators, activities), so
    a name like `<a href="https://…">` must not become a link on the
    steering group's screen. Plotly.js turns `&lt;` back into `<` as it draws.
    """
    return text.translate(_MARKUP)


def base_layout(lang: str, *, height: int = 380) -> dict[str, Any]:
    """Readable defaults: large type, Danish separators (ticks too), legend on top, no clutter."""
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "separators": SEPARATORS.get(lang, SEPARATORS["da"]),
        "font": {"size": 15},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "colorway": list(PALETTE),
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"size": 14}},
        # Plotly writes 2000 on an axis unless told to group thousands (2.000).
        "xaxis": {"showgrid": False, "separatethousands": True},
        "yaxis": {
            "gridcolor": "#e5e5e5",
            "zeroline": True,
            "zerolinecolor": "#bbbbbb",
            "separatethousands": True,
        },
    }


def type_size(layout: dict[str, Any], size: int) -> dict[str, Any]:
    """`layout` with every text of the chart at `size` px: ticks, axis titles, legend, labels.

    Streamlit's chart theme sets its own small tick and legend fonts, so a
    general `font.size` alone leaves them at 12 px; a room reads them only
    when each is set (presentation mode on a 1920x1080 screen).
    """
    axis = {"tickfont": {"size": size}, "title": {"font": {"size": size}}}
    sized = {
        "font": {"size": size},
        "legend": {"font": {"size": size}},
        "hoverlabel": {"font": {"size": size}},
        "xaxis": axis,
        "yaxis": axis,
    }
    return _merged(sized, layout)


def is_hidden_cell(cell: object) -> bool:
    """A disclosed count cell that holds no number: `<5` or `x` (kpis.md, Disclosure control)."""
    return cell in (formatting.SUPPRESSED, formatting.SECONDARY)


def mark_hidden(trace: Trace, cells: Sequence[object], *, axis: str = "y") -> Trace:
    """`trace` (bars) with each hidden count drawn as a hatched, labelled bar, never as 0.

    `cells` are the disclosed cells behind the bars' values on `axis` (numbers,
    `<5`, `x`). A hidden cell becomes a white bar of HIDDEN_HEIGHT with the
    hatching and its text (`<5`) on it, so a hidden 3 cannot be read as
    "nobody"; `hidden_legend` adds the legend entry that says what it means.
    A bar's own text that already says `<5` (Sagsstamme's `<5 / 15`) is kept;
    the hover of a hidden bar says `<5` (the trace's own hovertemplate, plain
    text only, stays on the other bars).
    Every chart of a count uses this: stacked and grouped bars, funnel steps
    (drawn as stacked bars: Plotly's funnel has no hatching) and single bars.
    When the first cell is hidden, a point that draws nothing leads the
    trace (`_plain_first`), so its legend swatch keeps the trace's colour.
    """
    hidden = [is_hidden_cell(cell) for cell in cells]
    if not any(hidden):
        return trace
    colour = trace.get("marker", {}).get("color", PALETTE[0])
    values = list(pd.Series(trace[axis]).tolist())
    trace = dict(trace)
    trace[axis] = [HIDDEN_HEIGHT if h else v for h, v in zip(hidden, values, strict=True)]
    trace["text"] = [
        (text if str(cell) in str(text) else str(cell)) if h else text
        for h, cell, text in zip(hidden, cells, _texts(trace, len(cells)), strict=True)
    ]
    # The label of a hidden bar is dark and bold on its white, with a white
    # halo that keeps it readable where the hatching crosses it; the others
    # keep the contrast Plotly would give them on the bar colour.
    trace["insidetextfont"] = {
        **trace.get("insidetextfont", {}),
        "color": [HIDDEN_COLOUR if h else _on(colour) for h in hidden],
        "shadow": [HIDDEN_HALO if h else "none" for h in hidden],
        "weight": [700 if h else 400 for h in hidden],
    }
    # Upright: Plotly turns a label that is wider than a narrow bar on its side.
    trace.setdefault("textangle", 0)
    # The hover of a hidden bar says `<5`, not the height it is drawn at.
    category = "y" if axis == "x" else "x"
    own = trace.get("hovertemplate")
    trace["hovertemplate"] = [
        f"%{{{category}}}: {cell}" if h else (own if isinstance(own, str) else "")
        for h, cell in zip(hidden, cells, strict=True)
    ]
    # The bar colour stays one colour: with a colour per bar Plotly.js takes
    # that colour for the hatching and ignores fgcolor and bgcolor (seen in
    # Chromium: white hatching on white, or grey whatever the stage). The
    # hidden bar's white comes from the pattern's background instead.
    trace["marker"] = {
        **trace.get("marker", {}),
        "color": colour,
        # Only hidden bars get an outline: a shown 0 stays a bar of nothing.
        "line": {
            "color": [HIDDEN_COLOUR if h else colour for h in hidden],
            "width": [1 if h else 0 for h in hidden],
        },
        "pattern": {
            **HIDDEN_PATTERN,
            "shape": ["/" if h else "" for h in hidden],
            "bgcolor": [HIDDEN_BACKGROUND if h else colour for h in hidden],
            "fgcolor": colour,
            "fgopacity": 1,
        },
    }
    return _plain_first(trace, len(cells), colour) if hidden[0] else trace


def _plain_first(trace: Trace, n: int, colour: object) -> Trace:
    """`trace` with a point that draws nothing put first, styled like a shown bar.

    Plotly.js draws a trace's legend swatch from its first point's pattern,
    outline and background: with a hidden first cell the trace's own entry
    was white and hatched, like "skjult, under 5". A first point at no
    position (None, like `hidden_legend`'s) draws no bar, takes no slot and
    no category, and gives the swatch the trace's colour.
    """
    first: dict[tuple[str, ...], object] = {
        ("text",): "",
        ("hovertemplate",): "",
        ("hovertext",): "",
        ("textposition",): "none",
        ("insidetextfont", "color"): _on(colour),
        ("insidetextfont", "shadow"): "none",
        ("insidetextfont", "weight"): 400,
        ("marker", "line", "color"): colour,
        ("marker", "line", "width"): 0,
        ("marker", "pattern", "shape"): "",
        ("marker", "pattern", "bgcolor"): colour,
    }

    def led(value: object, path: tuple[str, ...]) -> object:
        if isinstance(value, dict):
            return {key: led(item, (*path, key)) for key, item in value.items()}
        if isinstance(value, pd.Series | pd.Index | np.ndarray):
            value = value.tolist()
        if isinstance(value, list) and len(value) == n:
            return [first.get(path), *value]
        return value

    return {key: led(value, (key,)) for key, value in trace.items()}


def _on(colour: object) -> str:
    """White or black text, whichever has the higher WCAG contrast on `colour` (a bar colour).

    A brightness rule of thumb once put white on Okabe-Ito's green (3.4:1) and
    dark grey on its reddish purple (3.2:1), under the 4.5:1 a bar's label needs.
    """
    text = str(colour)
    if not (text.startswith("#") and len(text) == 7):
        return WHITE
    return readable_on(text)


def _texts(trace: Trace, n: int) -> list[object]:
    """The trace's own bar texts, or empty ones."""
    text = trace.get("text")
    if text is None or isinstance(text, str):
        return [""] * n
    return list(pd.Series(text).tolist())


def hidden_legend(label: str, *, offsetgroup: str | None = None) -> Trace:
    """The legend entry of the hatched bars: "skjult, under 5" (`label`), drawing nothing.

    In a grouped bar chart pass the `offsetgroup` of a real trace, so the
    entry takes no slot beside the bars.
    """
    trace: Trace = {
        "type": "bar",
        "name": label,
        "x": [None],
        "y": [None],
        "marker": {"color": "#ffffff", "line": {"color": HIDDEN_COLOUR, "width": 1}},
        "hoverinfo": "skip",
    }
    trace["marker"]["pattern"] = dict(HIDDEN_PATTERN)
    if offsetgroup is not None:
        trace["offsetgroup"] = offsetgroup
    return trace


def with_hidden(traces: list[Trace], label: str, *, offsetgroup: str | None = None) -> list[Trace]:
    """`traces` plus the legend entry of hidden counts when one of them draws a hidden bar.

    A trace without a name (the only trace of its chart) keeps out of the
    legend the entry brings: Plotly would list it as "trace 0".
    """
    marked = any(
        isinstance(t.get("marker", {}).get("pattern", {}).get("shape"), list) for t in traces
    )
    if not marked:
        return traces
    named = [t if t.get("name") else {**t, "showlegend": False} for t in traces]
    return [*named, hidden_legend(label, offsetgroup=offsetgroup)]


#: More month labels than this slant (they would not fit side by side on a laptop).
LEVEL_MONTHS: Final = 12


def month_ticks(months: Sequence[date], lang: str, *, every: int = 1) -> dict[str, Any]:
    """X-axis ticks for a date axis with Babel's month names (`jun. 2011`).

    Many labels slant up to the left, each ending at its month: Plotly's own
    slant runs down to the right, and there it hid the last month's label
    (`Jun 2011` on Forløb at 1366 px), which would have crossed the chart's edge.
    """
    ticks = list(months)[::every]
    slant = {"tickangle": -30} if len(ticks) > LEVEL_MONTHS else {}
    return {
        "tickvals": ticks,
        "ticktext": [formatting.month_label(day, lang) for day in ticks],
        **slant,
    }


#: Steps a money axis may take, times a power of ten: 1, 2, 2,5 and 5 read at a glance.
NICE_STEPS: Final[tuple[float, ...]] = (1.0, 2.0, 2.5, 5.0)
#: Kroner in one unit of a money axis, largest first: millions, else whole kroner
#: (`250.000 kr.` reads better than Babel's `250 t kr.`).
MONEY_UNITS: Final[tuple[int, ...]] = (1_000_000, 1)


def money_axis(values: Iterable[float | None], lang: str, *, ticks: int = 5) -> dict[str, Any]:
    """Axis ticks in Danish units for kroner: `0`, `2,5 mio. kr.`, `5 mio. kr.` (`DKK 2.5m`).

    Plotly's own ticks say `2M` (SI, English). Here the ticks are a nice step
    (1, 2, 2,5 or 5 times a power of ten) and every tick is written in the
    unit of the largest, in Babel's short form for the language (`mio.`,
    `m`), so an axis reads one unit from end to end.
    """
    known = [float(v) for v in values if v is not None and not np.isnan(v)]
    low, high = min([0.0, *known]), max([0.0, *known])
    step = _nice_step((high - low) / max(ticks, 1))
    first = np.floor(low / step) * step
    count = int(np.ceil((high - first) / step - 1e-9)) + 1
    tickvals = [float(first + i * step) for i in range(count)]
    if tickvals[-1] < high:
        tickvals.append(tickvals[-1] + step)
    unit = money_unit(known)
    return {
        "tickvals": tickvals,
        "ticktext": [formatting.money_short(v, unit, lang) for v in tickvals],
        # A little room after the last tick, so its label is drawn whole.
        "range": [tickvals[0], tickvals[-1] + step * 0.12],
    }


def count_axis(values: Iterable[object], lang: str, *, ticks: int = 5) -> dict[str, Any]:
    """Axis ticks for counts of families or people: whole numbers only, `10.292` style.

    Plotly's own ticks over small counts read `0,2 0,4 ...`; a family count
    has no fractions, so the step is a nice whole number (at least 1).
    Hidden cells ("<5", drawn at 4) count as 4 for the axis' reach.
    """
    cells = list(values)
    # numbers.Real: a pandas column of counts iterates as numpy integers, not ints.
    known = [float(v) for v in cells if isinstance(v, Real) and not np.isnan(float(v))]
    if any(isinstance(v, str) for v in cells):
        known.append(4.0)
    high = max([1.0, *known])
    rough = high / max(ticks, 1)
    power = 10 ** max(0.0, float(np.floor(np.log10(rough)))) if rough >= 1 else 1.0
    step = next((n * power for n in (1, 2, 5) if n * power >= rough - 1e-9), 10 * power)
    count = int(np.ceil(high / step - 1e-9)) + 1
    tickvals = [float(i * step) for i in range(count)]
    return {
        "tickvals": tickvals,
        "ticktext": [formatting.count_text(v, lang) for v in tickvals],
        "range": [0.0, tickvals[-1] + step * 0.12],
    }


def district_colours(names: Iterable[object]) -> dict[str, tuple[str, str]]:
    """Each district's (colour, line dash), the same on every chart that shows the same districts.

    Given in name order, not the order a chart happens to list them, so a
    district keeps its colour between the funnel and the indicator lines.
    """
    ordered = sorted({str(name) for name in names}, key=str.casefold)
    size = len(DISTRICT_PALETTE)
    return {
        name: (DISTRICT_PALETTE[i % size], DISTRICT_DASHES[(i // size) % len(DISTRICT_DASHES)])
        for i, name in enumerate(ordered)
    }


def stacked_counts(groups: Sequence[object], cells: Sequence[object]) -> list[float]:
    """Each group's stacked bar length, first seen first: the reach `count_axis` needs.

    `cells` are disclosed counts (numbers, `<5`, `x`); a hidden one counts as
    the HIDDEN_HEIGHT it is drawn at, a missing one as nothing.
    """
    totals: dict[object, float] = {}
    for group, cell in zip(groups, cells, strict=True):
        if is_hidden_cell(cell):
            drawn = float(HIDDEN_HEIGHT)
        elif isinstance(cell, Real) and not np.isnan(float(cell)):
            drawn = float(cell)
        else:
            drawn = 0.0
        totals[group] = totals.get(group, 0.0) + drawn
    return list(totals.values())


def money_unit(values: Iterable[float]) -> int:
    """The unit a money axis over `values` is written in (MONEY_UNITS): the largest reached."""
    largest = max((abs(v) for v in values), default=0.0)
    return next((u for u in MONEY_UNITS if largest >= u), 1)


def _nice_step(rough: float) -> float:
    """The smallest nice step (NICE_STEPS x 10^k) at least `rough`; 1 for nothing to show."""
    if rough <= 0:
        return 1.0
    power = 10 ** np.floor(np.log10(rough))
    return float(next((n * power for n in NICE_STEPS if n * power >= rough - 1e-9), 10 * power))


def title(text: str) -> dict[str, str]:
    """A chart or axis title in Plotly's JSON form, shown literally (`literal`)."""
    return {"text": literal(text)}


def vline(x: object, *, colour: str, dash: str = "solid", width: float = 2) -> dict[str, Any]:
    """A vertical line across the whole plot at `x` (a layout shape)."""
    return {
        "type": "line",
        "xref": "x",
        "x0": x,
        "x1": x,
        "yref": "y domain",
        "y0": 0,
        "y1": 1,
        "line": {"color": colour, "dash": dash, "width": width},
    }


def hline(y: float, *, colour: str, dash: str = "solid", width: float = 2) -> dict[str, Any]:
    """A horizontal line across the whole plot at `y` (a layout shape)."""
    return {
        "type": "line",
        "xref": "x domain",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": y,
        "y1": y,
        "line": {"color": colour, "dash": dash, "width": width},
    }


def chart_config() -> dict[str, object]:
    """Plotly config for st.plotly_chart: no logo, a PNG export for slides."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def _merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`base` with `extra` on top; nested dicts (axes, font, legend) merge key by key."""
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key] = _merged(old, value)
        else:
            merged[key] = value
    return merged


def _plain(trace: dict[str, Any]) -> dict[str, Any]:
    """Columns and arrays as lists, so the figure holds what its JSON will say.

    Text values and the legend name are shown literally (`literal`).

    Dates become their ISO text, which is what Plotly writes for them: Plotly
    deep-copies a figure twice on its way to the browser, and copying a date
    object costs some twenty times a string (a fifth of Bydele's render).
    """
    for key, value in trace.items():
        if isinstance(value, pd.Series | pd.Index | np.ndarray):
            value = value.tolist()
        if isinstance(value, list):
            trace[key] = [_cell(v) for v in value]
        elif isinstance(value, dict):
            trace[key] = _plain(dict(value))
    if isinstance(trace.get("name"), str):
        trace["name"] = literal(trace["name"])
    return trace


def _cell(value: object) -> object:
    """One array value as its JSON will hold it: dates as ISO text, text shown literally."""
    if isinstance(value, str):
        return literal(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _literal_categories(layout: dict[str, Any]) -> dict[str, Any]:
    """Axis category orders escaped like the trace values they must match."""
    for key, axis in layout.items():
        if not key.startswith(("xaxis", "yaxis")) or not isinstance(axis, dict):
            continue
        if "categoryarray" in axis:
            layout[key] = {**axis, "categoryarray": [_cell(v) for v in axis["categoryarray"]]}
    return layout
