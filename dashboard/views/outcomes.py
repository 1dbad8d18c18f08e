"""Layout pieces of the Effekt page: outcome figures, SSP transitions, course months, districts.

A share that rests on fewer than 5 families says so next to it for every
role; for the suppressed roles data_access has already withheld it.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import streamlit as st

from dashboard import formatting
from dashboard.catalogue import figure
from dashboard.charts import PALETTE, title
from dashboard.metrics import show_figure
from dashboard.views.common import plot, status, tr
from data_access.derived.course_months import COURSE_MEASURES, Measure
from data_access.queries.figures import FigureValue
from data_access.queries.outcomes import SSP_LEVELS
from data_access.rules.disclosure import WITHHELD, is_small

TEXTS: Final[dict[str, dict[str, str]]] = {
    "figures": {"da": "Resultater pr. opgørelsesdatoen", "en": "Results on the report date"},
    "of_families": {
        "da": "{n} af {d} familier med SSP-vurdering ved start og senere",
        "en": "{n} of {d} families with an SSP assessment at start and later",
    },
    "of_parents": {
        "da": "{n} af {d} vurderede forældre i aktive familier",
        "en": "{n} of {d} assessed parents in active families",
    },
    "target_met": {"da": "Målet på {target} er nået", "en": "Target of {target} met"},
    "target_missed": {"da": "Under målet på {target}", "en": "Below the target of {target}"},
    "small_base": {
        "da": ":material/warning: Bygger på færre end 5 familier – tolk med varsomhed.",
        "en": ":material/warning: Rests on fewer than 5 families – read with care.",
    },
    "ssp": {"da": "SSP-niveau ved start og senest", "en": "SSP level at start and latest"},
    "ssp_note": {
        "da": "Familier efter det højeste SSP-niveau blandt børnene: rækker = ved start, "
        "kolonner = senest. Under diagonalen er niveauet faldet (forbedret); det er de "
        "familier, der tæller som forbedret ovenfor.",
        "en": "Families by the highest SSP level among their children: rows = at start, "
        "columns = latest. Below the diagonal the level fell (improved); these are the "
        "families counted as improved above.",
    },
    "at_start": {"da": "Ved start", "en": "At start"},
    "latest": {"da": "Senest: {level}", "en": "Latest: {level}"},
    "course": {"da": "Udvikling over forløbet", "en": "Change over the course"},
    "course_note": {
        "da": "X-aksen er måneder siden familiens start, så familier, der startede på "
        "forskellige tidspunkter, sammenlignes på samme sted i forløbet. Tallet ved hvert "
        "punkt er antallet af familier bag gennemsnittet; åbne punkter bygger på færre end 5.",
        "en": "The x axis is months since the family's start, so families that started at "
        "different times are compared at the same point of their course. The number at "
        "each point is the families behind the average; open points rest on fewer than 5.",
    },
    "measure": {"da": "Mål", "en": "Measure"},
    "course_month": {"da": "Måneder siden start", "en": "Months since start"},
    "no_data": {"da": "Ingen vurderinger af dette mål endnu.", "en": "No assessments yet."},
    "districts": {"da": "Pr. bydel/område", "en": "By district"},
    "district": {"da": "Bydel/område", "en": "District"},
    "improved_n": {"da": "Forbedret (antal)", "en": "Improved (count)"},
    "eligible_n": {"da": "Familier vurderet", "en": "Families assessed"},
    "supporting_n": {"da": "Selvforsørgende (antal)", "en": "Self-supporting (count)"},
    "parents_n": {"da": "Forældre vurderet", "en": "Parents assessed"},
    "note": {"da": "Bemærk", "en": "Note"},
    "small_cell": {"da": "⚠ færre end 5", "en": "⚠ fewer than 5"},
}

MEASURE_TEXTS: Final[dict[str, dict[str, str]]] = {
    "school_attendance": {"da": "Skolefremmøde (%)", "en": "School attendance (%)"},
    "life_quality": {"da": "Livskvalitet (1-10)", "en": "Life quality (1-10)"},
    "employment": {"da": "Andel selvforsørgende forældre", "en": "Share self-supporting parents"},
    "parental_authority": {"da": "Forældreautoritet (1-5)", "en": "Parental authority (1-5)"},
}

SSP_NAMES: Final[dict[int, dict[str, str]]] = {
    0: {"da": "0 ingen", "en": "0 none"},
    1: {"da": "1 bekymrende adfærd", "en": "1 worrying behaviour"},
    2: {"da": "2 førstegangskriminalitet", "en": "2 first offence"},
    3: {"da": "3 gentagen kriminalitet", "en": "3 repeated crime"},
    4: {"da": "4 personfarlig kriminalitet", "en": "4 violent crime"},
}


def rests_on_few(item: FigureValue) -> bool:
    """The share's base is 1-4 families: withheld for suppressed roles, flagged for all."""
    return item.display == WITHHELD or is_small(item.denominator)


