"""Forløb: how families move through the course, and which courses need attention soon."""

from __future__ import annotations

import math
from functools import partial
from typing import Final

import pandas as pd
import streamlit as st

from dashboard import formatting, tables
from dashboard.catalogue import measure, stage_label
from dashboard.charts import (
    NEUTRAL,
    PALETTE,
    STAGE_COLOURS,
    Trace,
    count_axis,
    is_hidden_cell,
    mark_hidden,
    month_ticks,
    stacked_counts,
    title,
    vline,
    with_hidden,
)
from dashboard.formatting import count
from dashboard.i18n import N_, t
from dashboard.metrics import card_help, show_figure
from dashboard.shell import download_csv
from dashboard.tables import Column, Kind
from dashboard.views.common import chart_numbers, no_families, numeric, plot
from data_access.queries.figures import FigureValue
from data_access.rules.figures import FigureId
from data_access.rules.stages import STAGE_ORDER

DAYS_PER_MONTH: Final = 30.4375
#: End reason (`queries.courses.END_REASONS`) -> message id of its label.
REASON_LABELS: Final[dict[str, str]] = {
    "completed": N_("courses.reason.completed"),
    "dropped_out": N_("courses.reason.dropped_out"),
    "moved": N_("courses.reason.moved"),
    "other": N_("courses.reason.other"),
}
#: Column of `queries.courses.course_flow` -> message id of its trace.
FLOW_TRACES: Final[dict[str, str]] = {
    "started": N_("common.started"),
    "ended": N_("courses.ended"),
}
#: CSV headers of the page's downloads: the users' words, not the query's column names.
CSV_HEADERS: Final[dict[str, str]] = {
    "month_end": N_("common.month"),
    "stage": N_("courses.csv.stage"),
    "display": N_("common.families"),
    "families": N_("common.families"),
    "started": N_("common.started"),
    "ended": N_("courses.ended"),
    "reason": N_("courses.csv.reason"),
    "course": N_("courses.course"),
    "started_on": N_("courses.csv.started_on"),
    "aftercare_days": N_("courses.csv.aftercare_days"),
    "end_days": N_("courses.csv.end_days"),
}


def csv_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`frame` with its headers in the user's language (`CSV_HEADERS`), for a download.

    Pages hand `download_csv` a `partial` of this, so it runs on a click, not every rerun.
    """
    return frame.rename(columns={c: t(CSV_HEADERS[c], lang) for c in frame if c in CSV_HEADERS})


#: The figures `headline` shows, beside the count due to aftercare.
HEADLINE: Final[tuple[FigureId, ...]] = (
    FigureId.ACTIVE_FAMILIES,
    FigureId.INTENSIVE_FAMILIES,
    FigureId.AFTERCARE_FAMILIES,
    FigureId.ENDED_FAMILIES,
)


def headline(figures: dict[str, FigureValue], due: int | str, lang: str) -> None:
    """Where the families are now, and how many move to aftercare within 30 days."""
    columns = st.columns(5)
    for column, figure_id in zip(columns, HEADLINE, strict=False):
        with column:
            show_figure(figures[figure_id], lang)
    entry = measure("due_aftercare")
    shown = formatting.count_text(due, lang)
    columns[4].metric(
        entry.label(lang),
        shown,
        help=card_help(entry.definition(lang), shown, lang),
        border=True,
    )


def stages(frame: pd.DataFrame, lang: str) -> None:
    st.subheader(t("courses.stages", lang))
    if frame.empty:
        no_families(lang)
        return
    families = numeric(frame["families"]).tolist()
    displays = frame["display"].tolist()
    if sum(families) == 0 and not any(map(is_hidden_cell, displays)):
        no_families(lang)
        return
    # One pass over plain lists: a boolean mask per stage cost a tenth of a warm Forløb view.
    months_of: dict[str, list[object]] = {stage: [] for stage in STAGE_ORDER}
    families_of: dict[str, list[float]] = {stage: [] for stage in STAGE_ORDER}
    displays_of: dict[str, list[object]] = {stage: [] for stage in STAGE_ORDER}
    month_ends = frame["month_end"].tolist()
    for stage, month_end, number, display in zip(
        frame["stage"].tolist(), month_ends, families, displays, strict=True
    ):
        if stage in months_of:
            months_of[stage].append(month_end)
            families_of[stage].append(number)
            displays_of[stage].append(display)
    traces: list[Trace] = []
    for stage in STAGE_ORDER:
        trace = {
            "type": "bar",
            "name": stage_label(stage, lang),
            "x": months_of[stage],
            "y": families_of[stage],
            "customdata": displays_of[stage],
            "hovertemplate": "%{customdata}",
            "marker": {"color": STAGE_COLOURS[stage]},
        }
        # A month whose cell is hidden shows a hatched "<5" bar, not an empty month.
        traces.append(mark_hidden(trace, displays_of[stage]))
    months = list(dict.fromkeys(month_ends))
    cells = [d if is_hidden_cell(d) else n for n, d in zip(families, displays, strict=True)]
    plot(
        with_hidden(traces, t("disclosure.hidden", lang)),
        lang,
        barmode="stack",
        xaxis=month_ticks(months, lang, every=max(1, len(frame) // 72)),
        yaxis={
            "title": title(t("common.families", lang)),
            **count_axis(stacked_counts(month_ends, cells), lang),
        },
    )
    chart_numbers(partial(_stages_csv, frame, lang), lang, key="forloeb_stages_numbers")
    download_csv(partial(_stages_csv, frame, lang), "familier_pr_fase", lang)


def _stages_csv(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The stage counts for a download: stage names in the user's language, counts as shown."""
    table = frame.assign(stage=[stage_label(s, lang) for s in frame["stage"]])
    return csv_table(table.drop(columns="families"), lang)


