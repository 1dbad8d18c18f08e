"""Visitation: where families are in intake, how long each step takes, how much room is left."""

from __future__ import annotations

from functools import partial
from typing import Final

import pandas as pd
import streamlit as st

from dashboard import formatting, tables
from dashboard.catalogue import measure
from dashboard.charts import (
    PALETTE,
    count_axis,
    district_colours,
    mark_hidden,
    month_ticks,
    stacked_counts,
    title,
    with_hidden,
)
from dashboard.i18n import N_, t
from dashboard.metrics import show_figure
from dashboard.shell import download_csv
from dashboard.tables import Column, Kind
from dashboard.views.common import chart_numbers, no_families, numeric, plot
from data_access.queries.figures import FigureValue
from data_access.rules.access import MIN_CELL
from data_access.rules.disclosure import WITHHELD
from data_access.rules.figures import FigureId

#: Funnel step (as `queries.intake.FUNNEL_STEPS` names it) -> message id of its label.
FUNNEL_LABELS: Final[dict[str, str]] = {
    "referred": N_("intake.funnel.referred"),
    "investigation": N_("intake.funnel.investigation"),
    "approved": N_("intake.funnel.approved"),
    "started": N_("common.started"),
}
#: Waiting step (as `queries.intake.WAIT_STEPS` names it) -> message id of its label.
WAIT_LABELS: Final[dict[str, str]] = {
    "referred": N_("intake.wait.referred"),
    "investigation": N_("intake.wait.investigation"),
    "approved": N_("intake.wait.approved"),
}


#: The figures `capacity` shows (the capacity left is active against target).
CAPACITY_FIGURES: Final[tuple[FigureId, ...]] = (
    FigureId.PIPELINE_FAMILIES,
    FigureId.MEDIAN_DAYS_TO_START,
    FigureId.TARGET_ACTIVE,
    FigureId.ACTIVE_FAMILIES,
)


def capacity(figures: dict[str, FigureValue], lang: str, *, district_chosen: bool) -> None:
    """Intake pipeline, time to start, the target and the room left under it.

    Two rows of two: in four columns the labels ("Dage fra henvisning til
    start (median)") and "Intet mål fastsat" were cut off on a laptop screen.
    """
    columns = [*st.columns(2), *st.columns(2)]
    for column, figure_id in zip(columns[:3], CAPACITY_FIGURES[:3], strict=True):
        with column:
            show_figure(figures[figure_id], lang)
    value, help_text = capacity_left(
        figures["active_families"], figures["target_active"], lang, district_chosen=district_chosen
    )
    columns[3].metric(measure("capacity_left").label(lang), value, help=help_text, border=True)


def capacity_left(
    active: FigureValue, target: FigureValue, lang: str, *, district_chosen: bool = False
) -> tuple[str, str]:
    """(value, help) of the card "Ledig kapacitet": the target minus the active families.

    The target is the programme's (kpis.md: programmes.target_active_families),
    so with a district chosen the card does not set it against that
    district's families (30 minus one district's 12 is no room anybody has):
    it says the figure is for the whole programme. When the active count
    reads `<5` the card must not read `–` (no data): it shows the range the
    capacity lies in (target minus 4 to the target: `<5` is 0 to 4), which
    says no more than `<5` does, and its help says why.
    """
    definition = measure("capacity_left").definition(lang)
    if target.value is None:
        return t("common.no_target", lang), definition
    if district_chosen:
        return t("intake.capacity_whole_only", lang), definition + "\n\n" + t(
            "intake.capacity_whole_only_help", lang
        )
    if active.display == formatting.SUPPRESSED:
        low = formatting.number(target.value - (MIN_CELL - 1), lang)
        high = formatting.number(target.value, lang)
        value = t("intake.capacity_range", lang, low=low, high=high)
        return value, definition + "\n\n" + t("intake.capacity_hidden", lang, low=low, high=high)
    if active.value is None:
        return formatting.MISSING, definition
    return formatting.number(target.value - active.value, lang), definition