def outcome_figures(values: dict[str, FigureValue], lang: str) -> None:
    """Improved parental authority (share, count, target) and self-supporting parents."""
    left, right = st.columns(2)
    with left:
        improved = values["improved_share"]
        show_figure(improved, lang)
        st.caption(_parts(improved, "of_families", lang))
        if improved.target is not None and improved.value is not None:
            target = formatting.share(improved.target, lang)
            status(
                improved.value >= improved.target,
                lang,
                good=tr(TEXTS, "target_met", lang, target=target),
                bad=tr(TEXTS, "target_missed", lang, target=target),
            )
        elif improved.target is None:
            status(None, lang)
        if rests_on_few(improved):
            st.caption(tr(TEXTS, "small_base", lang))
    with right:
        supporting = values["self_supporting_parents"]
        show_figure(supporting, lang)
        st.caption(_parts(supporting, "of_parents", lang))
        if rests_on_few(supporting):
            st.caption(tr(TEXTS, "small_base", lang))


def _parts(item: FigureValue, key: str, lang: str) -> str:
    numerator = formatting.count(item.numerator, "<5" if item.numerator is None else None, lang)
    if item.display == WITHHELD:
        numerator = formatting.MISSING
    denominator = formatting.count(
        item.denominator, "<5" if item.denominator is None else None, lang
    )
    return tr(TEXTS, key, lang, n=numerator, d=denominator)


def transition_table(table: pd.DataFrame, lang: str) -> None:
    """Intake level x latest level, level names spelled out."""
    shown = pd.DataFrame(
        {
            tr(TEXTS, "latest", lang, level=SSP_NAMES[a][lang]): formatting.counts(
                [table.loc[b, a] for b in SSP_LEVELS], lang
            )
            for a in SSP_LEVELS
        }
    )
    shown.insert(0, tr(TEXTS, "at_start", lang), [SSP_NAMES[b][lang] for b in SSP_LEVELS])
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(tr(TEXTS, "ssp_note", lang))


def measure_choice(lang: str) -> Measure:
    chosen: Measure = (
        st.segmented_control(
            tr(TEXTS, "measure", lang),
            COURSE_MEASURES,
            default=COURSE_MEASURES[0],
            format_func=lambda m: MEASURE_TEXTS[m][lang],
            key="effekt_measure",
        )
        or COURSE_MEASURES[0]
    )
    return chosen


def course_chart(series: pd.DataFrame, measure: Measure, lang: str) -> None:
    """Average per course month with the number of families at each point."""
    if series.empty:
        st.info(tr(TEXTS, "no_data", lang), icon=":material/info:")
        return
    scale = 100.0 if measure == "employment" else 1.0
    values = [None if pd.isna(v) else v * scale for v in series["value"]]
    line = {
        "type": "scatter",
        "x": series["course_month"],
        "y": values,
        "mode": "lines+markers+text",
        "text": formatting.counts(series["families"], lang),
        "textposition": "top center",
        "name": MEASURE_TEXTS[measure][lang],
        "line": {"color": PALETTE[0], "width": 3},
        "marker": {
            "size": 11,
            "symbol": ["circle-open" if s else "circle" for s in series["small"]],
            "color": PALETTE[0],
        },
        "connectgaps": False,
        "hovertemplate": "%{x}: %{y:,.1f} (n = %{text})<extra></extra>",
    }
    yaxis: dict[str, object] = {"title": title(MEASURE_TEXTS[measure][lang])}
    shown = [v for v in values if v is not None]
    if shown:
        pad = max((max(shown) - min(shown)) * 0.15, 1.0)
        yaxis["range"] = [min(shown) - pad, max(shown) + pad]
    xaxis = {"title": title(tr(TEXTS, "course_month", lang)), "dtick": 1}
    plot([line], lang, xaxis=xaxis, yaxis=yaxis)
    st.caption(tr(TEXTS, "course_note", lang))


def district_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per district: both outcome shares with their counts, small bases flagged."""
    small = tr(TEXTS, "small_cell", lang)
    shown = pd.DataFrame(
        {
            tr(TEXTS, "district", lang): frame["name"],
            figure("improved_share").label(lang): [
                _share_cell(v, f, small, lang)
                for v, f in zip(frame["improved_share"], frame["improved_small"], strict=True)
            ],
            tr(TEXTS, "improved_n", lang): formatting.counts(frame["improved"], lang),
            tr(TEXTS, "eligible_n", lang): formatting.counts(frame["eligible"], lang),
            figure("self_supporting_parents").label(lang): [
                _share_cell(v, f, small, lang)
                for v, f in zip(frame["supporting_share"], frame["supporting_small"], strict=True)
            ],
            tr(TEXTS, "supporting_n", lang): formatting.counts(frame["supporting"], lang),
            tr(TEXTS, "parents_n", lang): formatting.counts(frame["parents"], lang),
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    return shown


def _share_cell(value: float | None, small: bool, flag: str, lang: str) -> str:
    shown = formatting.share(None if value is None or pd.isna(value) else float(value), lang)
    return f"{shown} {flag}" if small else shown
