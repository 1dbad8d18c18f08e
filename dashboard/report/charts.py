"""The report's charts as PNG images, drawn with matplotlib (no browser needed).

Plotly's image export (kaleido) needs Chrome, which a fresh machine with
only `make run` does not have; matplotlib's Agg backend needs nothing. The
charts use the dashboard's palette and stage colours and Babel's Danish
number and month formats, so they look like the pages they summarise.
"""

from __future__ import annotations

import io
from typing import Final

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dashboard import formatting
from dashboard.catalogue import figure as catalogue_figure
from dashboard.catalogue import stage_label
from dashboard.charts import (
    CITY,
    HIDDEN_COLOUR,
    HIDDEN_HEIGHT,
    NEUTRAL,
    PALETTE,
    STAGE_COLOURS,
    is_hidden_cell,
)
from dashboard.i18n import t
from data_access.rules.stages import ENDED, STAGE_ORDER

#: Width and height in inches; at 200 dpi sharp on paper and on a projector.
SIZE: Final = (7.2, 3.3)
DPI: Final = 200


def _literal(text: str) -> str:
    """A name from the bundle drawn as written: matplotlib reads `$...$` as mathematics.

    A department called `Udgifter $\\frac$` would otherwise stop the whole
    report with a parse error.
    """
    return text.replace("$", r"\$")


def _new_figure(height: float = SIZE[1]) -> tuple[Figure, Axes]:
    fig, ax = plt.subplots(figsize=(SIZE[0], height), dpi=DPI)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5")
    ax.set_axisbelow(True)
    return fig, ax


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=DPI)
    plt.close(fig)
    return buffer.getvalue()


def _millions(lang: str) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: formatting.number(value / 1e6, lang, decimals=1))


def stage_chart(stage_months: pd.DataFrame, lang: str) -> bytes:
    """Families per stage at each month's end, stacked (ended courses left out: they only grow)."""
    return _png(stage_figure(stage_months, lang))


def stage_figure(stage_months: pd.DataFrame, lang: str) -> Figure:
    """The stage chart as a matplotlib figure (tests read its bars and legend).

    A hidden cell (`display` `<5` or `x`: a frozen quarter of the old rule)
    is drawn as on the pages (`charts.mark_hidden`): a white, hatched segment
    HIDDEN_HEIGHT high labelled with its text, and a legend entry "skjult,
    under 5", so it never reads as 0. The report holds exact counts today
    (steering scope); this keeps it honest if a hidden cell ever reaches it.
    """
    fig, ax = _new_figure()
    shown = [s for s in STAGE_ORDER if s != ENDED]
    cells = {
        (month, stage): display
        for month, stage, display in zip(
            stage_months["month_end"],
            stage_months["stage"],
            stage_months.get("display", [None] * len(stage_months)),
            strict=True,
        )
    }
    table = stage_months.pivot_table(
        index="month_end", columns="stage", values="families", aggfunc="sum", fill_value=0
    )
    months = sorted({*table.index, *(month for month, _ in cells)})
    table = table.reindex(months, fill_value=0)
    positions = list(range(len(months)))
    bottom = [0.0] * len(months)
    any_hidden = False
    for stage in shown:
        column = table.get(stage, pd.Series(0, index=table.index))
        hidden = [is_hidden_cell(cells.get((m, stage))) for m in months]
        heights = [
            float(HIDDEN_HEIGHT) if h else float(v) for h, v in zip(hidden, column, strict=True)
        ]
        bars = ax.bar(
            positions,
            heights,
            bottom=bottom,
            color=STAGE_COLOURS[stage],
            label=stage_label(stage, lang),
            width=0.75,
        )
        for bar, h, month in zip(bars, hidden, months, strict=True):
            if h:
                any_hidden = True
                bar.set_facecolor("#ffffff")
                bar.set_edgecolor(STAGE_COLOURS[stage])
                bar.set_hatch("///")
                ax.annotate(
                    str(cells[(month, stage)]),
                    (bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2),
                    ha="center",
                    va="center",
                    fontsize=6,
                    color=HIDDEN_COLOUR,
                )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    if any_hidden:
        ax.bar(
            [],
            [],
            color="#ffffff",
            edgecolor=HIDDEN_COLOUR,
            hatch="///",
            label=t("disclosure.hidden", lang),
        )
    ax.set_xticks(
        positions, [formatting.month_label(m, lang).replace(" ", "\n") for m in months], fontsize=7
    )
    ax.set_ylabel(t("common.families", lang))
    # Whole families only: matplotlib's own ticks over a few families read 0,5 1,5.
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: formatting.number(v, lang)))
    ax.legend(ncols=3, fontsize=7, loc="upper left", bbox_to_anchor=(0, 1.22), frameon=False)
    return fig


def spend_chart(spend_months: pd.DataFrame, lang: str) -> bytes:
    """Spent year to date at each month's end against the even-spending plan."""
    fig, ax = _new_figure()
    months = list(spend_months["month_end"])
    positions = list(range(len(months)))
    ax.bar(
        positions,
        list(spend_months["spent_ytd"]),
        color=PALETTE[0],
        width=0.6,
        label=catalogue_figure("spent_ytd").label(lang),
    )
    planned = spend_months["planned"]
    if planned.notna().any():
        ax.plot(
            positions,
            list(planned),
            color=CITY,
            marker="o",
            linewidth=2,
            label=t("report.chart.plan", lang),
        )
    ax.set_xticks(positions, [formatting.month_label(m, lang) for m in months], fontsize=8)
    ax.yaxis.set_major_formatter(_millions(lang))
    ax.set_ylabel(t("report.chart.million", lang))
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    return _png(fig)


def budget_chart(spend: pd.DataFrame, lang: str) -> bytes:
    """Budget and spent per department (or funder), with the share expected by now marked."""
    fig, ax = _new_figure(height=0.75 + 0.55 * max(len(spend), 1))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#e5e5e5")
    frame = spend.iloc[::-1]
    positions = list(range(len(frame)))
    budget = [float(v) if pd.notna(v) else 0.0 for v in frame["budget_year"]]
    spent = [float(v) for v in frame["spent_ytd"]]
    ax.barh(
        [p + 0.2 for p in positions],
        budget,
        height=0.4,
        color=NEUTRAL,
        label=catalogue_figure("budget_year").label(lang),
    )
    ax.barh(
        [p - 0.2 for p in positions],
        spent,
        height=0.4,
        color=PALETTE[0],
        label=catalogue_figure("spent_ytd").label(lang),
    )
    expected = frame["expected_share"].iloc[0] if len(frame) else None
    if expected is not None:
        for position, amount in zip(positions, budget, strict=True):
            if amount:
                ax.plot(
                    [amount * expected] * 2,
                    [position - 0.45, position + 0.05],
                    color=CITY,
                    linewidth=2,
                )
        ax.plot(
            [], [], color=CITY, linewidth=2, label=catalogue_figure("expected_share").label(lang)
        )
    ax.set_yticks(positions, [_literal(str(name)) for name in frame["name"]], fontsize=8)
    ax.xaxis.set_major_formatter(_millions(lang))
    ax.set_xlabel(t("report.chart.million", lang))
    ax.legend(fontsize=8, loc="lower right", frameon=False)
    return _png(fig)