def timeline(
    frame: pd.DataFrame, total: int, intensive: int, course: int, suppressed: bool, lang: str
) -> None:
    """One bar per course: intensive (blue) to aftercare (green), the boundaries drawn.

    `frame` holds the newest courses when there are more (`total`); a note
    says so, so nobody reads the chart as the whole programme.
    """
    st.subheader(t("courses.timeline", lang))
    if suppressed:
        st.info(t("courses.no_timeline", lang), icon=":material/lock:")
        return
    if frame.empty:
        no_families(lang)
        return
    if total > len(frame):
        shown, whole = count(len(frame), lang=lang), count(total, lang=lang)
        st.caption(t("courses.newest_only", lang, shown=shown, total=whole))
    labels = [
        str(fid) if fid else t("courses.anonymous", lang, n=i + 1)
        for i, fid in enumerate(frame["family_id"])
    ]
    end = frame["end_days"] / DAYS_PER_MONTH
    turn = (frame["aftercare_days"] / DAYS_PER_MONTH).clip(upper=end)
    traces = [
        {
            "type": "bar",
            "name": stage_label(stage, lang),
            "y": labels,
            "x": length,
            "orientation": "h",
            "marker": {"color": STAGE_COLOURS[stage]},
        }
        for stage, length in (("intensive", turn), ("aftercare", end - turn))
    ]
    # The boundaries are named on the month axis, where no bar can cover them.
    marks = {intensive: t("courses.boundary_tick", lang, m=intensive)}
    marks[course] = t("courses.course_end_tick", lang, m=course)
    months = list(range(0, max(course, math.ceil(float(end.max()))) + 1))
    plot(
        traces,
        lang,
        height=max(300, 22 * len(frame) + 120),
        barmode="stack",
        shapes=[
            vline(month, colour=NEUTRAL, dash=dash)
            for month, dash in ((intensive, "dash"), (course, "dot"))
        ],
        xaxis={
            "title": title(t("courses.months_from_start", lang)),
            "tickvals": months,
            "ticktext": [marks.get(m, str(m)) for m in months],
        },
        yaxis={"autorange": "reversed", "title": title(t("courses.course", lang))},
    )
    table = frame.assign(course=labels).drop(columns="family_id")
    pseudonyms = [str(fid) for fid in frame["family_id"] if fid]
    download_csv(partial(csv_table, table, lang), "forloeb_tidslinje", lang, family_ids=pseudonyms)


def due_list(frame: pd.DataFrame, lang: str, limit: int | None = None) -> None:
    """The families due to aftercare within 30 days; a caption when the list hit `limit`."""
    if frame.empty:
        return
    st.subheader(measure("due_aftercare").label(lang))
    if limit is not None and len(frame) >= limit:
        st.caption(t("courses.due_nearest_only", lang, shown=formatting.count(limit, lang=lang)))
    table = tables.build(
        [
            Column(t("common.family_pseudonym", lang), frame["family_id"]),
            Column(t("common.coordinator", lang), frame["coordinator"]),
            Column(t("courses.aftercare_on", lang), frame["aftercare_due_on"], Kind.DATE),
        ],
        lang,
    )
    tables.show(table)
    download_csv(table.text, "efterværn_30_dage", lang, family_ids=list(frame["family_id"]))


def flow(frame: pd.DataFrame, lang: str) -> None:
    st.subheader(t("courses.flow", lang))
    if frame.empty:
        no_families(lang)
        return
    traces = [
        mark_hidden(
            {
                "type": "bar",
                "name": t(FLOW_TRACES[key], lang),
                "x": frame["month_end"],
                "y": numeric(frame[key]),
                "text": formatting.counts(frame[key], lang),
                "marker": {"color": PALETTE[i]},
                "offsetgroup": str(i),
            },
            list(frame[key]),
        )
        for i, key in enumerate(("started", "ended"))
    ]
    plot(
        with_hidden(traces, t("disclosure.hidden", lang), offsetgroup="0"),
        lang,
        height=320,
        xaxis=month_ticks(list(frame["month_end"]), lang, every=max(1, len(frame) // 12)),
        yaxis={
            "title": title(t("common.families", lang)),
            **count_axis([*frame["started"].tolist(), *frame["ended"].tolist()], lang),
        },
    )
    chart_numbers(partial(csv_table, frame, lang), lang, key="forloeb_flow_numbers")
    download_csv(partial(csv_table, frame, lang), "forloeb_startet_afsluttet", lang)


def reasons(frame: pd.DataFrame, lang: str) -> None:
    st.subheader(t("courses.reasons", lang))
    if numeric(frame["families"]).sum() == 0 and not frame["families"].map(is_hidden_cell).any():
        no_families(lang)
        return
    names = [t(REASON_LABELS[str(r)], lang) for r in frame["reason"]]
    bars = {
        "type": "bar",
        "x": numeric(frame["families"]),
        "y": names,
        "orientation": "h",
        "text": formatting.counts(frame["families"], lang),
        "marker": {"color": PALETTE[2]},
    }
    plot(
        with_hidden(
            [mark_hidden(bars, list(frame["families"]), axis="x")], t("disclosure.hidden", lang)
        ),
        lang,
        height=260,
        xaxis={
            "title": title(t("common.families", lang)),
            **count_axis(frame["families"].tolist(), lang),
        },
        yaxis={"autorange": "reversed"},
    )
    by_reason = partial(csv_table, frame.assign(reason=names), lang)
    chart_numbers(by_reason, lang, key="forloeb_reasons_numbers")
    download_csv(by_reason, "forloeb_afslutning", lang)
