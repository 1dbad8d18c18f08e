"""Layout pieces of the Effekt page: outcome figures, SSP transitions, course months, districts.

A share that rests on fewer than 5 families says so next to it for every
role; for the suppressed roles data_access has already withheld it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import pandas as pd
import streamlit as st

from dashboard import formatting, tables
from dashboard.catalogue import figure
from dashboard.charts import PALETTE, title
from dashboard.i18n import N_, t
from dashboard.metrics import show_figure
from dashboard.tables import Column, Kind
from dashboard.views.common import chart_numbers, plot, status
from data_access.derived.course_months import COURSE_MEASURES, Measure
from data_access.queries.figures import FigureValue
from data_access.queries.outcomes import SSP_LEVELS
from data_access.rules.disclosure import WITHHELD, is_small

#: Course measure (`derived.course_months.COURSE_MEASURES`) -> message id of its name.
MEASURE_NAMES: Final[dict[str, str]] = {
    "school_attendance": N_("outcomes.measure.school_attendance"),
    "life_quality": N_("outcomes.measure.life_quality"),
    "employment": N_("outcomes.measure.employment"),
    "parental_authority": N_("outcomes.measure.parental_authority"),
}

#: SSP level (`queries.outcomes.SSP_LEVELS`) -> message id of its name.
SSP_NAMES: Final[dict[int, str]] = {
    0: N_("outcomes.ssp_level.0"),
    1: N_("outcomes.ssp_level.1"),
    2: N_("outcomes.ssp_level.2"),
    3: N_("outcomes.ssp_level.3"),
    4: N_("outcomes.ssp_level.4"),
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
        st.caption(_parts(improved, N_("outcomes.of_families"), lang))
        if improved.target is not None and improved.value is not None:
            target = formatting.share(improved.target, lang)
            status(
                improved.value >= improved.target,
                lang,
                good=t("outcomes.target_met", lang, target=target),
                bad=t("outcomes.target_missed", lang, target=target),
            )
        elif improved.target is None:
            status(None, lang)
        if rests_on_few(improved):
            st.caption(t("outcomes.small_base", lang))
    with right:
        supporting = values["self_supporting_parents"]
        show_figure(supporting, lang)
        st.caption(_parts(supporting, N_("outcomes.of_parents"), lang))
        if rests_on_few(supporting):
            st.caption(t("outcomes.small_base", lang))


def _parts(item: FigureValue, msgid: str, lang: str) -> str:
    numerator = formatting.count(item.numerator, "<5" if item.numerator is None else None, lang)
    if item.display == WITHHELD:
        numerator = formatting.MISSING
    denominator = formatting.count(
        item.denominator, "<5" if item.denominator is None else None, lang
    )
    return t(msgid, lang, n=numerator, d=denominator)


def transition_table(levels: pd.DataFrame, lang: str) -> None:
    """Intake level x latest level: rows spell the level out, columns give its number.

    Five columns named in full were 1 080 px wide and scrolled on a laptop.
    """
    names = {level: t(SSP_NAMES[level], lang) for level in SSP_LEVELS}
    table = tables.build(
        [
            Column(t("common.at_start", lang), [names[b] for b in SSP_LEVELS]),
            *(
                Column(
                    t("outcomes.latest", lang, level=a),
                    [levels.loc[b, a] for b in SSP_LEVELS],
                    Kind.COUNT,
                )
                for a in SSP_LEVELS
            ),
        ],
        lang,
    )
    tables.show(table)
    st.caption(t("outcomes.ssp_note", lang))


def measure_choice(lang: str) -> Measure:
    chosen: Measure = (
        st.segmented_control(
            t("outcomes.measure", lang),
            COURSE_MEASURES,
            default=COURSE_MEASURES[0],
            format_func=lambda m: t(MEASURE_NAMES[m], lang),
            key="effekt_measure",
        )
        or COURSE_MEASURES[0]
    )
    return chosen


def course_chart(series: pd.DataFrame, measure: Measure, lang: str) -> None:
    """Average per course month with the number of families at each point.

    The query gives every course month up to D, most on no family at all. An
    exact role's line joins the months that have values; a suppressed role
    gets them all, a gap each where its `<5` stands for 0 as well as 1-4.
    """
    series = series[series["families"].astype(str) != "0"]
    if series.empty:
        st.info(t("outcomes.no_data", lang), icon=":material/info:")
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
        "name": t(MEASURE_NAMES[measure], lang),
        "line": {"color": PALETTE[0], "width": 3},
        "marker": {
            "size": 11,
            "symbol": ["circle-open" if s else "circle" for s in series["small"]],
            "color": PALETTE[0],
        },
        "connectgaps": False,
        "hovertemplate": "%{x}: %{y:,.1f} (n = %{text})<extra></extra>",
    }
    yaxis: dict[str, object] = {"title": title(t(MEASURE_NAMES[measure], lang))}
    shown = [v for v in values if v is not None]
    if shown:
        pad = max((max(shown) - min(shown)) * 0.15, 1.0)
        yaxis["range"] = [min(shown) - pad, max(shown) + pad]
    xaxis = {"title": title(t("outcomes.course_month", lang)), "dtick": 1}
    plot([line], lang, xaxis=xaxis, yaxis=yaxis)
    numbers = {
        t("outcomes.course_month", lang): series["course_month"].tolist(),
        t(MEASURE_NAMES[measure], lang): [formatting.number(v, lang, decimals=1) for v in values],
        t("common.families", lang): formatting.counts(series["families"], lang),
    }
    chart_numbers(lambda: pd.DataFrame(numbers), lang, key=f"effekt_{measure}_numbers")
    st.caption(t("outcomes.course_note", lang))


def district_table(frame: pd.DataFrame, lang: str) -> Callable[[], pd.DataFrame]:
    """Per district: both outcome shares with their counts, small bases flagged.

    A share withheld for the role, and the numerator withheld with it, say
    "Vises ikke (< 5)" after their `–`, on screen and in the CSV: a bare `–`
    reads as "no data" where the count is there but hidden.
    """
    small = t("outcomes.small_cell", lang)
    withheld = t("figure.withheld", lang)

    def share_notes(share: str, base: str, flag: str) -> list[str]:
        return [
            small if f else (withheld if _withheld(v, b) else "")
            for v, b, f in zip(frame[share], frame[base], frame[flag], strict=True)
        ]

    def count_notes(numerator: str, base: str) -> list[str]:
        return [
            withheld if _withheld(n, b) else ""
            for n, b in zip(frame[numerator], frame[base], strict=True)
        ]

    table = tables.build(
        [
            Column(t("common.district", lang), frame["name"]),
            Column(
                figure("improved_share").label(lang),
                frame["improved_share"],
                Kind.SHARE,
                notes=share_notes("improved_share", "eligible", "improved_small"),
            ),
            Column(
                t("outcomes.improved_n", lang),
                frame["improved"],
                Kind.COUNT,
                notes=count_notes("improved", "eligible"),
            ),
            Column(t("outcomes.eligible_n", lang), frame["eligible"], Kind.COUNT),
            Column(
                figure("self_supporting_parents").label(lang),
                frame["supporting_share"],
                Kind.SHARE,
                notes=share_notes("supporting_share", "parents", "supporting_small"),
            ),
            Column(
                t("outcomes.supporting_n", lang),
                frame["supporting"],
                Kind.COUNT,
                notes=count_notes("supporting", "parents"),
            ),
            Column(t("outcomes.parents_n", lang), frame["parents"], Kind.COUNT),
        ],
        lang,
    )
    tables.show(table)
    return table.text


def _withheld(value: object, base: object) -> bool:
    """A cell left empty although its base has families: withheld for the role, not missing."""
    empty = value is None or (isinstance(value, float) and pd.isna(value))
    return empty and base not in (0, None) and not (isinstance(base, float) and pd.isna(base))