def funnel(frame: pd.DataFrame, lang: str) -> None:
    st.subheader(t("intake.funnel", lang))
    # Every district has its rows at any date; before a first referral an exact
    # role's are all 0 (a suppressed role's read "<5" and are drawn as such).
    if frame.empty or frame["families"].astype(str).eq("0").all():
        no_families(lang)
        return
    # Stacked bars, not Plotly's funnel: a funnel step cannot be hatched, and
    # a hidden district's step must read "<5", never a missing segment.
    colours = district_colours(frame["district"].tolist())
    traces = [
        mark_hidden(
            {
                "type": "bar",
                "orientation": "h",
                "name": str(district),
                "y": [t(FUNNEL_LABELS[str(step)], lang) for step in rows["step"]],
                "x": numeric(rows["families"]),
                "text": formatting.counts(rows["families"], lang),
                "textposition": "inside",
                "insidetextanchor": "middle",
                "marker": {"color": colours[str(district)][0]},
            },
            list(rows["families"]),
            axis="x",
        )
        for district, rows in frame.groupby("district", sort=False)
    ]
    plot(
        with_hidden(traces, t("disclosure.hidden", lang)),
        lang,
        barmode="stack",
        # Whole families on the axis (a "<5" counts as the 4 it is drawn at).
        xaxis={
            "title": title(t("common.families", lang)),
            **count_axis(stacked_counts(frame["step"].tolist(), frame["families"].tolist()), lang),
        },
        yaxis={"autorange": "reversed"},
    )
    chart_numbers(partial(_funnel_csv, frame, lang), lang, key="visitation_funnel_numbers")
    download_csv(partial(_funnel_csv, frame, lang), "visitation_tragt", lang)


def _funnel_csv(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The funnel for a download: a row per district, a column per step, counts as shown."""
    table = frame.assign(step=[t(FUNNEL_LABELS[str(s)], lang) for s in frame["step"]])
    table = table.pivot(index="district", columns="step", values="families").reset_index()
    return table.rename(columns={"district": t("common.district", lang)})


def waits(frame: pd.DataFrame, lang: str) -> None:
    st.subheader(t("intake.waits", lang))
    if frame.empty or (frame["finished"].eq(0) & frame["waiting"].eq(0)).all():
        no_families(lang)
        return
    table = tables.build(
        [
            Column(t("intake.step", lang), [t(WAIT_LABELS[str(s)], lang) for s in frame["step"]]),
            # A median withheld over fewer than 5 families reads "– Vises ikke (< 5)",
            # not a bare "–" that would say there was nobody to take it over.
            Column(
                measure("wait_median").label(lang),
                frame["median_days"],
                Kind.NUMBER,
                1,
                notes=[
                    t("figure.withheld", lang) if v == WITHHELD else ""
                    for v in frame["median_days"]
                ],
            ),
            Column(t("intake.finished", lang), frame["finished"], Kind.COUNT),
            Column(t("intake.waiting", lang), frame["waiting"], Kind.COUNT),
            Column(measure("wait_slow").label(lang), frame["slow"], Kind.COUNT),
        ],
        lang,
    )
    tables.show(table)
    st.caption(
        measure("wait_median").definition(lang) + " " + measure("wait_slow").definition(lang)
    )
    download_csv(table.text, "visitation_ventetid", lang)


def referrals(frame: pd.DataFrame, lang: str) -> None:
    st.subheader(t("intake.referrals", lang))
    if frame.empty:
        no_families(lang)
        return
    bars = {
        "type": "bar",
        "x": frame["month_end"],
        "y": numeric(frame["referrals"]),
        "text": formatting.counts(frame["referrals"], lang),
        "name": t("intake.funnel.referred", lang),
        "marker": {"color": PALETTE[0]},
    }
    plot(
        with_hidden([mark_hidden(bars, list(frame["referrals"]))], t("disclosure.hidden", lang)),
        lang,
        height=320,
        xaxis=month_ticks(list(frame["month_end"]), lang, every=max(1, len(frame) // 12)),
        yaxis={
            "title": title(t("common.families", lang)),
            **count_axis(frame["referrals"].tolist(), lang),
        },
    )
    headers = {"month_end": t("common.month", lang), "referrals": t("intake.funnel.referred", lang)}
    chart_numbers(lambda: frame.rename(columns=headers), lang, key="visitation_referrals_numbers")
    download_csv(lambda: frame.rename(columns=headers), "henvisninger_pr_maaned", lang)
