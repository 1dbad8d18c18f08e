"""Sagsstamme: each coordinator's load against capacity, and one coordinator's families."""

from __future__ import annotations

from typing import Final

import pandas as pd
import streamlit as st

from dashboard import formatting
from dashboard.catalogue import stage_label
from dashboard.charts import CITY, OFF_TRACK, ON_TRACK, Trace, title
from dashboard.shell import download_csv
from dashboard.views.common import measure, no_families, numeric, plot, tr

TEXT: Final[dict[str, dict[str, str]]] = {
    "load": {"da": "Aktive familier pr. koordinator", "en": "Active families per coordinator"},
    "busiest_only": {
        "da": "Diagrammet viser de {shown} koordinatorer med størst belastning af {total}. "
        "Tabellen nedenfor har dem alle.",
        "en": "The chart shows the {shown} most loaded of {total} coordinators. "
        "The table below lists them all.",
    },
    "capacity": {"da": "Kapacitet", "en": "Capacity"},
    "active": {"da": "Aktive familier", "en": "Active families"},
    "within": {"da": "Inden for kapacitet", "en": "Within capacity"},
    "over": {"da": "Over kapacitet", "en": "Over capacity"},
    "coordinator": {"da": "Koordinator", "en": "Coordinator"},
    "load_share": {"da": "Belastning", "en": "Load"},
    "choose": {"da": "Vælg koordinator", "en": "Choose coordinator"},
    "families_of": {"da": "Familier hos {name}", "en": "Families of {name}"},
    "no_rows": {
        "da": "Familieoversigten vises kun for familiens egen koordinator og for administratorer.",
        "en": "The family list is shown only to the family's own coordinator and to admins.",
    },
    "family": {"da": "Familie (pseudonym)", "en": "Family (pseudonym)"},
    "stage": {"da": "Fase", "en": "Stage"},
    "months": {"da": "Måneder i forløb", "en": "Months in course"},
    "last_meeting": {"da": "Seneste koordineringsmøde", "en": "Last coordination meeting"},
    "overdue": {"da": "Opfølgning forfalden", "en": "Review overdue"},
    "departments": {"da": "Forvaltninger involveret", "en": "Departments involved"},
    "open": {"da": "Åbne indsatser", "en": "Open interventions"},
    "ssp": {"da": "SSP-niveau (seneste)", "en": "SSP level (latest)"},
    "ssp_change": {"da": "SSP-ændring siden start", "en": "SSP change since intake"},
    "yes": {"da": "⚠ Ja, forfalden", "en": "⚠ Yes, overdue"},
    "no": {"da": "Nej", "en": "No"},
}


#: Coordinators the load chart draws at most (a city has thousands; the table lists all).
CHART_LIMIT: Final = 30


def load_chart(frame: pd.DataFrame, lang: str) -> None:
    """Bars of active families, a black tick at each coordinator's capacity.

    With more than CHART_LIMIT coordinators the chart keeps the most loaded
    ones (active / capacity), and says so; the table under it has them all.
    """
    st.subheader(tr(TEXT, "load", lang))
    if frame.empty:
        no_families(lang)
        return
    _bars(_busiest(frame, lang), lang)
    table = pd.DataFrame(
        {
            tr(TEXT, "coordinator", lang): frame["name"],
            tr(TEXT, "active", lang): formatting.counts(frame["active"], lang),
            tr(TEXT, "capacity", lang): formatting.counts(frame["capacity"], lang),
            tr(TEXT, "load_share", lang): formatting.shares(frame["load"].tolist(), lang),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    download_csv(table, "sagsstamme_koordinatorer", lang)


def _signed(value: object) -> str:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return formatting.MISSING
    n = int(value)  # type: ignore[call-overload]
    return f"+{n}" if n > 0 else str(n)


def family_table(frame: pd.DataFrame, name: str, lang: str) -> None:
    """The coordinator's families, overdue quarterly reviews first."""
    st.subheader(tr(TEXT, "families_of", lang, name=name))
    if frame.empty:
        no_families(lang)
        return
    table = pd.DataFrame(
        {
            tr(TEXT, "family", lang): frame["family_id"],
            tr(TEXT, "stage", lang): [stage_label(s, lang) for s in frame["stage"]],
            tr(TEXT, "months", lang): [
                formatting.MISSING if pd.isna(m) else str(int(m)) for m in frame["months_in_course"]
            ],
            tr(TEXT, "last_meeting", lang): [
                formatting.short_date(d, lang) for d in frame["last_coordination"]
            ],
            measure("next_review_due").label(lang): [
                formatting.short_date(d, lang) for d in frame["next_review_due"]
            ],
            tr(TEXT, "overdue", lang): [
                tr(TEXT, "yes" if o else "no", lang) for o in frame["review_overdue"]
            ],
            tr(TEXT, "departments", lang): frame["departments"],
            tr(TEXT, "open", lang): formatting.counts(frame["open_interventions"], lang),
            tr(TEXT, "ssp", lang): [_signed(v).lstrip("+") for v in frame["ssp_latest"]],
            tr(TEXT, "ssp_change", lang): [_signed(v) for v in frame["ssp_change"]],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(measure("next_review_due").definition(lang))
    download_csv(table, "sagsstamme_familier", lang)


def _busiest(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The CHART_LIMIT most loaded coordinators, most loaded first; all when fewer."""
    if len(frame) <= CHART_LIMIT:
        return frame
    load = numeric(frame["active"]) / frame["capacity"].where(frame["capacity"] > 0)
    shown = frame.assign(_load=load).sort_values("_load", ascending=False, kind="stable")
    total = formatting.count(len(frame), lang=lang)
    st.caption(tr(TEXT, "busiest_only", lang, shown=CHART_LIMIT, total=total))
    return shown.drop(columns="_load").head(CHART_LIMIT)


def _bars(frame: pd.DataFrame, lang: str) -> None:
    """One bar per coordinator, hatched when over capacity, in the frame's order."""
    active = numeric(frame["active"])
    over = active > frame["capacity"]
    traces: list[Trace] = []
    for flag, key, colour in ((False, "within", ON_TRACK), (True, "over", OFF_TRACK)):
        rows = frame[over == flag]
        shown = numeric(rows["active"])
        traces.append(
            {
                "type": "bar",
                "name": tr(TEXT, key, lang),
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
        )
    traces.append(
        {
            "type": "scatter",
            "name": tr(TEXT, "capacity", lang),
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
        traces,
        lang,
        height=max(260, 45 * len(frame) + 120),
        barmode="overlay",
        xaxis={"title": title(tr(TEXT, "active", lang))},
        yaxis={
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": list(frame["name"]),
        },
    )
