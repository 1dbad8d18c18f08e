"""Sagsstamme: each coordinator's load against capacity, and one coordinator's families."""

from __future__ import annotations

from typing import Final

import pandas as pd
import streamlit as st

from dashboard import formatting, tables
from dashboard.catalogue import figure, measure, stage_label
from dashboard.charts import (
    CITY,
    OFF_TRACK,
    ON_TRACK,
    Trace,
    count_axis,
    mark_hidden,
    title,
    with_hidden,
)
from dashboard.i18n import N_, t
from dashboard.shell import download_csv
from dashboard.tables import Column, Kind
from dashboard.views.common import no_families, numeric, plot

SEARCH_KEY: Final = "caseload_search"


def search_box(lang: str) -> str:
    """The name search over the coordinators (a city has thousands); the text typed."""
    return str(
        st.text_input(
            t("caseload.search", lang),
            key=SEARCH_KEY,
            placeholder=t("caseload.search_hint", lang),
            icon=":material/search:",
        )
        or ""
    )


def load_chart(frame: pd.DataFrame, lang: str, total: int | None = None) -> None:
    """Bars of active families, a black tick at each coordinator's capacity, and the table.

    `frame` holds the coordinators the query kept, most loaded first; when
    `total` says there are more, a caption says how many and that the
    search finds the others.
    """
    st.subheader(t("caseload.load", lang))
    if total is not None and total > len(frame):
        shown = formatting.count(len(frame), lang=lang)
        st.caption(
            t("caseload.top_only", lang, shown=shown, total=formatting.count(total, lang=lang))
        )
    if frame.empty:
        if st.session_state.get(SEARCH_KEY):
            st.info(t("caseload.no_match", lang), icon=":material/search_off:")
        else:
            no_families(lang)
        return
    _bars(frame, lang)
    table = tables.build(
        [
            Column(t("common.coordinator", lang), frame["name"]),
            Column(figure("active_families").label(lang), frame["active"], Kind.COUNT),
            Column(t("common.capacity", lang), frame["capacity"], Kind.COUNT),
            Column(t("caseload.load_share", lang), frame["load"], Kind.SHARE),
        ],
        lang,
    )
    tables.show(table)
    download_csv(table.text, "sagsstamme_koordinatorer", lang)


def family_table(frame: pd.DataFrame, name: str, lang: str) -> None:
    """The coordinator's families, overdue quarterly reviews first."""
    st.subheader(t("caseload.families_of", lang, name=formatting.markdown_literal(name)))
    if frame.empty:
        no_families(lang)
        return
    yes, no = t("caseload.yes_overdue", lang), t("caseload.no", lang)
    review = measure("next_review_due").label(lang)
    columns = [
        Column(t("common.family_pseudonym", lang), frame["family_id"]),
        Column(t("caseload.stage", lang), [stage_label(s, lang) for s in frame["stage"]]),
        Column(t("caseload.months", lang), frame["months_in_course"], Kind.NUMBER),
        Column(t("caseload.last_meeting", lang), frame["last_coordination"], Kind.DATE),
        Column(review, frame["next_review_due"], Kind.DATE),
        Column(t("caseload.overdue", lang), [yes if o else no for o in frame["review_overdue"]]),
        Column(t("caseload.departments", lang), frame["departments"]),
        Column(t("caseload.open", lang), frame["open_interventions"], Kind.COUNT),
        Column(t("caseload.ssp", lang), frame["ssp_latest"], Kind.NUMBER),
        Column(t("caseload.ssp_change", lang), frame["ssp_change"], Kind.SIGNED),
    ]
    # Ten columns fit a laptop only with short headings: the SSP level, last, must show.
    short = {
        t("common.family_pseudonym", lang): t("caseload.short.family", lang),
        t("caseload.months", lang): t("caseload.short.months", lang),
        t("caseload.last_meeting", lang): t("caseload.short.last_meeting", lang),
        review: t("caseload.short.next_review", lang),
        t("caseload.overdue", lang): t("caseload.short.overdue", lang),
        t("caseload.departments", lang): t("caseload.short.departments", lang),
        t("caseload.open", lang): t("caseload.short.open", lang),
        t("caseload.ssp", lang): t("caseload.short.ssp", lang),
        t("caseload.ssp_change", lang): t("caseload.short.ssp_change", lang),
    }
    # A coordinator has about 15 families: all in view, none behind the grid's own scroll.
    csv = tables.show_short(columns, short, lang, every_row=True)
    st.caption(measure("next_review_due").definition(lang))
    download_csv(csv, "sagsstamme_familier", lang, family_ids=list(frame["family_id"]))


def _bars(frame: pd.DataFrame, lang: str) -> None:
    """One bar per coordinator, hatched when over capacity, in the frame's order."""
    active = numeric(frame["active"])
    over = active > frame["capacity"]
    traces: list[Trace] = []
    for flag, key, colour in (
        (False, N_("caseload.within"), ON_TRACK),
        (True, N_("caseload.over"), OFF_TRACK),
    ):
        rows = frame[over == flag]
        shown = numeric(rows["active"])
        trace: Trace = {
            "type": "bar",
            "name": t(key, lang),
            "y": rows["name"],
            "x": shown,
            "text": [
                f"{v} / {c}"
                for v, c in zip(
                    formatting.counts(rows["active"], lang),
                    formatting.counts(rows["capacity"], lang),
                    strict=True,
                )
            ],
            # White on the hatched bar cannot be read: over capacity, the
            # label goes outside the bar in black. So does the label of a
            # coordinator with no (or a hidden) count: a bar of width 0
            # has no inside, and "auto" would drop its "0 / 15".
            "textposition": "outside"
            if flag
            else ["auto" if value > 0 else "outside" for value in shown],
            "outsidetextfont": {"color": CITY},
            "cliponaxis": False,
            "orientation": "h",
            "marker": {"color": colour, "pattern": {"shape": "/" if flag else ""}},
        }
        # A hidden load ("<5") is a hatched white bar labelled "<5 / 15", never an empty row.
        traces.append(mark_hidden(trace, list(rows["active"]), axis="x"))
    traces.append(
        {
            "type": "scatter",
            "name": t("common.capacity", lang),
            "y": frame["name"],
            "x": frame["capacity"],
            "mode": "markers",
            "marker": {
                "symbol": "line-ns-open",
                "size": 28,
                "color": CITY,
                "line": {"width": 3},
            },
        }
    )
    plot(
        with_hidden(traces, t("disclosure.hidden", lang)),
        lang,
        height=max(260, 45 * len(frame) + 120),
        barmode="overlay",
        xaxis={
            "title": title(figure("active_families").label(lang)),
            **count_axis([*frame["active"].tolist(), *frame["capacity"].tolist()], lang),
        },
        yaxis={
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": list(frame["name"]),
        },
    )
